package redisconfig

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parityURLs are accepted by go-redis's ParseURL; each must build to the
// same Options through REDIS_URL.
var parityURLs = []string{
	"redis://localhost:6379",
	"redis://localhost",
	"redis://",
	"redis://:6380",
	"redis://10.0.0.5:7000/3",
	"redis://redis.internal:6380/15",
	"redis://redis.internal/2",
	"redis://redis.internal//2//",
	"redis://[::1]:6379/1",
	"redis://[::1]",
	"redis://[2001:db8::10]:6390/4",
	"redis://[fe80::1%25eth0]:6379",
	"redis://user:pass@host:6379/0",
	"redis://:onlypassword@host",
	"redis://onlyuser@host",
	"redis://user:p%40ss%2Fw%3Ard%25@host:6379",
	"redis://user:p%20a%23s%3Fs@host",
	"redis://us%65r:pw@host",
	"redis://:@host",
	"rediss://host:6380",
	"rediss://user:pass@host:6380/1",
	"rediss://[::1]:6380",
	"rediss://host?skip_verify=true",
	"rediss://host?skip_verify=false",
	"rediss://host?skip_verify=1",
	"rediss://host?skip_verify=0",
	"unix:///tmp/redis.sock",
	"unix:///var/run/redis/redis.sock?db=5",
	"unix://user:pw@/tmp/redis.sock?db=2&protocol=2",
	"redis://host?db=7",
	"redis://host/1?db=9",
	"redis://host?db=",
	"redis://host?protocol=2",
	"redis://host?protocol=3",
	"redis://host?client_name=backend-1",
	"redis://host?max_retries=5",
	"redis://host?max_retries=-1",
	"redis://host?min_retry_backoff=100ms&max_retry_backoff=2s",
	"redis://host?min_retry_backoff=-1&max_retry_backoff=0",
	"redis://host?dial_timeout=3&read_timeout=6s&write_timeout=1m",
	"redis://host?read_timeout=-1",
	"redis://host?read_timeout=0&write_timeout=-1s",
	"redis://host?read_timeout=0s",
	"redis://host?pool_fifo=true",
	"redis://host?pool_fifo=false",
	"redis://host?pool_fifo=",
	"redis://host?pool_size=50&pool_timeout=4s",
	"redis://host?pool_size=0",
	"redis://host?min_idle_conns=2&max_idle_conns=8&max_active_conns=40",
	"redis://host?max_concurrent_dials=4",
	"redis://host?conn_max_idle_time=10m&conn_max_lifetime=1h",
	"redis://host?idle_timeout=10m",
	"redis://host?max_conn_age=30m",
	"redis://host?idle_timeout=0&max_conn_age=-1",
	"redis://host?conn_max_idle_time=-1&conn_max_lifetime=0",
	"redis://host?conn_max_lifetime=1h&conn_max_lifetime_jitter=5m",
	"redis://host?pool_size=5&pool_size=7",
	"redis://host?pool_size=%2B5",
	"redis://h?dial_timeout=1500ms&read_timeout=2&write_timeout=2&pool_timeout=3&max_retries=2&pool_size=20&min_idle_conns=1&max_idle_conns=5&conn_max_idle_time=60&conn_max_lifetime=600&client_name=w&protocol=3&db=1",
}

func TestURLParity(t *testing.T) {
	t.Parallel()
	require.GreaterOrEqual(t, len(parityURLs), 40)
	for _, give := range parityURLs {
		t.Run(give, func(t *testing.T) {
			t.Parallel()
			want, err := redis.ParseURL(give)
			require.NoError(t, err, "go-redis must accept the URL for the parity table to mean anything")

			cfg, err := New().WithEnv(map[string]string{EnvURL: give}).Environment(Development).Build(context.Background())
			require.NoError(t, err)
			assertSameOptions(t, want, cfg.Options())
		})
	}
}

