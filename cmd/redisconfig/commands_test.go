package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redisconfig/redisconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runIn runs the command in-process; the process environment is not read
// by these commands except where a test says so.
func runIn(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut strings.Builder
	code = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func writeEnv(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestCompareFiles(t *testing.T) {
	t.Parallel()
	backend := writeEnv(t, "backend.env", "ENVIRONMENT=production\nREDIS_URL=rediss://app:"+canary+"@redis.internal:6380/1\n")
	same := writeEnv(t, "auth.env", "ENVIRONMENT=production\nREDIS_URL=rediss://app@redis.internal:6380/1\nREDIS_PASSWORD="+canary+"\n")
	drift := writeEnv(t, "drift.env", "ENVIRONMENT=production\nREDIS_URL=rediss://app:x"+canary+"@redis.internal:6380/2\n")
	broken := writeEnv(t, "broken.env", "ENVIRONMENT=production\nREDIS_URL=redis://127.0.0.1:6379\n")
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"agree", []string{"compare", "--files", backend, same}, exitOK, []string{"agree"}},
		{"differ", []string{"compare", "--files", backend, drift}, exitDiffer, []string{"db", "password", "[redacted] (differs)"}},
		{"differ as JSON", []string{"compare", "--json", "--files", backend, drift}, exitDiffer, []string{`"agree": false`, `"setting": "db"`}},
		{"one does not build", []string{"compare", "--files", backend, broken}, exitInvalid, nil},
		{"one does not build, as JSON", []string{"compare", "--json", "--files", backend, broken}, exitInvalid, []string{`"invalid_b"`, `"kind": "rule"`}},
		{"one operand", []string{"compare", "--files", backend}, exitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runIn(t, tt.args...)
			assert.Equal(t, tt.wantCode, code, errOut)
			for _, w := range tt.want {
				assert.Contains(t, out, w)
			}
			assert.NotContains(t, out+errOut, canary)
		})
	}
}

func TestCompareServices(t *testing.T) {
	env := map[string]string{
		"ENVIRONMENT":      "production",
		"REDIS_URL":        "rediss://app:" + canary + "@redis.internal:6380/1",
		"AUTH_REDIS_DB":    "1",
		"WORKER_REDIS_DB":  "3",
		"BACKEND_REDIS_DB": "1",
	}
	out, _, code := runCLI(t, env, "compare", "auth", "backend")
	assert.Equal(t, exitOK, code, out)
	out, _, code = runCLI(t, env, "compare", "auth", "worker")
	assert.Equal(t, exitDiffer, code)
	assert.Contains(t, out, "WORKER_REDIS_DB")
	out, _, code = runCLI(t, env, "compare", "-", "auth")
	assert.Equal(t, exitOK, code, out)
	assert.NotContains(t, out, canary)
}

func TestInvalidConfigurationAsJSON(t *testing.T) {
	out, errOut, code := runCLI(t, map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "redis://:" + canary + "@127.0.0.1:6379", "REDIS_PORT": "x"}, "print", "--json")
	assert.Equal(t, exitInvalid, code, errOut)
	var report invalidReport
	require.NoError(t, json.Unmarshal([]byte(out), &report), out)
	assert.False(t, report.Valid)
	require.NotEmpty(t, report.Errors)
	kinds := map[string]bool{}
	for _, p := range report.Errors {
		kinds[p.Kind] = true
		assert.NotEmpty(t, p.Problem)
	}
	assert.True(t, kinds["invalid_value"] || kinds["conflict"], "%+v", report.Errors)
	assert.True(t, kinds["rule"], "TLS and loopback rules: %+v", report.Errors)
	assert.NotContains(t, out+errOut, canary)

	// Errors and warnings together.
	out, _, code = runCLI(t, map[string]string{"ENVIRONMENT": "development", "REDIS_PORT": "x", "REDIS_FROBNICATE": "1"}, "print", "--json")
	assert.Equal(t, exitInvalid, code)
	report = invalidReport{}
	require.NoError(t, json.Unmarshal([]byte(out), &report), out)
	require.Len(t, report.Errors, 1)
	assert.Equal(t, "REDIS_PORT", report.Errors[0].Source)
	require.Len(t, report.Warnings, 1)
	assert.Contains(t, report.Warnings[0], "REDIS_FROBNICATE")

	out, _, code = runCLI(t, map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "redis://127.0.0.1:6379"}, "check", "--json")
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, out, `"valid": false`)
}

func TestEnvFile(t *testing.T) {
	t.Parallel()
	srv := miniredis.RunT(t)
	env := writeEnv(t, "dev.env", "REDIS_URL=redis://"+srv.Addr()+"\nREDIS_POOL_SIZE=7\n")
	out, errOut, code := runIn(t, "print", "--environment", "development", "--env-file", env)
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "REDIS_POOL_SIZE ("+env+":2)")

	_, errOut, code = runIn(t, "print", "--environment", "production", "--env-file", env)
	assert.Equal(t, exitInvalid, code)
	assert.Contains(t, errOut, "development and test only")
}

func TestVars(t *testing.T) {
	t.Parallel()
	out, _, code := runIn(t, "vars")
	assert.Equal(t, exitOK, code)
	for _, v := range redisconfig.Variables() {
		if v.Name != "" {
			assert.Contains(t, out, v.Name)
		}
	}
	out, _, code = runIn(t, "vars", "--format", "markdown")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, redisconfig.VariablesMarkdown(), out, "the README's table")

	out, _, code = runIn(t, "vars", "--json", "--environment", "test")
	assert.Equal(t, exitOK, code)
	var vars []redisconfig.Variable
	require.NoError(t, json.Unmarshal([]byte(out), &vars))
	for _, v := range vars {
		if v.Name == redisconfig.EnvReadTimeout {
			assert.Equal(t, map[string]string{"test": "1s"}, v.Defaults)
		}
	}
	_, _, code = runIn(t, "vars", "--format", "yaml")
	assert.Equal(t, exitUsage, code)
}

