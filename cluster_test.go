package redisconfig

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedPoolFields are the fields ClusterOptions and FailoverOptions share
// with each other, compared in both parity tables.
var sharedPoolFields = []string{"Username", "Password", "ClientName", "Protocol", "RouteByLatency", "RouteRandomly",
	"MaxRetries", "MinRetryBackoff", "MaxRetryBackoff", "DialTimeout", "DialerRetries", "DialerRetryTimeout",
	"ReadTimeout", "WriteTimeout", "PoolFIFO", "PoolSize", "MaxConcurrentDials", "PoolTimeout", "MinIdleConns",
	"MaxIdleConns", "MaxActiveConns", "ConnMaxIdleTime", "ConnMaxLifetime", "ConnMaxLifetimeJitter"}

// clusterParityURLs are accepted by go-redis's ParseClusterURL.
var clusterParityURLs = []string{
	"redis://node-1:7000?addr=node-2:7001&addr=node-3:7002",
	"redis://node-1?addr=node-2:6379",
	"redis://user:pw@node-1:7000?addr=node-2:7000",
	"redis://:p%40ss@node-1:7000?addr=node-2:7000",
	"rediss://node-1:7000?addr=node-2:7000",
	"redis://[::1]:7000?addr=[::1]:7001",
	"redis://n1:7000?addr=n2:7000&max_redirects=5&read_only=true",
	"redis://n1:7000?addr=n2:7000&route_by_latency=true",
	"redis://n1:7000?addr=n2:7000&route_randomly=1",
	"redis://n1:7000?addr=n2:7000&max_redirects=-1",
	"redis://n1:7000?addr=n2:7000&pool_size=25&min_idle_conns=2&max_idle_conns=5&max_active_conns=30",
	"redis://n1:7000?addr=n2:7000&dial_timeout=2&read_timeout=3s&write_timeout=4s&pool_timeout=5s",
	"redis://n1:7000?addr=n2:7000&dialer_retries=2&dialer_retry_timeout=50ms",
	"redis://n1:7000?addr=n2:7000&conn_max_idle_time=1m&conn_max_lifetime=1h&conn_max_lifetime_jitter=1m",
	"redis://n1:7000?addr=n2:7000&max_retries=-1&min_retry_backoff=1ms&max_retry_backoff=1s",
	"redis://n1:7000?addr=n2:7000&protocol=2&client_name=c1&failing_timeout_seconds=30",
	"redis://n1:7000?addr=n2:7000&pool_fifo=true&max_concurrent_dials=3",
}

func TestClusterURLParity(t *testing.T) {
	t.Parallel()
	for _, give := range clusterParityURLs {
		t.Run(give, func(t *testing.T) {
			t.Parallel()
			want, err := redis.ParseClusterURL(give)
			require.NoError(t, err)
			cfg, err := New().WithEnv(map[string]string{EnvURL: give}).Build(context.Background())
			require.NoError(t, err)
			require.Equal(t, TopologyCluster, cfg.Topology())
			assert.Nil(t, cfg.Options())
			assert.Nil(t, cfg.FailoverOptions())
			got := cfg.ClusterOptions()
			assertSameFields(t, want, got, append(sharedPoolFields, "Addrs", "MaxRedirects", "ReadOnly",
				"FailingTimeoutSeconds")...)
			require.Equal(t, want.TLSConfig != nil, got.TLSConfig != nil)
		})
	}
}

// failoverParityURLs are accepted by go-redis's ParseFailoverURL.
var failoverParityURLs = []string{
	"redis://sentinel-1:26379?master_name=mymaster",
	"redis://sentinel-1:26379?master_name=mymaster&addr=sentinel-2:26379&addr=sentinel-3:26379",
	"redis://suser:spw@sentinel-1:26379/2?master_name=m&username=app&password=apppw",
	"redis://:spw@sentinel-1:26379?master_name=m&db=4",
	"rediss://sentinel-1:26380?master_name=m",
	"rediss://sentinel-1:26380?master_name=m&skip_verify=true",
	"redis://s1:26379?master_name=m&replica_only=true&use_disconnected_replicas=1",
	"redis://s1:26379?master_name=m&route_by_latency=true&route_randomly=false",
	"redis://s1:26379?master_name=m&pool_size=12&min_idle_conns=1&max_idle_conns=4&max_active_conns=20&pool_timeout=2s",
	"redis://s1:26379?master_name=m&dial_timeout=1&read_timeout=-1&write_timeout=2s&context_timeout_enabled=true",
	"redis://s1:26379?master_name=m&dialer_retries=3&dialer_retry_timeout=10ms&max_retries=2",
	"redis://s1:26379?master_name=m&conn_max_idle_time=30s&conn_max_lifetime=10m&conn_max_lifetime_jitter=30s",
	"redis://s1:26379?master_name=m&client_name=w&protocol=2&disableIdentity=true&identitySuffix=x&unstable_resp3=true",
}

