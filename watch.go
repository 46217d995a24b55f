package redisconfig

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// This file is development hot reload: Watch builds again when a file the
// configuration was read from changes (a .env file, a password, CA,
// certificate or key file), and LiveClient swaps the client it owns for one
// built from the new configuration.

// Change is what Watch reports after building again.
type Change struct {
	// Previous is the configuration in effect before; Config the new one,
	// or Previous again when Build failed or the change was held back.
	Previous, Config *Config
	// Differences lists every setting that changed, in Compare's shape:
	// secrets show only whether they changed, never a value.
	Differences []Difference
	// Err is Build's error; the previous configuration stays in effect.
	Err error
	// Held lists the changes not applied: in staging and production a
	// changed address, topology or TLS setting is reported, not applied
	// (restart to apply it), and Config is then Previous.
	Held []Difference
}

// Applied reports whether Config is a new configuration to use.
func (c Change) Applied() bool { return c.Err == nil && len(c.Held) == 0 && c.Config != c.Previous }

// watchEvery is how often Watch looks at the files.
const watchEvery = 500 * time.Millisecond

// Watch builds b, then, until ctx ends, looks at every file that build read
// (the .env files of DotEnv, REDIS_PASSWORD_FILE, REDIS_SENTINEL_PASSWORD_FILE,
// the TLS CA, certificate and key files) twice a second and builds again when one changed, calling
// onChange with the outcome. It returns Build's error if the first build
// fails, and ctx's error when ctx ends.
//
// Watch is for the development loop: edit .env, and the service follows.
// Password, CA and certificate files are also followed without Watch, for
// new connections (see File rotation in the README); Watch adds a new
// client for everything else, the sentinel password file included: go-redis
// takes that password as a plain string, so only a new client uses a
// rotated one. In staging and production a change of the
// address, the topology or a TLS setting is reported in Change.Held and not
// applied. Changes to the process environment cannot be seen.
//
// b must not be changed while Watch runs; onChange runs on Watch's
// goroutine.
func Watch(ctx context.Context, b *Builder, onChange func(Change)) error {
	return watch(ctx, b, watchEvery, nil, onChange)
}

