package redisconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCodeBeatsSecrets: a password from code wins over the secret source,
// whether the secret is a password that rotates or an auth token; and the
// secret stands on the rung of what names it.
func TestCodeBeatsSecrets(t *testing.T) {
	t.Parallel()
	src := func() *mapSource {
		return &mapSource{m: map[string]string{"redis-password": "from-secret", "named": "named-secret"}}
	}
	tests := []struct {
		name     string
		give     func() *Builder
		vars     map[string]string
		wantPass string
		wantKind SourceKind
	}{
		{"code password over rotating secret", func() *Builder {
			return New().Secrets().Source(src()).Builder.Connection().Password("from-code").Builder
		}, nil, "from-code", SourceCode},
		{"code password over a named secret", func() *Builder {
			return New().Secrets().Source(src()).PasswordSecret("named").Builder.Connection().Password("from-code").Builder
		}, nil, "from-code", SourceCode},
		{"code password over an auth token", func() *Builder {
			m := &mapSource{m: map[string]string{"redis-auth-token": "token-secret"}}
			return New().Secrets().Source(m).AuthTokenSecret("redis-auth-token").Builder.Connection().Password("from-code").Builder
		}, map[string]string{EnvTLS: "true"}, "from-code", SourceCode},
		{"prefixed variable over the default secret", func() *Builder {
			return New().Service("auth").Secrets().Source(src()).Builder
		}, map[string]string{"AUTH_" + EnvPassword: "prefixed"}, "prefixed", SourceVariable},
		{"secret named by a prefixed variable over a generic variable", func() *Builder {
			return New().Service("auth").Secrets().Source(src()).Builder
		}, map[string]string{"AUTH_" + EnvPasswordSecret: "named", EnvPassword: "generic"}, "named-secret", SourceSecret},
		{"default secret over nothing", func() *Builder {
			return New().Secrets().Source(src()).Builder
		}, nil, "from-secret", SourceSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvHost: "h"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			cfg, err := tt.give().WithEnv(vars).Build(context.Background())
			require.NoError(t, err)
			_, pw, err := cfg.Credentials(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tt.wantPass, pw.Reveal())
			s, _ := cfg.Setting("password")
			assert.Equal(t, tt.wantKind, s.Source.Kind)
		})
	}
}

// TestSecretOnGenericRungConflicts: the default secret and REDIS_URL's
// password stand on one rung: different values are a conflict.
func TestSecretOnGenericRungConflicts(t *testing.T) {
	t.Parallel()
	src := &mapSource{m: map[string]string{"redis-password": "from-secret"}}
	_, err := New().WithEnv(prodVars(nil)).Secrets().Source(src).Build(context.Background())
	require.ErrorIs(t, err, ErrConflict)
	assert.NotContains(t, err.Error(), "from-secret")
	assert.NotContains(t, err.Error(), "s3cret")
}

// TestCASecretShowsInDebugView: a CA bundle from the default-named secret
// has its row, with its source.
func TestCASecretShowsInDebugView(t *testing.T) {
	t.Parallel()
	src := &mapSource{m: map[string]string{"redis-ca-cert": string(testpki.NewCA(t, "ca").CertPEM)}}
	cfg, err := New().WithEnv(map[string]string{EnvURL: "rediss://h:6380"}).Secrets().Source(src).Build(context.Background())
	require.NoError(t, err)
	s, ok := cfg.Setting("ca_cert_secret")
	require.True(t, ok)
	assert.Equal(t, "redis-ca-cert", s.Value)
	assert.True(t, s.Set)
	assert.NotNil(t, cfg.TLSConfig().RootCAs)
}

