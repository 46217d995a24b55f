package redisconfig

import (
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
			got.Meaning, got.Defaults, got.id = "", nil, 0
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
