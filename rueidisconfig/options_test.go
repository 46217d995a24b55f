package rueidisconfig

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/redisconfig/redisconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func build(t *testing.T, env map[string]string) *redisconfig.Config {
	t.Helper()
	cfg, err := redisconfig.New().WithEnv(env).Build(context.Background())
	require.NoError(t, err)
	return cfg
}

func TestTableCoversEverySetting(t *testing.T) {
	t.Parallel()
	cfg := build(t, map[string]string{"ENVIRONMENT": "test"})
	settings := cfg.Settings()
	names, rows := make([]string, len(settings)), make([]string, len(table))
	for i, s := range settings {
		names[i] = s.Name
	}
	for i, r := range table {
		rows[i] = r.setting
	}
	require.Equal(t, names, rows, "one row per redisconfig setting, in its order")
	for _, r := range table {
		switch r.kind {
		case kindField:
			assert.NotNil(t, r.apply, "%s: a field row applies its value", r.setting)
		case kindNone, kindMoot, kindOwn:
			assert.Nil(t, r.apply, "%s", r.setting)
			assert.Empty(t, r.field, "%s", r.setting)
			assert.NotEmpty(t, r.note, "%s: say why", r.setting)
		case kindWhole:
			assert.Nil(t, r.apply, "%s", r.setting)
			assert.NotEmpty(t, r.field, "%s", r.setting)
		}
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give map[string]string
		want func(t *testing.T, o rueidis.ClientOption)
	}{
		{
			name: "standalone URL",
			give: map[string]string{"REDIS_URL": "redis://cache.internal:6380/3?client_name=api&protocol=2&dial_timeout=2s&conn_max_lifetime=1h"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, []string{"cache.internal:6380"}, o.InitAddress)
				assert.Equal(t, 3, o.SelectDB)
				assert.Equal(t, "api", o.ClientName)
				assert.True(t, o.AlwaysRESP2)
				assert.True(t, o.DisableCache)
				assert.True(t, o.ForceSingleClient)
				assert.Equal(t, 2*time.Second, o.Dialer.Timeout)
				assert.Equal(t, time.Hour, o.ConnLifetime)
				assert.Nil(t, o.TLSConfig)
				assert.Nil(t, o.DialCtxFn)
			},
		},
		{
			name: "protocol 3 keeps the cache",
			give: map[string]string{"REDIS_PROTOCOL": "3"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.False(t, o.AlwaysRESP2)
				assert.False(t, o.DisableCache)
			},
		},
		{
			name: "unix socket",
			give: map[string]string{"REDIS_URL": "unix:///run/redis.sock"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, []string{"/run/redis.sock"}, o.InitAddress)
				assert.NotNil(t, o.DialCtxFn)
			},
		},
		{
			name: "TLS",
			give: map[string]string{"REDIS_URL": "rediss://cache.internal:6380", "REDIS_TLS_SERVER_NAME": "redis.example.com"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				require.NotNil(t, o.TLSConfig)
				assert.Equal(t, "redis.example.com", o.TLSConfig.ServerName)
			},
		},
		{
			name: "cluster",
			give: map[string]string{"REDIS_CLUSTER_NODES": "a:7000,b:7001", "REDIS_CLUSTER_READ_ONLY": "true", "REDIS_CLUSTER_MAX_REDIRECTS": "5"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, []string{"a:7000", "b:7001"}, o.InitAddress)
				assert.False(t, o.ForceSingleClient)
				assert.Equal(t, 5, o.ClusterOption.MaxMovedRedirections)
				require.NotNil(t, o.SendToReplicas)
			},
		},
		{
			name: "sentinel",
			give: map[string]string{
				"REDIS_SENTINEL_MASTER": "mymaster", "REDIS_SENTINEL_NODES": "s1:26379,s2:26379",
				"REDIS_SENTINEL_USERNAME": "watcher", "REDIS_SENTINEL_PASSWORD": "sentinel-pw",
				"REDIS_SENTINEL_REPLICA_ONLY": "true", "REDIS_DIAL_TIMEOUT": "3s", "REDIS_TLS": "true",
			},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, []string{"s1:26379", "s2:26379"}, o.InitAddress)
				assert.Equal(t, "mymaster", o.Sentinel.MasterSet)
				assert.Equal(t, "watcher", o.Sentinel.Username)
				assert.Equal(t, "sentinel-pw", o.Sentinel.Password)
				assert.True(t, o.ReplicaOnly)
				assert.False(t, o.ForceSingleClient)
				assert.Equal(t, 3*time.Second, o.Sentinel.Dialer.Timeout)
				require.NotNil(t, o.Sentinel.TLSConfig)
				require.NotNil(t, o.TLSConfig)
				assert.NotSame(t, o.TLSConfig, o.Sentinel.TLSConfig)
			},
		},
		{
			name: "timeouts: the longer of read and write",
			give: map[string]string{"REDIS_READ_TIMEOUT": "4s", "REDIS_WRITE_TIMEOUT": "2s"},
			want: func(t *testing.T, o rueidis.ClientOption) { assert.Equal(t, 4*time.Second, o.ConnWriteTimeout) },
		},
		{
			name: "timeouts: disabled when one is",
			give: map[string]string{"REDIS_READ_TIMEOUT": "-1", "REDIS_WRITE_TIMEOUT": "2s"},
			want: func(t *testing.T, o rueidis.ClientOption) { assert.Equal(t, time.Duration(-1), o.ConnWriteTimeout) },
		},
		{
			name: "timeouts: rueidis's default when unset",
			give: map[string]string{},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Zero(t, o.ConnWriteTimeout)
				assert.Zero(t, o.Dialer.Timeout)
				assert.Nil(t, o.RetryDelay)
				assert.False(t, o.DisableRetry)
				assert.Nil(t, o.ClientSetInfo)
			},
		},
		{
			name: "no retries",
			give: map[string]string{"REDIS_MAX_RETRIES": "-1"},
			want: func(t *testing.T, o rueidis.ClientOption) { assert.True(t, o.DisableRetry) },
		},
		{
			name: "retry count",
			give: map[string]string{"REDIS_MAX_RETRIES": "2", "REDIS_MIN_RETRY_BACKOFF": "10ms", "REDIS_MAX_RETRY_BACKOFF": "15ms"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				require.NotNil(t, o.RetryDelay)
				for attempt := 1; attempt <= 2; attempt++ {
					d := o.RetryDelay(attempt, rueidis.Completed{}, nil)
					assert.GreaterOrEqual(t, d, 5*time.Millisecond, "attempt %d", attempt)
					assert.LessOrEqual(t, d, 15*time.Millisecond, "attempt %d", attempt)
				}
				assert.Negative(t, o.RetryDelay(3, rueidis.Completed{}, nil), "no third retry")
			},
		},
		{
			name: "pool",
			give: map[string]string{"REDIS_POOL_SIZE": "20", "REDIS_CONN_MAX_IDLE_TIME": "1m"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, 20, o.BlockingPoolSize)
				assert.Equal(t, time.Minute, o.BlockingPoolCleanup)
			},
		},
		{
			name: "buffers",
			give: map[string]string{"REDIS_READ_BUFFER_SIZE": "65536", "REDIS_WRITE_BUFFER_SIZE": "0"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, 65536, o.ReadBufferEachConn)
				assert.Zero(t, o.WriteBufferEachConn, "0: the library's default")
			},
		},
		{
			name: "identity off",
			give: map[string]string{"REDIS_DISABLE_IDENTITY": "true", "REDIS_IDENTITY_SUFFIX": "svc"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.NotNil(t, o.ClientSetInfo)
				assert.Empty(t, o.ClientSetInfo)
			},
		},
		{
			name: "identity suffix",
			give: map[string]string{"REDIS_IDENTITY_SUFFIX": "svc"},
			want: func(t *testing.T, o rueidis.ClientOption) {
				assert.Equal(t, []string{rueidis.LibName + "(svc)", rueidis.LibVer}, o.ClientSetInfo)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"ENVIRONMENT": "development"}
			for k, v := range tt.give {
				env[k] = v
			}
			o, err := Options(build(t, env))
			require.NoError(t, err)
			tt.want(t, o)
		})
	}
}

func TestUnsupportedSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give map[string]string
		want map[string]string // setting -> source
	}{
		{
			name: "variables",
			give: map[string]string{"REDIS_POOL_FIFO": "true", "REDIS_MIN_IDLE_CONNS": "4"},
			want: map[string]string{"pool_fifo": "REDIS_POOL_FIFO", "min_idle_conns": "REDIS_MIN_IDLE_CONNS"},
		},
		{
			name: "URL parameters",
			give: map[string]string{"REDIS_URL": "redis://h:6379?pool_timeout=2s"},
			want: map[string]string{"pool_timeout": "REDIS_URL parameter pool_timeout"},
		},
		{
			name: "values rueidis cannot carry out",
			give: map[string]string{"REDIS_CLUSTER_NODES": "a:7000", "REDIS_CLUSTER_MAX_REDIRECTS": "-1", "REDIS_CONTEXT_TIMEOUT_ENABLED": "false"},
			want: map[string]string{"max_redirects": "REDIS_CLUSTER_MAX_REDIRECTS", "context_timeout_enabled": "REDIS_CONTEXT_TIMEOUT_ENABLED"},
		},
		{
			name: "a buffer too small for rueidis",
			give: map[string]string{"REDIS_READ_BUFFER_SIZE": "16"},
			want: map[string]string{"read_buffer_size": "REDIS_READ_BUFFER_SIZE"},
		},
		{
			// The test profile sets pool_timeout and max_retries; nobody
			// chose them, so nothing is reported.
			name: "profile defaults are fine",
			give: map[string]string{"ENVIRONMENT": "test"},
			want: map[string]string{},
		},
		{
			name: "settings redisconfig itself uses are fine",
			give: map[string]string{"REDIS_CONNECT_TIMEOUT": "3s", "REDIS_CERT_EXPIRY_WARNING": "48h", "REDIS_UNSTABLE_RESP3": "true"},
			want: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"ENVIRONMENT": "development"}
			for k, v := range tt.give {
				env[k] = v
			}
			cfg := build(t, env)
			_, err := Options(cfg)
			if len(tt.want) == 0 {
				require.NoError(t, err)
				for _, s := range cfg.Settings() {
					if _, given := tt.give[s.Variable]; given {
						assert.True(t, s.Set, "%s is set, and still fine", s.Name)
					}
				}
				return
			}
			require.ErrorIs(t, err, ErrUnsupported)
			require.ErrorIs(t, err, redisconfig.ErrInvalidConfig)
			got := map[string]string{}
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var u *UnsupportedError
				require.ErrorAs(t, e, &u)
				got[u.Setting] = u.Source.Name
				assert.Contains(t, u.Error(), u.Setting)
				assert.Contains(t, u.Error(), "unset it")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestProfileDefaultsStillMapped(t *testing.T) {
	t.Parallel()
	o, err := Options(build(t, map[string]string{"ENVIRONMENT": "test"}))
	require.NoError(t, err)
	assert.Equal(t, time.Second, o.Dialer.Timeout, "the test profile's dial_timeout")
	assert.Equal(t, time.Second, o.ConnWriteTimeout, "the test profile's read and write timeouts")
	require.NotNil(t, o.RetryDelay, "the test profile's max_retries=1")
	assert.Negative(t, o.RetryDelay(2, rueidis.Completed{}, nil))
}

// memSource is a secret source whose values change under the test.
type memSource struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSource) Fetch(_ context.Context, name string) (redisconfig.Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[name]
	if !ok {
		return redisconfig.Secret{}, fmt.Errorf("no secret %s", name)
	}
	return redisconfig.NewSecret(v), nil
}

