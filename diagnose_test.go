package redisconfig_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connectErr builds from vars in the test environment, connects, and
// returns the ConnectError.
func connectErr(t *testing.T, vars map[string]string) *redisconfig.ConnectError {
	t.Helper()
	vars["ENVIRONMENT"] = "test"
	if _, ok := vars["REDIS_CONNECT_TIMEOUT"]; !ok {
		// These failures come back at once; a generous deadline keeps a
		// loaded machine from turning one into a timeout.
		vars["REDIS_CONNECT_TIMEOUT"] = "20s"
	}
	cfg, err := redisconfig.New().WithEnv(vars).Build(context.Background())
	require.NoError(t, err)
	client, err := cfg.Connect(context.Background())
	if err == nil {
		_ = client.Close()
		t.Fatal("Connect succeeded; the test wants a failure")
	}
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	return ce
}

func TestDiagnosisCategories(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "diag")
	serverCert := ca.Server(t, "redis", "127.0.0.1")
	expired := ca.ExpiredServer(t, "old", "127.0.0.1")
	plain := redisserver.Start(t, redisserver.Options{Password: "pw"})
	tlsSrv := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: serverCert.CertFile, KeyFile: serverCert.KeyFile, CAFile: ca.CertFile}})
	mtls := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: serverCert.CertFile, KeyFile: serverCert.KeyFile, CAFile: ca.CertFile, ClientCerts: true}})
	expiredSrv := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: expired.CertFile, KeyFile: expired.KeyFile, CAFile: ca.CertFile}})
	acl := redisserver.Start(t, redisserver.Options{Users: []string{"default off", "limited on >pw ~* +@all -ping"}})
	closed := redisserver.FreePort(t)
	httpSrv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(httpSrv.Close)
	silent := redisserver.Silent(t)
	standalone := redisserver.Start(t, redisserver.Options{})

	tests := []struct {
		name string
		vars map[string]string
		want redisconfig.Category
	}{
		{"dns", map[string]string{"REDIS_HOST": unresolvable, "REDIS_CONNECT_TIMEOUT": "5s"}, redisconfig.CategoryDNS},
		{"refused", map[string]string{"REDIS_URL": "redis://127.0.0.1:" + itoa(closed)}, redisconfig.CategoryRefused},
		{"timeout", map[string]string{"REDIS_URL": "redis://" + silent, "REDIS_CONNECT_TIMEOUT": "300ms"}, redisconfig.CategoryTimeout},
		{"unknown authority", map[string]string{"REDIS_URL": "rediss://" + tlsSrv.Addr()}, redisconfig.CategoryTLSUnknownAuthority},
		{"name mismatch", map[string]string{"REDIS_URL": "rediss://" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile, "REDIS_TLS_SERVER_NAME": "other.example"}, redisconfig.CategoryTLSVerifyMode}, // issue 14: an IP-only certificate checked as a name is a matter of mode; tlsverify_test.go has the plain name mismatch
		{"expired", map[string]string{"REDIS_URL": "rediss://" + expiredSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile}, redisconfig.CategoryTLSExpired},
		{"client cert required", map[string]string{"REDIS_URL": "rediss://" + mtls.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile}, redisconfig.CategoryTLSClientCertRequired},
		{"server not tls", map[string]string{"REDIS_URL": "rediss://" + plain.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile}, redisconfig.CategoryTLSServerNotTLS},
		{"plaintext to tls port", map[string]string{"REDIS_URL": "redis://" + tlsSrv.Addr()}, redisconfig.CategoryPlaintextToTLS},
		{"wrong password", map[string]string{"REDIS_URL": "redis://:nope@" + plain.Addr()}, redisconfig.CategoryWrongPassword},
		{"password missing", map[string]string{"REDIS_URL": "redis://" + plain.Addr()}, redisconfig.CategoryAuthRequired},
		{"no permission", map[string]string{"REDIS_URL": "redis://limited:pw@" + acl.Addr()}, redisconfig.CategoryNoPermission},
		{"not redis", map[string]string{"REDIS_URL": "redis://" + httpSrv.Listener.Addr().String()}, redisconfig.CategoryProtocol},
		{"cluster client at a standalone server", map[string]string{"REDIS_CLUSTER_NODES": standalone.Addr()}, redisconfig.CategoryClusterModeMismatch}, // issue 14: was cluster-down
		{"sentinel unknown master", map[string]string{"REDIS_SENTINEL_MASTER": "nope", "REDIS_SENTINEL_NODES": standalone.Addr()}, redisconfig.CategorySentinelNoMaster},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ce := connectErr(t, tt.vars)
			assert.Equal(t, tt.want, ce.Diagnosis.Category, "cause: %v", ce.Err)
			assert.NotEmpty(t, ce.Diagnosis.Fix)
			assert.Contains(t, ce.Error(), ce.Diagnosis.Fix)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// unresolvable is a host name that our validation accepts and Go's
// resolver refuses before any query (a label may not start with '-'), so
// the DNS failure is deterministic and sends nothing off the machine.
// TestUnresolvableSendsNoQuery keeps it so.
const unresolvable = "-no-such-host.invalid"

func TestUnresolvableSendsNoQuery(t *testing.T) {
	t.Parallel()
	r := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		t.Error("the resolver sent a query for " + unresolvable)
		return nil, net.ErrClosed
	}}
	_, err := r.LookupHost(context.Background(), unresolvable)
	var dnsErr *net.DNSError
	require.ErrorAs(t, err, &dnsErr)
	assert.True(t, dnsErr.IsNotFound)
	_, err = redisconfig.New().WithEnv(map[string]string{"REDIS_HOST": unresolvable}).Build(context.Background())
	require.NoError(t, err, "Build accepts the name, so Connect meets the resolver")
}

