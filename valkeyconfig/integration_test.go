// Code generated from ../rueidisconfig/integration_test.go by TestGenerated (generate_test.go); DO NOT EDIT.

package valkeyconfig_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/redisconfig/redisconfig/valkeyconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/valkey-io/valkey-go"
)

func build(t *testing.T, env map[string]string) *redisconfig.Config {
	t.Helper()
	cfg, err := redisconfig.New().WithEnv(env).Build(context.Background())
	require.NoError(t, err)
	return cfg
}

func connect(t *testing.T, cfg *redisconfig.Config) valkey.Client {
	t.Helper()
	client, err := valkeyconfig.Connect(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(client.Close)
	return client
}

// clientInfo parses CLIENT INFO: "id=3 addr=... db=2 user=app ...".
func clientInfo(t *testing.T, line string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range strings.Fields(line) {
		if k, v, ok := strings.Cut(f, "="); ok {
			out[k] = v
		}
	}
	return out
}

func do(t *testing.T, c valkey.Client, args ...string) string {
	t.Helper()
	s, err := c.Do(context.Background(), c.B().Arbitrary(args[0]).Args(args[1:]...).Build()).ToString()
	require.NoError(t, err, "%v", args)
	return s
}

func TestIntegrationPasswordAndTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "lib")
	server := ca.Server(t, "redis", "127.0.0.1", "localhost")
	srv := redisserver.Start(t, redisserver.Options{
		Password: "tls-pw",
		TLS:      &redisserver.TLS{CertFile: server.CertFile, KeyFile: server.KeyFile, CAFile: ca.CertFile},
	})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT":       "production",
		"REDIS_URL":         "rediss://:tls-pw@" + srv.Addr() + "/4",
		"REDIS_TLS_CA_FILE": ca.CertFile,
		"REDIS_CLIENT_NAME": "billing",
		// Production's bounds are tight for a loaded test machine.
		"REDIS_CONNECT_TIMEOUT": "20s",
		"REDIS_DIAL_TIMEOUT":    "10s",
	}).Relax(redisconfig.RuleNoLoopback, "the test server listens on loopback").Build(ctx)
	require.NoError(t, err)
	client := connect(t, cfg)
	assert.Equal(t, valkey.ClientModeStandalone, client.Mode())
	require.NoError(t, client.Do(ctx, client.B().Set().Key("k").Value("v").Build()).Error())
	info := clientInfo(t, do(t, client, "CLIENT", "INFO"))
	assert.Equal(t, "4", info["db"])
	assert.Equal(t, "billing", info["name"])
	assert.Equal(t, "default", info["user"])

	h := valkeyconfig.Check(ctx, cfg, client)
	assert.True(t, h.Up(), "%+v", h)
	assert.NotEmpty(t, h.ServerVersion)
	assert.Equal(t, "master", h.Role)
	require.NotNil(t, h.TLS)
	assert.NotEmpty(t, h.TLS.Version)

	// The wrong password: the same diagnosis as go-redis's Connect.
	wrong := build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "rediss://:nope@" + srv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile})
	_, err = valkeyconfig.Connect(ctx, wrong)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryWrongPassword, ce.Diagnosis.Category)
	assert.NotContains(t, err.Error(), "nope")
	assert.Contains(t, err.Error(), "tls on")

	// No CA: the server's certificate is not trusted.
	noCA := build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "rediss://:tls-pw@" + srv.Addr()})
	_, err = valkeyconfig.Connect(ctx, noCA)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTLSUnknownAuthority, ce.Diagnosis.Category)
}

func TestIntegrationACLUser(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Users: []string{"default off", "app on >app-pw ~app:* +@all"}})
	cfg := build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://app:app-pw@" + srv.Addr()})
	client := connect(t, cfg)
	assert.Equal(t, "app", do(t, client, "ACL", "WHOAMI"))
	ctx := context.Background()
	require.NoError(t, client.Do(ctx, client.B().Set().Key("app:k").Value("v").Build()).Error())
	require.Error(t, client.Do(ctx, client.B().Set().Key("other:k").Value("v").Build()).Error(), "the ACL keeps app to its keys")
}

