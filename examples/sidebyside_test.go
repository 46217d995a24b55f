// Package examples_test runs the backend, auth and worker examples side by
// side, as separate processes, against one Redis from one shared set of
// variables.
package examples_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// start builds and starts an example with env; it returns the address the
// example prints ("... listening on ADDR") and stops it at cleanup,
// checking that it exits cleanly.
func start(t *testing.T, name string, env []string) (*exec.Cmd, string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, "./"+name).CombinedOutput()
	require.NoError(t, err, string(out))
	cmd := exec.Command(bin)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	addr := ""
	if name != "worker" {
		require.True(t, lines.Scan(), "%s printed nothing", name)
		_, addr, _ = strings.Cut(lines.Text(), " listening on ")
	}
	if name == "backend" { // its debug handler has a listener of its own
		require.True(t, lines.Scan(), "backend printed no debug listener")
		_, debug, _ := strings.Cut(lines.Text(), " debug listening on ")
		addr += "," + debug
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			assert.NoError(t, err, "%s exits cleanly on SIGTERM", name)
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("%s did not stop on SIGTERM", name)
		}
	})
	return cmd, addr
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

func TestServicesSideBySide(t *testing.T) {
	srv := redisserver.Start(t, redisserver.Options{Password: "shared-pw"})
	shared := map[string]string{
		"ENVIRONMENT":     "test",
		"REDIS_URL":       "redis://:shared-pw@" + srv.Addr() + "/2",
		"REDIS_POOL_SIZE": "8",
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"BACKEND_LISTEN=127.0.0.1:0", "BACKEND_DEBUG_LISTEN=127.0.0.1:0", "AUTH_LISTEN=127.0.0.1:0"}
	for k, v := range shared {
		env = append(env, k+"="+v)
	}
	_, backendAddrs := start(t, "backend", env)
	backend, backendDebug, _ := strings.Cut(backendAddrs, ",")
	_, auth := start(t, "auth", env)
	start(t, "worker", env)

	// The backend queues a job; the worker, another process, takes it.
	resp, err := http.Post("http://"+backend+"/jobs", "text/plain", strings.NewReader("job-42"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)

	// Both services report the same core parameters in their debug views.
	var b, a redisconfig.DebugInfo
	getJSON(t, "http://"+backendDebug+"/debug/redis/config", &b)
	getJSON(t, "http://"+auth+"/debug/redis/config", &a)
	assert.Equal(t, b.Addr, a.Addr)
	value := func(d redisconfig.DebugInfo, name string) string {
		for _, s := range d.Settings {
			if s.Name == name {
				return s.Value
			}
		}
		return "?"
	}
	for _, name := range []string{"db", "tls", "pool_size"} {
		assert.Equal(t, value(b, name), value(a, name), name)
	}
	assert.Equal(t, "backend", value(b, "client_name"))
	assert.Equal(t, "auth", value(a, "client_name"))

	// The library's consistency check agrees, and catches a drift.
	build := func(service string, extra map[string]string) *redisconfig.Config {
		vars := map[string]string{}
		for k, v := range shared {
			vars[k] = v
		}
		for k, v := range extra {
			vars[k] = v
		}
		cfg, err := redisconfig.New().WithEnv(vars).Service(service).Build(context.Background())
		require.NoError(t, err)
		return cfg
	}
	assert.Empty(t, redisconfig.Compare(build("backend", nil), build("auth", nil)))
	drift := redisconfig.Compare(build("backend", nil), build("auth", map[string]string{"AUTH_REDIS_DB": "3"}))
	require.Len(t, drift, 1)
	assert.Equal(t, "db", drift[0].Setting)
	assert.Equal(t, "AUTH_REDIS_DB", drift[0].SourceB)

	// The job was done.
	client, err := build("checker", nil).Connect(context.Background())
	require.NoError(t, err)
	defer client.Close()
	require.Eventually(t, func() bool { return client.Exists(context.Background(), "done:job-42").Val() == 1 },
		10*time.Second, 20*time.Millisecond, "the worker recorded the job")
}