func assertSameOptions(t *testing.T, want, got *redis.Options) {
	t.Helper()
	assertSameFields(t, want, got, "Network", "Addr", "DB", "Username", "Password", "ClientName", "Protocol",
		"MaxRetries", "MinRetryBackoff", "MaxRetryBackoff", "DialTimeout", "ReadTimeout", "WriteTimeout",
		"PoolFIFO", "PoolSize", "PoolTimeout", "MinIdleConns", "MaxIdleConns", "MaxActiveConns", "MaxConcurrentDials",
		"ConnMaxIdleTime", "ConnMaxLifetime", "ConnMaxLifetimeJitter")
	require.Equal(t, want.TLSConfig != nil, got.TLSConfig != nil, "TLS on/off")
	if want.TLSConfig != nil {
		assertSameFields(t, want.TLSConfig, got.TLSConfig, "InsecureSkipVerify", "ServerName", "MinVersion")
	}
}

// assertSameFields compares the named fields of two structs (or pointers
// to them), naming the field that differs.
func assertSameFields(t *testing.T, want, got any, fields ...string) {
	t.Helper()
	w, g := reflect.Indirect(reflect.ValueOf(want)), reflect.Indirect(reflect.ValueOf(got))
	for _, f := range fields {
		wf, gf := w.FieldByName(f), g.FieldByName(f)
		require.True(t, wf.IsValid() && gf.IsValid(), "no field %s", f)
		assert.Equal(t, wf.Interface(), gf.Interface(), f)
	}
}

// TestURLStricterThanGoRedis lists the URLs go-redis accepts (or half
// accepts) that redisconfig refuses, each for a documented reason.
func TestURLStricterThanGoRedis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give        string
		wantSetting string
	}{
		{"redis://host?pool_size=-1", "pool_size"},
		{"redis://host/-1", "db"},
		{"redis://host?db=-1", "db"},
		{"redis://host?protocol=1", "protocol"},
		{"redis://host?protocol=0", "protocol"},
		{"redis://host?protocol=4", "protocol"},
		{"redis://host?max_retries=-2", "max_retries"},
		{"redis://host?dial_timeout=0", "dial_timeout"},
		{"redis://host?pool_timeout=-1", "pool_timeout"},
		{"redis://host:99999", "port"},
		{"redis://host?min_idle_conns=-3", "min_idle_conns"},
		{"unix://somehost/tmp/redis.sock", "url"},
		{"redis:host:6379", "url"},
		{"redis://host?conn_max_lifetime_jitter=5m", "conn_max_lifetime_jitter"},
		{"redis://host?conn_max_lifetime=1m&conn_max_lifetime_jitter=5m", "conn_max_lifetime_jitter"},
		{"redis://host?client_name=has%20space", "client_name"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			_, err := redis.ParseURL(tt.give)
			require.NoError(t, err, "go-redis accepts this URL")
			_, err = New().WithEnv(map[string]string{EnvURL: tt.give}).Environment(Development).Build(context.Background())
			require.ErrorIs(t, err, ErrInvalidConfig)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tt.wantSetting, e.Setting)
		})
	}
}

// TestURLRefusedByBoth: URLs go-redis refuses are refused here too, with an
// error naming the variable and never quoting the URL.
func TestURLRefusedByBoth(t *testing.T) {
	t.Parallel()
	const canary = "Canary5ecret"
	tests := []string{
		"http://u:" + canary + "@host",
		"redis://u:" + canary + "@host/1/2",
		"redis://u:" + canary + "@host/x",
		"redis://u:" + canary + "@host?foo=bar",
		"redis://u:" + canary + "@host?pool_size=ten",
		"redis://u:" + canary + "@host?read_timeout=soon",
		"redis://u:" + canary + "@host?skip_verify=true",
		"redis://u:" + canary + "@host?idle_timeout=1m&conn_max_idle_time=2m",
		"redis://u:" + canary + "%zz@host",
		"redis://u:" + canary + "/x@host:6379",
		"redis://u:" + canary + "@ho st",
		"redis://u:" + canary + "@host:port",
		"unix://u:" + canary + "@",
		"redis://u:" + canary + "@host\x7f",
		"rediss://u:" + canary + "@host?skip_verify=yes", // go-redis v9.23 refuses these too
		"rediss://u:" + canary + "@host?skip_verify=TRUE",
	}
	for _, give := range tests {
		t.Run(give, func(t *testing.T) {
			t.Parallel()
			_, err := redis.ParseURL(give)
			require.Error(t, err, "go-redis refuses this URL")
			_, err = New().WithEnv(map[string]string{EnvURL: give}).Environment(Development).Build(context.Background())
			require.ErrorIs(t, err, ErrInvalidValue)
			assert.Contains(t, err.Error(), EnvURL)
			assert.NotContains(t, err.Error(), canary)
		})
	}
}