// lineOf returns the text output's line for a variable.
func lineOf(t *testing.T, out, name string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, name+" ") || strings.HasPrefix(l, name+",") {
			return l
		}
	}
	t.Fatalf("no line for %s in:\n%s", name, out)
	return ""
}

func TestVarsPresets(t *testing.T) {
	t.Parallel()
	// Every preset's values, under the variables they change.
	out, _, code := runIn(t, "vars")
	require.Equal(t, exitOK, code)
	for _, v := range redisconfig.Variables() {
		if s := v.PresetSummary(); s != "" {
			assert.Contains(t, out, "presets: "+s+"\n", v.Setting)
		}
	}
	assert.Contains(t, out, "presets: 5m: azure; 4m: heroku\n")
	assert.Equal(t, len(presetVariables()), strings.Count(out, "presets: ")-1, "one line per variable a preset changes, and the footnote")

	// One preset: its values in every environment column, marked.
	out, errOut, code := runIn(t, "vars", "--preset", "heroku")
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `^REDIS_CONN_MAX_IDLE_TIME +conn_max_idle_time +4m\* +4m\* +4m\* +4m\* `, lineOf(t, out, "REDIS_CONN_MAX_IDLE_TIME"))
	assert.Regexp(t, `^REDIS_TLS, REDIS_SSL +tls +true\* +true\* `, lineOf(t, out, "REDIS_TLS"))
	// What heroku does not set keeps the profile's default, unmarked.
	assert.Regexp(t, `^REDIS_CONN_MAX_LIFETIME +conn_max_lifetime +- +- +- +- `, lineOf(t, out, "REDIS_CONN_MAX_LIFETIME"))
	assert.Regexp(t, `^REDIS_READ_TIMEOUT +read_timeout +- +1s +3s +3s `, lineOf(t, out, "REDIS_READ_TIMEOUT"))
	assert.NotContains(t, out, "presets: ")
	assert.Contains(t, out, "*: set by the heroku preset")

	out, _, code = runIn(t, "vars", "--preset", "oss", "--environment", "production")
	require.Equal(t, exitOK, code)
	assert.NotRegexp(t, `[a-z0-9]\* `, out, "no value marked")
	assert.Contains(t, out, "changes no default")

	// JSON: the defaults stay the profile's, presets keeps the one asked for.
	out, _, code = runIn(t, "vars", "--json", "--preset", "azure")
	require.Equal(t, exitOK, code)
	var vars []redisconfig.Variable
	require.NoError(t, json.Unmarshal([]byte(out), &vars))
	got := map[string]map[string]string{}
	for _, v := range vars {
		if v.Presets != nil {
			got[v.Setting] = v.Presets
		}
		if v.Name == redisconfig.EnvConnMaxIdleTime {
			assert.Equal(t, "5m", v.Defaults["production"])
			assert.Empty(t, v.Defaults["development"])
		}
	}
	assert.Equal(t, map[string]map[string]string{
		"tls": {"azure": "true"}, "disable_identity": {"azure": "true"}, "conn_max_idle_time": {"azure": "5m"},
	}, got)

	// Without --preset JSON carries every preset.
	out, _, code = runIn(t, "vars", "--json")
	require.Equal(t, exitOK, code)
	vars = nil
	require.NoError(t, json.Unmarshal([]byte(out), &vars))
	data, err := json.Marshal(redisconfig.Variables())
	require.NoError(t, err)
	var want []redisconfig.Variable // through JSON too: Variable has an unexported field
	require.NoError(t, json.Unmarshal(data, &want))
	assert.Equal(t, want, vars)
	assert.Contains(t, out, `"heroku": "4m"`)

	// A preset that does not exist, or --preset with markdown: usage errors.
	_, errOut, code = runIn(t, "vars", "--preset", "aws")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, `--preset "aws" is not a preset; use one of oss, memorystore, `)
	assert.Contains(t, errOut, "heroku")
	_, errOut, code = runIn(t, "vars", "--format", "markdown", "--preset", "azure")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "README")
}

// presetVariables lists the variables some preset changes.
func presetVariables() []string {
	var out []string
	for _, v := range redisconfig.Variables() {
		if len(v.Presets) > 0 {
			out = append(out, v.Setting)
		}
	}
	return out
}

func TestInit(t *testing.T) {
	t.Parallel()
	out, errOut, code := runIn(t, "init", "--service", "auth", "--environment", "test")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "ENVIRONMENT=test\n")
	assert.Contains(t, out, "AUTH_REDIS_URL=redis://localhost:6379/0\n")
	assert.Contains(t, out, "# AUTH_REDIS_READ_TIMEOUT=1s\n")

	// What init writes is a .env that builds.
	path := writeEnv(t, ".env", out)
	cfg, err := redisconfig.New().WithEnv(nil).Service("auth").DotEnv(path).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, redisconfig.Test, cfg.Environment())
	assert.Equal(t, "localhost:6379", cfg.Options().Addr)

	_, errOut, code = runIn(t, "init", "--environment", "production")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "development and test only")
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, nil, "version", "--json")
	require.Equal(t, exitOK, code)
	var v versionInfo
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	assert.Equal(t, "v9.23.0", v.GoRedis)
	assert.NotEmpty(t, v.Version)
	assert.True(t, strings.HasPrefix(v.Go, "go1."), v.Go)
}