func TestFailoverURLParity(t *testing.T) {
	t.Parallel()
	for _, give := range failoverParityURLs {
		t.Run(give, func(t *testing.T) {
			t.Parallel()
			want, err := redis.ParseFailoverURL(give)
			require.NoError(t, err)
			cfg, err := New().WithEnv(map[string]string{EnvURL: give}).Build(context.Background())
			require.NoError(t, err)
			require.Equal(t, TopologySentinel, cfg.Topology())
			got := cfg.FailoverOptions()
			assertSameFields(t, want, got, append(sharedPoolFields, "MasterName", "SentinelAddrs", "SentinelUsername",
				"SentinelPassword", "DB", "ReplicaOnly", "UseDisconnectedReplicas", "ContextTimeoutEnabled",
				"DisableIdentity", "IdentitySuffix", "UnstableResp3")...)
			require.Equal(t, want.TLSConfig != nil, got.TLSConfig != nil)
			if want.TLSConfig != nil {
				assert.Equal(t, want.TLSConfig.InsecureSkipVerify, got.TLSConfig.InsecureSkipVerify)
			}
		})
	}
}

// TestTopologyURLsStricterThanGoRedis: URLs go-redis accepts for a cluster
// or sentinel that redisconfig refuses, each for a reason in the README.
func TestTopologyURLsStricterThanGoRedis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give    string
		cluster bool
	}{
		{"redis://n1:7000/3?addr=n2:7000", true}, // go-redis ignores the database
		{"redis://?addr=n2:7000", true},          // go-redis adds localhost:6379
		{"redis://n1:7000?addr=n2:7000&max_redirects=-2", true},
		{"redis://n1:7000?addr=n2:7000&dialer_retries=0", true}, // 0 silently means 5
		{"redis://?master_name=m", false},                       // go-redis adds localhost:6379
		{"redis://s1:26379?master_name=", false},                // an empty master name
		{"redis://s1:26379?master_name=m&pool_size=-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			var err error
			if tt.cluster {
				_, err = redis.ParseClusterURL(tt.give)
			} else {
				_, err = redis.ParseFailoverURL(tt.give)
			}
			require.NoError(t, err, "go-redis accepts this URL")
			_, err = New().WithEnv(map[string]string{EnvURL: tt.give}).Build(context.Background())
			require.ErrorIs(t, err, ErrInvalidConfig)
		})
	}
}

func TestTopologySelection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		give    map[string]string
		want    Topology
		wantErr error
	}{
		{"nothing", nil, TopologyStandalone, nil},
		{"cluster nodes", map[string]string{EnvClusterNodes: "a:7000,b:7001, c:7002"}, TopologyCluster, nil},
		{"sentinel", map[string]string{EnvSentinelMaster: "m", EnvSentinelNodes: "s1:26379,s2:26379"}, TopologySentinel, nil},
		{"sentinel without master", map[string]string{EnvSentinelNodes: "s1:26379"}, TopologySentinel, ErrMissing},
		{"sentinel without nodes", map[string]string{EnvSentinelMaster: "m"}, TopologySentinel, ErrMissing},
		{"both", map[string]string{EnvClusterNodes: "a:7000", EnvSentinelMaster: "m", EnvSentinelNodes: "s:1"}, 0, ErrConflict},
		{"cluster with a database", map[string]string{EnvClusterNodes: "a:7000", EnvDB: "2"}, 0, ErrConflict},
		{"cluster with REDIS_HOST", map[string]string{EnvClusterNodes: "a:7000", EnvHost: "h"}, 0, ErrConflict},
		{"standalone with cluster setting", map[string]string{EnvClusterReadOnly: "true"}, 0, ErrConflict},
		{"bad node", map[string]string{EnvClusterNodes: "a:7000,b"}, 0, ErrInvalidValue},
		{"node twice", map[string]string{EnvClusterNodes: "a:7000,a:7000"}, 0, ErrInvalidValue},
		{"empty node", map[string]string{EnvClusterNodes: "a:7000,,b:7001"}, 0, ErrInvalidValue},
		{"url and nodes differ", map[string]string{EnvClusterNodes: "a:7000", EnvURL: "redis://b:7000?addr=c:7000", EnvEnvironment: "staging"}, 0, ErrConflict},
		{"prefixed cluster", map[string]string{"SVC_" + EnvClusterNodes: "a:7000"}, TopologyCluster, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := New().WithEnv(tt.give).Service("svc").Build(context.Background())
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, cfg.Topology())
		})
	}
}

