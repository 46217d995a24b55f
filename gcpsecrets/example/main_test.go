package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redisconfig/redisconfig/gcpsecrets/gcpsecretstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	const password = "from-secret-manager"
	srv := miniredis.RunT(t)
	srv.RequireAuth(password)
	sm := gcpsecretstest.Start(t)
	sm.AddVersion("example-project", "redis-password", password)
	t.Setenv("ENVIRONMENT", "test")
	t.Setenv("REDIS_URL", "redis://"+srv.Addr())
	t.Setenv("REDIS_SECRETS_PROJECT", "example-project")

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, sm.ClientOptions()...))
	assert.Contains(t, out.String(), "connected")
	assert.NotContains(t, out.String(), password)
	assert.Equal(t, int64(1), sm.CallsFor("example-project", "redis-password"))
}
