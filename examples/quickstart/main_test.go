package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunEmbedded(t *testing.T) {
	for _, v := range []string{"REDIS_URL", "REDIS_HOST", "QUICKSTART_REDIS_URL", "ENVIRONMENT"} {
		t.Setenv(v, "")
		require.NoError(t, os.Unsetenv(v))
	}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Contains(t, out.String(), "started an in-memory Redis")
	assert.Contains(t, out.String(), "connected: SET and GET")
}

func TestRunWithURL(t *testing.T) {
	srv := miniredis.RunT(t)
	srv.RequireAuth("quick-pw")
	t.Setenv("REDIS_URL", "redis://:quick-pw@"+srv.Addr())
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.NotContains(t, out.String(), "in-memory")
	assert.NotContains(t, out.String(), "quick-pw")
	assert.Contains(t, out.String(), "[redacted]")
}
