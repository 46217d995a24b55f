//go:build unix

package redisconfig

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileFiles makes one file of each kind a reader must refuse, and
// returns their paths by name.
func hostileFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(100<<20)) // 100 MB, holes only
	require.NoError(t, f.Close())
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	link := filepath.Join(dir, "link-to-fifo")
	require.NoError(t, os.Symlink(fifo, link))
	return map[string]string{
		"fifo":         fifo,
		"dev zero":     "/dev/zero",
		"dev null":     "/dev/null",
		"sparse 100MB": sparse,
		"directory":    dir,
		"socket":       sock,
		"link to fifo": link,
	}
}

// wantProblem is the phrase each hostile file's problem must hold.
var wantProblem = map[string]string{
	"fifo":         "is a named pipe, not a regular file",
	"dev zero":     "is a device, not a regular file",
	"dev null":     "is a device, not a regular file",
	"sparse 100MB": "holds 100 MiB; a",
	"directory":    "is a directory, not a regular file",
	"socket":       "is a socket, not a regular file",
	"link to fifo": "is a named pipe, not a regular file",
}

// buildWithin runs Build and fails the test, instead of hanging it, when
// Build does not return (a reader blocked on a pipe).
func buildWithin(t *testing.T, ctx context.Context, b *Builder) (*Config, error) {
	t.Helper()
	type result struct {
		c   *Config
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := b.Build(ctx)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-time.After(30 * time.Second): // a hang guard, not a speed check
		t.Fatal("Build did not return: a file read blocked")
		return nil, nil
	}
}

// assertNoReader checks that nothing holds the pipe open for reading: a
// non-blocking open of its write end fails with ENXIO when no reader is
// there (a goroutine blocked in open or read would be one).
func assertNoReader(t *testing.T, fifo string) {
	t.Helper()
	f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		f.Close()
	}
	assert.ErrorIs(t, err, syscall.ENXIO, "a reader still holds the named pipe open")
}

func TestFileReadersRefuseHostileFiles(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "ca")
	client := ca.Client(t, "client")
	readers := []struct {
		name    string
		setting string
		vars    func(path string) map[string]string
		// hidesPath: the variable names a secret, so the path never shows.
		hidesPath bool
	}{
		{"password file", "password", func(p string) map[string]string {
			return map[string]string{EnvPasswordFile: p}
		}, true},
		{"sentinel password file", "sentinel_password", func(p string) map[string]string {
			return map[string]string{EnvSentinelMaster: "m", EnvSentinelNodes: "a:1", EnvSentinelPasswordFile: p}
		}, true},
		{"CA file", "tls_ca_file", func(p string) map[string]string {
			return map[string]string{EnvTLS: "true", EnvTLSCAFile: p}
		}, false},
		{"client cert file", "tls_cert_file", func(p string) map[string]string {
			return map[string]string{EnvTLS: "true", EnvTLSCertFile: p, EnvTLSKeyFile: client.KeyFile}
		}, false},
		{"client key file", "tls_key_file", func(p string) map[string]string {
			return map[string]string{EnvTLS: "true", EnvTLSCertFile: client.CertFile, EnvTLSKeyFile: p}
		}, true},
	}
	for _, rd := range readers {
		files := hostileFiles(t)
		for kind, path := range files {
			t.Run(rd.name+"/"+kind, func(t *testing.T) {
				_, err := buildWithin(t, context.Background(), New().WithEnv(rd.vars(path)).Environment(Development))
				require.ErrorIs(t, err, ErrInvalidValue)
				var found *Error
				for _, e := range errorsOf(t, err) {
					if e.Setting == rd.setting {
						found = e
					}
				}
				require.NotNil(t, found, "no error names %s: %v", rd.setting, err)
				assert.Contains(t, found.Problem, wantProblem[kind])
				if rd.hidesPath {
					assert.NotContains(t, err.Error(), path)
				}
			})
		}
		assertNoReader(t, files["fifo"])
	}
}

func TestDirSecretsRefusesHostileFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := hostileFiles(t)
	for kind, path := range files {
		require.NoError(t, os.Symlink(path, filepath.Join(dir, filepath.Base(kind+".secret"))))
	}
	src := DirSecrets(dir)
	for kind := range files {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			_, err := src.Fetch(context.Background(), kind+".secret")
			require.Error(t, err)
			assert.NotErrorIs(t, err, ErrSecretNotFound)
			assert.Contains(t, err.Error(), wantProblem[kind])
		})
	}
	t.Cleanup(func() { assertNoReader(t, files["fifo"]) })
}

// TestDirSecretsNamedPipeInBuild: a pipe as the password in a mounted
// directory fails Build with a problem, leaving no reader behind.
func TestDirSecretsNamedPipeInBuild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "redis-password")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	_, err := buildWithin(t, context.Background(), New().WithEnv(map[string]string{
		EnvURL: "rediss://redis.internal:6380",
	}).Environment(Production).Secrets().Source(DirSecrets(dir)).Builder)
	require.ErrorIs(t, err, ErrMissing)
	assert.Contains(t, err.Error(), "named pipe")
	assertNoReader(t, fifo)
}

func TestFileLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		kind fileKind
		size int64
		ok   bool
	}{
		{"password at the limit", fileKindPassword, fileKindPassword.limit, true},
		{"password one byte over", fileKindPassword, fileKindPassword.limit + 1, false},
		{"key one byte over", fileKindClientKey, fileKindClientKey.limit + 1, false},
		{"CA at the limit", fileKindCA, fileKindCA.limit, true},
		{"CA one byte over", fileKindCA, fileKindCA.limit + 1, false},
		{"secret file one byte over", fileKindSecretDir, fileKindSecretDir.limit + 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, tt.name)
			require.NoError(t, os.WriteFile(path, make([]byte, tt.size), 0o600))
			data, problem := readFile(context.Background(), path, tt.kind)
			if tt.ok {
				assert.Empty(t, problem)
				assert.Len(t, data, int(tt.size))
				return
			}
			assert.Nil(t, data)
			assert.Contains(t, problem, "a "+tt.kind.what+" may hold at most")
		})
	}
}

// TestFileReadRespectsContext: an ended context stops every reader, and the
// problem says why.
func TestFileReadRespectsContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(path, []byte("s3cret"), 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, kind := range []fileKind{fileKindPassword, fileKindSecretDir, fileKindCA, fileKindClientCert, fileKindClientKey, fileKindDotEnv} {
		data, problem := readFile(ctx, path, kind)
		assert.Nil(t, data, kind.what)
		assert.Contains(t, problem, context.Canceled.Error(), kind.what)
	}
	// And the chunked read looks at the context between chunks.
	_, err := readAtMost(ctx, zeroReader{}, 1<<30)
	assert.True(t, errors.Is(err, context.Canceled))
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }
