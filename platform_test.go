package redisconfig

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9/maintnotifications"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPlatformSettingsReachGoRedis: each new v9.23 setting, from its
// variable, lands in the go-redis options of the topologies that take it.
func TestPlatformSettingsReachGoRedis(t *testing.T) {
	t.Parallel()
	cluster := map[string]string{EnvClusterNodes: "n1:7000,n2:7000"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{EnvEnvironment: "development"}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cfg, err := build(t, with(nil,
		EnvPipelinePoolSize, "4", EnvPipelineReadBufferSize, "65536", EnvPipelineWriteBufferSize, "32768",
		EnvMaintNotifications, "enabled", EnvMaintNotificationsEndpoint, "external-fqdn",
		EnvMaintNotificationsRelaxed, "20s", EnvMaintNotificationsHandoff, "30"))
	require.NoError(t, err)
	o := cfg.Options()
	assert.Equal(t, 4, o.PipelinePoolSize)
	assert.Equal(t, 65536, o.PipelineReadBufferSize)
	assert.Equal(t, 32768, o.PipelineWriteBufferSize)
	require.NotNil(t, o.MaintNotificationsConfig)
	assert.Equal(t, maintnotifications.ModeEnabled, o.MaintNotificationsConfig.Mode)
	assert.Equal(t, maintnotifications.EndpointTypeExternalFQDN, o.MaintNotificationsConfig.EndpointType)
	assert.Equal(t, 20*time.Second, o.MaintNotificationsConfig.RelaxedTimeout)
	assert.Equal(t, 30*time.Second, o.MaintNotificationsConfig.HandoffTimeout)
	// A fresh copy each time: changing one does not change the next.
	o.MaintNotificationsConfig.Mode = maintnotifications.ModeAuto
	assert.Equal(t, maintnotifications.ModeEnabled, cfg.Options().MaintNotificationsConfig.Mode)

	cfg, err = build(t, with(cluster, EnvRouteByLatency, "true", EnvRouteByLatencyTolerance, "2ms", EnvPipelinePoolSize, "-1"))
	require.NoError(t, err)
	co := cfg.ClusterOptions()
	assert.Equal(t, 2*time.Millisecond, co.RouteByLatencyTolerance)
	assert.Equal(t, -1, co.PipelinePoolSize)
	require.NotNil(t, co.MaintNotificationsConfig)
	assert.Equal(t, maintnotifications.ModeDisabled, co.MaintNotificationsConfig.Mode, "the default is disabled")

	cfg, err = build(t, with(nil, EnvSentinelMaster, "mymaster", EnvSentinelNodes, "s1:26379",
		EnvRouteByLatency, "true", EnvRouteByLatencyTolerance, "1ms"))
	require.NoError(t, err)
	assert.Equal(t, time.Millisecond, cfg.FailoverOptions().RouteByLatencyTolerance)
}

// TestPlatformDefaultIsDisabled: every environment leaves maintenance
// notifications off, from its profile, as the debug view shows.
func TestPlatformDefaultIsDisabled(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"development", "test", "staging", "production"} {
		vars := prodVars(map[string]string{EnvEnvironment: env})
		cfg, err := build(t, vars)
		require.NoError(t, err, env)
		s, ok := cfg.Setting("maint_notifications")
		require.True(t, ok)
		assert.Equal(t, "disabled", s.Value, env)
		assert.Equal(t, SourceDefault, s.Source.Kind, env)
		assert.Equal(t, maintnotifications.ModeDisabled, cfg.Options().MaintNotificationsConfig.Mode, env)
	}
	// One variable turns it on, and code can too.
	cfg, err := build(t, prodVars(map[string]string{EnvMaintNotifications: "enabled"}))
	require.NoError(t, err)
	assert.Equal(t, maintnotifications.ModeEnabled, cfg.Options().MaintNotificationsConfig.Mode)
	cfg, err = New().WithEnv(prodVars(nil)).Connection().MaintNotifications(maintnotifications.ModeAuto).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, maintnotifications.ModeAuto, cfg.Options().MaintNotificationsConfig.Mode)
}

