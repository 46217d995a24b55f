package redisconfig_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIntegrationPassword(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Password: "integration-pw"})
	ctx := context.Background()

	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT":    "test",
		"REDIS_HOST":     "127.0.0.1",
		"REDIS_PORT":     strconv.Itoa(srv.Port),
		"REDIS_PASSWORD": "integration-pw",
		"REDIS_DB":       "3",
	}).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.Set(ctx, "greeting", "hello", 0).Err())
	assert.Equal(t, "hello", client.Get(ctx, "greeting").Val())

	bad, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "redis://:wrong@" + srv.Addr(),
	}).Build(ctx)
	require.NoError(t, err)
	_, err = bad.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	assert.NotContains(t, err.Error(), "wrong@")
}

func TestIntegrationACLUser(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Users: []string{
		"default off",
		"app on >app-pw ~app:* +@all",
	}})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "redis://app:app-pw@" + srv.Addr(),
	}).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.Set(ctx, "app:k", "v", 0).Err())
	require.Error(t, client.Set(ctx, "other:k", "v", 0).Err(), "the ACL keeps app to its keys")
	who, err := client.Do(ctx, "ACL", "WHOAMI").Text()
	require.NoError(t, err)
	assert.Equal(t, "app", who)
}

// TestIntegrationTLSProduction builds a production configuration from
// variables alone (TLS, CA, password) and connects to a real TLS server.
func TestIntegrationTLSProduction(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "integration")
	server := ca.Server(t, "redis", "127.0.0.1", "localhost")
	srv := redisserver.Start(t, redisserver.Options{
		Password: "tls-pw",
		TLS:      &redisserver.TLS{CertFile: server.CertFile, KeyFile: server.KeyFile, CAFile: ca.CertFile},
	})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT":       "production",
		"REDIS_URL":         "rediss://:tls-pw@" + srv.Addr(),
		"REDIS_TLS_CA_FILE": ca.CertFile,
		// Production's bounds are tight for a loaded test machine.
		"REDIS_CONNECT_TIMEOUT": "20s",
		"REDIS_DIAL_TIMEOUT":    "10s",
	}).Relax(redisconfig.RuleNoLoopback, "the test server listens on loopback").Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.Ping(ctx).Err())

	// The system roots do not know the test CA: without REDIS_TLS_CA_FILE
	// the handshake fails, and the error says what was tried.
	noCA, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "rediss://:tls-pw@" + srv.Addr(), "REDIS_CONNECT_TIMEOUT": "20s",
	}).Build(ctx)
	require.NoError(t, err)
	_, err = noCA.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	assert.Contains(t, err.Error(), "tls on")
	assert.Contains(t, err.Error(), "unknown authority")

	// A CA that did not sign the server's certificate: unknown authority.
	other := testpki.NewCA(t, "other")
	wrongCA, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "rediss://:tls-pw@" + srv.Addr(), "REDIS_CONNECT_TIMEOUT": "20s", "REDIS_TLS_CA_FILE": other.CertFile,
	}).Build(ctx)
	require.NoError(t, err)
	_, err = wrongCA.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	assert.Contains(t, err.Error(), "unknown authority")

	// The right CA but a name the certificate does not carry.
	wrongName, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "rediss://:tls-pw@" + srv.Addr(), "REDIS_CONNECT_TIMEOUT": "20s", "REDIS_TLS_CA_FILE": ca.CertFile,
		"REDIS_TLS_SERVER_NAME": "redis.example.com",
	}).Build(ctx)
	require.NoError(t, err)
	_, err = wrongName.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	assert.Contains(t, err.Error(), "redis.example.com")
	assert.Contains(t, err.Error(), "not valid for the name")
}

func TestIntegrationMutualTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "mtls")
	server := ca.Server(t, "redis", "127.0.0.1")
	client := ca.Client(t, "backend")
	srv := redisserver.Start(t, redisserver.Options{
		TLS: &redisserver.TLS{CertFile: server.CertFile, KeyFile: server.KeyFile, CAFile: ca.CertFile, ClientCerts: true},
	})
	ctx := context.Background()
	vars := map[string]string{
		"ENVIRONMENT":         "test",
		"REDIS_URL":           "rediss://" + srv.Addr(),
		"REDIS_TLS_CA_FILE":   ca.CertFile,
		"REDIS_TLS_CERT_FILE": client.CertFile,
		"REDIS_TLS_KEY_FILE":  client.KeyFile,
	}
	cfg, err := redisconfig.New().WithEnv(vars).Build(ctx)
	require.NoError(t, err)
	c, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	delete(vars, "REDIS_TLS_CERT_FILE")
	delete(vars, "REDIS_TLS_KEY_FILE")
	noCert, err := redisconfig.New().WithEnv(vars).Build(ctx)
	require.NoError(t, err)
	_, err = noCert.Connect(ctx)
	require.ErrorIs(t, err, redisconfig.ErrConnect, "the server requires a client certificate")
	assert.Contains(t, err.Error(), "requires a client certificate")
}

// TestConnectSendsNoExtraCommands counts, on the server, the commands a
// redisconfig Connect sends and those of hand-written go-redis with the
// same options (NewClient + Ping): they must be the same.
func TestConnectSendsNoExtraCommands(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Password: "count-pw"})
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: "count-pw"})
	t.Cleanup(func() { _ = admin.Close() })
	require.NoError(t, admin.Ping(ctx).Err())

	counts := func(connect func()) map[string]string {
		require.NoError(t, admin.ConfigResetStat(ctx).Err())
		connect()
		info, err := admin.Info(ctx, "commandstats").Result()
		require.NoError(t, err)
		out := map[string]string{}
		for _, line := range strings.Split(info, "\n") {
			if name, rest, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && strings.HasPrefix(name, "cmdstat_") {
				calls, _, _ := strings.Cut(rest, ",")
				out[name] = calls
			}
		}
		return out
	}
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "redis://:count-pw@" + srv.Addr(),
	}).Service("counted").Build(ctx)
	require.NoError(t, err)

	ours := counts(func() {
		client, err := cfg.Connect(ctx)
		require.NoError(t, err)
		require.NoError(t, client.Close())
	})
	theirs := counts(func() {
		client := redis.NewClient(cfg.Options())
		require.NoError(t, client.Ping(ctx).Err())
		require.NoError(t, client.Close())
	})
	t.Logf("commands per connect: %v", ours)
	assert.Equal(t, theirs, ours)
	assert.Contains(t, ours, "cmdstat_ping")
}
