package main

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	gcpauth "github.com/redisconfig/redisconfig/auth/gcp"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExample runs the example against the harness: a loopback token
// endpoint named by a fake service-account file, and a proxy that accepts
// the tokens it mints, as Memorystore would.
func TestExample(t *testing.T) {
	issuer := &authproxy.Issuer{User: gcpauth.User, Lifetime: time.Hour}
	endpoint := authproxy.StartGCPTokenEndpoint(t, issuer)
	gcpauth.SetOptions(gcpauth.Options{CredentialsJSON: authproxy.ServiceAccountJSON(t, endpoint.URL)})
	proxy := authproxy.Start(t, issuer, authproxy.Options{})
	host, port, _ := net.SplitHostPort(proxy.Addr)
	var out bytes.Buffer
	err := run(context.Background(), redisconfig.New().WithEnv(map[string]string{
		"REDIS_HOST": host, "REDIS_PORT": port, // rediss:// and ENVIRONMENT=production in real life
		"REDIS_AUTH": "gcp-iam",
	}), &out)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "hello with a token")
	assert.Contains(t, out.String(), "token (gcp-iam)")
	assert.NotContains(t, out.String(), "tok-")
}
