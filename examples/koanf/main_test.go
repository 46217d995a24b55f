package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Contains(t, out.String(), "from REDIS_URL (koanf)")
	assert.Contains(t, out.String(), "pool_size      20         from REDIS_POOL_SIZE (koanf)")
	assert.Contains(t, out.String(), "connected: PONG")
}