func TestIntegrationCluster(t *testing.T) {
	t.Parallel()
	cluster := redisserver.StartCluster(t, 3, redisserver.Options{Password: "cluster-pw"})
	cfg := build(t, map[string]string{
		"ENVIRONMENT": "development", "REDIS_CLUSTER_NODES": strings.Join(cluster.Addrs(), ","), "REDIS_PASSWORD": "cluster-pw",
	})
	client := connect(t, cfg)
	assert.Equal(t, valkey.ClientModeCluster, client.Mode())
	assert.Len(t, client.Nodes(), 3)
	ctx := context.Background()
	for i := range 20 { // keys spread over the three masters' slots
		key := "k" + strconv.Itoa(i)
		require.NoError(t, client.Do(ctx, client.B().Set().Key(key).Value("v").Build()).Error())
	}
	h := valkeyconfig.Check(ctx, cfg, client)
	assert.True(t, h.Up(), "%+v", h)
	assert.Equal(t, "ok", h.ClusterState)

	// A standalone server named as a cluster's one seed node: valkey-go would
	// quietly make a single-node client; Connect says what is wrong.
	single := redisserver.Start(t, redisserver.Options{})
	wrong := build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_CLUSTER_NODES": single.Addr()})
	_, err := valkeyconfig.Connect(ctx, wrong)
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryClusterModeMismatch, ce.Diagnosis.Category)
}

func TestIntegrationSentinel(t *testing.T) {
	t.Parallel()
	// The data nodes know only the ACL user app; the sentinel is open. A
	// sentinel connection that got app's credentials would fail.
	group := redisserver.StartSentinel(t, redisserver.Options{Users: []string{"app on >app-pw ~* +@all"}})
	cfg := build(t, map[string]string{
		"ENVIRONMENT":           "development",
		"REDIS_SENTINEL_MASTER": group.MasterName,
		"REDIS_SENTINEL_NODES":  group.Sentinel.Addr(),
		"REDIS_USERNAME":        "app",
		"REDIS_PASSWORD":        "app-pw",
		"REDIS_DB":              "2",
	})
	client := connect(t, cfg)
	assert.Equal(t, valkey.ClientModeSentinel, client.Mode())
	info := clientInfo(t, do(t, client, "CLIENT", "INFO"))
	assert.Equal(t, "app", info["user"])
	assert.Equal(t, "2", info["db"])
	assert.Contains(t, do(t, client, "INFO", "replication"), "role:master")
	_, port, _ := net.SplitHostPort(info["laddr"])
	assert.Equal(t, strconv.Itoa(group.Master.Port), port, "connected to the master the sentinel names")

	replica := build(t, map[string]string{
		"ENVIRONMENT": "development", "REDIS_SENTINEL_MASTER": group.MasterName, "REDIS_SENTINEL_NODES": group.Sentinel.Addr(),
		"REDIS_USERNAME": "app", "REDIS_PASSWORD": "app-pw", "REDIS_SENTINEL_REPLICA_ONLY": "true",
	})
	rc := connect(t, replica)
	assert.Contains(t, do(t, rc, "INFO", "replication"), "role:slave")
}

