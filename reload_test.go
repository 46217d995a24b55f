package redisconfig

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// k8sSecret lays out files the way Kubernetes mounts a secret or config map
// volume, and updates them the way its atomic writer does:
//
//	dir/..2026_11_27_06_00_00.123/password   the data, in a timestamped directory
//	dir/..data -> ..2026_11_27_06_00_00.123  swapped with one rename on update
//	dir/password -> ..data/password          what the pod reads
type k8sSecret struct {
	dir     string
	current string
	n       int
}

func newK8sSecret(t testing.TB, files map[string]string) *k8sSecret {
	t.Helper()
	s := &k8sSecret{dir: t.TempDir()}
	s.update(t, files)
	for name := range files {
		require.NoError(t, os.Symlink(filepath.Join("..data", name), filepath.Join(s.dir, name)))
	}
	return s
}

// path is what a pod reads.
func (s *k8sSecret) path(name string) string { return filepath.Join(s.dir, name) }

// update writes a new timestamped directory, points ..data at it with one
// atomic rename, and removes the old directory.
func (s *k8sSecret) update(t testing.TB, files map[string]string) {
	t.Helper()
	s.n++
	ts := fmt.Sprintf("..2026_11_27_06_%02d_00.%03d", s.n, 123+s.n)
	require.NoError(t, os.Mkdir(filepath.Join(s.dir, ts), 0o755))
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(s.dir, ts, name), []byte(text), 0o644))
	}
	tmp := filepath.Join(s.dir, "..data_tmp")
	require.NoError(t, os.Symlink(ts, tmp))
	require.NoError(t, os.Rename(tmp, filepath.Join(s.dir, "..data")))
	if s.current != "" {
		require.NoError(t, os.RemoveAll(filepath.Join(s.dir, s.current)))
	}
	s.current = ts
}

// refreshErrors collects what the refresh-error hook reports.
type refreshErrors struct {
	mu   sync.Mutex
	errs []string
}

func (r *refreshErrors) hook(name string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, name+": "+err.Error())
}

func (r *refreshErrors) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func TestPasswordFileFollowsKubernetesSwap(t *testing.T) {
	t.Parallel()
	sec := newK8sSecret(t, map[string]string{"password": "first-pw\n"})
	var reported refreshErrors
	cfg, err := New().WithEnv(map[string]string{EnvHost: "redis.local", EnvUsername: "app", EnvPasswordFile: sec.path("password")}).
		Secrets().OnRefreshError(reported.hook).Build(context.Background())
	require.NoError(t, err)
	o := cfg.Options()
	require.NotNil(t, o.CredentialsProviderContext)
	current := func() string {
		user, pw, err := o.CredentialsProviderContext(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "app", user)
		return pw
	}

	tests := []struct {
		name      string
		give      map[string]string // nil: the ..data target disappears
		want      string
		wantCount int // refresh errors reported so far
	}{
		{"unchanged", map[string]string{"password": "first-pw\n"}, "first-pw", 0},
		{"rotated", map[string]string{"password": "second-pw\n"}, "second-pw", 0},
		{"an empty file keeps the last good value", map[string]string{"password": "\n"}, "second-pw", 1},
		{"a missing file keeps the last good value", map[string]string{"other": "x"}, "second-pw", 2},
		{"a good file again", map[string]string{"password": "third-pw"}, "third-pw", 2},
	}
	for _, tt := range tests {
		sec.update(t, tt.give)
		assert.Equal(t, tt.want, current(), tt.name)
		assert.Equal(t, tt.want, current(), tt.name+": a second look reads nothing new")
		assert.Len(t, reported.list(), tt.wantCount, tt.name)
	}
	for _, e := range reported.list() {
		assert.Contains(t, e, EnvPasswordFile)
		for _, pw := range []string{"first-pw", "second-pw", "third-pw"} {
			assert.NotContains(t, e, pw)
		}
	}
}

func TestDirSecretsChangeReachesRotatorAtOnce(t *testing.T) {
	t.Parallel()
	sec := newK8sSecret(t, map[string]string{"redis-password": "dir-pw-1"})
	cfg, err := New().WithEnv(map[string]string{EnvHost: "redis.local"}).
		Secrets().Source(DirSecrets(sec.dir)).Refresh(time.Hour).Build(context.Background())
	require.NoError(t, err)
	o := cfg.Options()
	require.NotNil(t, o.CredentialsProviderContext)
	_, pw, err := o.CredentialsProviderContext(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "dir-pw-1", pw)

	sec.update(t, map[string]string{"redis-password": "dir-pw-2"})
	_, pw, err = o.CredentialsProviderContext(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "dir-pw-2", pw, "the stat saw the swap; the hour's refresh interval did not hold it back")
}

func TestReloadingKeepsLastGood(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "v", "1")
	loads := 0
	var reported []error
	r := newReloading("1", func() (string, error) {
		loads++
		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			return "", fmt.Errorf("bad file")
		}
		return string(data), nil
	}, func(err error) { reported = append(reported, err) }, path)

	assert.Equal(t, "1", r.get())
	assert.Equal(t, 0, loads, "an unchanged file is not read")
	require.NoError(t, os.WriteFile(path, []byte("22"), 0o600))
	assert.Equal(t, "22", r.get())
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	assert.Equal(t, "22", r.get())
	assert.Equal(t, "22", r.get())
	assert.Len(t, reported, 1, "one report per change, not per connection")
	assert.Equal(t, 2, loads)
}
