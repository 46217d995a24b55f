package awsauth

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/redisconfig/redisconfig/internal/authproxy/soak"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testKeyID  = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY-canary"
)

var staticCreds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: testKeyID, SecretAccessKey: testSecret, Source: "test"}, nil
})

func TestMain(m *testing.M) {
	SetCredentials(staticCreds) // for the registered method (REDIS_AUTH=aws-iam)
	m.Run()
}

func TestTokenFormAndSignature(t *testing.T) {
	t.Parallel()
	fixed := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		give         Options
		verifier     authproxy.AWSVerifier
		wantRefusal  string
		wantResource bool
	}{
		{"replication group", Options{UserID: "app", CacheName: "Orders-Cache", Region: "eu-west-1"},
			authproxy.AWSVerifier{Region: "eu-west-1", Service: "elasticache", CacheName: "orders-cache"}, "", false},
		{"serverless", Options{UserID: "app", CacheName: "orders", Region: "eu-west-1", Serverless: true},
			authproxy.AWSVerifier{Region: "eu-west-1", Service: "elasticache", CacheName: "orders", Serverless: true}, "", true},
		{"memorydb", Options{UserID: "app", CacheName: "orders", Region: "us-east-1", Service: "memorydb"},
			authproxy.AWSVerifier{Region: "us-east-1", Service: "memorydb", CacheName: "orders"}, "", false},
		{"serverless cache without the flag", Options{UserID: "app", CacheName: "orders", Region: "eu-west-1"},
			authproxy.AWSVerifier{Region: "eu-west-1", Service: "elasticache", CacheName: "orders", Serverless: true}, "ResourceType", false},
		{"wrong region", Options{UserID: "app", CacheName: "orders", Region: "eu-west-2"},
			authproxy.AWSVerifier{Region: "eu-west-1", Service: "elasticache", CacheName: "orders"}, "scope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.give.Credentials = staticCreds
			ts, err := NewTokenSource(tt.give)
			require.NoError(t, err)
			ts.(*tokenSource).now = func() time.Time { return fixed }
			tok, err := ts.Token(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "app", tok.Username)
			assert.Equal(t, fixed.Add(15*time.Minute), tok.Expiry)
			u, err := url.Parse("http://" + tok.Password.Reveal())
			require.NoError(t, err)
			assert.Equal(t, strings.ToLower(tt.give.CacheName), u.Host)
			assert.Equal(t, "connect", u.Query().Get("Action"))
			assert.Equal(t, "900", u.Query().Get("X-Amz-Expires"))
			assert.Equal(t, tt.wantResource, u.Query().Get("ResourceType") == "ServerlessCache")
			assert.NotContains(t, tok.Password.Reveal(), testSecret)

			v := tt.verifier
			v.AccessKeyID, v.SecretAccessKey, v.Now = testKeyID, testSecret, func() time.Time { return fixed.Add(time.Minute) }
			_, err = v.Verify("app", tok.Password.Reveal())
			if tt.wantRefusal == "" {
				require.NoError(t, err)
				_, err = v.Verify("other", tok.Password.Reveal())
				assert.Error(t, err, "a token for another user")
				tampered := tok.Password.Reveal()[:len(tok.Password.Reveal())-1] + "0"
				if tampered == tok.Password.Reveal() {
					tampered = tampered[:len(tampered)-1] + "1"
				}
				_, err = v.Verify("app", tampered)
				assert.ErrorContains(t, err, "signature")
				v.Now = func() time.Time { return fixed.Add(16 * time.Minute) }
				_, err = v.Verify("app", tok.Password.Reveal())
				assert.ErrorContains(t, err, "expired")
				return
			}
			assert.ErrorContains(t, err, tt.wantRefusal)
		})
	}
}

func TestOptionsAreChecked(t *testing.T) {
	t.Parallel()
	_, err := NewTokenSource(Options{Credentials: staticCreds})
	assert.ErrorContains(t, err, "UserID, CacheName, Region")
	_, err = NewTokenSource(Options{UserID: "a", CacheName: "b", Region: "c"})
	assert.ErrorContains(t, err, "Credentials")
	_, err = NewTokenSource(Options{UserID: "a", CacheName: "b", Region: "c", Service: "s3", Credentials: staticCreds})
	assert.ErrorContains(t, err, "elasticache or memorydb")
}

