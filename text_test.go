package redisconfig

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give time.Duration
		want string
	}{
		{336 * time.Hour, "336h"},
		{5 * time.Minute, "5m"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{250 * time.Millisecond, "250ms"},
		{30 * time.Second, "30s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		got := formatDuration(tt.give)
		assert.Equal(t, tt.want, got)
		back, err := time.ParseDuration(got)
		require.NoError(t, err, "what is printed parses back")
		assert.Equal(t, tt.give, back)
	}
	// Every output uses it: the debug view, String-like views, Health.
	cfg, err := New().WithEnv(map[string]string{EnvSecretsRefresh: "5m"}).Environment(Production).
		Connection().Addr("redis.internal:6380").Password("pw").TLS().Enable(true).
		Secrets().Source(VariableSecrets(func(string) (string, bool) { return "", false })).Build(context.Background())
	require.NoError(t, err)
	for _, s := range cfg.DebugInfo().Settings {
		assert.NotRegexp(t, `\dh0m0s|\dm0s`, s.Value, s.Name)
	}
	assert.Equal(t, `"1h30m"`, string(must(Duration(90*time.Minute).MarshalJSON())))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestAddrProvenance: the host and port Connection().Addr sets show as
// Connection().Addr, in the debug view and in errors; a later Host wins
// and names itself.
func TestAddrProvenance(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(nil).Environment(Development).Connection().Addr("h:7000").Build(context.Background())
	require.NoError(t, err)
	for _, s := range cfg.DebugInfo().Settings {
		if s.Name == "host" || s.Name == "port" {
			assert.Equal(t, "code Connection().Addr", s.Source)
		}
	}
	cfg, err = New().WithEnv(nil).Environment(Development).Connection().Addr("h:7000").Host("g").Build(context.Background())
	require.NoError(t, err)
	for _, s := range cfg.DebugInfo().Settings {
		switch s.Name {
		case "host":
			assert.Equal(t, "code Connection().Host", s.Source)
		case "port":
			assert.Equal(t, "code Connection().Addr", s.Source)
		}
	}
	_, err = New().WithEnv(nil).Environment(Development).Connection().Addr("h:70000").Build(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "code Connection().Addr")
	assert.NotContains(t, err.Error(), "Connection().Port")
}
