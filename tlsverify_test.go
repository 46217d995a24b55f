package redisconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func digestsOf(t *testing.T, certPEM []byte) (string, string) {
	t.Helper()
	block, _ := pem.Decode(certPEM)
	require.NotNil(t, block)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return CertificateDigests(cert)
}

// TestTLSVerifySettings: what each mode needs, refuses and installs, per
// environment, without a server.
func TestTLSVerifySettings(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "verify")
	pin := strings.Repeat("ab", 32)
	tests := []struct {
		name     string
		env      Environment
		give     map[string]string
		wantErr  error
		wantIn   string
		wantWarn string
		wantSkip bool // the tls.Config's InsecureSkipVerify (set for custom verification)
	}{
		{name: "full by default", env: Production},
		{name: "full explicit", env: Production, give: map[string]string{EnvTLSVerify: "full"}},
		{name: "unknown mode", env: Development, give: map[string]string{EnvTLSVerify: "none"}, wantErr: ErrInvalidValue, wantIn: "full, ca-only or pinned"},
		{name: "ca-only with private CA", env: Production, give: map[string]string{EnvTLSVerify: "ca-only", EnvTLSCAFile: ca.CertFile}, wantSkip: true},
		{name: "ca-only with system roots in production", env: Production, give: map[string]string{EnvTLSVerify: "ca-only"}, wantErr: ErrRule, wantIn: "private CA"},
		{name: "ca-only with system roots in staging", env: Staging, give: map[string]string{EnvTLSVerify: "ca-only"}, wantErr: ErrRule, wantIn: "private CA"},
		{name: "ca-only with system roots in development", env: Development, give: map[string]string{EnvTLSVerify: "ca-only"}, wantWarn: "accepts any public certificate", wantSkip: true},
		{name: "pinned", env: Production, give: map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: pin}, wantSkip: true},
		{name: "pinned, two pins for rotation", env: Production, give: map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: pin + ", " + strings.Repeat("cd", 32)}, wantSkip: true},
		{name: "pinned without pins", env: Production, give: map[string]string{EnvTLSVerify: "pinned"}, wantErr: ErrMissing, wantIn: EnvTLSPinSHA256},
		{name: "malformed pin", env: Development, give: map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: pin + ",abc"}, wantErr: ErrInvalidValue, wantIn: "entry 2"},
		{name: "pins without pinned", env: Development, give: map[string]string{EnvTLSPinSHA256: pin}, wantErr: ErrConflict, wantIn: "REDIS_TLS_VERIFY=pinned"},
		{name: "pinned and a CA", env: Development, give: map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: pin, EnvTLSCAFile: ca.CertFile}, wantErr: ErrConflict, wantIn: "never a CA"},
		{name: "skip verify and ca-only", env: Development, give: map[string]string{EnvTLSVerify: "ca-only", EnvTLSInsecureSkipVerify: "true"}, wantErr: ErrConflict, wantIn: "contradict"},
		{name: "skip verify still refused in production", env: Production, give: map[string]string{EnvTLSInsecureSkipVerify: "true"}, wantErr: ErrRule, wantIn: "never skips"},
		{name: "mode without TLS", env: Development, give: map[string]string{EnvURL: "redis://h:6379", EnvTLSVerify: "ca-only"}, wantErr: ErrConflict, wantIn: "TLS is off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := New().WithEnv(prodVars(tt.give)).Environment(tt.env).Build(context.Background())
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Contains(t, err.Error(), tt.wantIn)
				return
			}
			require.NoError(t, err)
			tc := cfg.TLSConfig()
			require.NotNil(t, tc)
			assert.Equal(t, tt.wantSkip, tc.InsecureSkipVerify)
			assert.Equal(t, tt.wantSkip, tc.VerifyConnection != nil, "custom verification replaces crypto/tls's")
			if tt.wantWarn != "" {
				assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), tt.wantWarn)
			}
			// The debug view never reports the internal InsecureSkipVerify
			// as skipping verification.
			for _, s := range cfg.DebugInfo().Settings {
				if s.Name == "tls_insecure_skip_verify" {
					assert.NotEqual(t, "true", s.Value)
				}
			}
		})
	}
}