// proxyConfig builds a development Config for the proxy through REDIS_AUTH.
func proxyConfig(t *testing.T, proxy *authproxy.Proxy, extra map[string]string) (*redisconfig.Config, error) {
	host, port, _ := net.SplitHostPort(proxy.Addr)
	vars := map[string]string{
		redisconfig.EnvEnvironment: "development", redisconfig.EnvHost: host, redisconfig.EnvPort: port,
		redisconfig.EnvAuth: "aws-iam", redisconfig.EnvAWSUserID: "app", redisconfig.EnvAWSCacheName: "Orders",
		redisconfig.EnvAWSRegion: "eu-west-1",
	}
	for k, v := range extra {
		vars[k] = v
	}
	return redisconfig.New().WithEnv(vars).Build(context.Background())
}

func TestConnectThroughTheProxy(t *testing.T) {
	t.Parallel()
	proxy := authproxy.Start(t, &authproxy.AWSVerifier{AccessKeyID: testKeyID, SecretAccessKey: testSecret,
		Region: "eu-west-1", Service: "elasticache", CacheName: "orders"}, authproxy.Options{MaxAge: time.Hour})
	cfg, err := proxyConfig(t, proxy, nil)
	require.NoError(t, err)
	assert.Contains(t, cfg.String(), "credentials: token (aws-iam)")
	client, err := cfg.Connect(context.Background())
	require.NoError(t, err)
	defer client.Close()
	require.NoError(t, client.Set(context.Background(), "k", "v", 0).Err())
	assert.Equal(t, int64(1), proxy.Stats().Auths)
}

func TestStartupFailuresAreNamed(t *testing.T) {
	t.Parallel()
	proxy := authproxy.Start(t, &authproxy.AWSVerifier{AccessKeyID: testKeyID, SecretAccessKey: testSecret,
		Region: "eu-west-1", Service: "elasticache", CacheName: "orders", Serverless: true}, authproxy.Options{})

	// A serverless cache without REDIS_AWS_SERVERLESS: a bare WRONGPASS.
	cfg, err := proxyConfig(t, proxy, nil)
	require.NoError(t, err)
	_, err = cfg.Connect(context.Background())
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTokenRefused, ce.Diagnosis.Category)
	assert.Contains(t, ce.Diagnosis.Fix, redisconfig.EnvAWSServerless)
	assert.NotContains(t, err.Error(), "X-Amz-Signature")

	// No credentials.
	ts, err := NewTokenSource(Options{UserID: "app", CacheName: "orders", Region: "eu-west-1",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("no role for this pod")
		})})
	require.NoError(t, err)
	host, port, _ := net.SplitHostPort(proxy.Addr)
	cfg, err = redisconfig.New().WithEnv(map[string]string{redisconfig.EnvHost: host, redisconfig.EnvPort: port}).
		Connection().TokenSource(ts).Build(context.Background())
	require.NoError(t, err)
	_, err = cfg.Connect(context.Background())
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryTokenNoCredentials, ce.Diagnosis.Category)
	assert.ErrorIs(t, err, redisconfig.ErrTokenNoCredentials)
}

func TestRotationSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the rotation soak takes seconds")
	}
	proxy := authproxy.Start(t, &authproxy.AWSVerifier{AccessKeyID: testKeyID, SecretAccessKey: testSecret,
		Region: "eu-west-1", Service: "elasticache", CacheName: "orders"}, authproxy.Options{MaxAge: soak.MaxAge})
	ts, err := NewTokenSource(Options{UserID: "app", CacheName: "orders", Region: "eu-west-1", Credentials: staticCreds})
	require.NoError(t, err)
	ts.(*tokenSource).lifetime = soak.Lifetime
	host, port, _ := net.SplitHostPort(proxy.Addr)
	cfg, err := redisconfig.New().WithEnv(map[string]string{redisconfig.EnvHost: host, redisconfig.EnvPort: port}).
		Connection().TokenSource(ts).Build(context.Background())
	require.NoError(t, err)
	res := soak.Run(t, soak.Options{Proxy: proxy, Config: cfg, Rotations: 20})
	t.Log(res)
	soak.Verify(t, res, -1)
}