// TestIntegrationParity builds the same variables into a go-redis client
// and a valkey-go client and checks that both reach the same server, over
// TLS (the server listens only on TLS), with the same database, user and
// name.
func TestIntegrationParity(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "parity")
	server := ca.Server(t, "redis", "127.0.0.1")
	srv := redisserver.Start(t, redisserver.Options{
		Users: []string{"default off", "svc on >svc-pw ~* +@all"},
		TLS:   &redisserver.TLS{CertFile: server.CertFile, KeyFile: server.KeyFile, CAFile: ca.CertFile},
	})
	ctx := context.Background()
	cfg := build(t, map[string]string{
		"ENVIRONMENT": "development", "REDIS_HOST": "127.0.0.1", "REDIS_PORT": strconv.Itoa(srv.Port), "REDIS_TLS": "true",
		"REDIS_TLS_CA_FILE": ca.CertFile, "REDIS_USERNAME": "svc", "REDIS_PASSWORD": "svc-pw", "REDIS_DB": "5",
		"REDIS_CLIENT_NAME": "parity", "REDIS_PROTOCOL": "3",
	})
	goredis, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = goredis.Close() })
	lib := connect(t, cfg)

	fromGoRedis, err := goredis.Do(ctx, "CLIENT", "INFO").Text()
	require.NoError(t, err)
	a, b := clientInfo(t, fromGoRedis), clientInfo(t, do(t, lib, "CLIENT", "INFO"))
	for _, field := range []string{"laddr", "db", "user", "name", "resp"} {
		assert.Equal(t, a[field], b[field], "CLIENT INFO %s", field)
	}
	assert.Equal(t, "5", b["db"])
	assert.Equal(t, "svc", b["user"])
	assert.Equal(t, "3", b["resp"])

	// A key written by one client is read by the other: same server, same
	// database.
	require.NoError(t, goredis.Set(ctx, "parity", "from go-redis", 0).Err())
	got, err := lib.Do(ctx, lib.B().Get().Key("parity").Build()).ToString()
	require.NoError(t, err)
	assert.Equal(t, "from go-redis", got)
}

func TestIntegrationRESP2(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{})
	client := connect(t, build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + srv.Addr() + "?protocol=2"}))
	assert.Equal(t, "2", clientInfo(t, do(t, client, "CLIENT", "INFO"))["resp"])

	// A server that cannot speak RESP3 (HELLO renamed away, as on a proxy
	// or a server older than Redis 6): valkey-go's default fails at start-up,
	// the diagnosis names the fix, and protocol 2 works.
	old := redisserver.Start(t, redisserver.Options{Args: []string{"--rename-command", "HELLO", ""}})
	_, err := valkeyconfig.Connect(context.Background(), build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + old.Addr()}))
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, valkey.ErrNoCache)
	assert.Equal(t, redisconfig.CategoryProtocol, ce.Diagnosis.Category)
	assert.Contains(t, ce.Diagnosis.Fix, "REDIS_PROTOCOL=2")

	client = connect(t, build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + old.Addr() + "?protocol=2"}))
	assert.Equal(t, "2", clientInfo(t, do(t, client, "CLIENT", "INFO"))["resp"])
}

// TestConnectBoundedByDeadline points Connect at a listener that accepts and
// never answers, with a dial timeout far longer than the connect timeout:
// Connect returns at the connect deadline with the timeout diagnosis.
func TestConnectBoundedByDeadline(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = conn.Close() })
		}
	}()
	cfg := build(t, map[string]string{
		"ENVIRONMENT": "development", "REDIS_URL": "redis://" + ln.Addr().String(),
		"REDIS_DIAL_TIMEOUT": "1h", "REDIS_CONNECT_TIMEOUT": "200ms",
	})
	_, err = valkeyconfig.Connect(context.Background(), cfg)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTimeout, ce.Diagnosis.Category)
	assert.Contains(t, err.Error(), redisconfig.EnvConnectTimeout)

	// The caller gives up first: its cancellation, in a ConnectError.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = valkeyconfig.Connect(cancelled, cfg)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, redisconfig.ErrConnect)

	// Nothing listens: refused, as go-redis's Connect says it.
	port := redisserver.FreePort(t)
	_, err = valkeyconfig.Connect(context.Background(), build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://127.0.0.1:" + strconv.Itoa(port)}))
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryRefused, ce.Diagnosis.Category)
}

func TestConnectRefusesUnsupported(t *testing.T) {
	t.Parallel()
	_, err := valkeyconfig.Connect(context.Background(), build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_POOL_FIFO": "true"}))
	require.ErrorIs(t, err, valkeyconfig.ErrUnsupported)
	assert.False(t, errors.Is(err, redisconfig.ErrConnect), "nothing was dialled")
}

// memSecrets is a secret source whose values the test changes.
type memSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSecrets) Fetch(_ context.Context, name string) (redisconfig.Secret, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return redisconfig.NewSecret(s.m[name]), nil
}

func (s *memSecrets) set(name, v string) {
	s.mu.Lock()
	s.m[name] = v
	s.mu.Unlock()
}

