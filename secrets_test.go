package redisconfig

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapSource is a SecretSource over a map, counting calls.
type mapSource struct {
	mu    sync.Mutex
	m     map[string]string
	fail  map[string]error
	calls atomic.Int64
}

func (s *mapSource) Fetch(_ context.Context, name string) (Secret, error) {
	s.calls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.fail[name]; err != nil {
		return Secret{}, err
	}
	v, ok := s.m[name]
	if !ok {
		return Secret{}, fmt.Errorf("%w: %s", ErrSecretNotFound, name)
	}
	return NewSecret(v), nil
}

func (s *mapSource) set(name, v string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[name] = v
	if s.fail == nil {
		s.fail = map[string]error{}
	}
	s.fail[name] = err
}

func TestSecretPrintsRedacted(t *testing.T) {
	t.Parallel()
	s := NewSecret(canary)
	out := everyOutput(t, s) + everyOutput(t, struct{ S Secret }{s})
	assert.NotContains(t, out, canary)
	assert.Equal(t, canary, s.Reveal())
}

func TestDirAndVariableSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "redis-password"), []byte("from-dir\n"), 0o600))
	ctx := context.Background()

	s, err := DirSecrets(dir).Fetch(ctx, "redis-password")
	require.NoError(t, err)
	assert.Equal(t, "from-dir", s.Reveal())
	_, err = DirSecrets(dir).Fetch(ctx, "absent")
	require.ErrorIs(t, err, ErrSecretNotFound)
	_, err = DirSecrets(dir).Fetch(ctx, "../etc/passwd")
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrSecretNotFound)

	lookup := func(k string) (string, bool) { v, ok := map[string]string{"REDIS_AUTH_TOKEN": "tok"}[k]; return v, ok }
	s, err = VariableSecrets(lookup).Fetch(ctx, "redis-auth-token")
	require.NoError(t, err)
	assert.Equal(t, "tok", s.Reveal())

	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://h:6379"}).Secrets().Source(DirSecrets(dir)).Refresh(0).
		Build(ctx)
	require.NoError(t, err)
	assert.Equal(t, "from-dir", cfg.Options().Password, "without rotation the password is fixed at Build")
	assert.Nil(t, cfg.Options().CredentialsProviderContext)
}

func TestSecretNamedWithoutSource(t *testing.T) {
	t.Parallel()
	_, err := build(t, map[string]string{EnvPasswordSecret: "redis-password"})
	require.ErrorIs(t, err, ErrMissing)
	assert.Contains(t, err.Error(), "Secrets().Source")
}

