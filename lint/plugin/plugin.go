// Package plugin registers redisconfig-lint with golangci-lint's module
// plugin system. Build a custom golangci-lint with a .custom-gcl.yml that
// names github.com/redisconfig/redisconfig/lint with import path
// github.com/redisconfig/redisconfig/lint/plugin, then enable the linter
// "redisconfiglint" (type: module) in .golangci.yml.
package plugin

import (
	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/redisconfig/redisconfig/lint"
)

func init() {
	register.Plugin("redisconfiglint", New)
}

// Settings are the linter's settings in .golangci.yml.
type Settings struct {
	IgnoreTests    bool   `json:"ignore-tests"`
	Self           bool   `json:"self"`
	GoRedisVersion string `json:"goredis-version"`
}

// New makes the plugin from its settings; an unknown setting is an error.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, err
	}
	redisconfiglint.Configure(redisconfiglint.Settings(s))
	return linter{}, nil
}

type linter struct{}

// BuildAnalyzers returns the analyzer.
func (linter) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return []*analysis.Analyzer{redisconfiglint.Analyzer}, nil
}

// GetLoadMode asks for type information, which the analyzer needs.
func (linter) GetLoadMode() string { return register.LoadModeTypesInfo }