// TestIntegrationRotation rotates the password in the secret source and on
// the server: once the old password is gone, the live connection
// authenticates again with the new one (the server counts AUTH commands
// and their failures; the first authentication is HELLO's), and a new
// client works.
func TestIntegrationRotation(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Users: []string{"default on nopass ~* +@all", "app on >v1 ~* +@all"}})
	ctx := context.Background()
	admin := connect(t, build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + srv.Addr()}))
	src := &memSecrets{m: map[string]string{"redis-password": "v1"}}
	cfg, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://app@" + srv.Addr()}).
		Secrets().Source(src).Refresh(20 * time.Millisecond).Build(ctx)
	require.NoError(t, err)
	client := connect(t, cfg)

	do(t, admin, "ACL", "SETUSER", "app", ">v2")
	src.set("redis-password", "v2")
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, pw, err := cfg.Credentials(ctx)
		require.NoError(t, err)
		if pw.Reveal() == "v2" {
			break
		}
		require.True(t, time.Now().Before(deadline), "the rotation never read the new password")
		time.Sleep(20 * time.Millisecond)
	}
	do(t, admin, "ACL", "SETUSER", "app", "<v1")

	// Wait for a stretch in which the live connection authenticated again
	// and nothing failed. (A refresh that read v1 just before the rotation
	// may still fail once after v1 is gone: then the count starts again.)
	do(t, admin, "CONFIG", "RESETSTAT")
	deadline = time.Now().Add(10 * time.Second)
	for {
		stats := do(t, admin, "INFO", "commandstats")
		_, auth, _ := strings.Cut(stats, "cmdstat_auth:")
		auth, _, _ = strings.Cut(auth, "\n")
		if strings.Contains(auth, "calls=") && !strings.Contains(auth, "failed_calls=0") {
			do(t, admin, "CONFIG", "RESETSTAT")
		} else if strings.HasPrefix(auth, "calls=") {
			break
		}
		require.True(t, time.Now().Before(deadline), "the live connection never authenticated with the new password (%q)", auth)
		time.Sleep(20 * time.Millisecond)
	}
	assert.Equal(t, "app", do(t, client, "ACL", "WHOAMI"), "the live connection still works")
	fresh := connect(t, cfg)
	assert.Equal(t, "app", do(t, fresh, "ACL", "WHOAMI"), "a new client uses the new password")
}

func TestIntegrationUnixSocket(t *testing.T) {
	t.Parallel()
	sock := filepath.Join(t.TempDir(), "redis.sock")
	redisserver.Start(t, redisserver.Options{Password: "sock-pw", Args: []string{"--unixsocket", sock, "--unixsocketperm", "700"}})
	cfg := build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "unix://:sock-pw@" + sock + "?db=6"})
	client := connect(t, cfg)
	info := clientInfo(t, do(t, client, "CLIENT", "INFO"))
	assert.Equal(t, "6", info["db"])
	assert.Contains(t, info["flags"], "U", "connected over the unix socket")
}

