// Package rueidisconfig turns a *redisconfig.Config into rueidis client
// options, so that one set of REDIS_* variables (with its environment rules,
// provenance, secrets, rotation and diagnosis) configures a rueidis client as
// it configures a go-redis one.
//
// Every redisconfig setting has a row in one table (table.go): the rueidis
// field it becomes, or why it has none. A setting that was chosen (in code,
// a variable, a file, a URL or a secret) and that rueidis cannot carry out
// is an error that names the setting and its source; one the environment's
// profile chose is silently left out. The package never calls rueidis's
// ParseURL: redisconfig has already read REDIS_URL, strictly.
package rueidisconfig

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/redis/rueidis"
	"github.com/redisconfig/redisconfig"
)

// ErrUnsupported is matched (errors.Is) by the error Options, NewClient and
// Connect return for a chosen setting that rueidis cannot carry out. It
// also matches redisconfig.ErrInvalidConfig.
var ErrUnsupported = fmt.Errorf("%w: setting without a rueidis equivalent", redisconfig.ErrInvalidConfig)

// UnsupportedError is one chosen setting that rueidis cannot carry out.
// Options returns every one at once (errors.Join); get each with errors.As
// or redisconfig.Errors-style unwrapping.
type UnsupportedError struct {
	// Setting is the setting's stable name ("pool_fifo").
	Setting string
	// Source is where the value came from.
	Source redisconfig.Source
	// Reason says why rueidis cannot carry it out.
	Reason string
}

// Error returns "redisconfig: SOURCE: rueidis has no equivalent of SETTING:
// REASON; unset it for this client".
func (e *UnsupportedError) Error() string {
	return "redisconfig: " + e.Source.String() + ": rueidis has no equivalent of " + e.Setting + ": " + e.Reason +
		"; unset it for this client"
}

// Unwrap returns ErrUnsupported.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// Options returns rueidis options for cfg: a fresh value on every call,
// with its own tls.Config. It fails, naming each, when settings that were
// chosen have no rueidis equivalent.
//
// Credentials reach rueidis through AuthCredentialsFn, which asks
// cfg.Credentials for every new connection (and again on live connections
// when cfg.CredentialsRefresh says they change), so rotating secrets and
// providers work; the options hold no password in clear except the
// sentinels' own.
func Options(cfg *redisconfig.Config) (rueidis.ClientOption, error) {
	var o rueidis.ClientOption
	var errs []error
	settings := cfg.Settings()
	pos := positions(settings)
	byName := func(name string) redisconfig.Setting {
		if i, ok := pos[name]; ok {
			return settings[i]
		}
		return redisconfig.Setting{}
	}
	for i := range table {
		r := &table[i]
		s := byName(r.setting)
		if !s.Set {
			continue
		}
		var reason string
		switch r.kind {
		case kindNone:
			reason = r.note
		case kindField:
			reason = r.apply(&o, s)
		}
		if reason != "" && chosen(s.Source.Kind) {
			errs = append(errs, &UnsupportedError{Setting: s.Name, Source: s.Source, Reason: reason})
		}
	}
	whole(&o, cfg, byName)
	return o, errors.Join(errs...)
}

// positions maps each setting's name to its place in cfg.Settings(). The
// order is redisconfig's table of settings, the same for every Config, so
// the map is made once: a map per Options call was most of its cost.
func positions(settings []redisconfig.Setting) map[string]int {
	index.once.Do(func() {
		index.pos = make(map[string]int, len(settings))
		for i, s := range settings {
			index.pos[s.Name] = i
		}
	})
	return index.pos
}

var index struct {
	once sync.Once
	pos  map[string]int
}

// chosen reports whether a value was chosen for this client (code, a
// variable, a file, a URL, a secret) rather than by a layer of defaults:
// the environment's profile or the provider preset, which are written for
// go-redis and whose values rueidis may simply not need.
func chosen(k redisconfig.SourceKind) bool {
	return k != redisconfig.SourceDefault && k != redisconfig.SourcePreset
}