// TestEmptyCredentialsAreNotCredentials: an empty or blank password, from
// any source, never passes production's credentials rule.
func TestEmptyCredentialsAreNotCredentials(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	tests := []struct {
		name    string
		give    *Builder
		wantErr error
	}{
		{"code empty", New().Connection().Password("").Builder, ErrMissing},
		{"variable blank", New().WithEnv(map[string]string{EnvPassword: " "}), ErrInvalidValue},
		{"variable trailing newline", New().WithEnv(map[string]string{EnvPassword: "pw\n"}), ErrInvalidValue},
		{"variable tab", New().WithEnv(map[string]string{EnvPassword: "\tpw"}), ErrInvalidValue},
		{"file blank", New().WithEnv(map[string]string{EnvPasswordFile: file("blank", "  \n")}), ErrInvalidValue},
		{"file two newlines", New().WithEnv(map[string]string{EnvPasswordFile: file("nl", "pw\n\n")}), ErrInvalidValue},
		{"url blank", New().WithEnv(map[string]string{EnvURL: "rediss://u:%20@h:6380"}), ErrInvalidValue},
		{"code blank", New().Connection().Password("  ").Builder, ErrInvalidValue},
		{"sentinel code empty", New().Sentinel().Master("m").Nodes("s:26379").Password("").Builder, ErrMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := tt.give
			if b.vars == nil {
				b.WithEnv(map[string]string{})
			}
			b.vars[EnvEnvironment] = "production"
			if b.vars[EnvURL] == "" && b.code[idSentinelMaster].s == "" {
				b.vars[EnvURL] = "rediss://h.internal:6380"
			}
			_, err := b.Build(context.Background())
			require.ErrorIs(t, err, tt.wantErr)
			if tt.wantErr == ErrMissing {
				assert.Contains(t, err.Error(), "requires credentials")
			}
		})
	}
}

// TestConfigByValueIsRedacted: a Config printed by value, inside another
// struct (exported or not), or logged by value, shows no secret.
func TestConfigByValueIsRedacted(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://u:" + canary + "@h:6379", EnvSentinelPassword: canary}).
		Build(context.Background())
	require.Error(t, err) // sentinel password without sentinel: build a valid one instead
	cfg, err = New().WithEnv(map[string]string{EnvURL: "redis://u:" + canary + "@h:6379"}).Build(context.Background())
	require.NoError(t, err)
	type holder struct {
		Exported Config
		inner    Config
		ptr      *Config
	}
	h := holder{Exported: *cfg, inner: *cfg, ptr: cfg}
	var out bytes.Buffer
	for _, v := range []any{*cfg, h, &h, []Config{*cfg}, map[string]Config{"c": *cfg}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "cfg", *cfg, "h", h)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "cfg", *cfg)
	assert.NotContains(t, out.String(), canary)
	assert.Contains(t, cfg.Options().Password, canary, "the canary reached the options")
}

// TestCredentialSourcesConflict: two sources of credentials are a conflict,
// an error in production and a warning in development, where go-redis's own
// order picks the winner.
func TestCredentialSourcesConflict(t *testing.T) {
	t.Parallel()
	provider := func(context.Context) (string, string, error) { return "pu", "pp", nil }
	dev, err := New().WithEnv(map[string]string{EnvPassword: "pw"}).Connection().CredentialsProvider(provider).Build(context.Background())
	require.NoError(t, err, "development warns")
	assert.NotEmpty(t, dev.Warnings())
	user, pw, err := dev.Credentials(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "pu", user)
	assert.Equal(t, "pp", pw.Reveal())
	assert.Empty(t, dev.Options().Password)

	_, err = New().WithEnv(prodVars(nil)).Connection().CredentialsProvider(provider).Build(context.Background())
	require.ErrorIs(t, err, ErrConflict)

	_, err = New().WithEnv(prodVars(map[string]string{EnvURL: "rediss://h.internal:6380"})).
		Connection().CredentialsProvider(provider).Build(context.Background())
	require.NoError(t, err, "a provider alone is credentials")
}

// TestRulesSkipUnparsedValues: one bad value brings exactly its own error,
// not rules that contradict the input.
func TestRulesSkipUnparsedValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		vars        map[string]string
		wantSetting string
	}{
		{"unencoded slash in the password", map[string]string{EnvURL: "rediss://:abc/def+ghi=@cache.redis.cache.windows.net:6380"}, "url"},
		{"REDIS_TLS=yes", map[string]string{EnvURL: "redis://:pw@h.internal:6379", EnvTLS: "yes"}, "tls"},
		{"bad host", map[string]string{EnvHost: "bad host", EnvTLS: "true", EnvPassword: "pw"}, "host"},
		{"bad password file", map[string]string{EnvURL: "rediss://h.internal:6380", EnvPasswordFile: "/no/such/file"}, "password"},
		{"bad cluster node", map[string]string{EnvClusterNodes: "n1", EnvTLS: "true", EnvPassword: "pw"}, "cluster_nodes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.vars[EnvEnvironment] = "production"
			_, err := build(t, tt.vars)
			errs := Errors(err)
			require.Len(t, errs, 1, "%v", err)
			assert.Equal(t, tt.wantSetting, errs[0].Setting)
		})
	}
}

