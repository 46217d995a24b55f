package redisconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTLSFromVariables(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "test")
	client := ca.Client(t, "backend")

	cfg, err := build(t, prodVars(map[string]string{
		EnvTLSCAFile:     ca.CertFile,
		EnvTLSCertFile:   client.CertFile,
		EnvTLSKeyFile:    client.KeyFile,
		EnvTLSMinVersion: "1.3",
	}))
	require.NoError(t, err)
	o := cfg.Options()
	require.NotNil(t, o.TLSConfig)
	assert.Equal(t, "redis.internal", o.TLSConfig.ServerName, "the server name defaults to the host")
	assert.Equal(t, uint16(tls.VersionTLS13), o.TLSConfig.MinVersion)
	require.NotNil(t, o.TLSConfig.RootCAs)
	require.NotNil(t, o.TLSConfig.GetClientCertificate)
	got, err := o.TLSConfig.GetClientCertificate(nil)
	require.NoError(t, err)
	assert.Equal(t, mustLeaf(t, client.CertPEM).SerialNumber, mustLeaf(t, got.Certificate[0]).SerialNumber)
	// The CA file is read again when it changes, so the built-in check
	// (which reads RootCAs once) is replaced by VerifyConnection against the
	// current bundle (reload.go; TestFileRotationUnderLoad proves it refuses
	// a server the bundle does not vouch for).
	assert.True(t, !o.TLSConfig.InsecureSkipVerify || o.TLSConfig.VerifyConnection != nil)

	again := cfg.Options()
	assert.NotSame(t, o.TLSConfig, again.TLSConfig, "each call clones the tls.Config")
}

func TestTLSBadFiles(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "test")
	other := testpki.NewCA(t, "other")
	client := ca.Client(t, "backend")
	stranger := other.Client(t, "stranger")
	expired := ca.Expired(t, "old")
	dir := t.TempDir()
	write := func(name, content string) string { return testpki.WriteFile(t, dir, name, []byte(content)) }
	truncated := write("truncated.pem", string(ca.CertPEM[:len(ca.CertPEM)/2]))
	notPEM := write("notpem.pem", "hello")
	emptyFile := write("empty.pem", "")
	keyAsCA := write("key-as-ca.pem", string(client.KeyPEM))
	unreadable := write("unreadable.pem", string(ca.CertPEM))
	require.NoError(t, os.Chmod(unreadable, 0))

	tests := []struct {
		name     string
		give     map[string]string
		wantVar  string
		wantKind error
	}{
		{"ca missing", map[string]string{EnvTLSCAFile: filepath.Join(dir, "nope.pem")}, EnvTLSCAFile, ErrInvalidValue},
		{"ca is a directory", map[string]string{EnvTLSCAFile: dir}, EnvTLSCAFile, ErrInvalidValue},
		{"ca truncated", map[string]string{EnvTLSCAFile: truncated}, EnvTLSCAFile, ErrInvalidValue},
		{"ca not pem", map[string]string{EnvTLSCAFile: notPEM}, EnvTLSCAFile, ErrInvalidValue},
		{"ca empty", map[string]string{EnvTLSCAFile: emptyFile}, EnvTLSCAFile, ErrInvalidValue},
		{"ca holds a key", map[string]string{EnvTLSCAFile: keyAsCA}, EnvTLSCAFile, ErrInvalidValue},
		{"cert without key", map[string]string{EnvTLSCertFile: client.CertFile}, EnvTLSCertFile, ErrMissing},
		{"key without cert", map[string]string{EnvTLSKeyFile: client.KeyFile}, EnvTLSKeyFile, ErrMissing},
		{"key of another cert", map[string]string{EnvTLSCertFile: client.CertFile, EnvTLSKeyFile: stranger.KeyFile}, EnvTLSCertFile, ErrInvalidValue},
		{"cert and key swapped", map[string]string{EnvTLSCertFile: client.KeyFile, EnvTLSKeyFile: client.CertFile}, EnvTLSCertFile, ErrInvalidValue},
		{"expired client cert", map[string]string{EnvTLSCertFile: expired.CertFile, EnvTLSKeyFile: expired.KeyFile}, EnvTLSCertFile, ErrInvalidValue},
		{"key file missing", map[string]string{EnvTLSCertFile: client.CertFile, EnvTLSKeyFile: filepath.Join(dir, "nokey")}, EnvTLSKeyFile, ErrInvalidValue},
		{"min version too low", map[string]string{EnvTLSMinVersion: "TLS1.1"}, EnvTLSMinVersion, ErrInvalidValue},
	}
	if os.Geteuid() != 0 { // root reads any file
		tests = append(tests, struct {
			name     string
			give     map[string]string
			wantVar  string
			wantKind error
		}{"ca unreadable", map[string]string{EnvTLSCAFile: unreadable}, EnvTLSCAFile, ErrInvalidValue})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := build(t, prodVars(tt.give))
			require.ErrorIs(t, err, tt.wantKind)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Contains(t, err.Error(), tt.wantVar)
			assert.NotContains(t, err.Error(), "PRIVATE KEY-----\n")
		})
	}
}

