package redisconfig

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// build builds from an isolated variable map.
func build(t *testing.T, vars map[string]string) (*Config, error) {
	t.Helper()
	return New().WithEnv(vars).Build(context.Background())
}

// prodVars is a valid production configuration to vary in tests.
func prodVars(extra map[string]string) map[string]string {
	m := map[string]string{
		EnvEnvironment: "production",
		EnvURL:         "rediss://app:s3cret@redis.internal:6380/1",
	}
	for k, v := range extra {
		if v == "<unset>" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// errorsOf takes the joined error apart.
func errorsOf(t *testing.T, err error) []*Error {
	t.Helper()
	require.Error(t, err)
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var e *Error
		if errors.As(err, &e) {
			out = append(out, e)
		}
	}
	walk(err)
	return out
}

func TestEnvironmentDetection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give    string
		want    Environment
		wantErr bool
	}{
		{"<unset>", Development, false},
		{"development", Development, false},
		{"dev", Development, false},
		{"LOCAL", Development, false},
		{"test", Test, false},
		{"Testing", Test, false},
		{"staging", Staging, false},
		{"stage", Staging, false},
		{"production", Production, false},
		{"PROD", Production, false},
		{"prodution", 0, true},
		{"", 0, true},
		{" production", 0, true},
		{"qa", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvURL: "rediss://:pw@redis.internal:6380"}
			if tt.give != "<unset>" {
				vars[EnvEnvironment] = tt.give
			}
			cfg, err := build(t, vars)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrInvalidValue)
				assert.Contains(t, err.Error(), EnvEnvironment)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Environment())
		})
	}
}

func TestExplicitEnvironmentOverridesDetection(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{EnvEnvironment: "nonsense"}).Environment(Test).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, Test, cfg.Environment())

	_, err = New().WithEnv(nil).Environment(Environment(9)).Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
	assert.Contains(t, err.Error(), "Environment")
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	vars := map[string]string{
		EnvURL:                 "redis://url-host:1111/1?pool_size=11",
		EnvPoolSize:            "11",
		"AUTH_" + EnvPort:      "2222",
		"AUTH_" + EnvDB:        "2",
		EnvReadTimeout:         "7s",
		"AUTH_" + EnvHost:      "auth-host",
		EnvMinIdleConns:        "1",
		"AUTH_" + EnvTLS:       "false",
		EnvClientName:          "generic",
		EnvDialTimeout:         "4",
		"AUTH_" + EnvTLSCAFile: "",
	}
	delete(vars, "AUTH_"+EnvTLSCAFile)
	b := New().WithEnv(vars).Environment(Test).Service("auth").Pool().Size(33)
	cfg, err := b.Build(context.Background())
	require.NoError(t, err)
	o := cfg.Options()
	assert.Equal(t, "auth-host:2222", o.Addr, "prefixed variables beat REDIS_URL's parts")
	assert.Equal(t, 2, o.DB)
	assert.Equal(t, 33, o.PoolSize, "code beats every variable")
	assert.Equal(t, 7*time.Second, o.ReadTimeout, "a generic variable beats the profile")
	assert.Equal(t, 4*time.Second, o.DialTimeout, "a bare integer is seconds")
	assert.Equal(t, 2*time.Second, o.PoolTimeout, "the test profile fills what nothing sets")
	assert.Equal(t, "generic", o.ClientName)

	info := cfg.DebugInfo()
	sources := map[string]string{}
	for _, s := range info.Settings {
		sources[s.Name] = s.Source
	}
	assert.Equal(t, "AUTH_REDIS_HOST", sources["host"])
	assert.Equal(t, "code Pool().Size", sources["pool_size"])
	assert.Equal(t, "REDIS_READ_TIMEOUT", sources["read_timeout"])
	assert.Equal(t, "test default", sources["pool_timeout"])
	assert.Equal(t, "go-redis default", sources["max_active_conns"])
}

