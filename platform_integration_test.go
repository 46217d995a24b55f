package redisconfig_test

// Integration tests of go-redis v9.23's settings (issue 13) against real
// redis-server processes: what go-redis logs on a healthy start-up, and how
// many connections a client really opens with the pipeline pool.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
	"github.com/redis/go-redis/v9/maintnotifications"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureLogger records every line go-redis logs.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) Printf(_ context.Context, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *captureLogger) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// logChildEnv marks the test process TestConnectLogsNothing starts.
const logChildEnv = "REDISCONFIG_LOG_CHILD"

// TestConnectLogsNothing runs TestConnectLogsNothingChild in a process of
// its own. go-redis's logger is process-global (redis.SetLogger; v9.23 has
// no per-client logger), and other tests' clients log failed dials on
// purpose, from goroutines that can outlive their test: only a process that
// runs nothing else captures go-redis's lines and no one else's.
func TestConnectLogsNothing(t *testing.T) {
	t.Parallel()
	redisserver.Binary(t) // skip (or fail under REDISCONFIG_INTEGRATION=1) without redis-server
	cmd := exec.Command(os.Args[0], "-test.run=^TestConnectLogsNothingChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), logChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "--- PASS: TestConnectLogsNothingChild", "%s", out)
	t.Logf("%s", out)
}

// TestConnectLogsNothingChild connects to the open-source redis-server with
// the default configuration and with maintenance notifications in auto
// mode, runs commands and a pipeline, and fails on any line go-redis logs.
// It runs only in the process TestConnectLogsNothing starts.
func TestConnectLogsNothingChild(t *testing.T) {
	if os.Getenv(logChildEnv) != "1" {
		t.Skip("run by TestConnectLogsNothing in a process of its own")
	}
	srv := redisserver.Start(t, redisserver.Options{})
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: srv.Addr(), PipelinePoolSize: -1, PoolSize: 1, MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	t.Cleanup(func() { _ = admin.Close() })

	// The capture works: a client option go-redis corrects is logged.
	capture := &captureLogger{}
	redis.SetLogger(capture)
	_ = redis.NewClient(&redis.Options{Addr: srv.Addr(), ReadBufferSize: 16}).Close()
	logging.Enable()
	require.NotEmpty(t, capture.Lines(), "the capture must see what go-redis logs")

	tests := []struct {
		name string
		give map[string]string
		// moreServerErrors: in auto mode the server answers the first
		// connection's CLIENT MAINT_NOTIFICATIONS with an error, which its
		// error counters (and a managed service's dashboards) show, on top
		// of what the default start-up gives (redis-server 7.0 also
		// refuses go-redis's CLIENT SETINFO).
		moreServerErrors bool
	}{
		{"default", nil, false},
		{"auto", map[string]string{redisconfig.EnvMaintNotifications: "auto"}, true},
		{"disabled, RESP2", map[string]string{redisconfig.EnvMaintNotifications: "disabled", redisconfig.EnvProtocol: "2"}, false},
	}
	baseline := -1 // the default's error replies
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			capture := &captureLogger{}
			redis.SetLogger(capture)
			t.Cleanup(logging.Enable) // back to go-redis's own logger

			vars := map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://" + srv.Addr()}
			for k, v := range tt.give {
				vars[k] = v
			}
			errorsBefore := serverErrorReplies(t, ctx, admin)
			cfg, err := redisconfig.New().WithEnv(vars).Build(ctx)
			require.NoError(t, err)
			client, err := cfg.Connect(ctx)
			require.NoError(t, err)
			require.NoError(t, client.Set(ctx, "k", "v", 0).Err())
			_, err = client.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.Get(ctx, "k")
				p.Incr(ctx, "n")
				return nil
			})
			require.NoError(t, err)
			require.NoError(t, client.Close())
			assert.Empty(t, capture.Lines(), "go-redis logged on a healthy start-up")
			errs := serverErrorReplies(t, ctx, admin) - errorsBefore
			t.Logf("%s: %d lines logged, %d error replies from the server", tt.name, len(capture.Lines()), errs)
			if baseline < 0 {
				baseline = errs
				return
			}
			assert.Equal(t, tt.moreServerErrors, errs > baseline, "error replies from the server: %d, by default %d", errs, baseline)
		})
	}
}

// TestMaintNotificationsEnabledAgainstOSS: enabled against a server without
// the feature fails Connect with go-redis's reason, never a panic or a
// client that half works.
func TestMaintNotificationsEnabledAgainstOSS(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{})
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT": "test", "REDIS_URL": "redis://" + srv.Addr(),
		redisconfig.EnvMaintNotifications: "enabled",
	}).Build(ctx)
	require.NoError(t, err)
	_, err = cfg.Connect(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "maint_notifications")
	var ce *redisconfig.ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, redisconfig.CategoryMaintNotifications, ce.Diagnosis.Category)
	assert.Contains(t, ce.Diagnosis.Fix, redisconfig.EnvMaintNotifications)
}

// serverErrorReplies reads total_error_replies from INFO stats.
func serverErrorReplies(t *testing.T, ctx context.Context, admin *redis.Client) int {
	t.Helper()
	info, err := admin.Info(ctx, "stats").Result()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_error_replies:"); ok {
			n, err := strconv.Atoi(v)
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("INFO stats has no total_error_replies")
	return 0
}

