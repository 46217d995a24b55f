package redisconfig

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoRedisLogger(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://:" + canary + "@10.1.2.3:6379"}).Environment(Development).Build(context.Background())
	require.NoError(t, err)
	tests := []struct {
		name   string
		lines  []string
		window time.Duration
		want   int      // records written
		has    []string // in the output
		hasNot []string
	}{
		{name: "secret scrubbed", lines: []string{"redis: ERR unknown command 'AUTH', with args beginning with: '" + canary + "'"},
			want: 1, has: []string{redacted}, hasNot: []string{canary}},
		{name: "one line", lines: []string{"redis: bad\nlevel=ERROR msg=forged"}, want: 1, has: []string{"forged"}},
		{name: "repeats fold", lines: []string{"redis: conn[1] rejected", "redis: conn[2] rejected", "redis: conn[3] rejected"},
			window: time.Hour, want: 1},
		{name: "a repeat after the window says how many folded", lines: []string{"redis: x", "redis: x"}, window: time.Nanosecond,
			want: 2, has: []string{"repeated=0"}},
		{name: "different lines are kept", lines: []string{"redis: a", "redis: b"}, window: time.Hour, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			g := NewGoRedisLogger(slog.New(slog.NewTextHandler(&buf, nil)), cfg)
			if tt.window > 0 {
				g.FoldWindow = tt.window
			}
			for _, l := range tt.lines {
				time.Sleep(time.Microsecond) // the window is measured between lines
				g.Printf(context.Background(), "%s", l)
			}
			out := buf.String()
			assert.Equal(t, tt.want, strings.Count(out, "\n"), out)
			for _, s := range tt.has {
				assert.Contains(t, out, s)
			}
			for _, s := range tt.hasNot {
				assert.NotContains(t, out, s)
			}
			assert.Contains(t, out, "source=go-redis")
		})
	}
}

func TestGoRedisLoggerLeavesConnectsDialsToConnect(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	g := NewGoRedisLogger(slog.New(slog.NewTextHandler(&buf, nil)))
	markChecking([]string{"10.9.9.9:6379"}, time.Now().Add(time.Hour))
	g.Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %v", 5, "dial tcp 10.9.9.9:6379: connect: connection refused")
	assert.Empty(t, buf.String(), "a dial failure Connect is diagnosing is left to it")
	g.Printf(context.Background(), "redis: connection pool: failed to dial after %d attempts: %v", 5, "dial tcp 10.9.9.8:6379: connect: connection refused")
	assert.Contains(t, buf.String(), "10.9.9.8:6379", "another address's failure is logged")
}

// TestGoRedisLoggerInstalled installs the logger process-wide, as a service
// does, and connects to a closed port: go-redis writes no line of its own
// about it; Connect's error is the one line. (Not parallel: the logger is
// process-wide.)
func TestGoRedisLoggerInstalled(t *testing.T) {
	closed := "127.0.0.1:" + strconv.Itoa(redisserver.FreePort(t))
	cfg, err := New().WithEnv(map[string]string{EnvURL: "redis://" + closed, EnvConnectTimeout: "500ms"}).Environment(Test).Build(context.Background())
	require.NoError(t, err)
	var buf bytes.Buffer
	redis.SetLogger(NewGoRedisLogger(slog.New(slog.NewTextHandler(&buf, nil)), cfg))
	t.Cleanup(logging.Enable)

	_, err = cfg.Connect(context.Background())
	require.ErrorIs(t, err, ErrConnect)
	time.Sleep(100 * time.Millisecond) // let go-redis's detached dials report
	assert.NotContains(t, buf.String(), closed, "go-redis's dial failures for the address Connect diagnosed")
	assert.Contains(t, err.Error(), "connection refused")
}
