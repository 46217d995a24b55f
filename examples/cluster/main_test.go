package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	cluster := redisserver.StartCluster(t, 3, redisserver.Options{})
	t.Setenv("ENVIRONMENT", "test")
	t.Setenv("REDIS_CLUSTER_NODES", strings.Join(cluster.Addrs(), ","))
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Equal(t, 3, strings.Count(out.String(), "holds"), out.String())
	assert.NotContains(t, out.String(), "holds 0 keys")
}
