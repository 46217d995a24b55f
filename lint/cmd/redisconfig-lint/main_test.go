package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisconfig/redisconfig/lint"
)

// TestEndToEnd builds the command, runs it on a copy of the sample module
// in testdata (several hand-written set-ups), checks the inventory, applies
// -fix and checks that the fixed module builds and vets.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and a module")
	}
	root, err := filepath.Abs("../../..")
	require.NoError(t, err)
	dir := t.TempDir()
	bin := filepath.Join(dir, "redisconfig-lint")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	sample := copySample(t, filepath.Join(dir, "sample"), root)
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = sample
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out2, err := run(bin, "-inventory", "-json", "./...")
	require.NoError(t, err, out2)
	var inv redisconfiglint.Inventory
	require.NoError(t, json.Unmarshal([]byte(out2), &inv), out2)

	type want struct {
		kind   string
		fix    bool
		fields map[string]string // name: source[=detail]
	}
	wants := map[string]want{
		"auth/auth.go:18:10":    {"NewClient", true, map[string]string{"Username": "env=AUTH_REDIS_USERNAME", "DB": "literal=1"}},
		"cache/cache.go:14:9":   {"NewClient", true, map[string]string{"Addr": "env=CACHE_ADDR", "ReadTimeout": "literal=500000000"}},
		"legacy/legacy.go:17:9": {"NewClient", false, map[string]string{"Addr": "env=REDIS_ADDR", "Password": "literal=[redacted]"}},
		"legacy/legacy.go:26:9": {"ParseURL", false, map[string]string{"url": "env=REDIS_URL"}},
		"legacy/legacy.go:31:9": {"NewClient", false, map[string]string{"Addr": "env=OTHER_ADDR"}},
		"worker/main.go:15:7":   {"NewClusterClient", true, map[string]string{"Addrs": "call=strings.Split"}},
		"queue/queue.go:15:14":  {"ParseURL", true, map[string]string{"url": "env=QUEUE_REDIS_URL"}},
		"queue/queue.go:19:9":   {"NewClient", false, map[string]string{"(options)": "other=opt"}},
		"queue/queue.go:24:9":   {"NewUniversalClient", true, map[string]string{"Addrs": "literal=[]string{…}"}},
		"queue/queue.go:34:14":  {"ParseClusterURL", true, map[string]string{"url": "literal=redis://node-1:6379?addr=node-2:6379"}},
	}
	require.Len(t, inv.Sites, len(wants), out2)
	for _, s := range inv.Sites {
		w, ok := wants[s.Pos]
		if !assert.True(t, ok, "unexpected site %s", s.Pos) {
			continue
		}
		assert.Equal(t, w.kind, s.Kind, s.Pos)
		assert.Equal(t, w.fix, s.Fix, s.Pos)
		got := map[string]string{}
		for _, f := range s.Fields {
			got[f.Name] = f.Source + "=" + f.Detail
		}
		for name, v := range w.fields {
			assert.Equal(t, v, got[name], "%s %s", s.Pos, name)
		}
	}
	assert.NotContains(t, out2, "s3cret", "a password in the inventory")

	summary, err := run(bin, "-inventory", "./...")
	require.NoError(t, err, summary)
	assert.Contains(t, summary, "10 go-redis set-ups, 6 with a complete fix")
	assert.Contains(t, summary, "2× NewClient standalone")

	// -fix exits 3 when diagnostics remain (the legacy package).
	fixOut, err := run(bin, "-fix", "./...")
	var exit *exec.ExitError
	if err != nil {
		require.True(t, errors.As(err, &exit) && exit.ExitCode() == 3, "%v: %s", err, fixOut)
	}
	for _, f := range []string{"cache/cache.go", "auth/auth.go", "worker/main.go"} {
		src, err := os.ReadFile(filepath.Join(sample, f))
		require.NoError(t, err)
		assert.Contains(t, string(src), "redisconfig.New()", f)
		assert.NotContains(t, string(src), "redis.NewClient", f)
	}
	queue, err := os.ReadFile(filepath.Join(sample, "queue/queue.go"))
	require.NoError(t, err)
	for _, s := range []string{`Service("queue")`, "opt := cfg.Options()", "cfg.Connect(ctx)", "opt := cfg.ClusterOptions()",
		`Cluster().Nodes("node-1:6379", "node-2:6379").ReadOnly(true)`} {
		assert.Contains(t, string(queue), s)
	}
	for _, s := range []string{"redis.ParseURL", "redis.ParseClusterURL", "redis.NewUniversalClient"} {
		assert.NotContains(t, string(queue), s)
	}
	out3, err := run("go", "build", "./...")
	require.NoError(t, err, "fixed code does not build: %s", out3)
	out3, err = run("go", "vet", "./...")
	require.NoError(t, err, "fixed code does not vet: %s", out3)

	after, err := run(bin, "-inventory", "./...")
	require.NoError(t, err, after)
	assert.Contains(t, after, "4 go-redis set-ups, 0 with a complete fix")

	// The Go 1.26 go fix protocol applies the same fixes.
	sample = copySample(t, filepath.Join(dir, "gofix"), root)
	out4, err := run("go", "fix", "-fixtool="+bin, "./...")
	require.NoError(t, err, out4)
	src, err := os.ReadFile(filepath.Join(sample, "cache/cache.go"))
	require.NoError(t, err)
	assert.Contains(t, string(src), "cfg.ConnectClient(ctx)")
	out4, err = run("go", "build", "./...")
	require.NoError(t, err, "go fix'ed code does not build: %s", out4)
}

// copySample copies testdata/sample to dir, pointing its replace at root.
func copySample(t *testing.T, dir, root string) string {
	t.Helper()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../testdata/sample")))
	gomod := filepath.Join(dir, "go.mod")
	mod, err := os.ReadFile(gomod)
	require.NoError(t, err)
	mod = []byte(strings.ReplaceAll(string(mod), "=> ../../..", "=> "+root))
	require.NoError(t, os.WriteFile(gomod, mod, 0o644))
	return dir
}
