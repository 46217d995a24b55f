package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const canary = "CANARY-cli-5e1f"

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// redisconfigBinary builds the command once for all tests.
func redisconfigBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "redisconfig-cli")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "redisconfig")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	require.NoError(t, buildErr)
	return binary
}

// runCLI runs the built command with only the given variables.
func runCLI(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(redisconfigBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("run: %v", err)
	}
	all := out.String() + errOut.String()
	assert.NotContains(t, all, canary, "no output may hold the password")
	return out.String(), errOut.String(), code
}

func TestCLI(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "cli")
	cert := ca.Server(t, "redis", "127.0.0.1")
	plain := redisserver.Start(t, redisserver.Options{Password: canary})
	tlsSrv := redisserver.Start(t, redisserver.Options{Password: canary, TLS: &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile}})
	other := testpki.NewCA(t, "other")

	t.Run("healthy", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:" + canary + "@" + plain.Addr()}, "check")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "status:      UP")
		assert.Contains(t, out, "role master")
		assert.Contains(t, out, "pipelines:   0 connections") // go-redis's pipeline pool, unused by check
	})
	t.Run("both pools and the ceiling", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:" + canary + "@" + plain.Addr() + "?max_active_conns=4&pool_size=4&pipeline_pool_size=2"}, "check")
		assert.Equal(t, 0, code)
		assert.Contains(t, out, "ceiling:     6 (max_active_conns 4 + pipeline pool 2) connections per node")
		out, _, code = runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:" + canary + "@" + plain.Addr() + "?pipeline_pool_size=-1"}, "check", "--json")
		assert.Equal(t, 0, code)
		assert.NotContains(t, out, `"pipeline"`)
		out, _, code = runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://" + plain.Addr() + "?pipeline_pool_size=3", "REDIS_MAINT_NOTIFICATIONS": "auto"}, "print")
		assert.Equal(t, 0, code)
		assert.Regexp(t, `pipeline_pool_size\s+3\s+REDIS_URL parameter pipeline_pool_size`, out)
		assert.Regexp(t, `maint_notifications\s+auto\s+REDIS_MAINT_NOTIFICATIONS`, out)
		assert.Contains(t, out, "connections per node at most: no hard ceiling")
	})
	t.Run("healthy tls json", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "rediss://:" + canary + "@" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile}, "check", "--json")
		assert.Equal(t, 0, code)
		var report map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &report))
		assert.Equal(t, true, report["healthy"])
		assert.Contains(t, out, `"version": "TLS 1.3"`)
	})
	t.Run("wrong password", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:wrong-" + canary + "@" + plain.Addr()}, "check")
		assert.Equal(t, 3, code, "unhealthy: 3, apart from an invalid configuration's 1")
		assert.Contains(t, out, "DOWN (auth-wrong-password)")
		assert.Contains(t, out, "REDIS_PASSWORD")
	})
	t.Run("tls mismatch", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "rediss://:" + canary + "@" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": other.CertFile}, "check")
		assert.Equal(t, 3, code, "unhealthy: 3, apart from an invalid configuration's 1")
		assert.Contains(t, out, "DOWN (tls-unknown-authority)")
		assert.Contains(t, out, "REDIS_TLS_CA_FILE")
	})
	t.Run("print", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"REDIS_URL": "redis://:" + canary + "@" + plain.Addr() + "/2?pool_size=7", "BACKEND_REDIS_PORT": "7000"}, "print", "--service", "backend")
		assert.Equal(t, 0, code)
		assert.Regexp(t, `password\s+\[redacted\]\s+REDIS_URL`, out)
		assert.Regexp(t, `pool_size\s+7\s+REDIS_URL parameter pool_size`, out)
		assert.Regexp(t, `port\s+7000\s+BACKEND_REDIS_PORT`, out)
		assert.Regexp(t, `db\s+2\s+REDIS_URL`, out)
	})
	t.Run("print json", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"REDIS_PASSWORD": canary}, "print", "--json")
		assert.Equal(t, 0, code)
		var info map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &info))
		assert.Equal(t, "development", info["environment"])
	})
	t.Run("invalid", func(t *testing.T) {
		_, errOut, code := runCLI(t, map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "redis://:" + canary + "@127.0.0.1:6379", "REDIS_PASSWORD": "x" + canary}, "print")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "production requires TLS")
		assert.Contains(t, errOut, "loopback")
		assert.Contains(t, errOut, "REDIS_PASSWORD and REDIS_URL")
	})
	t.Run("environment flag", func(t *testing.T) {
		_, errOut, code := runCLI(t, map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://127.0.0.1:6379"}, "print", "--environment", "production")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "production requires TLS")
		_, errOut, code = runCLI(t, nil, "print", "--environment", "prd")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, `unknown environment "prd"`)
	})
	t.Run("warnings shown with errors", func(t *testing.T) {
		_, errOut, code := runCLI(t, map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "rediss://redis.internal:6380", "REDIS_PASWORD": canary}, "print")
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "did you mean REDIS_PASSWORD?")
		assert.NotContains(t, errOut, canary)
	})
	t.Run("embedded", func(t *testing.T) {
		out, errOut, code := runCLI(t, nil, "check", "--embedded")
		assert.Equal(t, 0, code)
		assert.Contains(t, errOut, "in-memory Redis")
		assert.Contains(t, out, "status:      UP")
		assert.NotContains(t, out, "inspect:", "the in-memory server is not inspected")
		assert.NotContains(t, out, "suggest:")
		assert.NotContains(t, out, "failed")
	})
	t.Run("embedded ignores the shell's variables", func(t *testing.T) {
		tests := []map[string]string{
			{"ENVIRONMENT": "production", "REDIS_URL": "rediss://:" + canary + "@redis.example:6380"},
			{"REDIS_TLS": "true", "REDIS_HOST": "10.0.0.1", "REDIS_PASSWORD": canary},
			{"AUTH_REDIS_URL": "rediss://other:6380", "REDIS_POOL_SIZE": "nonsense"},
		}
		for _, give := range tests {
			out, errOut, code := runCLI(t, give, "check", "--embedded")
			assert.Equal(t, 0, code, errOut)
			assert.Contains(t, out, "status:      UP")
			for name := range give {
				assert.Contains(t, errOut, name, "the ignored variables are named")
			}
			assert.Contains(t, errOut, "embedded: ignoring the shell's")
		}
	})
	t.Run("server reply quoting the password", func(t *testing.T) {
		// HELLO and AUTH renamed: go-redis's HELLO fails, its fallback AUTH
		// fails, and Redis quotes AUTH's arguments in the reply.
		srv := redisserver.Start(t, redisserver.Options{Args: []string{
			"--rename-command", "HELLO", "HELLO-RENAMED", "--rename-command", "AUTH", "AUTH-RENAMED"}})
		for _, pw := range []string{canary, canary + "'quote", "a\nb-" + canary} {
			for _, format := range [][]string{{"check"}, {"check", "--json"}} {
				out, errOut, code := runCLI(t, map[string]string{"REDIS_URL": "redis://" + srv.Addr(), "REDIS_PASSWORD": pw}, format...)
				assert.Equal(t, 3, code, "unreachable or unhealthy")
				assert.Contains(t, out+errOut, "unknown command")
				assert.Contains(t, out+errOut, "[redacted]")
				assert.NotContains(t, out+errOut, pw)
			}
		}
	})
	t.Run("check failure does not repeat the diagnosis", func(t *testing.T) {
		out, _, code := runCLI(t, map[string]string{"REDIS_URL": "redis://127.0.0.1:" + strconv.Itoa(redisserver.FreePort(t))}, "check")
		assert.Equal(t, 3, code, "unreachable or unhealthy")
		var problem, errLine string
		for _, line := range strings.Split(out, "\n") {
			if v, ok := strings.CutPrefix(line, "problem:"); ok {
				problem = strings.TrimSpace(v)
			}
			if v, ok := strings.CutPrefix(line, "error:"); ok {
				errLine = strings.TrimSpace(v)
			}
		}
		require.NotEmpty(t, problem)
		require.NotEmpty(t, errLine)
		assert.NotContains(t, errLine, problem)
	})
	t.Run("usage", func(t *testing.T) {
		_, errOut, code := runCLI(t, nil)
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, "usage: redisconfig")
		_, errOut, code = runCLI(t, nil, "check", "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, errOut, "--timeout")
		_, _, code = runCLI(t, nil, "frobnicate")
		assert.Equal(t, 2, code)
	})
}
