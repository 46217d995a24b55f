package main

import (
	"bytes"
	"context"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/redisconfig/redisconfig"
	awsauth "github.com/redisconfig/redisconfig/auth/aws"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExample runs the example against the harness: a proxy that checks
// SigV4 tokens for cache "orders" as ElastiCache would.
func TestExample(t *testing.T) {
	awsauth.SetCredentials(aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "example-secret"}, nil
	})))
	proxy := authproxy.Start(t, &authproxy.AWSVerifier{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "example-secret",
		Region: "eu-west-1", Service: "elasticache", CacheName: "orders"}, authproxy.Options{})
	host, port, _ := net.SplitHostPort(proxy.Addr)
	var out bytes.Buffer
	err := run(context.Background(), redisconfig.New().WithEnv(map[string]string{
		"REDIS_HOST": host, "REDIS_PORT": port, // rediss:// and ENVIRONMENT=production in real life
		"REDIS_AUTH": "aws-iam", "REDIS_AWS_USER_ID": "orders-app", "REDIS_AWS_CACHE_NAME": "Orders", "REDIS_AWS_REGION": "eu-west-1",
	}), &out)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "hello with a token")
	assert.Contains(t, out.String(), "token (aws-iam)")
	assert.NotContains(t, out.String(), "X-Amz-Signature")
}
