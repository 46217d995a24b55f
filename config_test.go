package redisconfig

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConnectMiniredis(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	srv.RequireAuth("pw")

	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://:pw@" + srv.Addr() + "/0"}).
		Environment(Test).Build(context.Background())
	require.NoError(t, err)
	client, err := cfg.Connect(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.Set(context.Background(), "k", "v", 0).Err())
	got, err := srv.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "v", got)
}

func TestConnectWrongPassword(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	srv.RequireAuth("right")
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://app:" + canary + "@" + srv.Addr()}).
		Environment(Test).Build(context.Background())
	require.NoError(t, err)
	_, err = cfg.Connect(context.Background())
	require.ErrorIs(t, err, ErrConnect)
	var ce *ConnectError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, srv.Addr(), ce.Addr)
	assert.Equal(t, "app", ce.Username)
	assert.False(t, ce.TLS)
	assert.Contains(t, err.Error(), srv.Addr())
	assert.Contains(t, err.Error(), "tls off")
	assert.NotContains(t, err.Error(), canary)
}

func TestConnectServerClosed(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	addr := srv.Addr()
	srv.Close()
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://" + addr}).Environment(Test).Build(context.Background())
	require.NoError(t, err)
	_, err = cfg.Connect(context.Background())
	require.ErrorIs(t, err, ErrConnect)
	assert.Contains(t, err.Error(), addr)
}

// TestConnectSilentListenerIsBounded: a server that accepts and never
// answers fails Connect with the deadline named, not a hang.
func TestConnectSilentListenerIsBounded(t *testing.T) {
	t.Parallel()
	addr := redisserver.Silent(t)
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://" + addr}).
		Environment(Test).Monitoring().ConnectTimeout(200 * time.Millisecond).Build(context.Background())
	require.NoError(t, err)
	_, err = cfg.Connect(context.Background())
	require.ErrorIs(t, err, ErrConnect)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), EnvConnectTimeout)
}

func TestConnectCancelledContext(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://" + srv.Addr()}).Build(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cfg.Connect(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestClientNameReachesServer(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	cfg, err := New().WithEnv(map[string]string{"BILLING_REDIS_URL": "redis://" + srv.Addr()}).
		Service("billing").Build(context.Background())
	require.NoError(t, err)
	client, err := cfg.Connect(context.Background())
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	name, err := client.ClientGetName(context.Background()).Result()
	require.NoError(t, err)
	assert.Equal(t, "billing", name)
}
