package redisconfig

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	tableBegin = "<!-- BEGIN VARIABLES (generated from settings.go by readme_test.go) -->"
	tableEnd   = "<!-- END VARIABLES -->"
)

// variableTable renders the settings table as the README shows it: the
// catalogue (catalog.go), which the command's `vars --format markdown`
// prints too.
func variableTable() string { return VariablesMarkdown() }

// generatedSection checks that README.md holds, between begin and end, what
// render gives. REDISCONFIG_UPDATE_README=1 rewrites it. Diffs are shown
// line by line, not as two long strings.
func generatedSection(t *testing.T, begin, end, render string) {
	t.Helper()
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(data)
	start, stop := strings.Index(readme, begin), strings.Index(readme, end)
	require.True(t, start >= 0 && stop > start, "README.md must hold the markers %s and %s", begin, end)
	if os.Getenv("REDISCONFIG_UPDATE_README") == "1" {
		want := readme[:start+len(begin)] + "\n" + render + readme[stop:]
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o644))
		return
	}
	got := strings.Split(readme[start+len(begin)+1:stop], "\n")
	want := strings.Split(render, "\n")
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("the README's section after %s is stale at line %d:\nREADME: %s\nwant:   %s\nrun REDISCONFIG_UPDATE_README=1 go test -run 'TestREADME' .", begin, i+1, g, w)
		}
	}
}

// TestREADMEVariableTable keeps the README's variable table equal to the
// settings table.
func TestREADMEVariableTable(t *testing.T) {
	generatedSection(t, tableBegin, tableEnd, variableTable())
}

// TestREADMERulesTable keeps the README's rules table equal to the rules
// table (rules.go).
func TestREADMERulesTable(t *testing.T) {
	generatedSection(t, "<!-- BEGIN RULES (generated from rules.go by readme_test.go) -->", "<!-- END RULES -->", rulesTable())
}

// TestEverySettingHasASetter: the table names a code setter for every
// setting; it must exist on the sub-builder it names.
func TestEverySettingHasASetter(t *testing.T) {
	t.Parallel()
	b := New()
	subs := map[string]reflect.Value{
		"Connection": reflect.ValueOf(b.Connection()),
		"Pool":       reflect.ValueOf(b.Pool()),
		"TLS":        reflect.ValueOf(b.TLS()),
		"Cluster":    reflect.ValueOf(b.Cluster()),
		"Sentinel":   reflect.ValueOf(b.Sentinel()),
		"Monitoring": reflect.ValueOf(b.Monitoring()),
		"Secrets":    reflect.ValueOf(b.Secrets()),
	}
	for _, d := range settings {
		sub, method, ok := strings.Cut(d.method, "().")
		require.True(t, ok, "%s: method %q is not Sub().Method", d.name, d.method)
		v, ok := subs[sub]
		require.True(t, ok, "%s: no sub-builder %s", d.name, sub)
		assert.True(t, v.MethodByName(method).IsValid(), "%s: %s has no method %s", d.name, sub, method)
	}
}