// TestPlatformValuesChecked: bad values of the new settings are refused,
// naming the variable.
func TestPlatformValuesChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give        map[string]string
		wantSetting string
	}{
		{map[string]string{EnvPipelinePoolSize: "-2"}, "pipeline_pool_size"},
		{map[string]string{EnvPipelinePoolSize: "ten"}, "pipeline_pool_size"},
		{map[string]string{EnvPipelineReadBufferSize: "-1"}, "pipeline_read_buffer_size"},
		{map[string]string{EnvPipelineWriteBufferSize: "1073741824"}, "pipeline_write_buffer_size"},
		{map[string]string{EnvMaintNotifications: "on"}, "maint_notifications"},
		{map[string]string{EnvMaintNotifications: "Enabled"}, "maint_notifications"},
		{map[string]string{EnvMaintNotificationsEndpoint: "public"}, "maint_notifications_endpoint_type"},
		{map[string]string{EnvMaintNotificationsRelaxed: "0"}, "maint_notifications_relaxed_timeout"},
		{map[string]string{EnvMaintNotificationsHandoff: "-1s"}, "maint_notifications_handoff_timeout"},
		{map[string]string{EnvRouteByLatencyTolerance: "soon", EnvClusterNodes: "n1:7000"}, "route_by_latency_tolerance"},
	}
	for _, tt := range tests {
		t.Run(tt.wantSetting, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvEnvironment: "development"}
			for k, v := range tt.give {
				vars[k] = v
			}
			_, err := build(t, vars)
			require.ErrorIs(t, err, ErrInvalidValue)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tt.wantSetting, e.Setting)
			assert.Contains(t, err.Error(), settingByName(t, tt.wantSetting).env)
		})
	}
}

func settingByName(t *testing.T, name string) *settingDef {
	t.Helper()
	for i := range settings {
		if settings[i].name == name {
			return &settings[i]
		}
	}
	t.Fatalf("no setting %s", name)
	return nil
}

// TestPlatformRules: the cross-field rules of the new settings.
func TestPlatformRules(t *testing.T) {
	t.Parallel()
	sentinel := map[string]string{EnvSentinelMaster: "mymaster", EnvSentinelNodes: "s1:26379"}
	tests := []struct {
		name        string
		give        map[string]string
		wantErr     error  // nil: builds
		wantSetting string // the failing setting
		wantWarning string // a word of the warning, or ""
	}{
		{"enabled needs RESP3", map[string]string{EnvMaintNotifications: "enabled", EnvProtocol: "2"}, ErrConflict, "maint_notifications", ""},
		{"enabled with RESP3", map[string]string{EnvMaintNotifications: "enabled", EnvProtocol: "3"}, nil, "", ""},
		{"auto with RESP2 builds", map[string]string{EnvMaintNotifications: "auto", EnvProtocol: "2"}, nil, "", ""},
		{"enabled with sentinel", merge(sentinel, map[string]string{EnvMaintNotifications: "enabled"}), ErrConflict, "maint_notifications", ""},
		{"auto with sentinel warns", merge(sentinel, map[string]string{EnvMaintNotifications: "auto"}), nil, "", "failover client"},
		{"sentinel by default", sentinel, nil, "", ""},
		{"relaxed timeout while disabled", map[string]string{EnvMaintNotificationsRelaxed: "5s"}, nil, "", EnvMaintNotificationsRelaxed},
		{"tolerance on standalone", map[string]string{EnvRouteByLatencyTolerance: "1ms"}, ErrConflict, "route_by_latency_tolerance", ""},
		{"tolerance without route_by_latency", map[string]string{EnvClusterNodes: "n1:7000", EnvRouteByLatencyTolerance: "1ms"}, nil, "", EnvRouteByLatency},
		{"pipeline pool above max active", map[string]string{EnvMaxActiveConns: "4", EnvPoolSize: "4", EnvPipelinePoolSize: "5"}, ErrConflict, "pipeline_pool_size", ""},
		{"pipeline pool at max active", map[string]string{EnvMaxActiveConns: "4", EnvPoolSize: "4", EnvPipelinePoolSize: "4"}, nil, "", ""},
		{"default pipeline pool above max active warns", map[string]string{EnvMaxActiveConns: "2", EnvPoolSize: "2"}, nil, "", EnvPipelinePoolSize + "=-1"},
		{"no pipeline pool", map[string]string{EnvMaxActiveConns: "2", EnvPoolSize: "2", EnvPipelinePoolSize: "-1"}, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := merge(map[string]string{EnvEnvironment: "development"}, tt.give)
			cfg, err := build(t, vars)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				require.ErrorIs(t, err, ErrInvalidConfig)
				var e *Error
				require.True(t, errors.As(err, &e))
				assert.Equal(t, tt.wantSetting, e.Setting)
				return
			}
			require.NoError(t, err)
			warnings := strings.Join(cfg.Warnings(), "\n")
			if tt.wantWarning == "" {
				assert.NotContains(t, warnings, "maint", "no warning expected")
				assert.NotContains(t, warnings, "pipeline", "no warning expected")
				assert.NotContains(t, warnings, "route_by_latency", "no warning expected")
			} else {
				assert.Contains(t, warnings, tt.wantWarning)
			}
		})
	}
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestMaxConnsPerNode: the ceiling the README's table promises.
func TestMaxConnsPerNode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give map[string]string
		want int
	}{
		{map[string]string{}, 0},
		{map[string]string{EnvMaxActiveConns: "20"}, 30},
		{map[string]string{EnvMaxActiveConns: "20", EnvPipelinePoolSize: "-1"}, 20},
		{map[string]string{EnvMaxActiveConns: "20", EnvPipelinePoolSize: "0"}, 30},
		{map[string]string{EnvMaxActiveConns: "20", EnvPipelinePoolSize: "5"}, 25},
		{map[string]string{EnvPipelinePoolSize: "5"}, 0},
	}
	for _, tt := range tests {
		cfg, err := build(t, merge(map[string]string{EnvEnvironment: "development"}, tt.give))
		require.NoError(t, err)
		assert.Equal(t, tt.want, cfg.MaxConnsPerNode(), "%v", tt.give)
	}
}

