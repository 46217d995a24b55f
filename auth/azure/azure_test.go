package azureauth

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/redisconfig/redisconfig/internal/authproxy/soak"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testOID = "6f1c2a3b-0000-4000-8000-00000000c0de"

// fakeCredential is an azcore.TokenCredential minting the issuer's JWTs,
// as the Microsoft identity platform would for the scope it is asked.
type fakeCredential struct {
	issuer *authproxy.JWTIssuer
	oid    string
	calls  atomic.Int64
	err    error
}

func (c *fakeCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls.Add(1)
	if c.err != nil {
		return azcore.AccessToken{}, c.err
	}
	aud := "wrong"
	if len(o.Scopes) == 1 && o.Scopes[0] == Scope {
		aud = authproxy.AzureAudience
	}
	tok, exp := c.issuer.Mint(c.oid, aud)
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, nil
}

func setup(t *testing.T, lifetime time.Duration, opts authproxy.Options) (*authproxy.JWTIssuer, *authproxy.Proxy) {
	issuer := &authproxy.JWTIssuer{Key: []byte(authproxy.RandomHex(32)), Lifetime: lifetime}
	return issuer, authproxy.Start(t, issuer, opts)
}

func build(t *testing.T, proxy *authproxy.Proxy, o Options) *redisconfig.Config {
	ts, err := NewTokenSource(o)
	require.NoError(t, err)
	host, port, _ := net.SplitHostPort(proxy.Addr)
	cfg, err := redisconfig.New().WithEnv(map[string]string{redisconfig.EnvHost: host, redisconfig.EnvPort: port}).
		Connection().TokenSource(ts).Build(context.Background())
	require.NoError(t, err)
	return cfg
}

func TestUserFromTheTokenOrTheOptions(t *testing.T) {
	t.Parallel()
	issuer, proxy := setup(t, time.Hour, authproxy.Options{CloseOnExpiry: true})
	tests := []struct {
		name     string
		objectID string
		wantErr  bool
	}{
		{"oid claim", "", false},
		{"object id given", testOID, false},
		{"object id not the token's", "someone-else", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := build(t, proxy, Options{Credential: &fakeCredential{issuer: issuer, oid: testOID}, ObjectID: tt.objectID})
			client, err := cfg.Connect(context.Background())
			if tt.wantErr {
				var ce *redisconfig.ConnectError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, redisconfig.CategoryTokenRefused, ce.Diagnosis.Category)
				assert.Contains(t, ce.Diagnosis.Fix, redisconfig.EnvAzureObjectID)
				return
			}
			require.NoError(t, err)
			defer client.Close()
			require.NoError(t, client.Ping(context.Background()).Err())
		})
	}
}

func TestStartupFailuresAreNamed(t *testing.T) {
	t.Parallel()
	_, proxy := setup(t, time.Hour, authproxy.Options{})
	tests := []struct {
		name string
		give error
		want redisconfig.Category
	}{
		{"no identity", errors.New("DefaultAzureCredential: failed to acquire a token: ManagedIdentityCredential: unavailable"), redisconfig.CategoryTokenNoCredentials},
		{"wrong scope", errors.New("ClientSecretCredential authentication failed: AADSTS70011: The provided value for scope is not valid"), redisconfig.CategoryTokenAudience},
		{"unreachable", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, redisconfig.CategoryTokenUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := build(t, proxy, Options{Credential: &fakeCredential{err: tt.give}})
			_, err := cfg.Connect(context.Background())
			var ce *redisconfig.ConnectError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.want, ce.Diagnosis.Category, "%v", err)
		})
	}
}

func TestNoOidClaim(t *testing.T) {
	t.Parallel()
	_, err := objectID("not-a-jwt")
	assert.ErrorContains(t, err, redisconfig.EnvAzureObjectID)
}

func TestRegisteredMethod(t *testing.T) {
	t.Parallel()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		redisconfig.EnvEnvironment: "production", redisconfig.EnvHost: "cache.redis.azure.net", redisconfig.EnvPort: "6380",
		redisconfig.EnvTLS: "true", redisconfig.EnvAuth: "azure-entra", redisconfig.EnvAzureObjectID: testOID,
	}).Build(context.Background())
	require.NoError(t, err)
	assert.NotNil(t, cfg.Options().StreamingCredentialsProvider, "Azure closes connections at expiry: re-authentication is on")
	assert.Contains(t, cfg.String(), "token (azure-entra)")
}

func TestRotationSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the rotation soak takes seconds")
	}
	issuer, proxy := setup(t, soak.Lifetime, authproxy.Options{CloseOnExpiry: true})
	cred := &fakeCredential{issuer: issuer, oid: testOID}
	cfg := build(t, proxy, Options{Credential: cred})
	res := soak.Run(t, soak.Options{Proxy: proxy, Config: cfg, Rotations: 20})
	t.Log(res)
	soak.Verify(t, res, cred.calls.Load())
}
