package redisconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig/internal/load"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFileRotationUnderLoad rotates the password and the CA of a real
// redis-server, through a secret mounted the way Kubernetes mounts one, while
// 16 goroutines run commands on a client that was built once; not one
// command may fail. Connections live 50ms, so new ones (which read the files
// again) are made all the time, and go-redis's retries are off, so a failed
// dial or AUTH would surface as a failed command.
func TestFileRotationUnderLoad(t *testing.T) {
	ca1, ca2 := testpki.NewCA(t, "ca-2026-1"), testpki.NewCA(t, "ca-2026-2")
	cert1, cert2 := ca1.Server(t, "redis-1", "127.0.0.1"), ca2.Server(t, "redis-2", "127.0.0.1")
	srv := redisserver.Start(t, redisserver.Options{
		Users: []string{"default off", "app on >pw-one ~* +@all", "admin on >admin-pw ~* +@all"},
		TLS:   &redisserver.TLS{CertFile: cert1.CertFile, KeyFile: cert1.KeyFile, CAFile: ca1.CertFile},
	})
	ctx := context.Background()

	both := x509.NewCertPool()
	both.AddCert(ca1.Cert)
	both.AddCert(ca2.Cert)
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr(), Username: "admin", Password: "admin-pw",
		TLSConfig: &tls.Config{RootCAs: both, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}})
	t.Cleanup(func() { _ = admin.Close() })
	require.NoError(t, admin.Ping(ctx).Err())

	sec := newK8sSecret(t, map[string]string{"password": "pw-one\n", "ca.pem": string(ca1.CertPEM)})
	var reported refreshErrors
	cfg, err := New().WithEnv(map[string]string{
		EnvEnvironment:     "test",
		EnvURL:             "rediss://app@" + srv.Addr(),
		EnvPasswordFile:    sec.path("password"),
		EnvTLSCAFile:       sec.path("ca.pem"),
		EnvConnMaxLifetime: "50ms",
		EnvMaxRetries:      "-1",
		EnvPoolSize:        "8",
		// Generous timeouts: on a starved CI machine a slow reply is not
		// what this test is about; a refused AUTH or certificate fails at
		// once, whatever the timeouts.
		EnvDialTimeout:  "10s",
		EnvReadTimeout:  "10s",
		EnvWriteTimeout: "10s",
		EnvPoolTimeout:  "10s",
	}).Secrets().OnRefreshError(reported.hook).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })

	// The load.
	work := load.Start(16, func(g, _ int) error { return client.Incr(ctx, "rotation:"+strconv.Itoa(g)).Err() })
	connections := func() int64 {
		info, err := admin.Info(ctx, "stats").Result()
		require.NoError(t, err)
		for _, l := range strings.Split(info, "\r\n") {
			if v, found := strings.CutPrefix(l, "total_connections_received:"); found {
				n, err := strconv.ParseInt(v, 10, 64)
				require.NoError(t, err)
				return n
			}
		}
		t.Fatal("no total_connections_received in INFO stats")
		return 0
	}
	// runLoad lets the load run until the server has taken at least n new
	// connections (each of which read the files as they are now).
	runLoad := func(n int64) {
		from := connections()
		require.Eventually(t, func() bool { return connections() >= from+n }, 20*time.Second, 10*time.Millisecond)
	}
	// settle makes sure a new connection's look at the files happened after
	// the change, then lets the dials in flight before it finish.
	o := cfg.Options()
	settle := func() {
		_, _, err := o.CredentialsProviderContext(ctx)
		require.NoError(t, err)
		conn, err := tls.Dial("tcp", srv.Addr(), o.TLSConfig)
		require.NoError(t, err)
		_ = conn.Close()
		time.Sleep(200 * time.Millisecond)
	}
	runLoad(20)

	// 1. The password: the server takes both, the secret changes, then the
	// server drops the old one.
	require.NoError(t, admin.Do(ctx, "ACL", "SETUSER", "app", ">pw-two").Err())
	sec.update(t, map[string]string{"password": "pw-two\n", "ca.pem": string(ca1.CertPEM)})
	settle()
	require.NoError(t, admin.Do(ctx, "ACL", "SETUSER", "app", "<pw-one").Err())
	runLoad(40)

	// 2. The CA: the bundle trusts both, the server switches to a
	// certificate from the new CA, then the bundle drops the old CA.
	sec.update(t, map[string]string{"password": "pw-two\n", "ca.pem": string(ca1.CertPEM) + string(ca2.CertPEM)})
	settle()
	require.NoError(t, admin.Do(ctx, "CONFIG", "SET", "tls-cert-file", cert2.CertFile, "tls-key-file", cert2.KeyFile).Err())
	runLoad(40)
	sec.update(t, map[string]string{"password": "pw-two\n", "ca.pem": string(ca2.CertPEM)})
	runLoad(40)

	// 3. Broken files keep the last good values, and say so.
	sec.update(t, map[string]string{"password": "\n", "ca.pem": "not a certificate"})
	runLoad(40)
	sec.update(t, map[string]string{"password": "pw-two", "ca.pem": string(ca2.CertPEM)})
	runLoad(40)

	ok, failed, first := work.Stop()
	assert.Zero(t, failed, "failed commands; the first: %v", first)
	assert.Positive(t, ok, "the load ran") // how many is the machine's business: the phases wait for new connections, not for a count
	log, err := admin.Do(ctx, "ACL", "LOG").Slice()
	require.NoError(t, err)
	assert.Empty(t, log, "no AUTH failed on the server")

	errs := reported.list()
	require.Len(t, errs, 2, "the broken password file and the broken CA file, once each: %v", errs)
	joined := strings.Join(errs, "\n")
	assert.Contains(t, joined, EnvPasswordFile)
	assert.Contains(t, joined, EnvTLSCAFile)
	assert.NotContains(t, joined, "pw-two")
	assert.NotContains(t, joined, "pw-one")

	// The verification is real: a bundle without the server's CA, or a
	// server name the certificate does not carry, is refused.
	for name, vars := range map[string]map[string]string{
		"old CA only": {EnvTLSCAFile: ca1.CertFile},
		"wrong name":  {EnvTLSCAFile: ca2.CertFile, EnvTLSServerName: "other.example"},
	} {
		vars[EnvEnvironment], vars[EnvURL], vars[EnvPassword] = "test", "rediss://app@"+srv.Addr(), "pw-two"
		bad, err := New().WithEnv(vars).Build(ctx)
		require.NoError(t, err, name)
		_, err = bad.Connect(ctx)
		require.ErrorIs(t, err, ErrConnect, name)
	}
}

