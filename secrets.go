package redisconfig

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Secret is a secret value. Every way of printing it (String, GoString, any
// fmt verb, JSON, slog) says "[redacted]"; Reveal returns the value. The
// value lives behind a pointer, so that even printing a struct that holds a
// Secret in an unexported field (where fmt cannot call its methods) shows
// an address, never the text.
type Secret struct {
	p *string
}

// NewSecret wraps a value.
func NewSecret(value string) Secret {
	if value == "" {
		return Secret{}
	}
	return Secret{p: &value}
}

// Reveal returns the secret's value, for the one place that needs it.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.p == nil || *s.p == "" }

// Equal reports whether two secrets hold the same value, in time that does
// not depend on where they differ.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns "[redacted]".
func (s Secret) GoString() string { return redacted }

// Format prints "[redacted]" for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON encodes "[redacted]".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// LogValue logs "[redacted]".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// ErrSecretNotFound is what a SecretSource returns (wrapped or not) for a
// secret it does not have. Other errors mean the source could not answer.
var ErrSecretNotFound = errors.New("redisconfig: secret not found")

// SecretSource fetches named secrets: Google Cloud Secret Manager
// (package gcpsecrets), a directory of mounted files (DirSecrets), variables
// (VariableSecrets), or a function (SecretSourceFunc). Fetch must be safe for
// concurrent use, honour ctx, and never put a secret's value in an error.
type SecretSource interface {
	Fetch(ctx context.Context, name string) (Secret, error)
}

// SecretSourceFunc makes a function a SecretSource.
type SecretSourceFunc func(ctx context.Context, name string) (Secret, error)

// Fetch calls f.
func (f SecretSourceFunc) Fetch(ctx context.Context, name string) (Secret, error) {
	return f(ctx, name)
}

// DirSecrets reads secrets from files in dir, one file a secret named as
// the secret ("redis-password"), as Kubernetes mounts them. One trailing
// newline is dropped.
// A rotating password or token read from it is read again as soon as its
// file changes (a stat per new connection sees Kubernetes's ..data swap),
// not only every REDIS_SECRETS_REFRESH.
func DirSecrets(dir string) SecretSource {
	return &dirSecrets{dir: dir, stamps: map[string]fileStamp{}, SecretSourceFunc: func(ctx context.Context, name string) (Secret, error) { // reload.go
		if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
			return Secret{}, fmt.Errorf("redisconfig: secret name %s is not a file name", quote(name))
		}
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return Secret{}, fmt.Errorf("%w: no file %s", ErrSecretNotFound, quote(path))
		}
		text, problem := readSecretFile(ctx, path, fileKindSecretDir)
		if problem != "" {
			return Secret{}, errors.New("redisconfig: secret " + quote(name) + ": " + problem)
		}
		return NewSecret(text), nil
	}}
}

// VariableSecrets reads secrets from variables through lookup (os.LookupEnv
// for the process): "redis-password" is read from REDIS_PASSWORD.
func VariableSecrets(lookup func(string) (string, bool)) SecretSource {
	return SecretSourceFunc(func(_ context.Context, name string) (Secret, error) {
		v := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_", "/", "_").Replace(name))
		value, ok := lookup(v)
		if !ok {
			return Secret{}, fmt.Errorf("%w: variable %s is not set", ErrSecretNotFound, v)
		}
		return NewSecret(value), nil
	})
}

// SecretsBuilder chooses the secret source, which secrets to read from it
// and how often to read them again. It embeds the root Builder.
type SecretsBuilder struct {
	*Builder
}

// Secrets returns the sub-builder for secrets.
func (b *Builder) Secrets() *SecretsBuilder { return &SecretsBuilder{b} }

