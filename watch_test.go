package redisconfig

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startWatch runs watch with a short interval and hands its changes over a
// channel.
func startWatch(t *testing.T, b *Builder) <-chan Change {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan Change, 16)
	done := make(chan error, 1)
	ready := make(chan struct{})
	go func() {
		done <- watch(ctx, b, 5*time.Millisecond, func() { close(ready) }, func(c Change) { changes <- c })
	}()
	t.Cleanup(func() {
		cancel()
		assert.ErrorIs(t, <-done, context.Canceled)
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("watch ended: %v", err)
	}
	return changes
}

func nextChange(t *testing.T, changes <-chan Change) Change {
	t.Helper()
	select {
	case c := <-changes:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported")
		return Change{}
	}
}

func diffOf(c Change, setting string) (Difference, bool) {
	for _, d := range c.Differences {
		if d.Setting == setting {
			return d, true
		}
	}
	return Difference{}, false
}

// rewrite replaces a file's content so that its stamp surely changes (a new
// inode, as editors that save by rename produce).
func rewrite(t *testing.T, path, text string) {
	t.Helper()
	tmp := path + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte(text), 0o600))
	require.NoError(t, os.Rename(tmp, path))
}

func TestWatchDotEnv(t *testing.T) {
	t.Parallel()
	env := writeFile(t, ".env", "REDIS_HOST=cache.local\nREDIS_POOL_SIZE=5\nREDIS_PASSWORD=first-secret\n")
	changes := startWatch(t, New().WithEnv(nil).DotEnv(env))

	rewrite(t, env, "REDIS_HOST=cache.local\nREDIS_POOL_SIZE=9\nREDIS_PASSWORD=second-secret\n")
	c := nextChange(t, changes)
	require.NoError(t, c.Err)
	assert.True(t, c.Applied())
	d, ok := diffOf(c, "pool_size")
	require.True(t, ok, "%+v", c.Differences)
	assert.Equal(t, Difference{Setting: "pool_size", A: "5", B: "9", SourceA: "REDIS_POOL_SIZE (" + env + ":2)", SourceB: "REDIS_POOL_SIZE (" + env + ":2)"}, d)
	d, ok = diffOf(c, "password")
	require.True(t, ok)
	assert.Equal(t, redacted+" (differs)", d.A)
	assert.NotContains(t, strings.Join([]string{d.A, d.B}, " "), "secret")
	_, hostChanged := diffOf(c, "host")
	assert.False(t, hostChanged)
	assert.Equal(t, 9, c.Config.Options().PoolSize)

	// A broken file: the error, and the last configuration stays.
	rewrite(t, env, "REDIS_HOST=cache.local\nREDIS_POOL_SIZE=\"9\n")
	c = nextChange(t, changes)
	require.ErrorIs(t, c.Err, ErrInvalidValue)
	assert.False(t, c.Applied())
	assert.Same(t, c.Previous, c.Config)
	assert.NotContains(t, c.Err.Error(), "secret")

	// Fixed, with a new address: development applies it.
	rewrite(t, env, "REDIS_HOST=other.local\nREDIS_POOL_SIZE=9\nREDIS_PASSWORD=second-secret\n")
	c = nextChange(t, changes)
	require.NoError(t, c.Err)
	assert.True(t, c.Applied())
	d, ok = diffOf(c, "addr")
	require.True(t, ok)
	assert.Equal(t, "tcp other.local:6379", d.B)
}

func TestWatchHoldsBackStructuralChangesInProduction(t *testing.T) {
	t.Parallel()
	sec := newK8sSecret(t, map[string]string{"password": "pw-1"})
	var mu sync.Mutex
	vars := map[string]string{EnvEnvironment: "production", EnvURL: "rediss://app@redis-a.internal:6380", EnvPoolSize: "10"}
	lookup := func(k string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		v, ok := vars[k]
		return v, ok
	}
	set := func(k, v string) {
		mu.Lock()
		defer mu.Unlock()
		vars[k] = v
	}
	b := New().WithEnv(map[string]string{EnvPasswordFile: sec.path("password")}).Lookup("koanf", lookup)
	changes := startWatch(t, b)

	// The pool size changes with the password file: applied.
	set(EnvPoolSize, "20")
	sec.update(t, map[string]string{"password": "pw-2"})
	c := nextChange(t, changes)
	require.NoError(t, c.Err)
	assert.True(t, c.Applied())
	assert.Empty(t, c.Held)
	_, ok := diffOf(c, "pool_size")
	assert.True(t, ok)

	// The address changes: reported, not applied.
	set(EnvURL, "rediss://app@redis-b.internal:6380")
	sec.update(t, map[string]string{"password": "pw-3"})
	c = nextChange(t, changes)
	require.NoError(t, c.Err)
	assert.False(t, c.Applied())
	assert.Same(t, c.Previous, c.Config)
	var held []string
	for _, d := range c.Held {
		held = append(held, d.Setting)
	}
	assert.Contains(t, held, "addr")
	assert.NotContains(t, held, "password")
	assert.Equal(t, "redis-a.internal:6380", c.Config.Options().Addr)
}

func TestWatchFirstBuildFails(t *testing.T) {
	t.Parallel()
	err := Watch(context.Background(), New().WithEnv(map[string]string{EnvPort: "x"}), func(Change) { t.Error("no change expected") })
	require.ErrorIs(t, err, ErrInvalidValue)
}

