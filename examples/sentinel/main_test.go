package main

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	group := redisserver.StartSentinel(t, redisserver.Options{})
	t.Setenv("ENVIRONMENT", "test")
	t.Setenv("REDIS_SENTINEL_MASTER", group.MasterName)
	t.Setenv("REDIS_SENTINEL_NODES", group.Sentinel.Addr())
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Contains(t, out.String(), "port "+strconv.Itoa(group.Master.Port))
}