// Source sets where secrets come from. With a source, the password is read
// from the secret named by REDIS_PASSWORD_SECRET (default
// "redis-password"), the auth token from REDIS_AUTH_TOKEN_SECRET (default
// "redis-auth-token") and the CA bundle from REDIS_CA_CERT_SECRET (default
// "redis-ca-cert"); a secret under a default name may be missing.
func (s *SecretsBuilder) Source(src SecretSource) *SecretsBuilder {
	s.secretSource = src
	return s
}

// PasswordSecret names the secret holding the password
// (REDIS_PASSWORD_SECRET).
func (s *SecretsBuilder) PasswordSecret(name string) *SecretsBuilder {
	s.setCode(idPasswordSecret, value{s: name})
	return s
}

// AuthTokenSecret names the secret holding a rotating auth token
// (REDIS_AUTH_TOKEN_SECRET), sent as the password and only over TLS
// outside development.
func (s *SecretsBuilder) AuthTokenSecret(name string) *SecretsBuilder {
	s.setCode(idAuthTokenSecret, value{s: name})
	return s
}

// CACertSecret names the secret holding the PEM CA bundle
// (REDIS_CA_CERT_SECRET). The bundle is read again every
// REDIS_SECRETS_REFRESH for the verification of new TLS connections.
func (s *SecretsBuilder) CACertSecret(name string) *SecretsBuilder {
	s.setCode(idCACertSecret, value{s: name})
	return s
}

// Password names the secret holding the password.
//
// Deprecated: use PasswordSecret; in one chain Secrets().Password(name)
// reads too much like Connection().Password(value).
func (s *SecretsBuilder) Password(name string) *SecretsBuilder { return s.PasswordSecret(name) }

// AuthToken names the secret holding an auth token.
//
// Deprecated: use AuthTokenSecret.
func (s *SecretsBuilder) AuthToken(name string) *SecretsBuilder { return s.AuthTokenSecret(name) }

// CACert names the secret holding the CA bundle.
//
// Deprecated: use CACertSecret.
func (s *SecretsBuilder) CACert(name string) *SecretsBuilder { return s.CACertSecret(name) }

// Timeout bounds the fetching of all secrets at Build (they are fetched
// concurrently) and each refresh. Default: the profile's.
func (s *SecretsBuilder) Timeout(d time.Duration) *SecretsBuilder {
	s.setCode(idSecretsTimeout, durationValue(d))
	return s
}

// Refresh sets how often a password, token or CA bundle from the source
// is read again for new connections; zero or negative reads it once, at
// Build. Default: 5 minutes.
func (s *SecretsBuilder) Refresh(d time.Duration) *SecretsBuilder {
	s.setCode(idSecretsRefresh, durationValue(d))
	return s
}

// OnRefreshError is called when reading a rotated secret again fails; the
// last good value stays in use. Default: a warning through slog.
func (s *SecretsBuilder) OnRefreshError(fn func(secret string, err error)) *SecretsBuilder {
	s.onRefreshError = fn
	return s
}

// The secrets a source can supply, their settings and default names.
// secretNames are the settings that name a secret, in the table's order.
var secretNames = []settingID{idPasswordSecret, idAuthTokenSecret, idCACertSecret}

// fetchedSecret is the outcome of fetching one secret at Build.
type fetchedSecret struct {
	name     string
	explicit bool // named by code or a variable, not by default
	value    Secret
	err      error
}