func (s *memSource) set(name, v string) {
	s.mu.Lock()
	s.m[name] = v
	s.mu.Unlock()
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6379}

	static := build(t, map[string]string{"REDIS_URL": "redis://app:static-pw@h:6379"})
	o, err := Options(static)
	require.NoError(t, err)
	assert.Empty(t, o.Password, "no password in clear in the options")
	got, err := o.AuthCredentialsFn(rueidis.AuthCredentialsContext{Address: addr})
	require.NoError(t, err)
	assert.Equal(t, "app", got.Username)
	assert.Equal(t, "static-pw", got.Password)
	assert.True(t, got.RefreshAfter.IsZero(), "static credentials need no refresh")

	src := &memSource{m: map[string]string{"redis-password": "v1"}}
	rotating, err := redisconfig.New().WithEnv(map[string]string{"REDIS_URL": "redis://h:6379"}).
		Secrets().Source(src).Refresh(time.Millisecond).Build(ctx)
	require.NoError(t, err)
	o, err = Options(rotating)
	require.NoError(t, err)
	got, err = o.AuthCredentialsFn(rueidis.AuthCredentialsContext{Address: addr})
	require.NoError(t, err)
	assert.Equal(t, "v1", got.Password)
	assert.False(t, got.RefreshAfter.IsZero(), "a rotating secret re-authenticates live connections")
	src.set("redis-password", "v2")
	time.Sleep(2 * time.Millisecond) // let the refresh interval pass
	got, err = o.AuthCredentialsFn(rueidis.AuthCredentialsContext{Address: addr})
	require.NoError(t, err)
	assert.Equal(t, "v2", got.Password)

	tokens, err := redisconfig.New().WithEnv(map[string]string{"REDIS_URL": "redis://h:6379"}).Connection().
		TokenSource(redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
			return redisconfig.Token{Username: "app-id", Password: redisconfig.NewSecret("token-1"), Expiry: time.Now().Add(time.Hour)}, nil
		})).TokenReauth(true).Build(ctx)
	require.NoError(t, err)
	o, err = Options(tokens)
	require.NoError(t, err)
	got, err = o.AuthCredentialsFn(rueidis.AuthCredentialsContext{Address: addr})
	require.NoError(t, err)
	assert.Equal(t, "app-id", got.Username)
	assert.Equal(t, "token-1", got.Password)
	assert.False(t, got.RefreshAfter.IsZero(), "tokens with re-authentication refresh live connections")

	failing, err := redisconfig.New().WithEnv(map[string]string{"REDIS_URL": "redis://h:6379"}).Connection().
		CredentialsProvider(func(context.Context) (string, string, error) { return "", "", errors.New("token endpoint down") }).Build(ctx)
	require.NoError(t, err)
	o, err = Options(failing)
	require.NoError(t, err)
	_, err = o.AuthCredentialsFn(rueidis.AuthCredentialsContext{Address: addr})
	require.ErrorContains(t, err, "token endpoint down")
}