// TestURLFragmentRefused: a '#' never silently moves the host into the
// password.
func TestURLFragmentRefused(t *testing.T) {
	t.Parallel()
	for _, give := range []string{
		"rediss://default:ab#cd@cache.example:6379",
		"rediss://cache.example:6379/0#frag",
		"redis://u:p@h:6379?pool_size=3#x",
	} {
		_, err := build(t, map[string]string{EnvURL: give})
		require.ErrorIs(t, err, ErrInvalidValue, give)
		assert.Contains(t, err.Error(), "%23")
		assert.NotContains(t, err.Error(), "ab#cd")
		assert.NotContains(t, err.Error(), "cache.example")
	}
}

// TestBooleansAsGoParses: what strconv.ParseBool takes is taken; yes/on
// are refused with the word to write; URL booleans stay go-redis's.
func TestBooleansAsGoParses(t *testing.T) {
	t.Parallel()
	for _, give := range []string{"True", "TRUE", "t", "1", "true"} {
		cfg, err := build(t, map[string]string{EnvTLS: give})
		require.NoError(t, err, give)
		assert.NotNil(t, cfg.TLSConfig(), give)
	}
	for give, hint := range map[string]string{"yes": "write true", "on": "write true", "off": "write false", "2": ""} {
		_, err := build(t, map[string]string{EnvTLS: give})
		require.ErrorIs(t, err, ErrInvalidValue, give)
		assert.Contains(t, err.Error(), hint)
	}
	_, err := build(t, map[string]string{EnvURL: "redis://h?pool_fifo=True"})
	require.ErrorIs(t, err, ErrInvalidValue, "URL booleans follow go-redis's grammar")
}

// TestTyposAndForeignNames: a typo is an error in production (with its
// fix), a warning in development; a well-known foreign name gets the name
// to use; warnings travel with a failed Build.
func TestTyposAndForeignNames(t *testing.T) {
	t.Parallel()
	_, err := build(t, prodVars(map[string]string{"REDIS_PASWORD": "x"}))
	require.ErrorIs(t, err, ErrInvalidValue)
	assert.Contains(t, err.Error(), "did you mean REDIS_PASSWORD?")
	assert.NotContains(t, err.Error(), `"x"`)

	dev, err := build(t, map[string]string{"AUTH_REDIS_HOTS": "h"})
	require.NoError(t, err)
	_ = dev
	cfg, err := New().Service("auth").WithEnv(map[string]string{"AUTH_REDIS_HOTS": "h"}).Build(context.Background())
	require.NoError(t, err)
	assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), "did you mean AUTH_REDIS_HOST?")

	for name, want := range map[string]string{"REDIS_ADDR": EnvHost, "REDIS_URI": EnvURL, "REDIS_TLS_URL": EnvURL, "REDIS_PASS": EnvPassword, "REDIS_SERVER": EnvHost} {
		_, err := build(t, map[string]string{EnvEnvironment: "production", name: "redis.internal:6379"})
		var be *BuildError
		require.True(t, errors.As(err, &be), name)
		assert.Contains(t, strings.Join(be.Warnings, "\n"), name+" is not read by redisconfig; set "+want, name)
		assert.Contains(t, err.Error(), "warning: "+name)
	}

	// Many unrelated names: one warning, not a flood.
	vars := map[string]string{}
	for i := range 40 {
		vars[fmt.Sprintf("REDIS_SOMETHING_ELSE_ENTIRELY_%d", i)] = "x"
	}
	cfg, err = build(t, vars)
	require.NoError(t, err)
	require.Len(t, cfg.Warnings(), 1)
	assert.Contains(t, cfg.Warnings()[0], "40 REDIS_* variables")
}