// goRedisCase is one URL from go-redis v9.23's own parser tests
// (options_test.go TestParseURL and TestParseURLIPv6TLSServerName, the
// cluster URL table in osscluster_test.go, TestParseSentinelURL in
// sentinel_test.go, and the v9.23 pipeline-pool and latency-tolerance URL
// tests), read by the grammar that test uses.
type goRedisCase struct {
	grammar grammar
	url     string
	// vars are set beside REDIS_URL where redisconfig needs another sign of
	// the topology: a cluster URL with one host, a failover URL without
	// master_name.
	vars map[string]string
	// refused is "" when both accept the URL and must give the same
	// options; "both" when go-redis refuses it too; otherwise the phrase of
	// the README's URL sections that gives redisconfig's reason.
	refused string
}

var goRedisV923Cases = []goRedisCase{
	// options_test.go TestParseURL.
	{grammarStandalone, "redis://localhost:123/1", nil, ""},
	{grammarStandalone, "redis://localhost:123", nil, ""},
	{grammarStandalone, "redis://localhost/1", nil, ""},
	{grammarStandalone, "redis://12345", nil, ""},
	{grammarStandalone, "redis://[::1]", nil, ""},
	{grammarStandalone, "redis://[::1]:6380", nil, ""},
	{grammarStandalone, "redis://[2001:db8::1]/2", nil, ""},
	{grammarStandalone, "rediss://localhost:123", nil, ""},
	{grammarStandalone, "rediss://localhost:123/?skip_verify=true", nil, ""},
	{grammarStandalone, "redis://:bar@localhost:123", nil, ""},
	{grammarStandalone, "redis://foo@localhost:123", nil, ""},
	{grammarStandalone, "redis://foo:bar@localhost:123", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&read_timeout=2&pool_fifo=true", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&conn_max_idle_time=0", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&conn_max_idle_time=-1", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&conn_max_idle_time=0s", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&conn_max_idle_time=-1s", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&conn_max_idle_time=", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&conn_max_idle_time", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&client_name=hi", nil, ""},
	{grammarStandalone, "redis://localhost:123/?db=2&protocol=2", nil, ""},
	{grammarStandalone, "redis://localhost:123/?max_concurrent_dials=5", nil, ""},
	{grammarStandalone, "redis://localhost:123/?max_concurrent_dials=0", nil, ""},
	{grammarStandalone, "redis://localhost:123/?conn_max_lifetime=1h&conn_max_lifetime_jitter=6m", nil, ""},
	{grammarStandalone, "redis://localhost:123/?conn_max_lifetime=30m&conn_max_lifetime_jitter=1h", nil, "`conn_max_lifetime_jitter` longer than `conn_max_lifetime`"},
	{grammarStandalone, "redis://localhost:123/?conn_max_lifetime_jitter=6m", nil, "`conn_max_lifetime_jitter` longer than `conn_max_lifetime`"},
	{grammarStandalone, "unix:///tmp/redis.sock", nil, ""},
	{grammarStandalone, "unix://foo:bar@/tmp/redis.sock", nil, ""},
	{grammarStandalone, "unix://foo:bar@/tmp/redis.sock?db=3", nil, ""},
	{grammarStandalone, "unix://foo:bar@/tmp/redis.sock?db=test", nil, "both"},
	{grammarStandalone, "redis://localhost/?pool_size=five", nil, "both"},
	{grammarStandalone, "redis://localhost/?pool_fifo=yes", nil, "both"},
	{grammarStandalone, "rediss://localhost/?skip_verify=yes", nil, "both"},
	{grammarStandalone, "redis://localhost/?db=foo&pool_size=five", nil, "both"},
	{grammarStandalone, "redis://localhost/?abc=123", nil, "both"},
	{grammarStandalone, "redis://foo@localhost/?username=bar", nil, "both"},
	{grammarStandalone, "redis://localhost/?wrte_timout=10s&abc=123", nil, "both"},
	{grammarStandalone, "http://google.com", nil, "both"},
	{grammarStandalone, "redis://localhost/1/2/3/4", nil, "both"},
	{grammarStandalone, "12345", nil, "both"},
	{grammarStandalone, "redis://localhost/iamadatabase", nil, "both"},
	// options_test.go TestParseURLIPv6TLSServerName.
	{grammarStandalone, "rediss://[2001:db8::1]", nil, ""},
	// options_test.go TestParseURLPipelinePoolOptions, in its three grammars.
	{grammarStandalone, "redis://localhost:6379?pipeline_pool_size=-1&pipeline_read_buffer_size=131072&pipeline_write_buffer_size=65536", nil, ""},
	{grammarCluster, "redis://localhost:6379?pipeline_pool_size=-1&pipeline_read_buffer_size=131072&pipeline_write_buffer_size=65536", clusterOf("localhost:6379"), ""},
	{grammarFailover, "redis://localhost:6379?master_name=mymaster&pipeline_pool_size=-1&pipeline_read_buffer_size=131072&pipeline_write_buffer_size=65536", nil, ""},
	// osscluster_latency_tolerance_test.go.
	{grammarCluster, "redis://localhost:6379?route_by_latency=true&route_by_latency_tolerance=250us", clusterOf("localhost:6379"), ""},
	{grammarFailover, "redis://localhost:26379?master_name=mymaster&route_by_latency=true&route_by_latency_tolerance=1ms", nil, ""},

	// osscluster_test.go, the ParseClusterURL table.
	{grammarCluster, "redis://localhost:123", clusterOf("localhost:123"), ""},
	{grammarCluster, "rediss://localhost:123", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://localhost", clusterOf("localhost:6379"), ""},
	{grammarCluster, "rediss://localhost", clusterOf("localhost:6379"), ""},
	{grammarCluster, "redis://localhost:123?addr=localhost:1234&addr=localhost:12345", nil, ""},
	{grammarCluster, "rediss://localhost:123?addr=localhost:1234&addr=localhost:12345", nil, ""},
	{grammarCluster, "redis://:bar@localhost:123", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://foo@localhost:123", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://foo:bar@localhost:123", clusterOf("localhost:123"), ""},
	{grammarCluster, "rediss://foo:bar@localhost:123?addr=localhost:1234", nil, ""},
	{grammarCluster, "redis://localhost:123?read_timeout=2&pool_fifo=true&addr=localhost:1234", nil, ""},
	{grammarCluster, "redis://localhost:123?conn_max_idle_time=0", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://localhost:123?conn_max_idle_time=-1", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://localhost:123?conn_max_idle_time=", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://localhost:123?protocol=2", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://localhost:123?client_name=cluster_hi", clusterOf("localhost:123"), ""},
	{grammarCluster, "redis://localhost:123?conn_max_idle_time", clusterOf("localhost:123"), ""},
	{grammarCluster, "rediss://foo:bar@localhost:123?addr=rediss://foo:barr@localhost:1234", nil, "both"},
	{grammarCluster, "redis://localhost?pool_size=five", clusterOf("localhost:6379"), "both"},
	{grammarCluster, "redis://localhost?pool_fifo=yes", clusterOf("localhost:6379"), "both"},
	{grammarCluster, "redis://localhost?abc=123", clusterOf("localhost:6379"), "both"},
	{grammarCluster, "https://google.com", clusterOf("localhost:6379"), "both"},
	{grammarCluster, "redis://localhost:16600?failing_timeout_seconds=25", clusterOf("localhost:16600"), ""},

	// sentinel_test.go TestParseSentinelURL. The cases without master_name
	// get it from REDIS_SENTINEL_MASTER: go-redis leaves it empty, and its
	// failover client cannot run without one.
	{grammarFailover, "redis://localhost:6379?master_name=test", nil, ""},
	{grammarFailover, "redis://localhost:6379/5?master_name=test", nil, ""},
	{grammarFailover, "rediss://localhost:6379/5?master_name=test", nil, ""},
	{grammarFailover, "rediss://localhost:6379/5?master_name=test&skip_verify=true", nil, ""},
	{grammarFailover, "redis://localhost:6379/5?master_name=test&db=2", nil, ""},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&addr=localhost:6381", masterTest, ""},
	{grammarFailover, "redis://foo:bar@localhost:6379/5?addr=localhost:6380", masterTest, ""},
	{grammarFailover, "redis://:bar@localhost:6379/5?addr=localhost:6380", masterTest, ""},
	{grammarFailover, "redis://foo@localhost:6379/5?addr=localhost:6380", masterTest, ""},
	{grammarFailover, "redis://foo:bar@localhost:6379/5?addr=localhost:6380&dial_timeout=3", masterTest, ""},
	{grammarFailover, "redis://foo:bar@localhost:6379/5?addr=localhost:6380&dial_timeout=3s", masterTest, ""},
	{grammarFailover, "redis://foo:bar@localhost:6379/5?addr=localhost:6380&dial_timeout=3ms", masterTest, ""},
	{grammarFailover, "redis://foo:bar@localhost:6379/5?addr=localhost:6380&dial_timeout=3&pool_fifo=true", masterTest, ""},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=3&pool_fifo=false", masterTest, ""},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=3&pool_fifo", masterTest, ""},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout", masterTest, ""},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=0", masterTest, "`dial_timeout` or `pool_timeout` of zero or less"},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=-1", masterTest, "`dial_timeout` or `pool_timeout` of zero or less"},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=-2", masterTest, "`dial_timeout` or `pool_timeout` of zero or less"},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=", masterTest, ""},
	{grammarFailover, "redis://localhost:6379/5?addr=localhost:6380&dial_timeout=0&abc=5", masterTest, "both"},
	{grammarFailover, "rediss://localhost:6379/5?master_name=test&skip_verify=yes", nil, "both"},
	{grammarFailover, "http://google.com", masterTest, "both"},
	{grammarFailover, "redis://localhost/1/2/3/4", masterTest, "both"},
	{grammarFailover, "12345", masterTest, "both"},
	{grammarFailover, "redis://localhost/database", masterTest, "both"},
}

