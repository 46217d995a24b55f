package redisconfigtest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/redisconfigtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClient(t *testing.T) {
	t.Parallel()
	client, srv := redisconfigtest.Client(t)
	ctx := context.Background()
	require.NoError(t, client.Set(ctx, "k", "v", 0).Err())
	got, err := srv.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "v", got)
}

func TestOutageAndRestore(t *testing.T) {
	t.Parallel()
	client, srv := redisconfigtest.Client(t)
	ctx := context.Background()
	require.NoError(t, client.Set(ctx, "k", "v", 0).Err())

	srv.Outage()
	require.Error(t, client.Get(ctx, "k").Err(), "Redis is gone")

	srv.Restore(t)
	assert.Equal(t, "v", client.Get(ctx, "k").Val(), "the same client recovers, data and all")

	srv.FailCommands("LOADING Redis is loading the dataset in memory")
	err := client.Get(ctx, "k").Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "LOADING")
	srv.FailCommands("")
	assert.Equal(t, "v", client.Get(ctx, "k").Val())
}

func TestInEnvironment(t *testing.T) {
	t.Parallel()
	_, srv := redisconfigtest.Builder(t)
	_, err := redisconfigtest.InEnvironment(redisconfig.Production, srv.Vars()).Build(context.Background())
	require.ErrorIs(t, err, redisconfig.ErrRule, "production refuses the in-memory Redis: loopback, no TLS")
	cfg, err := redisconfigtest.InEnvironment(redisconfig.Development, srv.Vars()).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, redisconfig.Development, cfg.Environment())
}

func TestBuilderExtraVars(t *testing.T) {
	t.Parallel()
	srv := redisconfigtest.NewServer(t)
	cfg, err := srv.Builder(map[string]string{"REDIS_POOL_SIZE": "3"}).Service("billing").Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, cfg.Options().PoolSize)
	assert.Equal(t, "billing", cfg.Options().ClientName)
}

// A service's test in three lines: an in-memory Redis, a connected client,
// and the outage to test against. (Shown as it reads inside a test
// function; t is that test's *testing.T.)
func Example() {
	var t *testing.T // the test's own
	client, srv := redisconfigtest.Client(t)
	srv.Outage()
	fmt.Println(client.Ping(context.Background()).Err() != nil)
}

// Point a builder at an in-memory Redis with extra variables of the test's
// own; the process environment is never read.
func ExampleServer_Builder() {
	var t *testing.T // the test's own
	srv := redisconfigtest.NewServer(t)
	cfg, err := srv.Builder(map[string]string{"REDIS_POOL_SIZE": "4"}).Service("billing").Build(context.Background())
	fmt.Println(err, cfg.Options().PoolSize)
}

// Check what production would say about a configuration, from a test.
func ExampleInEnvironment() {
	_, err := redisconfigtest.InEnvironment(redisconfig.Production, map[string]string{
		"REDIS_URL": "redis://cache.internal:6379",
	}).Build(context.Background())
	fmt.Println(errors.Is(err, redisconfig.ErrRule))
	// Output: true
}
