package redisconfig_test

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRestartUnderLoad restarts the Redis server while 64 goroutines run
// GET/SET through one client: the client recovers without being rebuilt,
// the health checker reports down then up, and once everything is closed no
// goroutine of the checker or of go-redis's pool is left.
func TestRestartUnderLoad(t *testing.T) {
	srv := redisserver.Start(t, redisserver.Options{})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "redis://" + srv.Addr(), "REDIS_POOL_SIZE": "32",
	}).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)

	statuses := make(chan string, 32)
	checker := cfg.NewHealthChecker(client, 25*time.Millisecond, func(_, cur redisconfig.Health) { statuses <- cur.Status })
	checkCtx, stopChecker := context.WithCancel(ctx)
	checkerDone := make(chan struct{})
	go func() { defer close(checkerDone); checker.Run(checkCtx) }()

	loadCtx, stopLoad := context.WithCancel(ctx)
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for w := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; loadCtx.Err() == nil; i++ {
				key := "load:" + strconv.Itoa(w) + ":" + strconv.Itoa(i%16)
				if err := client.Set(loadCtx, key, i, 0).Err(); err != nil {
					failed.Add(1)
					continue
				}
				ok.Add(1)
			}
		}()
	}

	wait := func(want string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case s := <-statuses:
				if s == want {
					return
				}
			case <-deadline:
				t.Fatalf("health never reported %q", want)
			}
		}
	}
	wait("up")
	require.Eventually(t, func() bool { return ok.Load() > 1000 }, 20*time.Second, 10*time.Millisecond)
	srv.Stop()
	wait("down")
	okBefore := ok.Load()
	srv.Restart(t)
	wait("up")
	require.Eventually(t, func() bool { return ok.Load() > okBefore+1000 }, 20*time.Second, 10*time.Millisecond,
		"the same client carries the load again after the restart")
	stopLoad()
	wg.Wait()
	assert.Positive(t, failed.Load(), "the outage was felt")
	t.Logf("%d commands succeeded, %d failed during the outage", ok.Load(), failed.Load())

	stopChecker()
	<-checkerDone
	require.NoError(t, client.Close())
	assertNoGoroutine(t, "redisconfig.(*HealthChecker)")
	assertNoGoroutine(t, "go-redis/v9/internal/pool")
}
