package redisconfig

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errorReplies reads total_error_replies from the server's INFO stats:
// how many error replies it has sent, CLIENT SETINFO's included.
func errorReplies(t *testing.T, addr, password string) int {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, Password: password, DisableIdentity: true, Protocol: 2})
	defer c.Close()
	info, err := c.Info(context.Background(), "stats").Result()
	require.NoError(t, err)
	n := infoField(info, "total_error_replies")
	require.NotEmpty(t, n, "INFO stats has total_error_replies from Redis 6.2")
	v, err := strconv.Atoi(n)
	require.NoError(t, err)
	return v
}

func suggestionsOf(rep ServerReport) string {
	var s []string
	for _, g := range rep.Suggestions {
		s = append(s, string(g.Category)+": "+g.Text)
	}
	return strings.Join(s, "\n")
}

// TestSetinfoRejectingServer is the "done means": a real
// redis-server that rejects CLIENT SETINFO connects cleanly with the
// matching preset (DisableIdentity: no error reply at all) and is
// diagnosed without it (Inspect reports it, with the fix).
func TestSetinfoRejectingServer(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.RejectingSetinfo(t, "pw"))
	ctx := context.Background()
	tests := []struct {
		name         string
		provider     string
		wantErrors   bool
		wantCategory Category
	}{
		{name: "memorystore preset", provider: "memorystore"},
		{name: "elasticache preset", provider: "elasticache"},
		{name: "no preset", provider: "", wantErrors: true, wantCategory: CategorySetinfoRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: each counts the one server's error replies.
			vars := map[string]string{EnvEnvironment: "test", EnvURL: "redis://:pw@" + srv.Addr()}
			if tt.provider != "" {
				vars[EnvProvider] = tt.provider
			}
			cfg, err := build(t, vars)
			require.NoError(t, err)
			client, err := cfg.Connect(ctx)
			require.NoError(t, err, "go-redis ignores the rejection, so both connect")
			require.NoError(t, client.Set(ctx, "k", "v", 0).Err())
			client.Close()

			// Count the error replies one new connection costs. Maintenance
			// notifications are off in every profile and preset used here;
			// they are turned off again explicitly so that the count can
			// only come from CLIENT SETINFO (go-redis's auto mode costs one
			// more error per connection on open-source Redis).
			o := cfg.Options()
			o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
			before := errorReplies(t, srv.Addr(), "pw")
			c := redis.NewClient(o)
			require.NoError(t, c.Ping(ctx).Err())
			c.Close()
			after := errorReplies(t, srv.Addr(), "pw")
			if tt.wantErrors {
				assert.Equal(t, 2, after-before, "CLIENT SETINFO lib-name and lib-ver were sent and rejected")
			} else {
				assert.Equal(t, 0, after-before, "with the preset no CLIENT SETINFO is sent, so no error reply")
			}
			rep, err := cfg.Inspect(ctx)
			require.NoError(t, err)
			assert.NotEmpty(t, rep.SetinfoRejected)
			assert.NotEmpty(t, rep.Version)
			if tt.wantCategory != "" {
				assert.Contains(t, suggestionsOf(rep), string(tt.wantCategory)+": the server rejects CLIENT SETINFO")
				assert.Contains(t, suggestionsOf(rep), "REDIS_DISABLE_IDENTITY=true")
			} else {
				assert.NotContains(t, suggestionsOf(rep), string(CategorySetinfoRejected))
				assert.Contains(t, suggestionsOf(rep), tt.provider+" preset")
			}
		})
	}
}

