package redisconfig

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedVars is one set of variables both services are deployed with.
func sharedVars() map[string]string {
	return map[string]string{
		EnvEnvironment:   "production",
		EnvURL:           "rediss://redis.internal:6380/0",
		EnvPassword:      "shared-" + canary,
		EnvPoolSize:      "20",
		"AUTH_" + EnvDB:  "0",
		"AUTH_POOL_SIZE": "ignored: not a REDIS_ name",
	}
}

func TestBackendAndAuthAgree(t *testing.T) {
	t.Parallel()
	vars := sharedVars()
	backend, err := New().WithEnv(vars).Service("backend").Build(context.Background())
	require.NoError(t, err)
	auth, err := New().WithEnv(vars).Service("auth").Build(context.Background())
	require.NoError(t, err)
	assert.Empty(t, Compare(backend, auth))
	assert.Equal(t, "backend", backend.Options().ClientName)
	assert.Equal(t, "auth", auth.Options().ClientName)
}

func TestCompareCatchesDrift(t *testing.T) {
	t.Parallel()
	vars := sharedVars()
	vars["AUTH_"+EnvPort] = "6381"
	vars["AUTH_"+EnvPassword] = "drifted-" + canary
	vars["AUTH_"+EnvTLSServerName] = "other.internal"
	backend, err := New().WithEnv(vars).Service("backend").Build(context.Background())
	require.NoError(t, err)
	auth, err := New().WithEnv(vars).Service("auth").Build(context.Background())
	require.NoError(t, err)

	diffs := Compare(backend, auth)
	got := map[string]Difference{}
	for _, d := range diffs {
		got[d.Setting] = d
	}
	require.Contains(t, got, "addr")
	assert.Equal(t, "tcp redis.internal:6380", got["addr"].A)
	assert.Equal(t, "tcp redis.internal:6381", got["addr"].B)
	assert.Equal(t, "REDIS_URL (host), AUTH_REDIS_PORT (port)", got["addr"].SourceB)
	require.Contains(t, got, "password")
	require.Contains(t, got, "tls_server_name")
	assert.NotContains(t, fmt.Sprintf("%+v", diffs), canary)
}

// TestBuildersAreIndependent builds many services concurrently from one
// variable map (run with -race).
func TestBuildersAreIndependent(t *testing.T) {
	t.Parallel()
	vars := sharedVars()
	var wg sync.WaitGroup
	cfgs := make([]*Config, 16)
	errs := make([]error, 16)
	for i := range cfgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := New().WithEnv(vars).Service(fmt.Sprintf("svc%d", i))
			if i%2 == 0 {
				b.Pool().Size(i + 1)
			}
			cfgs[i], errs[i] = b.Build(context.Background())
		}()
	}
	wg.Wait()
	for i, cfg := range cfgs {
		require.NoError(t, errs[i])
		assert.Equal(t, fmt.Sprintf("svc%d", i), cfg.Options().ClientName)
		if i%2 == 0 {
			assert.Equal(t, i+1, cfg.Options().PoolSize)
		} else {
			assert.Equal(t, 20, cfg.Options().PoolSize)
		}
	}
}
