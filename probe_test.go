package redisconfig

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type proberFunc func(ctx context.Context, args ...string) (string, error)

func (f proberFunc) Do(ctx context.Context, args ...string) (string, error) { return f(ctx, args...) }

func TestCheckWith(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://" + srv.Addr()}).Build(context.Background())
	require.NoError(t, err)
	client := cfg.NewClient()
	t.Cleanup(func() { _ = client.Close() })

	h := cfg.CheckWith(context.Background(), goredisProber{client})
	assert.True(t, h.Up(), "%+v", h)
	want := cfg.Check(context.Background(), client)
	assert.Equal(t, want.ServerVersion, h.ServerVersion, "the same answers as Check")
	assert.Equal(t, want.Role, h.Role)
	assert.Zero(t, h.Pool, "no pool counters through a Prober")

	refused := proberFunc(func(context.Context, ...string) (string, error) {
		return "", &netOpError{syscall.ECONNREFUSED}
	})
	h = cfg.CheckWith(context.Background(), refused)
	assert.False(t, h.Up())
	require.NotNil(t, h.Diagnosis)
	assert.Equal(t, CategoryRefused, h.Diagnosis.Category)
}

type netOpError struct{ err error }

func (e *netOpError) Error() string { return "dial tcp: " + e.err.Error() }
func (e *netOpError) Unwrap() error { return e.err }

type fixedStream struct{ user, pass string }

func (s fixedStream) Subscribe(auth.CredentialsListener) (auth.Credentials, auth.UnsubscribeFunc, error) {
	return auth.NewBasicCredentials(s.user, s.pass), func() error { return nil }, nil
}

func TestCredentialsRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := map[string]string{EnvURL: "redis://h:6379"}
	static, err := New().WithEnv(map[string]string{EnvURL: "redis://:pw@h:6379"}).Build(ctx)
	require.NoError(t, err)
	rotating, err := New().WithEnv(base).Secrets().Source(&mapSource{m: map[string]string{"redis-password": "v1"}}).
		Refresh(7 * time.Minute).Build(ctx)
	require.NoError(t, err)
	provider, err := New().WithEnv(base).Connection().
		CredentialsProvider(func(context.Context) (string, string, error) { return "u", "p", nil }).Build(ctx)
	require.NoError(t, err)
	streaming, err := New().WithEnv(base).Connection().StreamingCredentialsProvider(fixedStream{"u", "p"}).Build(ctx)
	require.NoError(t, err)
	none, err := New().WithEnv(base).Build(ctx)
	require.NoError(t, err)
	src := TokenSourceFunc(func(context.Context) (Token, error) {
		return Token{Username: "default", Password: NewSecret("tok"), Expiry: time.Now().Add(time.Hour)}, nil
	})
	tokensReauth, err := New().WithEnv(base).Connection().TokenSource(src).TokenReauth(true).Build(ctx)
	require.NoError(t, err)
	tokensOnly, err := New().WithEnv(base).Connection().TokenSource(src).TokenReauth(false).Build(ctx)
	require.NoError(t, err)

	tests := []struct {
		name string
		give *Config
		want time.Duration
	}{
		{"static", static, 0},
		{"rotating secret", rotating, 7 * time.Minute},
		{"provider", provider, 0},
		{"streaming provider", streaming, streamingPoll},
		{"none", none, 0},
		{"tokens, re-authenticated", tokensReauth, streamingPoll},
		{"tokens, new connections only", tokensOnly, 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.CredentialsRefresh(), tt.name)
	}
	_, pw, err := streaming.Credentials(ctx)
	require.NoError(t, err)
	assert.Equal(t, "p", pw.Reveal())
}
