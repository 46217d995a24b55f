package main

import (
	"bytes"
	"context"
	"net"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/redisconfig/redisconfig"
	azureauth "github.com/redisconfig/redisconfig/auth/azure"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// credential is a stand-in for a managed identity: it mints the issuer's
// JWTs for the Redis scope.
type credential struct{ issuer *authproxy.JWTIssuer }

func (c credential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, exp := c.issuer.Mint("6f1c2a3b-0000-4000-8000-00000000c0de", authproxy.AzureAudience)
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, nil
}

// TestExample runs the example against the harness: a proxy that accepts
// the issuer's JWTs for their oid and closes connections at expiry, as
// Azure Cache for Redis does.
func TestExample(t *testing.T) {
	issuer := &authproxy.JWTIssuer{Key: []byte("example-key"), Lifetime: time.Hour}
	azureauth.SetCredential(credential{issuer})
	proxy := authproxy.Start(t, issuer, authproxy.Options{CloseOnExpiry: true})
	host, port, _ := net.SplitHostPort(proxy.Addr)
	var out bytes.Buffer
	err := run(context.Background(), redisconfig.New().WithEnv(map[string]string{
		"REDIS_HOST": host, "REDIS_PORT": port, // rediss://...:6380 and ENVIRONMENT=production in real life
		"REDIS_AUTH": "azure-entra",
	}), &out)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "hello with a token")
	assert.Contains(t, out.String(), "token (azure-entra)")
	assert.NotContains(t, out.String(), "eyJ")
}