func TestSecretRules(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "secret-ca")
	src := &mapSource{m: map[string]string{
		"redis-password":   "pw",
		"other-password":   "pw2",
		"redis-auth-token": "tok",
		"redis-ca-cert":    string(ca.CertPEM),
		"bad-ca":           "not pem",
	}}
	tests := []struct {
		name    string
		give    map[string]string
		wantErr error
		check   func(t *testing.T, cfg *Config)
	}{
		{"password and token are two credentials", map[string]string{}, ErrConflict, nil},
		{"token needs tls outside development", map[string]string{EnvEnvironment: "test", EnvURL: "redis://h:6379", EnvPasswordSecret: "none"}, ErrRule, nil},
		{"token over tls", map[string]string{EnvEnvironment: "test", EnvPasswordSecret: "none"}, nil, func(t *testing.T, cfg *Config) {
			_, pw, err := cfg.Options().CredentialsProviderContext(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "tok", pw)
			assert.NotNil(t, cfg.Options().TLSConfig.RootCAs, "the CA bundle came from the secret")
		}},
		{"explicit secret missing in production", map[string]string{EnvEnvironment: "production", EnvPassword: "x", EnvPasswordSecret: "absent", EnvAuthTokenSecret: "absent2"}, ErrMissing, nil},
		{"secret and variable differ in production", map[string]string{EnvEnvironment: "production", EnvPassword: "x", EnvAuthTokenSecret: "absent2"}, ErrConflict, nil},
		{"secret and variable agree", map[string]string{EnvEnvironment: "production", EnvPassword: "pw", EnvAuthTokenSecret: "absent2", EnvCACertSecret: "redis-ca-cert"}, ErrMissing, nil},
		{"ca secret and ca file in production", map[string]string{EnvEnvironment: "production", EnvTLSCAFile: ca.CertFile, EnvAuthTokenSecret: "absent2"}, ErrConflict, nil},
		{"bad ca secret", map[string]string{EnvEnvironment: "test", EnvAuthTokenSecret: "absent2", EnvCACertSecret: "bad-ca"}, ErrInvalidValue, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvURL: "rediss://redis.internal:6380"}
			for k, v := range tt.give {
				vars[k] = v
			}
			// A name that does not exist, given explicitly, is an error
			// only where it is named; "none" switches a default off.
			b := New().WithEnv(vars).Secrets().Source(SecretSourceFunc(func(ctx context.Context, name string) (Secret, error) {
				if name == "none" || name == "absent2" {
					return Secret{}, ErrSecretNotFound
				}
				return src.Fetch(ctx, name)
			}))
			cfg, err := b.Build(context.Background())
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

func TestRotationKeepsLastGoodValue(t *testing.T) {
	t.Parallel()
	src := &mapSource{m: map[string]string{"redis-password": "v1"}}
	var reported atomic.Int64
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://h:6379"}).
		Secrets().Source(src).Refresh(time.Millisecond).
		OnRefreshError(func(name string, err error) { reported.Add(1) }).
		Build(context.Background())
	require.NoError(t, err)
	provider := cfg.Options().CredentialsProviderContext
	ctx := context.Background()

	src.set("redis-password", "v2", nil)
	time.Sleep(2 * time.Millisecond) // let the refresh interval pass
	_, pw, err := provider(ctx)
	require.NoError(t, err)
	assert.Equal(t, "v2", pw)

	src.set("redis-password", "v3", errors.New("source down"))
	time.Sleep(2 * time.Millisecond)
	_, pw, err = provider(ctx)
	require.NoError(t, err)
	assert.Equal(t, "v2", pw, "the last good value stays when the source fails")
	assert.Equal(t, int64(1), reported.Load())
}

func TestRotationSingleFlight(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int64
	src := SecretSourceFunc(func(ctx context.Context, name string) (Secret, error) {
		if name != "redis-password" {
			return Secret{}, ErrSecretNotFound
		}
		if calls.Add(1) > 1 { // the fetch at Build is free
			<-release
		}
		return NewSecret("pw"), nil
	})
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://h:6379"}).Secrets().Source(src).Refresh(time.Nanosecond).
		Build(context.Background())
	require.NoError(t, err)
	provider := cfg.Options().CredentialsProviderContext
	time.Sleep(time.Millisecond)

	var wg sync.WaitGroup
	first := make(chan struct{})
	wg.Add(1)
	go func() { defer wg.Done(); close(first); _, _, _ = provider(context.Background()) }()
	<-first
	for calls.Load() < 2 { // wait until the first caller is fetching
		time.Sleep(time.Millisecond)
	}
	for i := 0; i < 50; i++ {
		_, pw, err := provider(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "pw", pw)
	}
	assert.Equal(t, int64(2), calls.Load(), "50 connections during one fetch cause no other fetch")
	close(release)
	wg.Wait()
}

func TestSecretTimingShownOnlyWithASource(t *testing.T) {
	t.Parallel()
	row := func(cfg *Config, name string) SettingInfo {
		for _, s := range cfg.DebugInfo().Settings {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no row %s", name)
		return SettingInfo{}
	}
	without, err := build(t, nil)
	require.NoError(t, err)
	assert.False(t, row(without, "secrets_timeout").Set)

	with, err := New().WithEnv(nil).Secrets().Source(&mapSource{m: map[string]string{}}).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "5s", row(with, "secrets_timeout").Value)
	assert.Equal(t, "development default", row(with, "secrets_timeout").Source)
}

func TestPanickingSourceIsAnError(t *testing.T) {
	t.Parallel()
	src := SecretSourceFunc(func(context.Context, string) (Secret, error) { panic("boom " + canary) })
	_, err := New().WithEnv(map[string]string{EnvEnvironment: "production", EnvURL: "rediss://redis.internal:6380"}).
		Secrets().Source(src).Build(context.Background())
	require.ErrorIs(t, err, ErrMissing)
	assert.Contains(t, err.Error(), "panicked")
	assert.NotContains(t, err.Error(), canary)
}

func TestSentinelCredentialsFromCode(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(nil).Sentinel().Master("m").Nodes("s:26379").Username("su").Password(canary).
		Build(context.Background())
	require.NoError(t, err)
	o := cfg.FailoverOptions()
	assert.Equal(t, "su", o.SentinelUsername)
	assert.Equal(t, canary, o.SentinelPassword)
	assert.NotContains(t, everyOutput(t, cfg), canary)
}