func TestSentinelsGetTheirOwnCredentials(t *testing.T) {
	t.Parallel()
	cfg := build(t, map[string]string{
		"REDIS_SENTINEL_MASTER": "mymaster", "REDIS_SENTINEL_NODES": "127.0.0.1:26379,localhost:26380",
		"REDIS_USERNAME": "app", "REDIS_PASSWORD": "data-pw", "REDIS_SENTINEL_PASSWORD": "sentinel-pw",
	})
	o, err := Options(cfg)
	require.NoError(t, err)
	tests := []struct {
		give *net.TCPAddr
		want rueidis.AuthCredentials
	}{
		{give: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 26379}, want: rueidis.AuthCredentials{Password: "sentinel-pw"}},
		{give: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 26380}, want: rueidis.AuthCredentials{Password: "sentinel-pw"}},
		{give: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 6379}, want: rueidis.AuthCredentials{Username: "app", Password: "data-pw"}},
	}
	for _, tt := range tests {
		got, err := o.AuthCredentialsFn(rueidis.AuthCredentialsContext{Address: tt.give})
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%s", tt.give)
	}
}

func TestOptionsAreFresh(t *testing.T) {
	t.Parallel()
	cfg := build(t, map[string]string{"REDIS_URL": "rediss://h:6380"})
	a, err := Options(cfg)
	require.NoError(t, err)
	b, err := Options(cfg)
	require.NoError(t, err)
	a.InitAddress[0] = "changed:1"
	a.TLSConfig.ServerName = "changed"
	assert.Equal(t, "h:6380", b.InitAddress[0])
	assert.NotEqual(t, "changed", b.TLSConfig.ServerName)
}