func TestClusterRulesApplyToEveryNode(t *testing.T) {
	t.Parallel()
	base := map[string]string{EnvEnvironment: "production", EnvTLS: "true", EnvPassword: "pw"}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for a, b := range base {
			m[a] = b
		}
		return m
	}
	_, err := build(t, with(EnvClusterNodes, "redis-1.internal:7000,redis-2.internal:7000"))
	require.NoError(t, err)
	_, err = build(t, with(EnvClusterNodes, "redis-1.internal:7000,127.0.0.1:7001"))
	require.ErrorIs(t, err, ErrRule, "one loopback node is enough to fail")

	vars := with(EnvClusterNodes, "redis-1.internal:7000")
	delete(vars, EnvTLS)
	_, err = build(t, vars)
	require.ErrorIs(t, err, ErrRule, "TLS is required for a cluster too")

	vars = with(EnvSentinelMaster, "m")
	vars[EnvSentinelNodes] = "localhost:26379"
	_, err = build(t, vars)
	require.ErrorIs(t, err, ErrRule, "sentinels are checked for loopback too")
}

func TestClusterDisabledReadTimeoutStaysDisabled(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{EnvClusterNodes: "a:7000", EnvReadTimeout: "0", EnvWriteTimeout: "-1"})
	require.NoError(t, err)
	o := cfg.ClusterOptions()
	assert.Equal(t, time.Duration(-2), o.ReadTimeout, "-2: ClusterOptions would turn -1 into a 5s default on every node")
	assert.Equal(t, time.Duration(-2), o.WriteTimeout)
}

func TestClusterOptionsAreCopies(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{EnvClusterNodes: "a:7000,b:7000", EnvTLS: "true"})
	require.NoError(t, err)
	a := cfg.ClusterOptions()
	a.Addrs[0] = "changed:1"
	a.TLSConfig.ServerName = "changed"
	b := cfg.ClusterOptions()
	assert.Equal(t, []string{"a:7000", "b:7000"}, b.Addrs)
	assert.Empty(t, b.TLSConfig.ServerName, "each node's name comes from its own address")
}

func TestSentinelCredentialsAreSeparate(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{
		EnvSentinelMaster: "m", EnvSentinelNodes: "s1:26379",
		EnvSentinelUsername: "sentinel-user", EnvSentinelPassword: "sentinel-pw",
		EnvUsername: "app", EnvPassword: "app-pw", EnvDB: "3",
	})
	require.NoError(t, err)
	o := cfg.FailoverOptions()
	assert.Equal(t, "sentinel-user", o.SentinelUsername)
	assert.Equal(t, "sentinel-pw", o.SentinelPassword)
	assert.Equal(t, "app", o.Username)
	assert.Equal(t, "app-pw", o.Password)
	assert.Equal(t, 3, o.DB)
	assert.NotContains(t, cfg.String(), "sentinel-pw")

	u := cfg.UniversalOptions()
	assert.Equal(t, "m", u.MasterName)
	assert.Equal(t, []string{"s1:26379"}, u.Addrs)
}

func TestTopologyFromCode(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(nil).Cluster().Nodes("a:7000", "b:7000").MaxRedirects(2).ReadOnly(true).
		Build(context.Background())
	require.NoError(t, err)
	o := cfg.ClusterOptions()
	assert.Equal(t, 2, o.MaxRedirects)
	assert.True(t, o.ReadOnly)

	cfg, err = New().WithEnv(nil).Sentinel().Master("m").Nodes("s:26379").ReplicaOnly(true).
		Build(context.Background())
	require.NoError(t, err)
	assert.True(t, cfg.FailoverOptions().ReplicaOnly)

	_, err = New().WithEnv(nil).Cluster().Nodes("a:7000").Connection().DB(1).Build(context.Background())
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "db", e.Setting)
}