// watch is Watch with its interval, and ready called once the first build
// has been taken and its files stamped (for tests).
func watch(ctx context.Context, b *Builder, every time.Duration, ready func(), onChange func(Change)) error {
	cur, err := b.Build(ctx)
	if err != nil {
		return err
	}
	files := b.watchedFiles(cur)
	stamps := stampFiles(files)
	if ready != nil {
		ready()
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		now := stampFiles(files)
		if slices.Equal(now, stamps) {
			continue
		}
		stamps = now
		next, err := b.Build(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ch := Change{Previous: cur, Config: cur, Err: err}
		if err == nil {
			ch.Differences = Diff(cur, next)
			if len(ch.Differences) == 0 {
				continue
			}
			ch.Held = heldBack(next, ch.Differences)
			if len(ch.Held) == 0 {
				ch.Config, cur = next, next
				files = b.watchedFiles(cur)
				stamps = stampFiles(files)
			}
		}
		onChange(ch)
	}
}

// watchedFiles lists the files a configuration was read from.
func (b *Builder) watchedFiles(c *Config) []string {
	files := slices.Clone(b.extra.dotenv)
	for id := range settings {
		if c.srcs[id].Kind == SourceFile && c.srcs[id].Path != "" {
			files = append(files, c.srcs[id].Path)
		}
	}
	for _, id := range []settingID{idTLSCAFile, idTLSCertFile, idTLSKeyFile} {
		if c.srcs[id].Kind != SourceUnset && c.vals[id].s != "" {
			files = append(files, c.vals[id].s)
		}
	}
	slices.Sort(files)
	return slices.Compact(files)
}

func stampFiles(files []string) []fileStamp {
	out := make([]fileStamp, len(files))
	for i, f := range files {
		out[i] = stamp(f)
	}
	return out
}

// structural are the settings a running service in staging or production
// does not switch on a file change: where it connects and how.
var structural = map[string]bool{
	"topology": true, "addr": true, "host": true, "port": true, "socket": true,
	"cluster_nodes": true, "sentinel_master": true, "sentinel_nodes": true,
	"tls": true, "tls_ca_file": true, "tls_cert_file": true, "tls_key_file": true,
	"tls_server_name": true, "tls_min_version": true, "tls_insecure_skip_verify": true,
}

// heldBack returns the differences that the new configuration's
// environment does not apply while running.
func heldBack(next *Config, diffs []Difference) []Difference {
	if next.env != Staging && next.env != Production {
		return nil
	}
	var held []Difference
	for _, d := range diffs {
		if structural[d.Setting] {
			held = append(held, d)
		}
	}
	return held
}

// Diff lists every setting on which two configurations differ, in value or
// in source, with the core parameters of Compare (topology, address,
// password) first. A secret shows only whether it is set and whether it
// changed, never its value.
func Diff(a, b *Config) []Difference {
	out := Compare(a, b)
	seen := map[string]bool{}
	for _, d := range out {
		seen[d.Setting] = true
	}
	ra, rb := a.DebugInfo().Settings, b.DebugInfo().Settings
	for i := range ra {
		x, y := ra[i], rb[i]
		if seen[x.Name] {
			continue
		}
		if x.Secret && x.Set && y.Set && x.Source == y.Source {
			// The view shows [redacted] twice: compare the values, by
			// hash (a sentinel password file that changed).
			if secretsDiffer(a, b, x.Name) {
				out = append(out, Difference{Setting: x.Name, A: redacted + " (differs)", B: redacted + " (differs)", SourceA: x.Source, SourceB: y.Source})
			}
			continue
		}
		if x.Value == y.Value && x.Source == y.Source {
			continue
		}
		out = append(out, Difference{Setting: x.Name, A: unsetIfEmpty(x), B: unsetIfEmpty(y), SourceA: x.Source, SourceB: y.Source})
	}
	return out
}

// secretsDiffer compares a secret setting of two configurations by hash,
// in constant time, as Compare compares passwords.
func secretsDiffer(a, b *Config, name string) bool {
	for id := range settings {
		if settings[id].name == name {
			ha := sha256.Sum256([]byte(a.vals[id].sec.Reveal()))
			hb := sha256.Sum256([]byte(b.vals[id].sec.Reveal()))
			return subtle.ConstantTimeCompare(ha[:], hb[:]) != 1
		}
	}
	return false
}

func unsetIfEmpty(s SettingInfo) string {
	if !s.Set {
		return "unset"
	}
	return s.Value
}

// LiveClient owns a go-redis client and replaces it with one built from a
// new configuration (Swap), closing the old client once the commands
// running on it through Do have finished. It is the other half of Watch:
//
//	live, err := redisconfig.NewLiveClient(ctx, cfg)
//	go redisconfig.Watch(ctx, builder, func(ch redisconfig.Change) {
//		if ch.Applied() {
//			_ = live.Swap(ctx, ch.Config)
//		}
//	})
//	err = live.Do(ctx, func(c redis.UniversalClient) error { return c.Set(ctx, "k", "v", 0).Err() })
type LiveClient struct {
	mu     sync.RWMutex
	cur    *generation
	closed bool
}

// generation is one client and the commands running on it.
type generation struct {
	client   redis.UniversalClient
	inflight sync.WaitGroup
}

// ErrClientClosed is returned by LiveClient methods after Close.
var ErrClientClosed = errors.New("redisconfig: the live client is closed")

// NewLiveClient connects (Config.Connect, with its start-up check) and
// owns the client.
func NewLiveClient(ctx context.Context, cfg *Config) (*LiveClient, error) {
	c, err := cfg.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &LiveClient{cur: &generation{client: c}}, nil
}

// Do runs fn with the current client. A Swap while fn runs waits for fn to
// return before closing the client fn was given.
func (l *LiveClient) Do(ctx context.Context, fn func(redis.UniversalClient) error) error {
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClientClosed
	}
	g := l.cur
	g.inflight.Add(1)
	l.mu.RUnlock()
	defer g.inflight.Done()
	return fn(g.client)
}

// Client returns the current client, for one short use: commands run on it
// outside Do are not waited for when the client is swapped.
func (l *LiveClient) Client() redis.UniversalClient {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cur.client
}

// Swap connects a client for cfg (with Connect's start-up check), makes it
// the current one, then waits for the commands running on the old client
// through Do and closes it. If the new client cannot connect, the old one
// stays and the error is returned.
func (l *LiveClient) Swap(ctx context.Context, cfg *Config) error {
	c, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		_ = c.Close()
		return ErrClientClosed
	}
	old := l.cur
	l.cur = &generation{client: c}
	l.mu.Unlock()
	old.inflight.Wait()
	return old.client.Close()
}

// Close waits for the commands running through Do and closes the client.
func (l *LiveClient) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	g := l.cur
	l.mu.Unlock()
	g.inflight.Wait()
	return g.client.Close()
}
