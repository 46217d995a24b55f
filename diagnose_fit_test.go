package redisconfig

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// connectFailure builds b, connects under ctx and returns the ConnectError.
func connectFailure(t *testing.T, ctx context.Context, b *Builder) *ConnectError {
	t.Helper()
	cfg, err := b.Build(context.Background())
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	if err == nil {
		_ = client.Close()
		t.Fatal("Connect succeeded; the test wants a failure")
	}
	var ce *ConnectError
	require.ErrorAs(t, err, &ce)
	return ce
}

// TestDiagnosesFitTheSettings: the fix a diagnosis gives fits the
// environment and the settings in force, against real servers.
func TestDiagnosesFitTheSettings(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "fit")
	other := testpki.NewCA(t, "other")
	serverCert := ca.Server(t, "redis", "127.0.0.1")
	cnOnly := ca.Server(t, "cn-only-redis") // no SAN at all
	strangerClient := other.Client(t, "stranger")
	plain := redisserver.Start(t, redisserver.Options{Password: "pw"})
	tlsSrv := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: serverCert.CertFile, KeyFile: serverCert.KeyFile, CAFile: ca.CertFile}})
	cnSrv := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: cnOnly.CertFile, KeyFile: cnOnly.KeyFile, CAFile: ca.CertFile}})
	mtls := redisserver.Start(t, redisserver.Options{TLS: &redisserver.TLS{CertFile: serverCert.CertFile, KeyFile: serverCert.KeyFile, CAFile: ca.CertFile, ClientCerts: true}})

	production := func(vars map[string]string) *Builder {
		vars[EnvPassword] = "pw"
		if _, ok := vars[EnvConnectTimeout]; !ok {
			// Production's 1 s bound is tight for a loaded test machine;
			// these failures come back at once.
			vars[EnvConnectTimeout], vars[EnvDialTimeout] = "20s", "10s"
		}
		return New().WithEnv(vars).Environment(Production).Relax(RuleNoLoopback, "test servers listen on loopback")
	}
	development := func(vars map[string]string) *Builder { return New().WithEnv(vars).Environment(Development) }
	tests := []struct {
		name    string
		b       *Builder
		want    Category
		has     []string
		hasNone []string
	}{
		{
			name: "production TLS client at a plain port",
			// (A longer deadline than production's 1 s leaves the probe time on a loaded machine.)
			b:    production(map[string]string{EnvURL: "rediss://" + plain.Addr(), EnvTLSCAFile: ca.CertFile, EnvConnectTimeout: "5s"}),
			want: CategoryTLSServerNotTLS, has: []string{"TLS port", "production requires TLS"}, hasNone: []string{EnvTLS + "=false", "redis://"},
		},
		{
			name: "development TLS client at a plain port may turn TLS off",
			b:    development(map[string]string{EnvURL: "rediss://:pw@" + plain.Addr(), EnvTLSCAFile: ca.CertFile}),
			want: CategoryTLSServerNotTLS, has: []string{EnvTLS + "=false"},
		},
		{
			name: "unknown authority with a CA file in use",
			b:    development(map[string]string{EnvURL: "rediss://" + tlsSrv.Addr(), EnvTLSCAFile: other.CertFile}),
			want: CategoryTLSUnknownAuthority, has: []string{"the CA file in use", other.CertFile, EnvTLSCAFile}, hasNone: []string{"set " + EnvTLSCAFile},
		},
		{
			name: "unknown authority with the system roots",
			b:    development(map[string]string{EnvURL: "rediss://" + tlsSrv.Addr()}),
			want: CategoryTLSUnknownAuthority, has: []string{"set " + EnvTLSCAFile},
		},
		{
			name: "common name only",
			b:    development(map[string]string{EnvURL: "rediss://" + cnSrv.Addr(), EnvTLSCAFile: ca.CertFile}),
			want: CategoryTLSNameMismatch, has: []string{"SAN", EnvTLSServerName + " cannot help"}, hasNone: []string{"set " + EnvTLSServerName},
		},
		{
			name: "common name only, server name set to it",
			b:    development(map[string]string{EnvURL: "rediss://" + cnSrv.Addr(), EnvTLSCAFile: ca.CertFile, EnvTLSServerName: "cn-only-redis"}),
			want: CategoryTLSNameMismatch, has: []string{"SAN", "cannot help"},
		},
		{
			name: "client certificate configured but refused",
			b: development(map[string]string{EnvURL: "rediss://" + mtls.Addr(), EnvTLSCAFile: ca.CertFile,
				EnvTLSCertFile: strangerClient.CertFile, EnvTLSKeyFile: strangerClient.KeyFile}),
			want: CategoryTLSClientCertRejected, has: []string{EnvTLSCertFile}, hasNone: []string{"requires a client certificate"},
		},
		{
			name: "no client certificate configured",
			b:    development(map[string]string{EnvURL: "rediss://" + mtls.Addr(), EnvTLSCAFile: ca.CertFile}),
			want: CategoryTLSClientCertRequired, has: []string{"set " + EnvTLSCertFile},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ce := connectFailure(t, context.Background(), tt.b)
			d := ce.Diagnosis
			assert.Equal(t, tt.want, d.Category, "cause: %v", ce.Err)
			for _, s := range tt.has {
				assert.Contains(t, d.String(), s)
			}
			for _, s := range tt.hasNone {
				assert.NotContains(t, d.String(), s)
			}
		})
	}
}