func TestServicePrefixedURLHidesGenericURL(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{
		EnvURL:           "redis://:main-pw@main:6380/2?pool_size=50",
		"AUTH_" + EnvURL: "redis://auth:6381",
	}).Service("auth").Build(context.Background())
	require.NoError(t, err)
	o := cfg.Options()
	assert.Equal(t, "auth:6381", o.Addr)
	assert.Equal(t, 0, o.DB, "nothing of REDIS_URL leaks into AUTH_REDIS_URL")
	assert.Empty(t, o.Password)
	assert.Zero(t, o.PoolSize)
	assert.Equal(t, "auth", o.ClientName, "the service name is the default client name")
}

func TestConflicts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte("from-file\n"), 0o600))
	sameFile := filepath.Join(dir, "same")
	require.NoError(t, os.WriteFile(sameFile, []byte("s3cret\n"), 0o600))

	tests := []struct {
		name        string
		give        map[string]string
		wantSetting string // "" for no conflict
	}{
		{"url host and REDIS_HOST", map[string]string{EnvHost: "other.internal"}, "host"},
		{"url password and REDIS_PASSWORD", map[string]string{EnvPassword: "zz-other-zz"}, "password"},
		{"REDIS_PASSWORD and its file", map[string]string{EnvURL: "rediss://app@redis.internal:6380", EnvPassword: "s3cret", EnvPasswordFile: pwFile}, "password"},
		{"url password and file", map[string]string{EnvPasswordFile: pwFile}, "password"},
		{"url scheme and REDIS_TLS", map[string]string{EnvURL: "redis://:s3cret@redis.internal:6380", EnvTLS: "true"}, "tls"},
		{"REDIS_TLS and REDIS_SSL", map[string]string{EnvTLS: "true", EnvSSL: "false"}, "tls"},
		{"url db and REDIS_DB", map[string]string{EnvDB: "4"}, "db"},
		{"url parameter and variable", map[string]string{EnvURL: "rediss://:s3cret@redis.internal:6380?pool_size=5", EnvPoolSize: "6"}, "pool_size"},
		{"same host twice", map[string]string{EnvHost: "redis.internal"}, ""},
		{"same password twice", map[string]string{EnvPassword: "s3cret", EnvPasswordFile: sameFile}, ""},
		{"same tls twice in other words", map[string]string{EnvTLS: "1", EnvSSL: "true"}, ""},
		{"same db twice", map[string]string{EnvDB: "1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := prodVars(map[string]string{EnvURL: "rediss://:s3cret@redis.internal:6380/1"})
			for k, v := range tt.give {
				vars[k] = v
			}
			_, err := build(t, vars)
			if tt.wantSetting == "" {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrConflict)
				found := false
				for _, e := range errorsOf(t, err) {
					if errors.Is(e, ErrConflict) && e.Setting == tt.wantSetting {
						found = true
					}
				}
				assert.True(t, found, "want a conflict on %s in %v", tt.wantSetting, err)
				assert.NotContains(t, err.Error(), "s3cret")
				assert.NotContains(t, err.Error(), "from-file")
				assert.NotContains(t, err.Error(), "zz-other-zz")
			}

			// Development and test resolve the same conflict with a warning.
			for _, env := range []string{"development", "test"} {
				vars[EnvEnvironment] = env
				cfg, err := build(t, vars)
				require.NoError(t, err)
				if tt.wantSetting != "" {
					require.Len(t, cfg.Warnings(), 1)
					assert.Contains(t, cfg.Warnings()[0], tt.wantSetting)
					assert.NotContains(t, cfg.Warnings()[0], "s3cret")
				} else {
					assert.Empty(t, cfg.Warnings())
				}
			}
		})
	}
}

func TestConflictWinnerInDevelopment(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{EnvURL: "redis://url-host:6379", EnvHost: "var-host"})
	require.NoError(t, err)
	assert.Equal(t, "var-host:6379", cfg.Options().Addr, "the dedicated variable wins over the URL's part")
}