// masterTest names the master for failover URLs without master_name.
var masterTest = map[string]string{EnvSentinelMaster: "test"}

// clusterOf selects a cluster for a URL with one host: its nodes variable
// holds the same address, so the two forms agree.
func clusterOf(addr string) map[string]string { return map[string]string{EnvClusterNodes: addr} }

// pipelineFields are go-redis v9.23's pipeline pool fields, in every
// options type.
var pipelineFields = []string{"PipelinePoolSize", "PipelineReadBufferSize", "PipelineWriteBufferSize"}

// TestGoRedisV923URLParity builds every URL of go-redis v9.23's own parser
// tests both ways: where both accept it the options must agree field by
// field; where go-redis refuses it redisconfig must too; where only
// redisconfig refuses it, the reason must be in the README's URL sections.
func TestGoRedisV923URLParity(t *testing.T) {
	t.Parallel()
	readme := readmeURLSections(t)
	for _, tt := range goRedisV923Cases {
		name := map[grammar]string{grammarStandalone: "ParseURL", grammarCluster: "ParseClusterURL", grammarFailover: "ParseFailoverURL"}[tt.grammar]
		t.Run(name+" "+tt.url, func(t *testing.T) {
			t.Parallel()
			var want any
			var goErr error
			switch tt.grammar {
			case grammarStandalone:
				want, goErr = redis.ParseURL(tt.url)
			case grammarCluster:
				want, goErr = redis.ParseClusterURL(tt.url)
			case grammarFailover:
				want, goErr = redis.ParseFailoverURL(tt.url)
			}
			vars := map[string]string{EnvEnvironment: "development", EnvURL: tt.url}
			for k, v := range tt.vars {
				vars[k] = v
			}
			cfg, err := New().WithEnv(vars).Build(context.Background())
			switch tt.refused {
			case "both":
				require.Error(t, goErr, "go-redis refuses this URL")
				require.ErrorIs(t, err, ErrInvalidConfig)
				return
			case "":
				require.NoError(t, goErr, "go-redis accepts this URL")
				require.NoError(t, err)
			default:
				require.NoError(t, goErr, "go-redis accepts this URL")
				require.ErrorIs(t, err, ErrInvalidConfig)
				assert.Contains(t, readme, tt.refused, "the README's URL sections give the reason")
				return
			}
			switch want := want.(type) {
			case *redis.Options:
				require.Equal(t, TopologyStandalone, cfg.Topology())
				assertSameOptions(t, want, cfg.Options())
				assertSameFields(t, want, cfg.Options(), pipelineFields...)
			case *redis.ClusterOptions:
				require.Equal(t, TopologyCluster, cfg.Topology())
				got := cfg.ClusterOptions()
				assertSameFields(t, want, got, append(append(sharedPoolFields, pipelineFields...),
					"Addrs", "MaxRedirects", "ReadOnly", "RouteByLatencyTolerance", "FailingTimeoutSeconds")...)
				assertSameTLS(t, want.TLSConfig, got.TLSConfig)
			case *redis.FailoverOptions:
				require.Equal(t, TopologySentinel, cfg.Topology())
				got := cfg.FailoverOptions()
				if want.MasterName == "" {
					want.MasterName = tt.vars[EnvSentinelMaster]
				}
				assertSameFields(t, want, got, append(append(sharedPoolFields, pipelineFields...),
					"MasterName", "SentinelAddrs", "SentinelUsername", "SentinelPassword", "DB", "ReplicaOnly",
					"UseDisconnectedReplicas", "ContextTimeoutEnabled", "RouteByLatencyTolerance",
					"DisableIdentity", "IdentitySuffix", "UnstableResp3")...)
				assertSameTLS(t, want.TLSConfig, got.TLSConfig)
			}
		})
	}
}