// TestUnknownURLParameterNamed: an unknown parameter is named (never its
// value), once each, with the parameter it is close to or the grammar that
// takes it; a query that may hold a piece of the password names nothing.
func TestUnknownURLParameterNamed(t *testing.T) {
	t.Parallel()
	const canary = "Canary5ecret"
	tests := []struct {
		give    string
		want    []string // each in the error, once
		wantNot []string
	}{
		{"redis://h?pool_szie=" + canary, []string{"unknown parameter pool_szie (did you mean pool_size?)"}, []string{canary}},
		{"redis://h?foo=" + canary + "&bar=1", []string{"unknown parameter foo", "unknown parameter bar"}, []string{canary}},
		{"redis://h?route_by_latency_tolerance=1ms", []string{"route_by_latency_tolerance, which only a cluster or sentinel URL takes"}, nil},
		{"redis://h?addr=x:1&pipeline_pool_szie=3", []string{"did you mean pipeline_pool_size?"}, nil},
		{"redis://:123?" + canary + "=x@host", []string{"its query holds '@'"}, []string{canary}},
		{"redis://:123?a" + canary + "=x&b" + canary + "=y@host", []string{"its query holds '@'"}, []string{canary}},
		{"redis://h?p%2Fx=1", []string{"not a parameter name"}, []string{"p/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			_, err := build(t, map[string]string{EnvEnvironment: "development", EnvURL: tt.give})
			require.ErrorIs(t, err, ErrInvalidValue)
			msg := err.Error()
			for _, w := range tt.want {
				assert.Equal(t, 1, strings.Count(msg, w), "want %q once in %s", w, msg)
			}
			for _, w := range tt.wantNot {
				assert.NotContains(t, msg, w)
			}
		})
	}
}

// TestBufferSizesAreBounded: every connection allocates its buffers, so a
// size past 64 MiB is refused for the command pool's buffers as for the
// pipeline pool's, naming the variable.
func TestBufferSizesAreBounded(t *testing.T) {
	t.Parallel()
	for _, name := range []string{EnvReadBufferSize, EnvWriteBufferSize, EnvPipelineReadBufferSize, EnvPipelineWriteBufferSize} {
		for _, tt := range []struct {
			give string
			ok   bool
		}{{"67108864", true}, {"67108865", false}, {"2147483647", false}} {
			_, err := New().WithEnv(map[string]string{EnvURL: "redis://h:6379", name: tt.give}).Build(context.Background())
			if tt.ok {
				assert.NoError(t, err, "%s=%s", name, tt.give)
				continue
			}
			require.ErrorIs(t, err, ErrInvalidValue, "%s=%s", name, tt.give)
			assert.Contains(t, err.Error(), name)
		}
	}
}