// TestIntegrationMutualTLS connects in production to a server that requires
// a client certificate (REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE), then
// rotates the files as a certificate manager does: first to a certificate
// the server does not trust, then to a new trusted one. Every new valkey-go
// connection, of a new client or of a live client that lost its
// connection, presents what the files hold at that moment, as go-redis's
// do; without a client certificate Connect gives the go-redis diagnosis.
func TestIntegrationMutualTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "mtls")
	server := ca.Server(t, "redis", "127.0.0.1")
	first, second := ca.Client(t, "first"), ca.Client(t, "second")
	stranger := testpki.NewCA(t, "stranger").Client(t, "stranger")
	srv := redisserver.Start(t, redisserver.Options{
		Password: "mtls-pw",
		TLS:      &redisserver.TLS{CertFile: server.CertFile, KeyFile: server.KeyFile, CAFile: ca.CertFile, ClientCerts: true},
	})
	dir := t.TempDir()
	certPath := testpki.WriteFile(t, dir, "client.pem", first.CertPEM)
	keyPath := testpki.WriteFile(t, dir, "client-key.pem", first.KeyPEM)
	rotate := func(p testpki.Pair) {
		// The key first: a connection made in between would see a pair
		// that does not match and keep the previous one.
		require.NoError(t, os.WriteFile(keyPath, p.KeyPEM, 0o600))
		require.NoError(t, os.WriteFile(certPath, p.CertPEM, 0o600))
	}
	ctx := context.Background()
	production := func(vars map[string]string) *redisconfig.Config {
		env := map[string]string{
			"ENVIRONMENT":       "production",
			"REDIS_URL":         "rediss://:mtls-pw@" + srv.Addr(),
			"REDIS_TLS_CA_FILE": ca.CertFile,
			// Production's bounds are tight for a loaded test machine.
			"REDIS_CONNECT_TIMEOUT": "20s",
			"REDIS_DIAL_TIMEOUT":    "10s",
		}
		maps.Copy(env, vars)
		cfg, err := redisconfig.New().WithEnv(env).
			Relax(redisconfig.RuleNoLoopback, "the test server listens on loopback").Build(ctx)
		require.NoError(t, err)
		return cfg
	}
	cfg := production(map[string]string{
		redisconfig.EnvTLSCertFile: certPath,
		redisconfig.EnvTLSKeyFile:  keyPath,
	})
	client := connect(t, cfg)
	require.NoError(t, client.Do(ctx, client.B().Set().Key("mtls").Value("v").Build()).Error())
	h := valkeyconfig.Check(ctx, cfg, client)
	assert.True(t, h.Up(), "%+v", h)
	require.NotNil(t, h.TLS)

	// go-redis with the same configuration reaches the same server.
	goredis, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = goredis.Close() })
	got, err := goredis.Get(ctx, "mtls").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", got)

	// The files now hold a certificate of another CA: a new client presents
	// it and is refused, with go-redis's diagnosis.
	rotate(stranger)
	var ce *redisconfig.ConnectError
	_, err = valkeyconfig.Connect(ctx, cfg)
	require.ErrorAs(t, err, &ce, "the new client presented the certificate the files hold now")
	assert.Equal(t, redisconfig.CategoryTLSClientCertRejected, ce.Diagnosis.Category, "%v", err)
	_, err = cfg.Connect(ctx)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTLSClientCertRejected, ce.Diagnosis.Category, "go-redis: %v", err)

	// The live client keeps its connection until the server closes it
	// (here at the client's own request); then it dials again, presents
	// the stranger and is refused.
	id, err := client.Do(ctx, client.B().ClientId().Build()).AsInt64()
	require.NoError(t, err)
	killed, err := client.Do(ctx, client.B().ClientKill().Id(id).SkipmeNo().Build()).AsInt64()
	require.NoError(t, err)
	require.EqualValues(t, 1, killed)
	set := func() error { return client.Do(ctx, client.B().Set().Key("mtls").Value("v").Build()).Error() }
	deadline := time.Now().Add(10 * time.Second)
	for {
		err = set()
		// The server's TLS alert, not the end of the killed connection
		// (crypto/tls keeps the alert's type to itself).
		if err != nil && strings.Contains(err.Error(), "remote error: tls:") {
			assert.Equal(t, redisconfig.CategoryTLSClientCertRejected, valkeyconfig.Diagnose(cfg, err).Category, "%v", err)
			break
		}
		require.True(t, time.Now().Before(deadline), "the live client never presented the new certificate (last error: %v)", err)
		time.Sleep(20 * time.Millisecond)
	}

	// A new trusted certificate: the live client's next connection works,
	// and so does a new client.
	rotate(second)
	deadline = time.Now().Add(10 * time.Second)
	for err = set(); err != nil; err = set() {
		require.True(t, time.Now().Before(deadline), "the live client never reconnected: %v", err)
		time.Sleep(20 * time.Millisecond)
	}
	fresh := connect(t, cfg)
	assert.Equal(t, "v", do(t, fresh, "GET", "mtls"))

	// No client certificate at all: the server requires one.
	noCert := production(nil)
	_, err = valkeyconfig.Connect(ctx, noCert)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTLSClientCertRequired, ce.Diagnosis.Category, "%v", err)
	assert.Contains(t, ce.Diagnosis.Fix, redisconfig.EnvTLSCertFile)
	assert.NotContains(t, err.Error(), "mtls-pw")
	_, err = noCert.Connect(ctx)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTLSClientCertRequired, ce.Diagnosis.Category, "go-redis: %v", err)
}

// TestConnectSendsNoExtraCommands counts, on the server, the commands
// Connect sends and those of a hand-written valkey-go client with the same
// address and password (NewClient + PING): they must be the same.
func TestConnectSendsNoExtraCommands(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Password: "count-pw"})
	ctx := context.Background()
	admin, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{srv.Addr()}, Password: "count-pw", ForceSingleClient: true})
	require.NoError(t, err)
	t.Cleanup(admin.Close)
	counts := func(connect func()) map[string]string {
		do(t, admin, "CONFIG", "RESETSTAT")
		connect()
		out := map[string]string{}
		for _, line := range strings.Split(do(t, admin, "INFO", "commandstats"), "\n") {
			if name, rest, ok := strings.Cut(strings.TrimSpace(line), ":"); ok && strings.HasPrefix(name, "cmdstat_") {
				calls, _, _ := strings.Cut(rest, ",")
				out[name] = calls
			}
		}
		return out
	}
	cfg := build(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:count-pw@" + srv.Addr()})
	ours := counts(func() {
		client, err := valkeyconfig.Connect(ctx, cfg)
		require.NoError(t, err)
		client.Close()
	})
	theirs := counts(func() {
		client, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{srv.Addr()}, Password: "count-pw", ForceSingleClient: true})
		require.NoError(t, err)
		require.NoError(t, client.Do(ctx, client.B().Ping().Build()).Error())
		client.Close()
	})
	t.Logf("commands per connect: %v", ours)
	assert.Equal(t, theirs, ours)
	assert.Contains(t, ours, "cmdstat_ping")
	assert.Contains(t, ours, "cmdstat_hello")
}

// TestIntegrationClusterOverTLS: every node listens only on a TLS port, so
// a client that writes to the three masters reached each over TLS,
// configured in production by variables alone.
func TestIntegrationClusterOverTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "cluster-tls")
	cert := ca.Node(t, "redis", "127.0.0.1") // the nodes are each other's clients on the cluster bus
	cluster := redisserver.StartCluster(t, 3, redisserver.Options{
		Password: "cluster-pw",
		TLS:      &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile},
	})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "production",
		// Production's bounds are tight for a loaded test machine.
		"REDIS_CONNECT_TIMEOUT": "20s",
		"REDIS_DIAL_TIMEOUT":    "10s",
		"REDIS_CLUSTER_NODES":   cluster.Addrs()[0],
		"REDIS_PASSWORD":        "cluster-pw",
		"REDIS_TLS":             "true",
		"REDIS_TLS_CA_FILE":     ca.CertFile,
	}).Relax(redisconfig.RuleNoLoopback, "the test cluster listens on loopback").Build(ctx)
	require.NoError(t, err)
	client := connect(t, cfg)
	assert.Equal(t, valkey.ClientModeCluster, client.Mode())
	assert.Len(t, client.Nodes(), 3, "the one seed node led to the others")
	for i := range 20 { // keys spread over the three masters' slots
		key := "k" + strconv.Itoa(i)
		require.NoError(t, client.Do(ctx, client.B().Set().Key(key).Value("v").Build()).Error())
	}
	h := valkeyconfig.Check(ctx, cfg, client)
	assert.True(t, h.Up(), "%+v", h)
	assert.Equal(t, "ok", h.ClusterState)
	require.NotNil(t, h.TLS)

	// Without the CA: the nodes' certificates are not trusted.
	untrusted := build(t, map[string]string{"ENVIRONMENT": "development", "REDIS_CLUSTER_NODES": cluster.Addrs()[0], "REDIS_PASSWORD": "cluster-pw", "REDIS_TLS": "true"})
	_, err = valkeyconfig.Connect(ctx, untrusted)
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTLSUnknownAuthority, ce.Diagnosis.Category, "%v", err)
}