// assertSameTLS compares the TLS of cluster and failover options. Only
// InsecureSkipVerify: go-redis puts the URL's first host in ServerName for
// every node, where redisconfig leaves it empty so that each node is
// verified against its own name (tls.DialWithDialer fills it in), and
// redisconfig states TLS 1.2 as MinVersion, Go's client default (README,
// "Cluster and sentinel URLs").
func assertSameTLS(t *testing.T, want, got *tls.Config) {
	t.Helper()
	require.Equal(t, want != nil, got != nil, "TLS on/off")
	if want != nil {
		assertSameFields(t, want, got, "InsecureSkipVerify")
		assert.Empty(t, got.ServerName)
		assert.Equal(t, uint16(tls.VersionTLS12), got.MinVersion)
	}
}

// readmeURLSections returns the README's "URLs" section and its cluster
// and sentinel URL section, where the refusals are listed.
func readmeURLSections(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(data)
	var out strings.Builder
	for _, heading := range []string{"\n## URLs\n", "\n### Cluster and sentinel URLs, where redisconfig is stricter\n"} {
		i := strings.Index(text, heading)
		require.GreaterOrEqual(t, i, 0, "README has no %q", strings.TrimSpace(heading))
		rest := text[i+len(heading):]
		if j := strings.Index(rest, "\n#"); j >= 0 {
			rest = rest[:j]
		}
		out.WriteString(rest)
	}
	return out.String()
}