// TestTLSVerifyModesAgainstRealServers: each mode against real TLS
// redis-servers with certificates that must pass and must fail.
func TestTLSVerifyModesAgainstRealServers(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "ca1")
	otherCA := testpki.NewCA(t, "ca2")
	named := ca.Server(t, "named", "redis.test")   // a DNS name only
	ipOnly := ca.Server(t, "ip-only", "127.0.0.1") // an IP address only
	expired := ca.ExpiredServer(t, "expired", "127.0.0.1", "redis.test")
	self := testpki.SelfSigned(t, "self", "redis.heroku.test") // Heroku-like
	start := func(p testpki.Pair, caFile string) *redisserver.Server {
		return redisserver.Start(t, redisserver.Options{Password: "pw",
			TLS: &redisserver.TLS{CertFile: p.CertFile, KeyFile: p.KeyFile, CAFile: caFile}})
	}
	namedSrv := start(named, ca.CertFile)
	ipSrv := start(ipOnly, ca.CertFile)
	expiredSrv := start(expired, ca.CertFile)
	selfSrv := start(self, self.CertFile)
	namedCert, namedKey := digestsOf(t, named.CertPEM)
	selfCert, selfKey := digestsOf(t, self.CertPEM)
	wrongPin := strings.Repeat("00", 32)

	tests := []struct {
		name    string
		srv     *redisserver.Server
		give    map[string]string
		wantOK  bool
		wantCat Category
	}{
		// full
		{"full: right CA and name", namedSrv, map[string]string{EnvTLSCAFile: ca.CertFile, EnvTLSServerName: "redis.test"}, true, ""},
		{"full: wrong CA", namedSrv, map[string]string{EnvTLSCAFile: otherCA.CertFile, EnvTLSServerName: "redis.test"}, false, CategoryTLSUnknownAuthority},
		{"full: wrong name", namedSrv, map[string]string{EnvTLSCAFile: ca.CertFile, EnvTLSServerName: "other.test"}, false, CategoryTLSNameMismatch},
		{"full: dialled by IP, certificate for a name", namedSrv, map[string]string{EnvTLSCAFile: ca.CertFile}, false, CategoryTLSVerifyMode},
		{"full: IP-only SAN, checked as a name", ipSrv, map[string]string{EnvTLSCAFile: ca.CertFile, EnvTLSServerName: "redis.test"}, false, CategoryTLSVerifyMode},
		{"full: IP-only SAN dialled by that IP", ipSrv, map[string]string{EnvTLSCAFile: ca.CertFile}, true, ""},
		{"full: expired", expiredSrv, map[string]string{EnvTLSCAFile: ca.CertFile}, false, CategoryTLSExpired},
		{"full: self-signed", selfSrv, map[string]string{EnvTLSServerName: "redis.heroku.test"}, false, CategoryTLSVerifyMode},
		// ca-only
		{"ca-only: right CA, any name", namedSrv, map[string]string{EnvTLSVerify: "ca-only", EnvTLSCAFile: ca.CertFile}, true, ""},
		{"ca-only: IP-only SAN checked as a name", ipSrv, map[string]string{EnvTLSVerify: "ca-only", EnvTLSCAFile: ca.CertFile, EnvTLSServerName: "redis.test"}, true, ""},
		{"ca-only: wrong CA", namedSrv, map[string]string{EnvTLSVerify: "ca-only", EnvTLSCAFile: otherCA.CertFile}, false, CategoryTLSUnknownAuthority},
		{"ca-only: expired", expiredSrv, map[string]string{EnvTLSVerify: "ca-only", EnvTLSCAFile: ca.CertFile}, false, CategoryTLSExpired},
		{"ca-only: self-signed is no CA", selfSrv, map[string]string{EnvTLSVerify: "ca-only", EnvTLSCAFile: ca.CertFile}, false, CategoryTLSVerifyMode},
		// pinned
		{"pinned: certificate digest", selfSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: selfCert}, true, ""},
		{"pinned: public key digest", selfSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: selfKey}, true, ""},
		{"pinned: rotation, old and new", selfSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: wrongPin + "," + strings.ToUpper(selfCert)}, true, ""},
		{"pinned: CA-signed certificate by its pin", namedSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: namedKey}, true, ""},
		{"pinned: wrong pin", selfSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: wrongPin}, false, CategoryTLSVerifyMode},
		{"pinned: another server's pin", namedSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: selfCert}, false, CategoryTLSVerifyMode},
		{"pinned: expired", expiredSrv, map[string]string{EnvTLSVerify: "pinned", EnvTLSPinSHA256: namedCert + "," + func() string { c, _ := digestsOf(t, expired.CertPEM); return c }()}, false, CategoryTLSExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvURL: "rediss://:pw@" + tt.srv.Addr(), EnvConnectTimeout: "5s"}
			for k, v := range tt.give {
				vars[k] = v
			}
			// Production, with loopback allowed for the test servers: the
			// modes must hold where the rules are strictest.
			cfg, err := New().WithEnv(vars).Environment(Production).
				Relax(RuleNoLoopback, "test servers listen on loopback").Build(context.Background())
			require.NoError(t, err)
			client, err := cfg.Connect(context.Background())
			if tt.wantOK {
				require.NoError(t, err)
				defer client.Close()
				require.NoError(t, client.Set(context.Background(), "k", "v", 0).Err())
				return
			}
			require.Error(t, err)
			var ce *ConnectError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.wantCat, ce.Diagnosis.Category, "cause: %v", ce.Err)
			if tt.wantCat == CategoryTLSVerifyMode && tt.give[EnvTLSVerify] == "pinned" {
				assert.True(t, errors.Is(err, ErrPinMismatch), "%v", err)
			}
		})
	}
}

