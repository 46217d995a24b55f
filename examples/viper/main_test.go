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
	assert.Contains(t, out.String(), "from REDIS_HOST (viper)")
	assert.Contains(t, out.String(), "read_timeout   3s         from REDIS_READ_TIMEOUT (viper)")
	assert.Contains(t, out.String(), "connected: PONG")
}
