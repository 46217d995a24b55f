package redisconfig_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBinaryWeight builds a program that imports only redisconfig and one
// that imports only go-redis: the first may weigh at most 1.3 times the
// second, and links no gRPC.
func TestBinaryWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	t.Parallel()
	dir := t.TempDir()
	size := func(pkg string) (int64, string) {
		out := filepath.Join(dir, filepath.Base(pkg))
		b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput()
		require.NoError(t, err, string(b))
		fi, err := os.Stat(out)
		require.NoError(t, err)
		mods, err := exec.Command("go", "version", "-m", out).CombinedOutput()
		require.NoError(t, err, string(mods))
		return fi.Size(), string(mods)
	}
	root, rootMods := size("./internal/weight/rootonly")
	base, _ := size("./internal/weight/goredisonly")
	ratio := float64(root) / float64(base)
	t.Logf("redisconfig-only binary %d bytes, go-redis-only %d bytes, ratio %.3f", root, base, ratio)
	assert.LessOrEqual(t, ratio, 1.3)
	for _, heavy := range []string{"google.golang.org/grpc", "cloud.google.com/go", "google.golang.org/protobuf"} {
		assert.False(t, strings.Contains(rootMods, heavy), "the root package links %s", heavy)
	}
}
