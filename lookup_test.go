package redisconfig

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapLookup is a lookup function over a map, as koanf's or viper's would be.
func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// settingRow returns one row of the debug view.
func settingRow(t *testing.T, cfg *Config, name string) SettingInfo {
	t.Helper()
	for _, s := range cfg.DebugInfo().Settings {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no setting %q", name)
	return SettingInfo{}
}

func TestLookupSources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		lookups  []map[string]string
		service  string
		wantAddr string
		wantSrc  map[string]string // setting -> source
		wantKind error             // a Build error of this kind
		wantWarn string            // a warning containing this
	}{
		{
			name:     "instead of the environment",
			lookups:  []map[string]string{{EnvURL: "redis://cache.internal:6380/2"}},
			wantAddr: "cache.internal:6380",
			wantSrc:  map[string]string{"host": "REDIS_URL (src1)", "db": "REDIS_URL (src1)"},
		},
		{
			name:     "on top of the environment: each gives other settings",
			env:      map[string]string{EnvHost: "cache.internal"},
			lookups:  []map[string]string{{EnvPort: "6390", EnvPoolSize: "7"}},
			wantAddr: "cache.internal:6390",
			wantSrc:  map[string]string{"host": "REDIS_HOST", "port": "REDIS_PORT (src1)", "pool_size": "REDIS_POOL_SIZE (src1)"},
		},
		{
			name:     "the same value in two sources is fine",
			env:      map[string]string{EnvHost: "cache.internal"},
			lookups:  []map[string]string{{EnvHost: "cache.internal"}},
			wantAddr: "cache.internal:6379",
			wantSrc:  map[string]string{"host": "REDIS_HOST"},
		},
		{
			name:     "different values: the environment wins in development, warned",
			env:      map[string]string{EnvHost: "a.internal"},
			lookups:  []map[string]string{{EnvHost: "b.internal"}},
			wantAddr: "a.internal:6379",
			wantSrc:  map[string]string{"host": "REDIS_HOST"},
			wantWarn: "REDIS_HOST and REDIS_HOST (src1) give different values for host",
		},
		{
			name:     "different values between two lookup sources: the first wins in development",
			lookups:  []map[string]string{{EnvHost: "a.internal"}, {EnvHost: "b.internal"}},
			wantAddr: "a.internal:6379",
			wantSrc:  map[string]string{"host": "REDIS_HOST (src1)"},
			wantWarn: "REDIS_HOST (src1) and REDIS_HOST (src2) give different values for host",
		},
		{
			name:     "different values are an error in production",
			env:      map[string]string{EnvEnvironment: "production", EnvURL: "rediss://app:pw@redis.internal:6380"},
			lookups:  []map[string]string{{EnvURL: "rediss://app:pw@other.internal:6380"}},
			wantKind: ErrConflict,
		},
		{
			name:     "a service-prefixed lookup beats a generic variable",
			service:  "auth",
			env:      map[string]string{EnvHost: "generic.internal"},
			lookups:  []map[string]string{{"AUTH_REDIS_HOST": "auth.internal"}},
			wantAddr: "auth.internal:6379",
			wantSrc:  map[string]string{"host": "AUTH_REDIS_HOST (src1)"},
		},
		{
			name:     "ENVIRONMENT from a lookup source",
			lookups:  []map[string]string{{EnvEnvironment: "production", EnvHost: "localhost"}},
			wantKind: ErrRule,
		},
		{
			name:     "a bad value names the source",
			lookups:  []map[string]string{{EnvPort: "http"}},
			wantKind: ErrInvalidValue,
			wantSrc:  map[string]string{"error": "REDIS_PORT (src1)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := New().WithEnv(tt.env).Service(tt.service)
			for i, m := range tt.lookups {
				b.Lookup("src"+string(rune('1'+i)), mapLookup(m))
			}
			cfg, err := b.Build(context.Background())
			if tt.wantKind != nil {
				require.ErrorIs(t, err, tt.wantKind)
				if src, ok := tt.wantSrc["error"]; ok {
					errs := errorsOf(t, err)
					require.NotEmpty(t, errs)
					assert.Equal(t, src, errs[0].Source)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantAddr, cfg.Options().Addr)
			for setting, src := range tt.wantSrc {
				assert.Equal(t, src, settingRow(t, cfg, setting).Source, setting)
			}
			if tt.wantWarn != "" {
				assert.Contains(t, cfg.Warnings(), tt.wantWarn+"; using "+tt.wantSrc["host"])
			}
		})
	}
}

func TestLookupAsksEveryForm(t *testing.T) {
	t.Parallel()
	asked := map[string]bool{}
	fn := func(k string) (string, bool) { asked[k] = true; return "", false }
	_, err := New().WithEnv(nil).Service("auth").Lookup("koanf", fn).Build(context.Background())
	require.NoError(t, err)
	for _, k := range []string{EnvEnvironment, EnvURL, EnvHost, EnvSSL, EnvPassword + "_FILE", "AUTH_REDIS_URL", "AUTH_REDIS_PASSWORD_FILE", "AUTH_REDIS_SSL"} {
		assert.True(t, asked[k], k)
	}
}

func TestLookupErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give func(b *Builder)
		want string
	}{
		{"no name", func(b *Builder) { b.Lookup(" ", mapLookup(nil)) }, "needs a name"},
		{"nil function", func(b *Builder) { b.Lookup("koanf", nil) }, "is nil"},
		{"panicking function", func(b *Builder) {
			b.Lookup("vault", func(string) (string, bool) { panic("boom") })
		}, "panicked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := New().WithEnv(nil)
			tt.give(b)
			_, err := b.Build(context.Background())
			require.ErrorIs(t, err, ErrInvalidValue)
			errs := errorsOf(t, err)
			require.Len(t, errs, 1, "one error per source, not one per name asked")
			assert.Contains(t, errs[0].Problem, tt.want)
		})
	}
}

func TestLookupSecretNeverInErrors(t *testing.T) {
	t.Parallel()
	const pw = "hunter2-lookup-secret"
	_, err := New().WithEnv(map[string]string{EnvEnvironment: "production", EnvURL: "rediss://u:" + pw + "@redis.internal:6380"}).
		Lookup("koanf", mapLookup(map[string]string{EnvPassword: pw + "x"})).Build(context.Background())
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrConflict))
	assert.NotContains(t, err.Error(), pw)
}
