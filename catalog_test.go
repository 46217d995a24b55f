package redisconfig

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVariablesCatalogue(t *testing.T) {
	t.Parallel()
	vars := Variables()
	byName := map[string]Variable{}
	for _, v := range vars {
		if v.Name != "" {
			byName[v.Name] = v
		}
	}
	require.Len(t, vars, int(numSettings)+2, "every setting, ENVIRONMENT and REDIS_URL")
	tests := []struct {
		give string
		want Variable
	}{
		{EnvPoolSize, Variable{Name: EnvPoolSize, Setting: "pool_size", URL: "pool_size", Code: "Pool().Size", Kind: "int"}},
		{EnvTLS, Variable{Name: EnvTLS, Alias: EnvSSL, Setting: "tls", URL: "in the URL", Code: "TLS().Enable", Kind: "bool"}},
		{EnvPassword, Variable{Name: EnvPassword, File: EnvPasswordFile, Setting: "password", URL: "in the URL", Code: "Connection().Password", Kind: "secret", Secret: true}},
		{EnvConnMaxIdleTime, Variable{Name: EnvConnMaxIdleTime, Setting: "conn_max_idle_time", URL: "conn_max_idle_time", URLLegacy: "idle_timeout", Code: "Pool().ConnMaxIdleTime", Kind: "duration"}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			got := byName[tt.give]
			assert.NotEmpty(t, got.Meaning)
			got.Meaning, got.Defaults, got.Presets, got.id = "", nil, nil, 0
			assert.Equal(t, tt.want, got)
		})
	}
	// Defaults come from the profiles.
	assert.Equal(t, map[string]string{"development": "", "test": "1s", "staging": "3s", "production": "3s"}, byName[EnvReadTimeout].Defaults)
	assert.Equal(t, "required", byName[EnvHost].Defaults["production"])
	assert.Equal(t, "localhost", byName[EnvHost].Defaults["development"])
	for _, v := range vars {
		for _, env := range []string{"development", "test", "staging", "production"} {
			_, ok := v.Defaults[env]
			assert.True(t, ok, "%s has a default entry for %s", v.Setting, env)
		}
	}
}

// TestVariablesPresets: every value a preset sets where it changes the
// profile's default shows in Variables, under the preset's name, and
// nothing else does.
func TestVariablesPresets(t *testing.T) {
	t.Parallel()
	byName := map[string]Variable{}
	for _, v := range Variables() {
		byName[v.Setting] = v
	}
	want := map[string]map[string]string{} // setting -> preset -> value
	for _, p := range presets {
		for _, d := range p.defaults {
			if want[settings[d.id].name] == nil {
				want[settings[d.id].name] = map[string]string{}
			}
			want[settings[d.id].name][string(p.provider)] = d.raw
		}
	}
	// The one maintenance-notifications choice that changes the profile's
	// disabled; the others set disabled again, which changes nothing.
	want["maint_notifications"] = map[string]string{"redis-cloud": "auto"}
	require.NotEmpty(t, want["tls"])
	for setting, v := range byName {
		assert.Equal(t, want[setting], v.Presets, setting)
	}

	tests := []struct {
		setting, preset, want string
	}{
		{"tls", "heroku", "true"},
		{"conn_max_idle_time", "azure", "5m"},
		{"conn_max_idle_time", "heroku", "4m"},
		{"conn_max_lifetime", "elasticache", "11h"},
		{"disable_identity", "memorystore-valkey", "true"},
		{"maint_notifications", "redis-cloud", "auto"},
		// A preset that sets nothing for a variable shows nothing.
		{"conn_max_lifetime", "azure", ""},
		{"tls", "memorystore", ""},
		{"maint_notifications", "memorystore", ""}, // disabled, as the profile
		{"pool_size", "heroku", ""},
		{"tls", "oss", ""},
	}
	for _, tt := range tests {
		got, ok := byName[tt.setting].Presets[tt.preset]
		assert.Equal(t, tt.want != "", ok, "%s under %s", tt.setting, tt.preset)
		assert.Equal(t, tt.want, got, "%s under %s", tt.setting, tt.preset)
	}
	for _, v := range byName {
		_, ok := v.Presets[string(ProviderOSS)]
		assert.False(t, ok, "oss changes nothing, %s", v.Setting)
	}

	assert.Equal(t, "5m: azure; 4m: heroku", byName["conn_max_idle_time"].PresetSummary())
	assert.Equal(t, "true: elasticache-serverless, memorydb, azure, upstash, heroku", byName["tls"].PresetSummary())
	assert.Empty(t, byName["pool_size"].PresetSummary())
}

func TestVariablesJSONRoundTrip(t *testing.T) {
	t.Parallel()
	vars := Variables()
	data, err := json.Marshal(vars)
	require.NoError(t, err)
	var back []Variable
	require.NoError(t, json.Unmarshal(data, &back))
	require.Len(t, back, len(vars))
	for i := range vars {
		vars[i].id = 0 // unexported: not in JSON
	}
	assert.Equal(t, vars, back)
	assert.Contains(t, string(data), `"presets":{"azure":"5m","heroku":"4m"}`)
}

func TestProviders(t *testing.T) {
	t.Parallel()
	got := Providers()
	require.Len(t, got, len(presets))
	assert.Equal(t, ProviderOSS, got[0])
	for _, p := range got {
		_, err := New().WithEnv(map[string]string{EnvProvider: string(p)}).Build(context.Background())
		assert.NoError(t, err, "%s is a provider Build takes", p)
	}
}
