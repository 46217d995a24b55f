package redisconfig

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// fuzzCanary sits in the middle of every fuzzed secret: an error that
// shows the secret, or the part of it a malformed input moves elsewhere,
// shows the canary. (Checking for the fuzzed text itself flags words our
// own messages use, such as "password".)
const fuzzCanary = "Qz7Kanary"

// checkBuildError: every error Build returns matches ErrInvalidConfig, and
// none holds the canary.
func checkBuildError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("error does not match ErrInvalidConfig: %v", err)
	}
	if strings.Contains(err.Error(), fuzzCanary) {
		t.Fatalf("error holds the secret: %v", err)
	}
}

// FuzzURL builds REDIS_URL from fuzzed parts: no panic, every error is an
// ErrInvalidConfig without the password, and where go-redis and
// redisconfig both accept the URL they agree on the address, database,
// credentials and TLS.
func FuzzURL(f *testing.F) {
	f.Add("redis", "user", "pass-", "word", "localhost:6379", "/0", "pool_size=5")
	f.Add("rediss", "", "s3cret/", "x", "[::1]:6380", "/1", "skip_verify=true&dial_timeout=1")
	f.Add("unix", "u", "p%zz", "", "", "/tmp/redis.sock", "db=2")
	f.Add("redis", "", "p@", "ss", "h", "//", "idle_timeout=1m&conn_max_idle_time=2m")
	f.Add("http", "a", "b", "", "h:1", "", "")
	f.Fuzz(func(t *testing.T, scheme, user, passA, passB, host, path, query string) {
		pass := passA + fuzzCanary + passB
		raw := scheme + "://" + user + ":" + pass + "@" + host + path
		if query != "" {
			raw += "?" + query
		}
		cfg, err := New().WithEnv(map[string]string{EnvURL: raw}).Environment(Development).Build(context.Background())
		checkBuildError(t, err)
		if err != nil || cfg.Topology() != TopologyStandalone {
			return
		}
		want, gerr := redis.ParseURL(raw)
		if gerr != nil {
			return
		}
		got := cfg.Options()
		if want.Addr != got.Addr || want.DB != got.DB || want.Username != got.Username ||
			want.Password != got.Password || (want.TLSConfig == nil) != (got.TLSConfig == nil) {
			t.Fatalf("%q: go-redis gives %s db %d user %q tls %t, redisconfig %s db %d user %q tls %t", raw,
				want.Addr, want.DB, want.Username, want.TLSConfig != nil, got.Addr, got.DB, got.Username, got.TLSConfig != nil)
		}
	})
}

// FuzzVariable sets one variable to a fuzzed value in each environment.
func FuzzVariable(f *testing.F) {
	for i := range settings {
		if settings[i].env != "" {
			f.Add(uint8(i), "1")
		}
	}
	f.Add(uint8(idPoolSize), "-1")
	f.Add(uint8(idReadTimeout), "1e9h")
	f.Add(uint8(idClusterNodes), "a:1,,b")
	f.Add(uint8(idPassword), "hunter2-secret")
	f.Fuzz(func(t *testing.T, which uint8, val string) {
		def := &settings[int(which)%len(settings)]
		if def.env == "" {
			return
		}
		if def.kind == kindSecret {
			val = val[:len(val)/2] + fuzzCanary + val[len(val)/2:]
		}
		for env := Development; env <= Production; env++ {
			_, err := New().WithEnv(map[string]string{def.env: val}).Environment(env).Build(context.Background())
			if def.kind != kindSecret && err != nil && strings.Contains(val, fuzzCanary) {
				continue // a non-secret may quote itself, canary and all
			}
			checkBuildError(t, err)
		}
	})
}

// FuzzBuild builds from an arbitrary variable map ("K=V" lines), under the
// environment it names or each one.
func FuzzBuild(f *testing.F) {
	f.Add("ENVIRONMENT=production\nREDIS_URL=rediss://:pw-secret@redis:6380\nREDIS_POOL_SIZE=10")
	f.Add("REDIS_CLUSTER_NODES=a:1,b:2\nREDIS_SENTINEL_MASTER=m\nREDIS_DB=3")
	f.Add("REDIS_PASSWORD=pw-secret\nREDIS_PASSWORD_FILE=/nonexistent\nREDIS_TLS=yes")
	f.Add("AUTH_REDIS_URL=unix:///tmp/x.sock\nREDIS_HOST=h\nREDIS_SSL=1")
	f.Fuzz(func(t *testing.T, text string) {
		vars := map[string]string{}
		for _, line := range strings.Split(text, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok {
				vars[k] = v
			}
		}
		// The secrets carry the canary; no other value may (a non-secret
		// may be quoted in its own error).
		for k, v := range vars {
			if strings.Contains(v, fuzzCanary) {
				delete(vars, k)
			}
		}
		for _, k := range []string{EnvPassword, "AUTH_" + EnvPassword, EnvSentinelPassword} {
			if v, ok := vars[k]; ok {
				vars[k] = v + fuzzCanary
			}
		}
		_, err := New().WithEnv(vars).Service("auth").Build(context.Background())
		checkBuildError(t, err)
	})
}
