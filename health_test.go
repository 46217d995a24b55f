package redisconfig_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckOverTLS(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "health")
	cert := ca.Server(t, "redis", "127.0.0.1") // valid for a day: inside the 14-day warning window
	srv := redisserver.Start(t, redisserver.Options{Password: "pw", TLS: &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile}})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "rediss://:pw@" + srv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile,
	}).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })

	h := cfg.Check(ctx, client)
	require.True(t, h.Up(), h.Error)
	assert.Positive(t, h.Latency)
	assert.True(t, strings.HasPrefix(h.ServerVersion, "7.") || strings.Contains(h.ServerVersion, "."), h.ServerVersion)
	assert.Equal(t, "master", h.Role)
	require.NotNil(t, h.TLS)
	assert.Contains(t, h.TLS.Version, "TLS 1.")
	assert.NotEmpty(t, h.TLS.Cipher)
	assert.WithinDuration(t, time.Now().Add(24*time.Hour), h.TLS.CertExpiry, 2*time.Hour)
	require.Len(t, h.Warnings, 1)
	assert.Contains(t, h.Warnings[0], "REDIS_CERT_EXPIRY_WARNING")
	assert.Positive(t, h.Pool.TotalConns)
}

func TestHealthCheckerSeesRestart(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://" + srv.Addr()}).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })

	var mu sync.Mutex
	var seen []string
	changed := make(chan string, 16)
	checker := cfg.NewHealthChecker(client, 20*time.Millisecond, func(prev, cur redisconfig.Health) {
		mu.Lock()
		seen = append(seen, cur.Status)
		mu.Unlock()
		changed <- cur.Status
	})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); checker.Run(runCtx) }()

	waitStatus := func(want string) {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case got := <-changed:
				if got == want {
					return
				}
			case <-timeout:
				t.Fatalf("no %q reported; seen %v", want, seen)
			}
		}
	}
	waitStatus("up")
	srv.Stop()
	waitStatus("down")
	srv.Restart(t)
	waitStatus("up")
	assert.True(t, checker.Last().Up())

	stop()
	<-done
	mu.Lock()
	assert.Equal(t, []string{"up", "down", "up"}, seen)
	mu.Unlock()
	assertNoGoroutine(t, "redisconfig.(*HealthChecker)")
}

// assertNoGoroutine fails when a goroutine still runs code whose stack
// mentions fn.
func assertNoGoroutine(t *testing.T, fn string) {
	t.Helper()
	var left []string
	for range 100 { // a goroutine that is returning may take a moment to go
		left = left[:0]
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			if strings.Contains(g, fn) {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("goroutines left running:\n%s", strings.Join(left, "\n\n"))
}

func TestHandler(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Password: canaryPW})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:" + canaryPW + "@" + srv.Addr()}).Build(ctx)
	require.NoError(t, err)
	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	web := httptest.NewServer(http.StripPrefix("/debug/redis", cfg.Handler(client)))
	t.Cleanup(web.Close)

	get := func(path string) (int, string) {
		resp, err := http.Get(web.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}
	code, body := get("/debug/redis/health")
	assert.Equal(t, http.StatusOK, code)
	var h map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &h))
	assert.Equal(t, "up", h["status"])

	code, body = get("/debug/redis/config")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `"source": "REDIS_URL"`)
	assert.Contains(t, body, "[redacted]")
	assert.NotContains(t, body, canaryPW)

	srv.Stop()
	code, body = get("/debug/redis/health")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Contains(t, body, `"status": "down"`)
	assert.NotContains(t, body, canaryPW)
}

const canaryPW = "CANARY-health-9d1"