// TestRelaxTakesOnlyRelaxableRules: Relax's error lists what the rules
// table says can be relaxed.
func TestRelaxTakesOnlyRelaxableRules(t *testing.T) {
	t.Parallel()
	_, err := New().Relax(RuleVerifyCertificates, "no").Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
	assert.Contains(t, err.Error(), "cannot be relaxed")
	for _, d := range rules {
		if d.relaxable {
			assert.Contains(t, err.Error(), d.rule.goName())
		}
	}
	cfg, err := New().WithEnv(prodVars(map[string]string{"REDIS_HOTS": "x"})).
		Relax(RuleNoUnknownVariables, "another library reads REDIS_HOTS").Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "no-unknown-variables", cfg.DebugInfo().Relaxed[0].Rule)
}

func TestSuggesterBound(t *testing.T) {
	t.Parallel()
	sg := newSuggester([]string{"REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD"})
	tests := []struct {
		give     string
		want     string
		wantDist int
	}{
		{"REDIS_HOST", "REDIS_HOST", 0},
		{"REDIS_HOTS", "REDIS_HOST", 2},
		{"REDIS_PASWORD", "REDIS_PASSWORD", 1},
		{"REDIS_PORTS", "REDIS_PORT", 1},
		{"REDIS_CACHE_SERVICE_HOST", "", -1},
		{"", "", -1},
	}
	for _, tt := range tests {
		got, d := sg.closest(tt.give)
		assert.Equal(t, tt.want, got, tt.give)
		assert.Equal(t, tt.wantDist, d, tt.give)
	}
	assert.Equal(t, 3, boundedDistance("kitten", "sitting", 5))
	assert.Equal(t, 3, boundedDistance("kitten", "sitting", 2), "limit+1 past the limit")
}

// TestEnvironmentFromAndAliases: code names the variable to read and maps
// platform names; unknown and empty values stay errors that name the
// variable.
func TestEnvironmentFromAndAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		vars    map[string]string
		from    []string
		aliases map[string]Environment
		want    Environment
		wantErr string
	}{
		{"APP_ENV", map[string]string{"APP_ENV": "test"}, []string{"APP_ENV"}, nil, Test, ""},
		{"first set wins", map[string]string{"APP_ENV": "staging", "GO_ENV": "test"}, []string{"GO_ENV", "APP_ENV"}, nil, Test, ""},
		{"ENVIRONMENT ignored when not named", map[string]string{"ENVIRONMENT": "production", "APP_ENV": "test"}, []string{"APP_ENV"}, nil, Test, ""},
		{"alias", map[string]string{"ENVIRONMENT": "PRD"}, nil, map[string]Environment{"prd": Production}, Production, ""},
		{"alias qa", map[string]string{"APP_ENV": "qa"}, []string{"APP_ENV"}, map[string]Environment{"qa": Staging, "uat": Staging}, Staging, ""},
		{"unknown stays an error", map[string]string{"ENVIRONMENT": "live"}, nil, map[string]Environment{"prd": Production}, 0, "ENVIRONMENT: unknown environment \"live\""},
		{"empty is an error naming the variable", map[string]string{"APP_ENV": ""}, []string{"APP_ENV"}, nil, 0, "APP_ENV: is set but empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvURL: "rediss://:pw@redis.internal:6380"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			b := New().WithEnv(vars)
			if tt.from != nil {
				b.EnvironmentFrom(tt.from...)
			}
			for n, e := range tt.aliases {
				b.EnvironmentAlias(n, e)
			}
			cfg, err := b.Build(context.Background())
			if tt.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidValue)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Environment())
		})
	}
	_, err := New().EnvironmentAlias("", Production).Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
	_, err = New().EnvironmentFrom("A B").Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
}

// TestErrorsCarryTypedSources: an error about one value says where it came
// from in typed form.
func TestErrorsCarryTypedSources(t *testing.T) {
	t.Parallel()
	_, err := New().WithEnv(map[string]string{"REDIS_POOL_SIZE": "-5"}).Pool().DialTimeout(-1).Build(context.Background())
	errs := Errors(err)
	require.Len(t, errs, 2)
	got := map[string]Source{}
	for _, e := range errs {
		got[e.Setting] = e.Origin
	}
	assert.Equal(t, Source{Kind: SourceVariable, Name: "REDIS_POOL_SIZE"}, got["pool_size"])
	assert.Equal(t, Source{Kind: SourceCode, Name: "Pool().DialTimeout"}, got["dial_timeout"])
}