// serverConns counts the server's client connections other than the
// counting one.
func serverConns(t *testing.T, ctx context.Context, addr string) int {
	t.Helper()
	admin := redis.NewClient(&redis.Options{Addr: addr, PipelinePoolSize: -1, PoolSize: 1})
	defer admin.Close()
	list, err := admin.ClientList(ctx).Result()
	require.NoError(t, err)
	return strings.Count(strings.TrimSpace(list), "\n") // lines minus the admin's own
}

// TestPipelinePoolConnections reproduces the report: a pool of 2
// and MaxActiveConns 2, 32 goroutines pipelining. go-redis's pipeline pool
// adds up to 10 connections on top, which redisconfig now warns about and
// reports in MaxConnsPerNode; REDIS_PIPELINE_POOL_SIZE=-1 keeps the server
// at 2.
func TestPipelinePoolConnections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		give        map[string]string
		wantCeiling int
		wantWarning bool
	}{
		{"go-redis's pipeline pool", map[string]string{}, 12, true},
		{"no pipeline pool", map[string]string{redisconfig.EnvPipelinePoolSize: "-1"}, 2, false},
		{"pipeline pool of 1", map[string]string{redisconfig.EnvPipelinePoolSize: "1"}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := redisserver.Start(t, redisserver.Options{})
			ctx := context.Background()
			vars := map[string]string{
				"ENVIRONMENT": "test", "REDIS_URL": "redis://" + srv.Addr(),
				redisconfig.EnvPoolSize: "2", redisconfig.EnvMaxActiveConns: "2",
				redisconfig.EnvPoolTimeout: "30s", redisconfig.EnvReadTimeout: "10s",
			}
			for k, v := range tt.give {
				vars[k] = v
			}
			cfg, err := redisconfig.New().WithEnv(vars).Build(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.wantCeiling, cfg.MaxConnsPerNode())
			assert.Equal(t, tt.wantWarning, strings.Contains(strings.Join(cfg.Warnings(), "\n"), redisconfig.EnvPipelinePoolSize))
			client, err := cfg.ConnectClient(ctx)
			require.NoError(t, err)
			defer client.Close()

			// 32 goroutines run pipelines in a loop; once each has run
			// one, the server's connections are counted several times
			// while they go on.
			const workers = 32
			var started, done sync.WaitGroup
			started.Add(workers)
			release := make(chan struct{})
			errs := make(chan error, workers)
			for i := range workers {
				done.Add(1)
				go func() {
					defer done.Done()
					once := sync.OnceFunc(started.Done)
					for {
						select {
						case <-release:
							once()
							return
						default:
						}
						_, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
							for j := range 20 {
								p.Incr(ctx, "k"+strconv.Itoa(i%4+j%2))
							}
							return nil
						})
						once()
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			started.Wait()
			// The highest count seen while every goroutine pipelines.
			peak := 0
			for range 20 {
				peak = max(peak, serverConns(t, ctx, srv.Addr()))
			}
			close(release)
			done.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			// The health view reports both pools and the ceiling.
			h := cfg.Check(ctx, client)
			require.True(t, h.Up())
			assert.Equal(t, tt.wantCeiling, h.Pool.MaxConnsPerNode)
			if tt.give[redisconfig.EnvPipelinePoolSize] == "-1" {
				assert.Nil(t, h.Pool.Pipeline)
			} else if assert.NotNil(t, h.Pool.Pipeline) {
				assert.Positive(t, h.Pool.Pipeline.TotalConns)
				assert.LessOrEqual(t, int(h.Pool.TotalConns+h.Pool.Pipeline.TotalConns), tt.wantCeiling)
			}
			stats := client.PoolStats()
			t.Logf("peak server connections %d, ceiling %d; pool total %d, pipeline pool total %d",
				peak, tt.wantCeiling, stats.TotalConns, pipelineTotal(stats))
			assert.LessOrEqual(t, peak, tt.wantCeiling, "the server held more connections than MaxConnsPerNode says")
			assert.Positive(t, peak)
		})
	}
}

func pipelineTotal(s *redis.PoolStats) uint32 {
	if s.PipelineStats == nil {
		return 0
	}
	return s.PipelineStats.TotalConns
}

// TestHealthWarnsAboveMaxclientsShare: a client that could take more than a
// tenth of the server's maxclients is warned about in the health view.
func TestHealthWarnsAboveMaxclientsShare(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Args: []string{"--maxclients", "100"}})
	ctx := context.Background()
	tests := []struct {
		give map[string]string
		want bool
	}{
		{map[string]string{redisconfig.EnvPoolSize: "5", redisconfig.EnvPipelinePoolSize: "-1"}, false},                                    // 5 of 100
		{map[string]string{redisconfig.EnvPoolSize: "5", redisconfig.EnvPipelinePoolSize: "5"}, false},                                     // 10 of 100
		{map[string]string{redisconfig.EnvPoolSize: "5"}, true},                                                                            // 5 + 10 of 100
		{map[string]string{redisconfig.EnvPoolSize: "5", redisconfig.EnvMaxActiveConns: "5", redisconfig.EnvPipelinePoolSize: "5"}, false}, // a ceiling of 10
	}
	for _, tt := range tests {
		vars := map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://" + srv.Addr()}
		for k, v := range tt.give {
			vars[k] = v
		}
		cfg, err := redisconfig.New().WithEnv(vars).Build(ctx)
		require.NoError(t, err)
		client, err := cfg.Connect(ctx)
		require.NoError(t, err)
		h := cfg.Check(ctx, client)
		_ = client.Close()
		require.True(t, h.Up())
		assert.Equal(t, tt.want, strings.Contains(strings.Join(h.Warnings, "\n"), "maxclients 100"), "%v", tt.give)
	}
}