// TestHerokuLikeSelfSignedInProduction is the "done means": a
// self-signed server certificate trusted by pin in production with the
// heroku preset, and refused for the wrong pin.
func TestHerokuLikeSelfSignedInProduction(t *testing.T) {
	t.Parallel()
	self := testpki.SelfSigned(t, "heroku", "ec2-1-2-3-4.compute-1.amazonaws.test")
	srv := redisserver.Start(t, redisserver.Options{Password: "pw",
		TLS: &redisserver.TLS{CertFile: self.CertFile, KeyFile: self.KeyFile, CAFile: self.CertFile}})
	certPin, _ := digestsOf(t, self.CertPEM)
	for _, tt := range []struct {
		pin    string
		wantOK bool
	}{{certPin, true}, {strings.Repeat("1f", 32), false}} {
		cfg, err := New().WithEnv(map[string]string{
			EnvEnvironment: "production", EnvProvider: "heroku", EnvURL: "rediss://:pw@" + srv.Addr(),
			EnvTLSVerify: "pinned", EnvTLSPinSHA256: tt.pin, EnvConnectTimeout: "20s", EnvDialTimeout: "10s",
		}).Relax(RuleNoLoopback, "test server on loopback").Build(context.Background())
		require.NoError(t, err)
		client, err := cfg.Connect(context.Background())
		if tt.wantOK {
			require.NoError(t, err)
			require.NoError(t, client.Ping(context.Background()).Err())
			client.Close()
			continue
		}
		require.ErrorIs(t, err, ErrPinMismatch)
	}
}

// TestClusterFullVerifiesEachNodeByItsAddress: a cluster's tls.Config has
// no fixed ServerName, so go-redis's dialer (tls.DialWithDialer) checks
// each node's certificate against the address it dials.
func TestClusterFullVerifiesEachNodeByItsAddress(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "cluster")
	good := ca.Server(t, "node-good", "127.0.0.1")
	bad := ca.Server(t, "node-bad", "127.0.0.2", "node2.test")
	goodSrv := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: good.CertFile, KeyFile: good.KeyFile, CAFile: ca.CertFile}})
	badSrv := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: bad.CertFile, KeyFile: bad.KeyFile, CAFile: ca.CertFile}})
	cfg, err := New().WithEnv(map[string]string{
		EnvClusterNodes: goodSrv.Addr() + "," + badSrv.Addr(), EnvTLS: "true", EnvTLSCAFile: ca.CertFile,
	}).Build(context.Background())
	require.NoError(t, err)
	tc := cfg.ClusterOptions().TLSConfig
	require.NotNil(t, tc)
	assert.Empty(t, tc.ServerName, "each node is checked against its own address")
	dial := func(addr string) error {
		conn, err := tls.DialWithDialer(&net.Dialer{}, "tcp", addr, tc)
		if err == nil {
			conn.Close()
		}
		return err
	}
	require.NoError(t, dial(goodSrv.Addr()))
	var hostErr x509.HostnameError
	require.ErrorAs(t, dial(badSrv.Addr()), &hostErr)
}
