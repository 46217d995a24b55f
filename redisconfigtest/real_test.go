package redisconfigtest_test

import (
	"context"
	"testing"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/redisconfigtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixture is what every real fixture offers.
type fixture interface {
	Vars() map[string]string
	Builder(extra map[string]string) *redisconfig.Builder
}

func TestRealFixtures(t *testing.T) {
	t.Parallel()
	users := []redisconfigtest.User{{Name: "app", Password: "app-pw", Rules: "~app:* +@all"}}
	tests := []struct {
		name         string
		start        func(t *testing.T) fixture
		wantTopology redisconfig.Topology
		wantTLS      bool
		key          string
	}{
		{"plain", func(t *testing.T) fixture { return redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{}) }, redisconfig.TopologyStandalone, false, "k"},
		{"password", func(t *testing.T) fixture {
			return redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{Password: "pw"})
		}, redisconfig.TopologyStandalone, false, "k"},
		{"ACL user", func(t *testing.T) fixture {
			return redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{Users: users})
		}, redisconfig.TopologyStandalone, false, "app:k"},
		{"TLS", func(t *testing.T) fixture {
			return redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{TLS: true, Password: "pw"})
		}, redisconfig.TopologyStandalone, true, "k"},
		{"mutual TLS", func(t *testing.T) fixture {
			return redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{MutualTLS: true})
		}, redisconfig.TopologyStandalone, true, "k"},
		{"TLS cluster of three", func(t *testing.T) fixture {
			return redisconfigtest.StartCluster(t, 3, redisconfigtest.RealOptions{TLS: true, Password: "pw"})
		}, redisconfig.TopologyCluster, true, "k"},
		{"sentinels", func(t *testing.T) fixture {
			return redisconfigtest.StartSentinel(t, 2, 3, redisconfigtest.RealOptions{Password: "pw"})
		}, redisconfig.TopologySentinel, false, "k"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := tt.start(t)
			ctx := context.Background()
			cfg, err := f.Builder(nil).Build(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.wantTopology, cfg.Topology())
			assert.Equal(t, redisconfig.Test, cfg.Environment())
			client, err := cfg.Connect(ctx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = client.Close() })
			require.NoError(t, client.Set(ctx, tt.key, "v", 0).Err())
			assert.Equal(t, "v", client.Get(ctx, tt.key).Val())
			_, hasCA := f.Vars()[redisconfig.EnvTLSCAFile]
			assert.Equal(t, tt.wantTLS, hasCA)
		})
	}
}

func TestRealFixtureRefusesWhatItShould(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mtls := redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{MutualTLS: true})
	// Without the client certificate the server refuses the handshake.
	vars := mtls.Vars()
	delete(vars, redisconfig.EnvTLSCertFile)
	delete(vars, redisconfig.EnvTLSKeyFile)
	cfg, err := redisconfig.New().WithEnv(vars).Build(ctx)
	require.NoError(t, err)
	_, err = cfg.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect)

	acl := redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{Users: []redisconfigtest.User{{Name: "app", Password: "app-pw", Rules: "~app:* +@all"}}})
	client := acl.Client(t)
	require.Error(t, client.Set(ctx, "not-app:k", "v", 0).Err(), "the ACL rules apply")
}

func TestRealServerStopAndRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{})
	client := srv.Client(t)
	require.NoError(t, client.Ping(ctx).Err())
	srv.Stop()
	require.Error(t, client.Ping(ctx).Err())
	srv.Restart(t)
	require.NoError(t, client.Ping(ctx).Err())
}