// TestInspectClusterMismatch: a standalone configuration pointed at a
// cluster node is told to use the cluster settings, and the MOVED it gets
// is diagnosed as cluster-mode-mismatch.
func TestInspectClusterMismatch(t *testing.T) {
	t.Parallel()
	cl := redisserver.StartCluster(t, 2, redisserver.Options{})
	ctx := context.Background()
	cfg, err := build(t, map[string]string{EnvEnvironment: "test", EnvURL: "redis://" + cl.Nodes[0].Addr()})
	require.NoError(t, err)
	rep, err := cfg.Inspect(ctx)
	require.NoError(t, err)
	assert.True(t, rep.Cluster)
	assert.Contains(t, suggestionsOf(rep), "cluster-mode-mismatch: the server is a Redis Cluster node")
	assert.Contains(t, suggestionsOf(rep), "REDIS_CLUSTER_NODES="+cl.Nodes[0].Addr())
	assert.Contains(t, suggestionsOf(rep), "REDIS_PROVIDER=memorystore-cluster")

	client, err := cfg.Connect(ctx)
	require.NoError(t, err, "PING works on any node")
	defer client.Close()
	var moved error
	for i := 0; i < 50 && moved == nil; i++ { // some key lives on the other node
		if err := client.Get(ctx, "key"+string(rune('a'+i))).Err(); err != nil && err != redis.Nil {
			moved = err
		}
	}
	require.Error(t, moved)
	d := cfg.Diagnose(moved)
	assert.Equal(t, CategoryClusterModeMismatch, d.Category, "%v", moved)
	assert.Contains(t, d.Fix, EnvClusterNodes)

	// The other way round: a cluster client at a standalone server.
	single := redisserver.Start(t, redisserver.Options{})
	cfg, err = build(t, map[string]string{EnvEnvironment: "test", EnvClusterNodes: single.Addr()})
	require.NoError(t, err)
	rep, err = cfg.Inspect(ctx)
	require.NoError(t, err)
	assert.False(t, rep.Cluster)
	assert.Contains(t, suggestionsOf(rep), "cluster-mode-mismatch: the server is not in cluster mode")
}

// TestInspectIdleTimeoutAndRefusedConfig: the server's idle timeout is
// reported with the fitting REDIS_CONN_MAX_IDLE_TIME; a server that refuses
// CONFIG (as managed services do) says so instead.
func TestInspectIdleTimeoutAndRefusedConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	withTimeout := redisserver.Start(t, redisserver.Options{Config: []string{"timeout 300"}})
	noConfig := redisserver.Start(t, redisserver.Options{Config: []string{`rename-command CONFIG ""`}})
	tests := []struct {
		name        string
		addr        string
		idle        string
		wantIdle    time.Duration
		wantErr     bool
		wantSuggest string
	}{
		{name: "idle time unset", addr: withTimeout.Addr(), wantIdle: 300 * time.Second, wantSuggest: "the server closes connections idle for 5m (timeout 300): set REDIS_CONN_MAX_IDLE_TIME below it"},
		{name: "idle time too long", addr: withTimeout.Addr(), idle: "10m", wantIdle: 300 * time.Second, wantSuggest: "REDIS_CONN_MAX_IDLE_TIME below it"},
		{name: "idle time fits", addr: withTimeout.Addr(), idle: "2m", wantIdle: 300 * time.Second},
		{name: "CONFIG refused", addr: noConfig.Addr(), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvEnvironment: "test", EnvURL: "redis://" + tt.addr}
			if tt.idle != "" {
				vars[EnvConnMaxIdleTime] = tt.idle
			}
			cfg, err := build(t, vars)
			require.NoError(t, err)
			rep, err := cfg.Inspect(ctx)
			require.NoError(t, err)
			if tt.wantErr {
				assert.Nil(t, rep.IdleTimeout)
				assert.NotEmpty(t, rep.IdleTimeoutError)
				return
			}
			require.NotNil(t, rep.IdleTimeout)
			assert.Equal(t, tt.wantIdle, time.Duration(*rep.IdleTimeout))
			if tt.wantSuggest != "" {
				assert.Contains(t, suggestionsOf(rep), tt.wantSuggest)
			} else {
				assert.NotContains(t, suggestionsOf(rep), "idle")
			}
			assert.True(t, rep.MaintNotificationsTried, "RESP3 by default")
			assert.NotEmpty(t, rep.MaintNotificationsRejected, "open-source Redis has no maintenance notifications")
		})
	}
}

// TestInspectMaintNotificationsSuggestion: against open-source Redis the
// suggestion appears only when maintenance notifications are not disabled.
func TestInspectMaintNotificationsSuggestion(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{})
	for _, tt := range []struct {
		mode string
		want bool
	}{{"", false}, {"auto", true}, {"disabled", false}} {
		vars := map[string]string{EnvEnvironment: "test", EnvURL: "redis://" + srv.Addr()}
		if tt.mode != "" {
			vars[EnvMaintNotifications] = tt.mode
		}
		cfg, err := build(t, vars)
		require.NoError(t, err)
		rep, err := cfg.Inspect(context.Background())
		require.NoError(t, err)
		assert.NotEmpty(t, rep.MaintNotificationsRejected)
		assert.Equal(t, tt.want, strings.Contains(suggestionsOf(rep), "REDIS_MAINT_NOTIFICATIONS=disabled"), "mode %q", tt.mode)
	}
}