func TestRulesPerEnvironment(t *testing.T) {
	t.Parallel()
	type want struct{ dev, test, staging, prod error } // nil: builds
	tests := []struct {
		name string
		give map[string]string // on top of a valid production set
		want want
	}{
		{"valid", nil, want{}},
		{"no address", map[string]string{EnvURL: "<unset>", EnvPassword: "pw", EnvTLS: "true"}, want{nil, nil, ErrMissing, ErrMissing}},
		{"loopback address", map[string]string{EnvURL: "rediss://:pw@127.0.0.1:6380"}, want{nil, nil, ErrRule, ErrRule}},
		{"localhost", map[string]string{EnvURL: "rediss://:pw@localhost:6380"}, want{nil, nil, ErrRule, ErrRule}},
		{"ipv6 loopback", map[string]string{EnvURL: "rediss://:pw@[::1]:6380"}, want{nil, nil, ErrRule, ErrRule}},
		{"unix socket", map[string]string{EnvURL: "unix://:pw@/tmp/redis.sock", EnvTLS: "true"}, want{nil, nil, ErrRule, ErrRule}},
		{"no tls", map[string]string{EnvURL: "redis://:pw@redis.internal:6379"}, want{nil, nil, ErrRule, ErrRule}},
		{"skip verify", map[string]string{EnvTLSInsecureSkipVerify: "true"}, want{nil, nil, ErrRule, ErrRule}},
		{"skip verify in url", map[string]string{EnvURL: "rediss://:pw@redis.internal:6380?skip_verify=true"}, want{nil, nil, ErrRule, ErrRule}},
		{"no credentials", map[string]string{EnvURL: "rediss://redis.internal:6380"}, want{nil, nil, ErrMissing, ErrMissing}},
		{"user without password", map[string]string{EnvURL: "rediss://app@redis.internal:6380"}, want{nil, nil, ErrMissing, ErrMissing}},
	}
	envs := []string{"development", "test", "staging", "production"}
	for _, tt := range tests {
		for i, env := range envs {
			wantErr := []error{tt.want.dev, tt.want.test, tt.want.staging, tt.want.prod}[i]
			t.Run(tt.name+"/"+env, func(t *testing.T) {
				t.Parallel()
				vars := prodVars(tt.give)
				vars[EnvEnvironment] = env
				_, err := build(t, vars)
				if wantErr == nil {
					require.NoError(t, err)
					return
				}
				require.ErrorIs(t, err, wantErr)
				require.ErrorIs(t, err, ErrInvalidConfig)
			})
		}
	}
}

func TestProductionListsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	_, err := build(t, map[string]string{EnvEnvironment: "production", EnvPoolSize: "-5"})
	errs := errorsOf(t, err)
	settingsNamed := map[string]bool{}
	for _, e := range errs {
		settingsNamed[e.Setting] = true
	}
	assert.True(t, settingsNamed["host"], "no address: %v", err)
	assert.True(t, settingsNamed["tls"], "no TLS: %v", err)
	assert.True(t, settingsNamed["password"], "no credentials: %v", err)
	assert.True(t, settingsNamed["pool_size"], "bad pool size: %v", err)
	assert.Contains(t, err.Error(), "never falls back to localhost")
}

func TestRelaxOnlyFromCodeWithReason(t *testing.T) {
	t.Parallel()
	vars := prodVars(map[string]string{EnvURL: "redis://redis.internal:6379"})
	_, err := build(t, vars)
	require.ErrorIs(t, err, ErrRule)

	cfg, err := New().WithEnv(vars).
		Relax(RuleTLSRequired, "VPC-internal Memorystore without in-transit encryption").
		Relax(RuleCredentialsRequired, "IAM-restricted network, AUTH disabled").
		Build(context.Background())
	require.NoError(t, err)
	relaxed := cfg.DebugInfo().Relaxed
	require.Len(t, relaxed, 2)
	assert.Equal(t, "tls-required", relaxed[0].Rule)
	assert.Contains(t, relaxed[0].Reason, "VPC-internal")

	_, err = New().WithEnv(vars).Relax(RuleTLSRequired, " ").Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
	assert.Contains(t, err.Error(), "Relax")

	_, err = New().WithEnv(prodVars(map[string]string{EnvTLSInsecureSkipVerify: "true"})).
		Relax(RuleTLSRequired, "anything").Build(context.Background())
	require.ErrorIs(t, err, ErrRule, "skip-verify cannot be relaxed")
}

func TestBadValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		variable string
		give     string
	}{
		{EnvPoolSize, "ten"},
		{EnvPoolSize, "-1"},
		{EnvPoolSize, "3000000000"},
		{EnvPoolSize, "1.5"},
		{EnvPoolSize, ""},
		{EnvPoolSize, " 10"},
		{EnvMinIdleConns, "-1"},
		{EnvMaxIdleConns, "x"},
		{EnvMaxActiveConns, "-2"},
		{EnvMaxConcurrentDials, "-1"},
		{EnvMaxRetries, "-2"},
		{EnvMaxRetries, "many"},
		{EnvPort, "0"},
		{EnvPort, "65536"},
		{EnvPort, "http"},
		{EnvDB, "-1"},
		{EnvDB, "one"},
		{EnvProtocol, "1"},
		{EnvProtocol, "4"},
		{EnvTLS, "yes"},
		{EnvTLS, "yes"},
		{EnvSSL, "on"},
		{EnvPoolFIFO, "maybe"},
		{EnvDialTimeout, "0"},
		{EnvDialTimeout, "-5s"},
		{EnvDialTimeout, "5 seconds"},
		{EnvPoolTimeout, "-1"},
		{EnvReadTimeout, "fast"},
		{EnvWriteTimeout, "1x"},
		{EnvConnMaxIdleTime, "1d"},
		{EnvMinRetryBackoff, "ms"},
		{EnvTLSMinVersion, "1.1"},
		{EnvTLSMinVersion, "1.0"},
		{EnvTLSMinVersion, "2"},
		{EnvTLSInsecureSkipVerify, "nah"},
		{EnvHost, "redis://host"},
		{EnvHost, "host:6379"},
		{EnvHost, "bad host"},
		{EnvHost, ""},
		{EnvClientName, "has space"},
		{EnvClientName, "tab\there"},
		{EnvConnectTimeout, "0"},
		{EnvTLSCAFile, ""},
	}
	for _, tt := range tests {
		t.Run(tt.variable+"="+tt.give, func(t *testing.T) {
			t.Parallel()
			_, err := build(t, map[string]string{tt.variable: tt.give})
			require.ErrorIs(t, err, ErrInvalidValue)
			require.ErrorIs(t, err, ErrInvalidConfig)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tt.variable, e.Source)
			assert.True(t, strings.HasPrefix(err.Error(), "redisconfig: "+tt.variable+": "), err.Error())
		})
	}
}

func TestPoolCrossChecks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give        map[string]string
		wantSetting string
	}{
		{map[string]string{EnvPoolSize: "5", EnvMinIdleConns: "6"}, "min_idle_conns"},
		{map[string]string{EnvMinIdleConns: "100000"}, "min_idle_conns"},
		{map[string]string{EnvMinIdleConns: "4", EnvMaxIdleConns: "3"}, "min_idle_conns"},
		{map[string]string{EnvPoolSize: "20", EnvMaxActiveConns: "10"}, "pool_size"},
		{map[string]string{EnvPoolSize: "4", EnvMaxConcurrentDials: "8"}, "max_concurrent_dials"},
		{map[string]string{EnvMinRetryBackoff: "2s", EnvMaxRetryBackoff: "1s"}, "min_retry_backoff"},
		{map[string]string{EnvConnMaxLifetimeJitter: "1m"}, "conn_max_lifetime_jitter"},
		{map[string]string{EnvConnMaxLifetime: "1m", EnvConnMaxLifetimeJitter: "2m"}, "conn_max_lifetime_jitter"},
	}
	for _, tt := range tests {
		_, err := build(t, tt.give)
		require.ErrorIs(t, err, ErrConflict, "%v", tt.give)
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, tt.wantSetting, e.Setting)
	}

	cfg, err := build(t, map[string]string{EnvPoolSize: "8", EnvMinIdleConns: "2", EnvMaxIdleConns: "4",
		EnvMaxActiveConns: "16", EnvMaxConcurrentDials: "4", EnvConnMaxLifetime: "1h", EnvConnMaxLifetimeJitter: "5m",
		EnvReadTimeout: "0", EnvWriteTimeout: "-1", EnvMaxRetries: "-1", EnvConnMaxIdleTime: "0"})
	require.NoError(t, err)
	o := cfg.Options()
	assert.Equal(t, 8, o.PoolSize)
	assert.Equal(t, time.Duration(-1), o.ReadTimeout, "0 disables the read timeout, as in go-redis URLs")
	assert.Equal(t, time.Duration(-1), o.WriteTimeout)
	assert.Equal(t, -1, o.MaxRetries)
	assert.Equal(t, time.Duration(-1), o.ConnMaxIdleTime)
	assert.Equal(t, 5*time.Minute, o.ConnMaxLifetimeJitter)
}