// whole sets what comes from several settings or from the Config as a
// whole: addresses and topology, TLS, credentials, the one connection
// timeout, retries and the client's identity.
func whole(o *rueidis.ClientOption, cfg *redisconfig.Config, byName func(string) redisconfig.Setting) {
	o.InitAddress = cfg.Addrs()
	switch cfg.Topology() {
	case redisconfig.TopologyStandalone:
		// Never probe a standalone server for cluster mode.
		o.ForceSingleClient = true
		if cfg.Network() == "unix" {
			o.DialCtxFn = dialUnix
		}
	case redisconfig.TopologySentinel:
		o.Sentinel.TLSConfig = cfg.TLSConfig()
		o.Sentinel.Dialer.Timeout = o.Dialer.Timeout
	}
	o.TLSConfig = cfg.TLSConfig()
	o.AuthCredentialsFn = authFn(cfg, sentinelMatcher(cfg))
	o.ConnWriteTimeout = connTimeout(byName("read_timeout"), byName("write_timeout"))
	retries(o, byName("max_retries"), byName("min_retry_backoff"), byName("max_retry_backoff"))
	identity(o, byName("disable_identity"), byName("identity_suffix"))
}

func dialUnix(ctx context.Context, path string, d *net.Dialer, _ *tls.Config) (net.Conn, error) {
	return d.DialContext(ctx, "unix", path)
}

// connTimeout maps read_timeout and write_timeout onto rueidis's one
// per-connection timeout, which bounds both writing a command and waiting
// for its reply (and the background PING): the longer of the two, so
// neither is cut short; disabled (-1) when either is disabled; rueidis's
// default when neither is set.
func connTimeout(read, write redisconfig.Setting) time.Duration {
	var d time.Duration
	for _, s := range []redisconfig.Setting{read, write} {
		if !s.Set {
			continue
		}
		v := s.Value.(time.Duration)
		if v < 0 {
			return -1
		}
		d = max(d, v)
	}
	return d
}

// retries maps max_retries and the back-off onto DisableRetry and
// RetryDelay. rueidis retries read-only commands after network errors;
// RetryDelay's negative answer stops it, which gives the count.
func retries(o *rueidis.ClientOption, maxRetries, minBackoff, maxBackoff redisconfig.Setting) {
	n := 0
	if maxRetries.Set {
		n = maxRetries.Value.(int)
	}
	if n < 0 {
		o.DisableRetry = true
		return
	}
	if n == 0 && !minBackoff.Set && !maxBackoff.Set {
		return // rueidis's own retries and back-off
	}
	low, high := defaultMinBackoff, defaultMaxBackoff
	if minBackoff.Set {
		low = max(minBackoff.Value.(time.Duration), 0)
	}
	if maxBackoff.Set {
		high = max(maxBackoff.Value.(time.Duration), 0)
	}
	delay := backoff(n, low, high)
	o.RetryDelay = func(attempts int, _ rueidis.Completed, _ error) time.Duration { return delay(attempts) }
}

// The back-off bounds when only some are given: rueidis's own curve starts
// in microseconds and stops at a second.
const (
	defaultMinBackoff = 2 * time.Microsecond
	defaultMaxBackoff = time.Second
)

// backoff returns the delay before retry number attempts (rueidis counts
// from 1): -1 once limit retries were made (limit 0: no limit), else an
// exponential delay from low, doubled each time, at most high, with the
// upper half jittered.
func backoff(limit int, low, high time.Duration) func(attempts int) time.Duration {
	return func(attempts int) time.Duration {
		if limit > 0 && attempts > limit {
			return -1
		}
		if low <= 0 || high <= 0 {
			return 0
		}
		d := low
		for i := 1; i < attempts && d < high; i++ {
			d *= 2
		}
		d = min(d, high)
		return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	}
}

// identity maps disable_identity and identity_suffix onto ClientSetInfo:
// no CLIENT SETINFO at all, or the library name with the suffix in
// brackets, as go-redis sends it ("rueidis(suffix)").
func identity(o *rueidis.ClientOption, disable, suffix redisconfig.Setting) {
	switch {
	case disable.Set && disable.Value.(bool):
		o.ClientSetInfo = rueidis.DisableClientSetInfo
	case suffix.Set:
		o.ClientSetInfo = []string{rueidis.LibName + "(" + suffix.Value.(string) + ")", rueidis.LibVer}
	}
}
