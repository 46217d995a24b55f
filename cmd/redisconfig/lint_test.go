package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLintEndToEnd builds this command and runs `redisconfig lint` on a copy
// of the lint module's sample module (several hand-written set-ups): the
// inventory, the diagnostics' exit status, and -fix, after which the sample
// must build. It is the same checker as redisconfig-lint, whose own tests
// cover the analysis; this checks the delegation.
func TestLintEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and a module")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	bin := filepath.Join(dir, "redisconfig")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)

	sample := filepath.Join(dir, "sample")
	require.NoError(t, os.CopyFS(sample, os.DirFS(filepath.Join(root, "lint", "testdata", "sample"))))
	gomod := filepath.Join(sample, "go.mod")
	mod, err := os.ReadFile(gomod)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(gomod, []byte(strings.ReplaceAll(string(mod), "=> ../../..", "=> "+root)), 0o644))
	run := func(name string, args ...string) (string, int) {
		cmd := exec.Command(name, args...)
		cmd.Dir = sample
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		}
		require.NoError(t, err, "%s", out)
		return string(out), 0
	}

	out2, code := run(bin, "lint", "-inventory", "./...")
	require.Equal(t, 0, code, out2)
	assert.Contains(t, out2, "10 go-redis set-ups, 6 with a complete fix")

	out2, code = run(bin, "lint", "./...")
	assert.Equal(t, 3, code, "diagnostics exit 3: %s", out2)
	assert.Contains(t, out2, "RCL003: hard-coded password in Password")
	assert.NotContains(t, out2, "s3cret")

	out2, code = run(bin, "lint", "-fix", "./...")
	assert.Contains(t, []int{0, 3}, code, out2)
	src, err := os.ReadFile(filepath.Join(sample, "cache", "cache.go"))
	require.NoError(t, err)
	assert.Contains(t, string(src), "cfg.ConnectClient(ctx)")
	out2, code = run("go", "build", "./...")
	assert.Equal(t, 0, code, "fixed code does not build: %s", out2)

	out2, code = run(bin, "lint", "-inventory", "./...")
	require.Equal(t, 0, code, out2)
	assert.Contains(t, out2, "4 go-redis set-ups, 0 with a complete fix")
}