func TestCodeValuesAreValidated(t *testing.T) {
	t.Parallel()
	_, err := New().WithEnv(nil).
		Pool().Size(-3).DialTimeout(0).
		Connection().Port(70000).ClientName("a b").Addr("nonsense").
		TLS().MinVersion(tls.VersionTLS10).
		Build(context.Background())
	errs := errorsOf(t, err)
	var sources []string
	for _, e := range errs {
		sources = append(sources, e.Source)
	}
	assert.Contains(t, sources, "code Pool().Size")
	assert.Contains(t, sources, "code Pool().DialTimeout")
	assert.Contains(t, sources, "code Connection().Port")
	assert.Contains(t, sources, "code Connection().ClientName")
	assert.Contains(t, sources, "code Connection().Addr")
	assert.Contains(t, sources, "code TLS().MinVersion")
}

func TestFluentChainFromCode(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(nil).Environment(Production).Service("backend").
		Connection().Addr("redis.internal:6380").DB(3).Username("backend").Password("pw").Protocol(2).
		Pool().Size(40).MinIdleConns(4).ReadTimeout(2*time.Second).RetryBackoff(5*time.Millisecond, 200*time.Millisecond).
		TLS().Enable(true).ServerName("redis.example.com").MinVersion(tls.VersionTLS13).
		Monitoring().ConnectTimeout(time.Second).
		Build(context.Background())
	require.NoError(t, err)
	o := cfg.Options()
	assert.Equal(t, "redis.internal:6380", o.Addr)
	assert.Equal(t, 3, o.DB)
	assert.Equal(t, "backend", o.Username)
	assert.Equal(t, "backend", o.ClientName)
	assert.Equal(t, 2, o.Protocol)
	assert.Equal(t, 40, o.PoolSize)
	assert.Equal(t, 4, o.MinIdleConns)
	assert.Equal(t, 2*time.Second, o.ReadTimeout)
	assert.Equal(t, 5*time.Millisecond, o.MinRetryBackoff)
	assert.Equal(t, 3*time.Second, o.WriteTimeout, "production default")
	require.NotNil(t, o.TLSConfig)
	assert.Equal(t, "redis.example.com", o.TLSConfig.ServerName)
	assert.Equal(t, uint16(tls.VersionTLS13), o.TLSConfig.MinVersion)
	assert.Equal(t, time.Second, cfg.ConnectTimeout())
}

func TestOptionsIsAFreshCopy(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{EnvURL: "rediss://h:6380"})
	require.NoError(t, err)
	a := cfg.Options()
	a.Addr = "changed:1"
	a.TLSConfig.ServerName = "changed"
	b := cfg.Options()
	assert.Equal(t, "h:6380", b.Addr)
	assert.Equal(t, "h", b.TLSConfig.ServerName)
	assert.NotSame(t, a.TLSConfig, b.TLSConfig)
}

func TestDevelopmentFallsBackToLocalhost(t *testing.T) {
	t.Parallel()
	for _, env := range []Environment{Development, Test} {
		cfg, err := New().WithEnv(nil).Environment(env).Build(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "localhost:6379", cfg.Options().Addr)
	}
}

func TestUnixSocket(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(nil).Connection().UnixSocket("/tmp/r.sock").DB(2).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "unix", cfg.Options().Network)
	assert.Equal(t, "/tmp/r.sock", cfg.Options().Addr)

	_, err = New().WithEnv(map[string]string{EnvHost: "h"}).Connection().UnixSocket("/tmp/r.sock").Build(context.Background())
	require.ErrorIs(t, err, ErrConflict)
}

func TestPasswordFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(good, []byte("from-file\r\n"), 0o600))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, []byte("\n"), 0o600))

	cfg, err := build(t, map[string]string{EnvPasswordFile: good})
	require.NoError(t, err)
	assert.Equal(t, "from-file", cfg.Options().Password)

	for _, give := range []string{filepath.Join(dir, "missing"), empty, dir, ""} {
		_, err := build(t, map[string]string{EnvPasswordFile: give})
		require.ErrorIs(t, err, ErrInvalidValue, give)
		assert.Contains(t, err.Error(), EnvPasswordFile)
	}
}

func TestCredentialsProvider(t *testing.T) {
	t.Parallel()
	provider := func(context.Context) (string, string, error) { return "u", "p", nil }
	cfg, err := New().WithEnv(prodVars(map[string]string{EnvURL: "rediss://redis.internal:6380"})).
		Connection().CredentialsProvider(provider).Build(context.Background())
	require.NoError(t, err, "a provider counts as credentials in production")
	assert.NotNil(t, cfg.Options().CredentialsProviderContext)

	_, err = New().WithEnv(prodVars(nil)).Connection().CredentialsProvider(provider).Build(context.Background())
	require.ErrorIs(t, err, ErrConflict, "a provider next to a password is a conflict")
}

func TestServiceName(t *testing.T) {
	t.Parallel()
	_, err := New().WithEnv(nil).Service("auth api").Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
	cfg, err := New().WithEnv(map[string]string{"AUTH_API_REDIS_PORT": "7000"}).Service("auth-api").Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "localhost:7000", cfg.Options().Addr)
}

func TestTLSDetailsNeedTLS(t *testing.T) {
	t.Parallel()
	_, err := build(t, map[string]string{EnvTLSServerName: "redis.example.com"})
	require.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.Error(), EnvTLSServerName)
	assert.Contains(t, err.Error(), EnvTLS+"=true")
}

func TestBuildHonoursCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New().WithEnv(nil).Build(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestProfilesParse(t *testing.T) {
	t.Parallel()
	for env, p := range profiles {
		for id, raw := range p.defaults {
			_, problem := settings[id].parse(raw)
			assert.Empty(t, problem, "%s default for %s", Environment(env), settings[id].name)
		}
	}
}

func TestUnknownVariablesAreWarned(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{
		"REDIS_POOL_SZE":          "5",
		"AUTH_REDIS_RAED_TIMEOUT": "1s",
		"REDIS_PORT_6379_TCP":     "tcp://172.17.0.2:6379", // a Docker link
		"REDIS_SECRETS_PROJECT":   "p",                     // gcpsecrets reads it
		"HOME":                    "/root",
	}).Service("auth").Build(context.Background())
	require.NoError(t, err, "unknown names are warnings, not errors")
	w := strings.Join(cfg.Warnings(), "\n")
	assert.Contains(t, w, "REDIS_POOL_SZE is not a redisconfig variable and is not read (did you mean REDIS_POOL_SIZE?)")
	assert.Contains(t, w, "AUTH_REDIS_RAED_TIMEOUT is not a redisconfig variable and is not read (did you mean AUTH_REDIS_READ_TIMEOUT?)")
	// Docker and Kubernetes service links share a form: set aside and
	// noted, not warned (issue 14, kubernetes.go).
	assert.NotContains(t, w, "REDIS_PORT_6379_TCP")
	assert.Contains(t, strings.Join(cfg.DebugInfo().Notes, "\n"), "REDIS_PORT_6379_TCP")
	assert.NotContains(t, w, "REDIS_SECRETS_PROJECT")
	assert.NotContains(t, w, "HOME")
	assert.Equal(t, 0, cfg.Options().PoolSize)
}

func TestProcessEnvironment(t *testing.T) {
	t.Setenv("REDIS_URL", "redis://process-env:6390/4")
	t.Setenv("SVC_REDIS_POOL_SIZE", "9")
	cfg, err := New().Service("svc").Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "process-env:6390", cfg.Options().Addr)
	assert.Equal(t, 4, cfg.Options().DB)
	assert.Equal(t, 9, cfg.Options().PoolSize)
}

func TestRelaxUnknownRule(t *testing.T) {
	t.Parallel()
	_, err := New().WithEnv(nil).Relax(Rule(99), "because").Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
	assert.Contains(t, err.Error(), "unknown rule 99")
}
