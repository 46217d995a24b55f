package redisconfig

import (
	"context"
	"errors"
	"reflect"
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