// TestCASecretRotationUnderLoad rotates the CA of a real TLS redis-server
// while its bundle comes from a secret source read again every 20ms (the
// password's refresh, REDIS_SECRETS_REFRESH), under the same load as
// TestFileRotationUnderLoad: not one command may fail.
func TestCASecretRotationUnderLoad(t *testing.T) {
	ca1, ca2 := testpki.NewCA(t, "secret-ca-2026-1"), testpki.NewCA(t, "secret-ca-2026-2")
	cert1, cert2 := ca1.Server(t, "redis-1", "127.0.0.1"), ca2.Server(t, "redis-2", "127.0.0.1")
	srv := redisserver.Start(t, redisserver.Options{
		Password: "ca-secret-pw",
		TLS:      &redisserver.TLS{CertFile: cert1.CertFile, KeyFile: cert1.KeyFile, CAFile: ca1.CertFile},
	})
	ctx := context.Background()
	both := x509.NewCertPool()
	both.AddCert(ca1.Cert)
	both.AddCert(ca2.Cert)
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr(), Password: "ca-secret-pw",
		TLSConfig: &tls.Config{RootCAs: both, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}})
	t.Cleanup(func() { _ = admin.Close() })
	require.NoError(t, admin.Ping(ctx).Err())

	src := newMemSecrets(map[string]string{"redis-password": "ca-secret-pw", "redis-ca-cert": string(ca1.CertPEM)})
	var reported refreshErrors
	cfg, err := New().WithEnv(map[string]string{
		EnvEnvironment:     "test",
		EnvURL:             "rediss://" + srv.Addr(),
		EnvConnMaxLifetime: "50ms",
		EnvMaxRetries:      "-1",
		EnvPoolSize:        "8",
		EnvDialTimeout:     "10s",
		EnvReadTimeout:     "10s",
		EnvWriteTimeout:    "10s",
		EnvPoolTimeout:     "10s",
	}).Secrets().Source(src).Refresh(20 * time.Millisecond).Timeout(10 * time.Second).OnRefreshError(reported.hook).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })

	work := load.Start(16, func(g, _ int) error { return client.Incr(ctx, "ca-rotation:"+strconv.Itoa(g)).Err() })
	// runLoad lets the load run until the source has been asked for the
	// CA bundle n more times: each ask is a new connection's handshake
	// after the refresh interval.
	runLoad := func(n int) {
		from := src.count("redis-ca-cert")
		require.Eventually(t, func() bool { return src.count("redis-ca-cert") >= from+n }, 20*time.Second, 10*time.Millisecond)
	}
	// trusted waits until the configuration's verification accepts (or
	// refuses) a certificate, which it does once the bundle holding (or
	// dropping) its CA has been fetched and parsed.
	verify := cfg.TLSConfig().VerifyConnection
	require.NotNil(t, verify)
	trusted := func(pair testpki.Pair, want bool) {
		state := presented(t, pair)
		require.Eventually(t, func() bool { return (verify(state) == nil) == want }, 20*time.Second, 10*time.Millisecond)
	}
	runLoad(5)

	// The bundle trusts both, the server switches certificate, the bundle
	// drops the old CA.
	src.set("redis-ca-cert", string(ca1.CertPEM)+string(ca2.CertPEM))
	trusted(cert2, true)
	require.NoError(t, admin.Do(ctx, "CONFIG", "SET", "tls-cert-file", cert2.CertFile, "tls-key-file", cert2.KeyFile).Err())
	runLoad(10)
	src.set("redis-ca-cert", string(ca2.CertPEM))
	trusted(cert1, false)
	runLoad(10)

	// A broken bundle keeps the last good one, and says so once.
	src.set("redis-ca-cert", "-----BEGIN CERTIFICATE-----\nY2FuYXJ5LWNhbmFyeQ")
	runLoad(10)
	src.set("redis-ca-cert", string(ca2.CertPEM))
	runLoad(5)

	ok, failed, first := work.Stop()
	assert.Zero(t, failed, "failed commands; the first: %v", first)
	assert.Positive(t, ok, "the load ran")
	errs := reported.list()
	require.Len(t, errs, 1, "the broken bundle, once: %v", errs)
	assert.Contains(t, errs[0], "redis-ca-cert")
	assert.NotContains(t, errs[0], "Y2FuYXJ5", "never the secret's content")

	// Without refresh the bundle read at Build is the one: after the
	// rotation a client built the same way with the old CA cannot connect.
	old := newMemSecrets(map[string]string{"redis-password": "ca-secret-pw", "redis-ca-cert": string(ca1.CertPEM)})
	stale, err := New().WithEnv(map[string]string{EnvEnvironment: "test", EnvURL: "rediss://" + srv.Addr()}).
		Secrets().Source(old).Refresh(0).Build(ctx)
	require.NoError(t, err)
	_, err = stale.Connect(ctx)
	require.ErrorIs(t, err, ErrConnect)
}
