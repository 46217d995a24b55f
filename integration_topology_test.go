package redisconfig_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/redisconfig/redisconfig/redisconfigtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIntegrationCluster configures a three-master cluster through
// variables alone, spreads keys over every master and reads them back.
func TestIntegrationCluster(t *testing.T) {
	t.Parallel()
	cluster := redisserver.StartCluster(t, 3, redisserver.Options{Password: "cluster-pw"})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT":         "test",
		"REDIS_CLUSTER_NODES": strings.Join(cluster.Addrs(), ","),
		"REDIS_PASSWORD":      "cluster-pw",
		"REDIS_READ_TIMEOUT":  "0",
	}).Build(ctx)
	require.NoError(t, err)
	require.Equal(t, redisconfig.TopologyCluster, cfg.Topology())

	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	cc, ok := client.(*redis.ClusterClient)
	require.True(t, ok, "a cluster configuration makes a *redis.ClusterClient")

	for i := 0; i < 60; i++ {
		require.NoError(t, cc.Set(ctx, fmt.Sprintf("key-%d", i), i, 0).Err())
	}
	for i := 0; i < 60; i++ {
		assert.Equal(t, fmt.Sprint(i), cc.Get(ctx, fmt.Sprintf("key-%d", i)).Val())
	}
	var mu sync.Mutex // ForEachMaster calls concurrently
	var perMaster []int64
	var readTimeouts []time.Duration
	err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		n, err := node.DBSize(ctx).Result()
		mu.Lock()
		defer mu.Unlock()
		perMaster = append(perMaster, n)
		readTimeouts = append(readTimeouts, node.Options().ReadTimeout)
		return err
	})
	require.NoError(t, err)
	require.Len(t, perMaster, 3)
	for _, n := range perMaster {
		assert.Positive(t, n, "every master holds some of the keys: %v", perMaster)
	}
	for _, d := range readTimeouts {
		assert.LessOrEqual(t, d, time.Duration(0), "REDIS_READ_TIMEOUT=0 means no deadline on every node, not go-redis's 5s")
	}

	// The config hands out copies: the client changing its options cannot
	// change the config.
	// (Order is not a value: the seeds come back in their one sorted form.)
	assert.ElementsMatch(t, cluster.Addrs(), cfg.ClusterOptions().Addrs)
}

// TestIntegrationSentinelFailover finds the master through a sentinel,
// stops it, and shows the same client reaching the promoted replica.
func TestIntegrationSentinelFailover(t *testing.T) {
	t.Parallel()
	group := redisserver.StartSentinel(t, redisserver.Options{Password: "data-pw"})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT":           "test",
		"REDIS_SENTINEL_MASTER": group.MasterName,
		"REDIS_SENTINEL_NODES":  group.Sentinel.Addr(),
		"REDIS_PASSWORD":        "data-pw",
	}).Build(ctx)
	require.NoError(t, err)
	require.Equal(t, redisconfig.TopologySentinel, cfg.Topology())
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })

	require.NoError(t, client.Set(ctx, "before", "1", 0).Err())
	port, err := client.ConfigGet(ctx, "port").Result()
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(group.Master.Port), port["port"], "the sentinel led to the master")

	group.Master.Stop()

	deadline := time.Now().Add(30 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		if lastErr = client.Set(ctx, "after", "2", 0).Err(); lastErr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, lastErr, "the client reaches the promoted replica without being rebuilt")
	port, err = client.ConfigGet(ctx, "port").Result()
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(group.Replica.Port), port["port"])
	assert.Equal(t, "1", client.Get(ctx, "before").Val(), "the replica had the data")
}

// TestIntegrationSentinelOverTLS: the sentinel and the data nodes listen
// only on TLS ports, so a client that connects proves TLS reaches the
// sentinels as well as the master. Configured by variables alone.
func TestIntegrationSentinelOverTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "sentinel-tls")
	cert := ca.Server(t, "redis", "127.0.0.1")
	group := redisserver.StartSentinel(t, redisserver.Options{
		Password: "data-pw",
		TLS:      &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile},
	})
	ctx := context.Background()
	vars := map[string]string{
		"ENVIRONMENT":           "test",
		"REDIS_SENTINEL_MASTER": group.MasterName,
		"REDIS_SENTINEL_NODES":  group.Sentinel.Addr(),
		"REDIS_PASSWORD":        "data-pw",
		"REDIS_TLS":             "true",
		"REDIS_TLS_CA_FILE":     ca.CertFile,
	}
	cfg, err := redisconfig.New().WithEnv(vars).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.Set(ctx, "over-tls", "1", 0).Err())

	delete(vars, "REDIS_TLS")
	delete(vars, "REDIS_TLS_CA_FILE")
	plain, err := redisconfig.New().WithEnv(vars).Build(ctx)
	require.NoError(t, err)
	_, err = plain.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect, "without TLS the sentinel cannot be reached")
}

// TestIntegrationClusterOverTLS: every node listens only on a TLS port, so a
// client that writes to the three masters reached each over TLS; the health
// check reports the TLS session with the seed node (it once dialled with no
// network name for a cluster and reported none).
func TestIntegrationClusterOverTLS(t *testing.T) {
	t.Parallel()
	cluster := redisconfigtest.StartCluster(t, 3, redisconfigtest.RealOptions{TLS: true, Password: "cluster-pw"})
	ctx := context.Background()
	vars := cluster.Vars()                     // the password, REDIS_TLS and the CA file
	delete(vars, redisconfig.EnvTLSServerName) // each node verified by its own address
	maps.Copy(vars, map[string]string{
		"ENVIRONMENT": "production",
		// Production's bounds are tight for a loaded test machine.
		"REDIS_CONNECT_TIMEOUT": "20s",
		"REDIS_DIAL_TIMEOUT":    "10s",
		"REDIS_CLUSTER_NODES":   cluster.Addrs()[0],
	})
	cfg, err := redisconfig.New().WithEnv(vars).Relax(redisconfig.RuleNoLoopback, "the test cluster listens on loopback").Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	for i := range 20 { // keys spread over the three masters' slots
		require.NoError(t, client.Set(ctx, fmt.Sprint("k", i), "v", 0).Err())
	}
	h := cfg.Check(ctx, client)
	assert.True(t, h.Up(), "%+v", h)
	assert.Equal(t, "ok", h.ClusterState)
	require.NotNil(t, h.TLS, "the TLS session with the seed node")
	assert.NotEmpty(t, h.TLS.Version)
}