// fetchSecrets reads every secret concurrently within the timeout and
// applies the environment's rules to failures: an error in staging and
// production, a warning and the variables in development and test.
func (b *Builder) fetchSecrets(ctx context.Context, r *resolution) map[settingID]*fetchedSecret {
	if b.secretSource == nil {
		for _, id := range secretNames {
			if r.has(id) && r.srcs[id].Kind != SourceDefault {
				r.fail(ErrMissing, settings[id].name, r.srcs[id].String(),
					"names a secret, but no secret source is configured; call Secrets().Source")
			}
		}
		return nil
	}
	timeout := r.vals[idSecretsTimeout].duration()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	out := make(map[settingID]*fetchedSecret, len(secretNames))
	var wg sync.WaitGroup
	for _, id := range secretNames {
		f := &fetchedSecret{name: settings[id].secret}
		if r.has(id) {
			f.name, f.explicit = r.vals[id].s, true
		}
		out[id] = f
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.value, f.err = fetchBounded(ctx, b.secretSource, f.name)
		}()
	}
	wg.Wait()

	for _, id := range secretNames {
		f := out[id]
		switch {
		case f.err == nil && f.value.IsZero():
			f.err = errors.New("is empty")
		case f.err == nil:
			continue
		}
		notFound := errors.Is(f.err, ErrSecretNotFound)
		if notFound && !f.explicit {
			delete(out, id) // a default name may be missing
			continue
		}
		delete(out, id)
		problem := secretProblem(f.err, timeout)
		if r.outcome(RuleSecretsReachable) == fail {
			r.fail(ErrMissing, settings[id].name, "secret "+quote(f.name), "%s; %s never falls back to variables", problem, r.env)
			continue
		}
		r.warn("secret %s: %s; falling back to the variables", quote(f.name), problem)
	}
	return out
}

// fetchBounded calls the source and gives up when ctx ends, even if the
// source does not honour ctx.
func fetchBounded(ctx context.Context, src SecretSource, name string) (Secret, error) {
	type result struct {
		s   Secret
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: errors.New("the secret source panicked")}
			}
		}()
		s, err := src.Fetch(ctx, name)
		done <- result{s, err}
	}()
	select {
	case res := <-done:
		return res.s, res.err
	case <-ctx.Done():
		return Secret{}, ctx.Err()
	}
}

// secretProblem phrases a fetch failure. A source's error text is trusted
// not to hold the value (SecretSource's contract), and names the secret.
func secretProblem(err error, timeout time.Duration) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("not read within %s (%s)", formatDuration(timeout), EnvSecretsTimeout)
	case errors.Is(err, ErrSecretNotFound):
		return "does not exist in the secret source"
	}
	return "cannot be read: " + err.Error()
}

// applySecrets places fetched secrets on the precedence chain. A secret
// stands on the rung of what named it: a name given in code is code, one
// given by a service-prefixed variable is that rung, one given by a generic
// variable, or the default name, is the generic rung. So code and the
// service's own variables override a secret the generic rung names, and a
// secret and a variable on one rung with different values are a conflict.
func (r *resolution) applySecrets(fetched map[settingID]*fetchedSecret) {
	pw, token := fetched[idPasswordSecret], fetched[idAuthTokenSecret]
	switch {
	case pw != nil && token != nil:
		r.fail(ErrConflict, "password", "secret "+quote(pw.name)+" and secret "+quote(token.name),
			"give two credentials; keep the password or the auth token")
	case token != nil:
		if r.placeSecret(idPassword, idAuthTokenSecret, token) {
			r.tokenAuth, r.rotating = true, token
		}
	case pw != nil:
		if r.placeSecret(idPassword, idPasswordSecret, pw) {
			r.rotating = pw
		}
	}
	if ca := fetched[idCACertSecret]; ca != nil {
		r.applyCASecret(ca)
	}
}

// secretRung is the rung a secret stands on: that of its name.
func (r *resolution) secretRung(nameID settingID) uint8 {
	if r.has(nameID) && r.srcs[nameID].Kind != SourceDefault {
		return r.rung[nameID]
	}
	return rungGeneric
}