// TestConnectProbeStaysWithinTheDeadline: the diagnosis probe after a
// timed-out check gets a context whose deadline is not after Connect's own
// (REDIS_CONNECT_TIMEOUT plus ProbeMargin, or the caller's, whichever is
// sooner); it has no fixed timeout of its own.
func TestConnectProbeStaysWithinTheDeadline(t *testing.T) {
	t.Parallel()
	quiet := redisserver.Silent(t)
	tests := []struct {
		name      string
		scheme    string
		timeout   string
		callerTTL time.Duration // 0: no caller deadline
		mustProbe bool
	}{
		{"tls, connect timeout", "rediss", "200ms", 0, true},
		{"plain, connect timeout", "redis", "200ms", 0, true},
		{"tls, caller deadline sooner", "rediss", "10s", 200 * time.Millisecond, false},
		{"plain, caller deadline sooner", "redis", "10s", 200 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var deadlines []time.Time
			var dial dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
				d, ok := ctx.Deadline()
				assert.True(t, ok, "the probe's context has a deadline")
				mu.Lock()
				deadlines = append(deadlines, d)
				mu.Unlock()
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			ctx := context.WithValue(context.Background(), probeDialerKey{}, dial)
			var callerDeadline time.Time
			if tt.callerTTL > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.callerTTL)
				defer cancel()
				callerDeadline, _ = ctx.Deadline()
			}
			b := New().WithEnv(map[string]string{EnvURL: tt.scheme + "://" + quiet, EnvConnectTimeout: tt.timeout}).Environment(Development)
			before := time.Now()
			ce := connectFailure(t, ctx, b)
			after := time.Now()
			assert.Equal(t, CategoryTimeout, ce.Diagnosis.Category)

			mu.Lock()
			defer mu.Unlock()
			if tt.mustProbe {
				require.NotEmpty(t, deadlines, "the probe ran")
			}
			for _, d := range deadlines {
				// Connect's check ends at its deadline, so Connect returns
				// after it: the probe may go on for ProbeMargin at most.
				assert.False(t, d.After(after.Add(ProbeMargin)), "the probe's deadline is after Connect's")
				assert.False(t, d.Before(before), "the probe's deadline is in the past")
				if !callerDeadline.IsZero() {
					assert.False(t, d.After(callerDeadline), "the probe outlives the caller's context")
				}
			}
		})
	}
}