func TestTLSCABundleWithSeveralCertificates(t *testing.T) {
	t.Parallel()
	oldCA, newCA := testpki.NewCA(t, "old"), testpki.NewCA(t, "new")
	bundle := testpki.WriteFile(t, t.TempDir(), "bundle.pem", append(append([]byte{}, oldCA.CertPEM...), newCA.CertPEM...))
	n, problem := appendCertificates(newCertPool(), mustRead(t, bundle))
	require.Empty(t, problem)
	assert.Equal(t, 2, n)
	_, err := build(t, prodVars(map[string]string{EnvTLSCAFile: bundle}))
	require.NoError(t, err)
}

func TestTLSSkipVerifyWarnsInDevelopment(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{EnvURL: "rediss://h:6380", EnvTLSInsecureSkipVerify: "true"})
	require.NoError(t, err)
	require.Len(t, cfg.Warnings(), 1)
	assert.Contains(t, cfg.Warnings()[0], EnvTLSInsecureSkipVerify)
	assert.True(t, cfg.Options().TLSConfig.InsecureSkipVerify)

	cfg, err = build(t, map[string]string{EnvEnvironment: "test", EnvURL: "rediss://h:6380", EnvTLSInsecureSkipVerify: "true"})
	require.NoError(t, err)
	assert.Empty(t, cfg.Warnings(), "test allows skip-verify without a warning")
}

func TestTLSFromCode(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "code")
	client := ca.Client(t, "c")
	cfg, err := New().WithEnv(nil).Connection().Host("cache.example").
		TLS().Enable(true).CAFile(ca.CertFile).ClientCertFile(client.CertFile, client.KeyFile).
		Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "cache.example", cfg.Options().TLSConfig.ServerName)
	assert.NotNil(t, cfg.Options().TLSConfig.GetClientCertificate)
}

func newCertPool() *x509.CertPool { return x509.NewCertPool() }

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// mustLeaf parses a certificate from PEM or DER.
func mustLeaf(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	cert, err := x509.ParseCertificate(data)
	require.NoError(t, err)
	return cert
}

func TestClientCertificateReloads(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "reload")
	first, second := ca.Client(t, "first"), ca.Client(t, "second")
	dir := t.TempDir()
	certPath := testpki.WriteFile(t, dir, "client.pem", first.CertPEM)
	keyPath := testpki.WriteFile(t, dir, "client-key.pem", first.KeyPEM)

	cfg, err := build(t, map[string]string{EnvURL: "rediss://h:6380", EnvTLSCertFile: certPath, EnvTLSKeyFile: keyPath})
	require.NoError(t, err)
	get := cfg.Options().TLSConfig.GetClientCertificate
	c1, err := get(nil)
	require.NoError(t, err)
	assert.Equal(t, mustLeaf(t, first.CertPEM).SerialNumber, mustLeaf(t, c1.Certificate[0]).SerialNumber)

	// Half a rotation (new certificate, old key): the old pair stays.
	require.NoError(t, os.WriteFile(certPath, second.CertPEM, 0o600))
	c2, err := get(nil)
	require.NoError(t, err)
	assert.Equal(t, mustLeaf(t, first.CertPEM).SerialNumber, mustLeaf(t, c2.Certificate[0]).SerialNumber)

	// The whole rotation: the new pair is served to the next connection.
	require.NoError(t, os.WriteFile(keyPath, second.KeyPEM, 0o600))
	c3, err := get(nil)
	require.NoError(t, err)
	assert.Equal(t, mustLeaf(t, second.CertPEM).SerialNumber, mustLeaf(t, c3.Certificate[0]).SerialNumber)
}