func TestLiveClientSwap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := miniredis.RunT(t), miniredis.RunT(t)
	cfgA, err := New().WithEnv(map[string]string{EnvURL: "redis://" + a.Addr()}).Build(ctx)
	require.NoError(t, err)
	cfgB, err := New().WithEnv(map[string]string{EnvURL: "redis://" + b.Addr()}).Build(ctx)
	require.NoError(t, err)
	live, err := NewLiveClient(ctx, cfgA)
	require.NoError(t, err)

	// A command in flight on the old client when the swap happens.
	started, release := make(chan redis.UniversalClient), make(chan struct{})
	inflight := make(chan error, 1)
	go func() {
		inflight <- live.Do(ctx, func(c redis.UniversalClient) error {
			started <- c
			<-release
			return c.Set(ctx, "late", "1", 0).Err() // after the swap switched: the old client must still work
		})
	}()
	old := <-started
	swapped := make(chan error, 1)
	go func() { swapped <- live.Swap(ctx, cfgB) }()
	require.Eventually(t, func() bool { return live.Client() != old }, 10*time.Second, time.Millisecond)
	close(release)
	require.NoError(t, <-inflight)
	require.NoError(t, <-swapped)
	assert.True(t, a.Exists("late"), "the in-flight command ran on the old server")
	assert.ErrorIs(t, old.Ping(ctx).Err(), redis.ErrClosed, "the old client is closed after its commands")

	require.NoError(t, live.Do(ctx, func(c redis.UniversalClient) error { return c.Set(ctx, "new", "1", 0).Err() }))
	assert.True(t, b.Exists("new"))

	// A configuration that cannot connect keeps the current client.
	bad, err := New().WithEnv(map[string]string{EnvURL: "redis://127.0.0.1:1", EnvConnectTimeout: "200ms"}).Build(ctx)
	require.NoError(t, err)
	require.ErrorIs(t, live.Swap(ctx, bad), ErrConnect)
	require.NoError(t, live.Do(ctx, func(c redis.UniversalClient) error { return c.Ping(ctx).Err() }))

	require.NoError(t, live.Close())
	assert.True(t, errors.Is(live.Do(ctx, func(redis.UniversalClient) error { return nil }), ErrClientClosed))
}

// TestWatchSentinelPasswordFile: go-redis takes the sentinel password as a
// plain string, so a rotated REDIS_SENTINEL_PASSWORD_FILE needs a new
// client. Watch sees the file change, reports the sentinel password as
// changed (never its value) and applies it, in production too: a new
// configuration whose FailoverOptions carry the new password.
func TestWatchSentinelPasswordFile(t *testing.T) {
	t.Parallel()
	sec := newK8sSecret(t, map[string]string{"password": "master-pw", "sentinel-password": "sentinel-pw-1"})
	b := New().WithEnv(map[string]string{
		EnvEnvironment:          "production",
		EnvSentinelMaster:       "mymaster",
		EnvSentinelNodes:        "sentinel-a.internal:26379,sentinel-b.internal:26379",
		EnvTLS:                  "true",
		EnvPasswordFile:         sec.path("password"),
		EnvSentinelPasswordFile: sec.path("sentinel-password"),
	})
	first, err := b.Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "sentinel-pw-1", first.FailoverOptions().SentinelPassword)
	changes := startWatch(t, b)

	sec.update(t, map[string]string{"password": "master-pw", "sentinel-password": "sentinel-pw-2"})
	c := nextChange(t, changes)
	require.NoError(t, c.Err)
	assert.True(t, c.Applied(), "held: %+v", c.Held)
	require.Len(t, c.Differences, 1, "%+v", c.Differences)
	d := c.Differences[0]
	assert.Equal(t, "sentinel_password", d.Setting)
	assert.Equal(t, redacted+" (differs)", d.A)
	assert.Equal(t, redacted+" (differs)", d.B)
	assert.Contains(t, d.SourceB, EnvSentinelPasswordFile)
	assert.NotContains(t, d.A+d.B+d.SourceA+d.SourceB, "sentinel-pw")
	assert.Equal(t, "sentinel-pw-2", c.Config.FailoverOptions().SentinelPassword)
	assert.Equal(t, "sentinel-pw-1", c.Previous.FailoverOptions().SentinelPassword, "the client already built keeps its own")
}

func TestDiffSecrets(t *testing.T) {
	t.Parallel()
	build := func(vars map[string]string) *Config {
		vars[EnvSentinelMaster], vars[EnvSentinelNodes] = "mymaster", "127.0.0.1:26379"
		cfg, err := New().WithEnv(vars).Build(context.Background())
		require.NoError(t, err)
		return cfg
	}
	a := build(map[string]string{EnvSentinelPassword: "one"})
	assert.Empty(t, Diff(a, build(map[string]string{EnvSentinelPassword: "one"})), "the same value")
	d := Diff(a, build(map[string]string{EnvSentinelPassword: "two"}))
	require.Len(t, d, 1)
	assert.Equal(t, Difference{Setting: "sentinel_password", A: redacted + " (differs)", B: redacted + " (differs)", SourceA: EnvSentinelPassword, SourceB: EnvSentinelPassword}, d[0])
	d = Diff(a, build(map[string]string{}))
	require.Len(t, d, 1)
	assert.Equal(t, "unset", d[0].B)
	assert.Equal(t, redacted, d[0].A)
}