// TestIntegrationSentinelPassword: the sentinel itself requires a user and
// password (REDIS_SENTINEL_USERNAME, REDIS_SENTINEL_PASSWORD) and the data
// nodes another; each connection gets its own.
func TestIntegrationSentinelPassword(t *testing.T) {
	t.Parallel()
	group := redisserver.StartSentinel(t, redisserver.Options{Users: []string{"app on >app-pw ~* +@all"}})
	ctx := context.Background()
	admin, err := valkey.NewClient(valkey.ClientOption{InitAddress: []string{group.Sentinel.Addr()}, ForceSingleClient: true, DisableCache: true})
	require.NoError(t, err)
	do(t, admin, "ACL", "SETUSER", "watcher", "on", ">sentinel-pw", "+@all")
	do(t, admin, "ACL", "SETUSER", "default", "off")
	admin.Close()

	vars := map[string]string{
		"ENVIRONMENT":             "development",
		"REDIS_SENTINEL_MASTER":   group.MasterName,
		"REDIS_SENTINEL_NODES":    group.Sentinel.Addr(),
		"REDIS_SENTINEL_USERNAME": "watcher",
		"REDIS_SENTINEL_PASSWORD": "sentinel-pw",
		"REDIS_USERNAME":          "app",
		"REDIS_PASSWORD":          "app-pw",
	}
	client := connect(t, build(t, vars))
	assert.Equal(t, valkey.ClientModeSentinel, client.Mode())
	assert.Equal(t, "app", do(t, client, "ACL", "WHOAMI"))
	assert.Contains(t, do(t, client, "INFO", "replication"), "role:master")

	// The wrong sentinel password: the sentinel refuses it, and the
	// diagnosis is go-redis's.
	vars["REDIS_SENTINEL_PASSWORD"] = "nope"
	wrong := build(t, vars)
	_, err = valkeyconfig.Connect(ctx, wrong)
	require.ErrorIs(t, err, redisconfig.ErrConnect)
	assert.Contains(t, err.Error(), `master "mymaster" via sentinels`)
	assert.NotContains(t, err.Error(), "nope")
	assert.NotContains(t, err.Error(), "app-pw")
	var ours, theirs *redisconfig.ConnectError
	require.ErrorAs(t, err, &ours)
	_, err = wrong.Connect(ctx)
	require.ErrorAs(t, err, &theirs)
	assert.Equal(t, theirs.Diagnosis, ours.Diagnosis)
}

// TestIntegrationTokenSource authenticates with tokens from
// Connection().TokenSource: the token's user and password reach the server
// on every new connection, live connections are told to authenticate again
// (AuthCredentials.RefreshAfter), and a token that cannot be fetched gives
// the go-redis diagnosis.
func TestIntegrationTokenSource(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Users: []string{"default off", "svc on >token-1 ~* +@all"}})
	ctx := context.Background()
	var fetches atomic.Int64
	source := redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
		fetches.Add(1)
		return redisconfig.Token{Username: "svc", Password: redisconfig.NewSecret("token-1"), Expiry: time.Now().Add(time.Hour)}, nil
	})
	cfg, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + srv.Addr()}).
		Connection().TokenSource(source).Build(ctx)
	require.NoError(t, err)
	client := connect(t, cfg)
	assert.Equal(t, "svc", do(t, client, "ACL", "WHOAMI"))
	assert.Positive(t, fetches.Load())

	opt, err := valkeyconfig.Options(cfg)
	require.NoError(t, err)
	creds, err := opt.AuthCredentialsFn(valkey.AuthCredentialsContext{})
	require.NoError(t, err)
	assert.Equal(t, "svc", creds.Username)
	assert.False(t, creds.RefreshAfter.IsZero(), "live connections authenticate again")

	failing := redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
		return redisconfig.Token{}, fmt.Errorf("no identity here: %w", redisconfig.ErrTokenNoCredentials)
	})
	bad, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + srv.Addr()}).
		Connection().TokenSource(failing).Build(ctx)
	require.NoError(t, err)
	_, err = valkeyconfig.Connect(ctx, bad)
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTokenNoCredentials, ce.Diagnosis.Category, "%v", err)
	_, err = bad.Connect(ctx)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTokenNoCredentials, ce.Diagnosis.Category, "go-redis: %v", err)
}