// placeSecret puts a fetched secret into target where its rung wins, and
// reports whether it did.
func (r *resolution) placeSecret(target, nameID settingID, f *fetchedSecret) bool {
	rung := r.secretRung(nameID)
	src := Source{Kind: SourceSecret, Name: "secret " + f.name}
	// A value given in code is deliberate and beats every secret, even
	// one code names; below code a secret stands on its name's rung.
	if r.has(target) && (r.srcs[target].Kind == SourceCode || r.rung[target] < rung) {
		r.warn("secret %s is not used: %s overrides it", quote(f.name), r.srcs[target])
		return false
	}
	if r.has(target) && r.rung[target] == rung && r.srcs[target].Kind != SourceDefault &&
		r.vals[target].sec.Reveal() != f.value.Reveal() {
		r.conflict(settings[target].name, src, r.srcs[target], "give different values for "+settings[target].name)
		if r.strict() {
			return false
		}
	}
	r.vals[target], r.srcs[target], r.rung[target] = value{sec: f.value}, src, rung
	r.showSecretName(nameID, f)
	return true
}

// showSecretName makes the debug view say which secret was read, the
// default names included.
func (r *resolution) showSecretName(nameID settingID, f *fetchedSecret) {
	if !r.has(nameID) || r.srcs[nameID].Kind == SourceDefault {
		r.vals[nameID] = value{s: f.name}
		r.srcs[nameID] = Source{Kind: SourceDefault, Name: "Secrets().Source default name"}
	}
}

// applyCASecret trusts the CA bundle a secret holds, where TLS is on.
func (r *resolution) applyCASecret(ca *fetchedSecret) {
	src := "secret " + quote(ca.name)
	switch {
	case !r.vals[idTLS].bool() && !ca.explicit:
		r.warn("%s holds a CA bundle but TLS is off; it is not used", src)
		return
	case !r.vals[idTLS].bool():
		r.fail(ErrConflict, "ca_cert_secret", r.srcs[idCACertSecret].String(),
			"names a CA bundle but TLS is off; set %s=true (or use a rediss:// URL), or remove it", EnvTLS)
		return
	}
	if r.has(idTLSCAFile) {
		if r.rung[idTLSCAFile] < r.secretRung(idCACertSecret) {
			r.warn("%s is not used: %s overrides it", src, r.srcs[idTLSCAFile])
			return
		}
		r.conflict("tls_ca_file", Source{Kind: SourceSecret, Name: src}, r.srcs[idTLSCAFile], "give two CA bundles")
		if r.strict() {
			return
		}
	}
	r.caPEM, r.caSource, r.caSecret = []byte(ca.value.Reveal()), src, ca.name
	r.showSecretName(idCACertSecret, ca)
}

// rotator hands go-redis the current password for every new connection,
// reading it again from the source at most once per interval (one caller
// fetches while the others keep the cached value), and keeps the last good
// value when the source fails.
type rotator struct {
	src      SecretSource
	name     string
	username string
	every    time.Duration
	timeout  time.Duration
	onError  func(string, error)

	mu        sync.Mutex
	value     string
	fetchedAt time.Time
	fetching  bool
}

func (rt *rotator) credentials(ctx context.Context) (string, string, error) {
	return rt.username, rt.current(ctx), nil
}

// current returns the secret's value, read again from the source when the
// interval has passed (or the source says it changed). The CA bundle from
// a secret is read through it too (reload.go).
func (rt *rotator) current(ctx context.Context) string {
	rt.mu.Lock()
	if rt.fetching || time.Since(rt.fetchedAt) < rt.every && !rt.sourceChanged() {
		v := rt.value
		rt.mu.Unlock()
		return v
	}
	rt.fetching = true
	rt.mu.Unlock()

	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rt.timeout)
	s, err := fetchBounded(fctx, rt.src, rt.name)
	cancel()
	if err == nil && s.IsZero() {
		err = errors.New("is empty")
	}

	rt.mu.Lock()
	rt.fetching = false
	rt.fetchedAt = time.Now() // a failure also waits an interval before the next try
	if err == nil {
		rt.value = s.Reveal()
	}
	v := rt.value
	rt.mu.Unlock()

	if err != nil {
		if rt.onError != nil {
			rt.onError(rt.name, err)
		} else {
			slog.Warn("redisconfig: refreshing a secret failed; keeping the last good value", "secret", rt.name, "error", err)
		}
	}
	return v
}
