package plugin

import (
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisconfig/redisconfig/lint"
)

func TestPlugin(t *testing.T) {
	tests := []struct {
		name    string
		give    any
		wantErr bool
	}{
		{name: "defaults", give: map[string]any{}},
		{name: "settings", give: map[string]any{"ignore-tests": true, "goredis-version": "v9.22.0"}},
		{name: "unknown setting", give: map[string]any{"ignore_tests": true}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newPlugin, err := register.GetPlugin("redisconfiglint")
			require.NoError(t, err)
			p, err := newPlugin(tt.give)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			as, err := p.BuildAnalyzers()
			require.NoError(t, err)
			assert.Equal(t, []string{redisconfiglint.Analyzer.Name}, []string{as[0].Name})
			assert.Equal(t, register.LoadModeTypesInfo, p.GetLoadMode())
		})
	}
	redisconfiglint.Configure(redisconfiglint.Settings{})
}