// TestDiagnoseSentinelAuth: a sentinel that refuses to authenticate is
// diagnosed with the sentinel's settings, not the data nodes'.
func TestDiagnoseSentinelAuth(t *testing.T) {
	t.Parallel()
	locked := redisserver.StartSentinel(t, redisserver.Options{})
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: locked.Sentinel.Addr(), Protocol: 2})
	require.NoError(t, admin.Do(ctx, "ACL", "SETUSER", "watcher", "on", ">sentinel-pw", "+@all").Err())
	require.NoError(t, admin.Do(ctx, "ACL", "SETUSER", "default", "off").Err())
	_ = admin.Close()

	tests := []struct {
		name  string
		group *redisserver.SentinelGroup
		vars  map[string]string
		want  redisconfig.Category
		fix   string
	}{
		{"wrong password", locked, map[string]string{"REDIS_SENTINEL_USERNAME": "watcher", "REDIS_SENTINEL_PASSWORD": "nope"},
			redisconfig.CategoryWrongPassword, "check REDIS_SENTINEL_PASSWORD"},
		{"no password", locked, map[string]string{}, redisconfig.CategoryAuthRequired, "set REDIS_SENTINEL_PASSWORD"},
		{"wrong user", locked, map[string]string{"REDIS_SENTINEL_USERNAME": "nobody", "REDIS_SENTINEL_PASSWORD": "sentinel-pw"},
			redisconfig.CategoryWrongPassword, "REDIS_SENTINEL_USERNAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.vars["REDIS_SENTINEL_MASTER"] = tt.group.MasterName
			tt.vars["REDIS_SENTINEL_NODES"] = tt.group.Sentinel.Addr()
			ce := connectErr(t, tt.vars)
			assert.Equal(t, tt.want, ce.Diagnosis.Category, "cause: %v", ce.Err)
			assert.Contains(t, ce.Diagnosis.Fix, tt.fix)
			assert.NotContains(t, ce.Error(), "nope")
			assert.NotContains(t, ce.Error(), "sentinel-pw")
		})
	}
}
