package redisconfig

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const canary = "CANARY-7f3a9-secret"

// everyOutput renders v in every way a program might print or log it.
func everyOutput(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		fmt.Fprintf(&buf, verb+"\n", v)
	}
	js, err := json.Marshal(v)
	require.NoError(t, err)
	buf.Write(js)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", v)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", v)
	return buf.String()
}

func TestCanaryNeverLeaks(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(file, []byte(canary+"\n"), 0o600))

	sources := map[string]map[string]string{
		"url userinfo":   {EnvURL: "rediss://app:" + canary + "@redis.internal:6380"},
		"variable":       {EnvURL: "rediss://redis.internal:6380", EnvPassword: canary},
		"file":           {EnvURL: "rediss://redis.internal:6380", EnvPasswordFile: file},
		"prefixed":       {"AUTH_" + EnvURL: "rediss://redis.internal:6380", "AUTH_" + EnvPassword: canary},
		"percent-encode": {EnvURL: "rediss://app:" + canary + "%21@redis.internal:6380"},
	}
	for name, vars := range sources {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			vars[EnvEnvironment] = "production"
			b := New().WithEnv(vars).Service("auth")
			cfg, err := b.Build(context.Background())
			require.NoError(t, err)
			require.Contains(t, cfg.Options().Password, canary, "the canary must reach the options, or the test proves nothing")

			out := everyOutput(t, cfg) + everyOutput(t, b) + everyOutput(t, cfg.DebugInfo()) + cfg.String()
			assert.NotContains(t, out, canary)
			assert.Contains(t, out, redacted)
		})
	}
}

func TestCanaryNeverInErrors(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(file, []byte(canary+"-file"), 0o600))
	tests := []map[string]string{
		// conflicts between secret forms
		{EnvURL: "rediss://:" + canary + "@redis.internal:6380", EnvPassword: canary + "-var"},
		{EnvURL: "rediss://redis.internal:6380", EnvPassword: canary, EnvPasswordFile: file},
		// malformed URLs that quote themselves in url.Parse's errors
		{EnvURL: "rediss://app:" + canary + "/x@redis.internal:6380"},
		{EnvURL: "rediss://app:" + canary + "%zz@redis.internal:6380"},
		{EnvURL: "rediss://app:" + canary + "@redis internal:6380"},
		{EnvURL: "rediss://app:" + canary + "@redis.internal:6380/" + canary},
		{EnvURL: "rediss://app:" + canary + "@redis.internal:6380?" + canary + "=1"},
		{EnvURL: "redis\x00://app:" + canary + "@redis.internal"},
		// the canary where a non-secret belongs: quoted, but only there
		{EnvURL: "rediss://app:" + canary + "@redis.internal:6380?pool_size=x"},
	}
	for i, vars := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			vars[EnvEnvironment] = "production"
			_, err := build(t, vars)
			require.ErrorIs(t, err, ErrInvalidConfig)
			assert.NotContains(t, err.Error(), canary)
			assert.NotContains(t, fmt.Sprintf("%+v %#v", err, err), canary)
		})
	}
}
