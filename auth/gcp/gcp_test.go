package gcpauth

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/redisconfig/redisconfig/internal/authproxy/soak"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// harness is a Memorystore stand-in: a token endpoint behind a fake
// service-account file, and the proxy accepting its tokens.
type harness struct {
	issuer   *authproxy.Issuer
	endpoint *authproxy.GCPTokenEndpoint
	proxy    *authproxy.Proxy
	saJSON   []byte
}

func newHarness(t *testing.T, lifetime time.Duration) *harness {
	h := &harness{issuer: &authproxy.Issuer{User: User, Lifetime: lifetime}}
	h.endpoint = authproxy.StartGCPTokenEndpoint(t, h.issuer)
	h.proxy = authproxy.Start(t, h.issuer, authproxy.Options{})
	h.saJSON = authproxy.ServiceAccountJSON(t, h.endpoint.URL)
	return h
}

func (h *harness) config(t *testing.T, o Options) *redisconfig.Config {
	if o.CredentialsJSON == nil && o.CredentialsFile == "" {
		o.CredentialsJSON = h.saJSON
	}
	host, port, _ := net.SplitHostPort(h.proxy.Addr)
	cfg, err := redisconfig.New().WithEnv(map[string]string{redisconfig.EnvHost: host, redisconfig.EnvPort: port}).
		Connection().TokenSource(NewTokenSource(o)).
		Monitoring().ConnectTimeout(2 * time.Second).
		Build(context.Background())
	require.NoError(t, err)
	return cfg
}

func TestConnectWithAServiceAccount(t *testing.T) {
	t.Parallel()
	h := newHarness(t, time.Hour)
	cfg := h.config(t, Options{})
	client, err := cfg.Connect(context.Background())
	require.NoError(t, err)
	defer client.Close()
	require.NoError(t, client.Set(context.Background(), "k", "v", 0).Err())
	assert.Equal(t, int64(1), h.endpoint.Requests.Load())
	assert.Equal(t, int64(1), h.proxy.Stats().Auths)
}

func TestRegisteredMethodDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		redisconfig.EnvEnvironment: "production", redisconfig.EnvHost: "10.0.0.5", redisconfig.EnvTLS: "true",
		redisconfig.EnvAuth: "gcp-iam",
	}).Build(context.Background())
	require.NoError(t, err, "Build detects nothing and calls nothing")
	o := cfg.ClusterOptions()
	if o == nil {
		assert.True(t, cfg.Options().DisableIdentity, "Memorystore refuses CLIENT SETINFO")
		assert.Nil(t, cfg.Options().StreamingCredentialsProvider, "Memorystore keeps authenticated connections")
		assert.NotNil(t, cfg.Options().CredentialsProviderContext)
	}
	assert.Contains(t, cfg.String(), "token (gcp-iam)")
}

func TestStartupFailuresAreNamed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(h *harness) Options
		want  redisconfig.Category
	}{
		{"no credentials", func(h *harness) Options { return Options{CredentialsFile: "/nonexistent/key.json"} }, redisconfig.CategoryTokenNoCredentials},
		{"scope refused", func(h *harness) Options { h.endpoint.RefuseScope.Store(true); return Options{} }, redisconfig.CategoryTokenAudience},
		{"endpoint unreachable", func(h *harness) Options {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			addr := ln.Addr().String()
			ln.Close()
			return Options{CredentialsJSON: authproxy.ServiceAccountJSON(t, "http://"+addr+"/token")}
		}, redisconfig.CategoryTokenUnreachable},
		{"endpoint slow", func(h *harness) Options {
			h.endpoint.Delay.Store(int64(3 * time.Second))
			return Options{Timeout: 200 * time.Millisecond}
		}, redisconfig.CategoryTokenTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, time.Hour)
			cfg := h.config(t, tt.setup(h))
			_, err := cfg.Connect(context.Background())
			var ce *redisconfig.ConnectError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.want, ce.Diagnosis.Category, "%v", err)
			assert.NotEmpty(t, ce.Diagnosis.Fix)
		})
	}
}

func TestRotationSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the rotation soak takes seconds")
	}
	h := newHarness(t, soak.Lifetime)
	cfg := h.config(t, Options{})
	res := soak.Run(t, soak.Options{Proxy: h.proxy, Config: cfg, Rotations: 20})
	t.Log(res)
	soak.Verify(t, res, h.endpoint.Requests.Load())
}
