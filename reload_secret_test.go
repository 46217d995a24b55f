package redisconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memSecrets is a secret source whose secrets a test changes, counting
// the fetches of each secret.
type memSecrets struct {
	mu      sync.Mutex
	secrets map[string]string
	fetches map[string]int
}

func newMemSecrets(secrets map[string]string) *memSecrets {
	return &memSecrets{secrets: secrets, fetches: map[string]int{}}
}

func (m *memSecrets) Fetch(_ context.Context, name string) (Secret, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fetches[name]++
	v, ok := m.secrets[name]
	if !ok {
		return Secret{}, ErrSecretNotFound
	}
	return NewSecret(v), nil
}

func (m *memSecrets) set(name, value string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.secrets[name] = value
}

func (m *memSecrets) count(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.fetches[name]
}

// presented is the connection state of a server presenting pair.
func presented(t *testing.T, pair testpki.Pair) tls.ConnectionState {
	t.Helper()
	block, _ := pem.Decode(pair.CertPEM)
	require.NotNil(t, block)
	leaf, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}}
}

// TestCASecretRefreshes: the CA bundle from a secret is read again at the
// refresh interval, as the password is; a bundle that does not parse keeps
// the last good one and is reported once; with no refresh it is read once.
func TestCASecretRefreshes(t *testing.T) {
	t.Parallel()
	ca1, ca2 := testpki.NewCA(t, "secret-ca-1"), testpki.NewCA(t, "secret-ca-2")
	srv1, srv2 := presented(t, ca1.Server(t, "s1", "127.0.0.1")), presented(t, ca2.Server(t, "s2", "127.0.0.1"))
	build := func(src SecretSource, refresh time.Duration, hook func(string, error)) *tls.Config {
		cfg, err := New().WithEnv(map[string]string{EnvEnvironment: "test", EnvURL: "rediss://127.0.0.1:6380"}).
			Secrets().Source(src).Refresh(refresh).OnRefreshError(hook).Build(context.Background())
		require.NoError(t, err)
		return cfg.TLSConfig()
	}

	src := newMemSecrets(map[string]string{"redis-ca-cert": string(ca1.CertPEM)})
	var reported refreshErrors
	tc := build(src, time.Nanosecond, reported.hook) // every handshake reads the secret again
	require.NotNil(t, tc.VerifyConnection)
	require.NoError(t, tc.VerifyConnection(srv1))
	require.Error(t, tc.VerifyConnection(srv2), "not yet trusted")

	src.set("redis-ca-cert", string(ca1.CertPEM)+string(ca2.CertPEM))
	require.NoError(t, tc.VerifyConnection(srv2), "the new bundle is read")
	require.NoError(t, tc.VerifyConnection(srv1))
	src.set("redis-ca-cert", string(ca2.CertPEM))
	require.Error(t, tc.VerifyConnection(srv1), "the old CA is dropped")

	src.set("redis-ca-cert", "not a certificate")
	for range 3 {
		require.NoError(t, tc.VerifyConnection(srv2), "the last good bundle stays")
	}
	errs := reported.list()
	require.Len(t, errs, 1, "one report per change: %v", errs)
	assert.Contains(t, errs[0], "redis-ca-cert")
	assert.Contains(t, errs[0], EnvCACertSecret)
	assert.NotContains(t, errs[0], "not a certificate")

	// The server name is still checked.
	cfg, err := New().WithEnv(map[string]string{EnvEnvironment: "test", EnvURL: "rediss://127.0.0.1:6380", EnvTLSServerName: "other.invalid"}).
		Secrets().Source(newMemSecrets(map[string]string{"redis-ca-cert": string(ca2.CertPEM)})).Refresh(time.Nanosecond).Build(context.Background())
	require.NoError(t, err)
	require.Error(t, cfg.TLSConfig().VerifyConnection(srv2), "a certificate for 127.0.0.1 is not one for other.invalid")

	// Refresh 0: the bundle read at Build is the one, and crypto/tls checks it.
	once := newMemSecrets(map[string]string{"redis-ca-cert": string(ca1.CertPEM)})
	tc = build(once, 0, nil)
	assert.Nil(t, tc.VerifyConnection)
	assert.False(t, tc.InsecureSkipVerify)
	assert.Equal(t, 1, once.count("redis-ca-cert"))

	// An interval not yet over: no fetch.
	slow := newMemSecrets(map[string]string{"redis-ca-cert": string(ca1.CertPEM)})
	tc = build(slow, time.Hour, nil)
	slow.set("redis-ca-cert", string(ca2.CertPEM))
	require.NoError(t, tc.VerifyConnection(srv1))
	require.Error(t, tc.VerifyConnection(srv2))
	assert.Equal(t, 1, slow.count("redis-ca-cert"), "read at Build only, within the hour")
}

// TestCASecretFromDirSecretsAtOnce: from DirSecrets, a changed file is read
// at the next handshake, without waiting for the interval.
func TestCASecretFromDirSecretsAtOnce(t *testing.T) {
	t.Parallel()
	ca1, ca2 := testpki.NewCA(t, "dir-ca-1"), testpki.NewCA(t, "dir-ca-2")
	srv2 := presented(t, ca2.Server(t, "s2", "127.0.0.1"))
	sec := newK8sSecret(t, map[string]string{"redis-ca-cert": string(ca1.CertPEM)})
	cfg, err := New().WithEnv(map[string]string{EnvEnvironment: "test", EnvURL: "rediss://127.0.0.1:6380"}).
		Secrets().Source(DirSecrets(sec.dir)).Refresh(time.Hour).Build(context.Background())
	require.NoError(t, err)
	tc := cfg.TLSConfig()
	require.Error(t, tc.VerifyConnection(srv2))
	sec.update(t, map[string]string{"redis-ca-cert": string(ca2.CertPEM)})
	require.NoError(t, tc.VerifyConnection(srv2))
}

// TestCAOnlyFollowsTheBundle: with REDIS_TLS_VERIFY=ca-only the rotated
// bundle (file or secret) is used too, for any node name, since ca-only
// checks no name; in a cluster without a server name as well.
func TestCAOnlyFollowsTheBundle(t *testing.T) {
	t.Parallel()
	ca1, ca2 := testpki.NewCA(t, "ca-only-1"), testpki.NewCA(t, "ca-only-2")
	srv2 := presented(t, ca2.Server(t, "s2", "node-7.invalid"))
	sec := newK8sSecret(t, map[string]string{"ca.pem": string(ca1.CertPEM), "redis-ca-cert": string(ca1.CertPEM)})
	tests := map[string]*Builder{
		"file, standalone": New().WithEnv(map[string]string{EnvEnvironment: "test", EnvURL: "rediss://127.0.0.1:6380",
			EnvTLSVerify: "ca-only", EnvTLSCAFile: sec.path("ca.pem")}),
		"file, cluster without a server name": New().WithEnv(map[string]string{EnvEnvironment: "test", EnvTLS: "true",
			EnvClusterNodes: "127.0.0.1:7000,127.0.0.1:7001", EnvTLSVerify: "ca-only", EnvTLSCAFile: sec.path("ca.pem")}),
		"secret, cluster without a server name": New().WithEnv(map[string]string{EnvEnvironment: "test", EnvTLS: "true",
			EnvClusterNodes: "127.0.0.1:7000,127.0.0.1:7001", EnvTLSVerify: "ca-only"}).Secrets().Source(DirSecrets(sec.dir)).Builder,
	}
	verifiers := map[string]func(tls.ConnectionState) error{}
	for name, b := range tests {
		cfg, err := b.Build(context.Background())
		require.NoError(t, err, name)
		verifiers[name] = cfg.TLSConfig().VerifyConnection
		require.NotNil(t, verifiers[name], name)
		require.Error(t, verifiers[name](srv2), "%s: ca2 is not trusted yet", name)
	}
	sec.update(t, map[string]string{"ca.pem": string(ca2.CertPEM), "redis-ca-cert": string(ca2.CertPEM)})
	for name, verify := range verifiers {
		assert.NoError(t, verify(srv2), "%s: the new bundle, and no name check", name)
	}
}

// BenchmarkServerVerification measures what a new TLS connection pays to
// verify the server against a bundle that may rotate: the chain check
// alone (what crypto/tls does with a fixed RootCAs), the CA file (a stat,
// then the check) and the CA bundle secret (the rotator's interval check,
// then the check).
func BenchmarkServerVerification(b *testing.B) {
	ca := testpki.NewCA(b, "bench-ca")
	pair := ca.Server(b, "bench", "127.0.0.1")
	block, _ := pem.Decode(pair.CertPEM)
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	state := tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}}
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	build := func(bld *Builder) func(tls.ConnectionState) error {
		cfg, err := bld.Build(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		return cfg.TLSConfig().VerifyConnection
	}
	vars := map[string]string{EnvEnvironment: "test", EnvURL: "rediss://127.0.0.1:6380"}
	withFile := map[string]string{EnvEnvironment: "test", EnvURL: "rediss://127.0.0.1:6380", EnvTLSCAFile: ca.CertFile}
	for _, bc := range []struct {
		name   string
		verify func(tls.ConnectionState) error
	}{
		{"fixed", func(cs tls.ConnectionState) error { return verifyServer(cs, pool, "127.0.0.1") }},
		{"file", build(New().WithEnv(withFile))},
		{"secret", build(New().WithEnv(vars).Secrets().Source(newMemSecrets(map[string]string{"redis-ca-cert": string(ca.CertPEM)})).Builder)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.verify(state); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
