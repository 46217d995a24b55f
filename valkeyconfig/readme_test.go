// Code generated from ../rueidisconfig/readme_test.go by TestGenerated (generate_test.go); DO NOT EDIT.

package valkeyconfig

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the README's mapping table from the code")

const (
	tableBegin = "<!-- mapping table: generated from table.go by `go test -run TestREADMETable -update`; do not edit -->\n"
	tableEnd   = "<!-- end of mapping table -->\n"
)

// markdownTable renders the mapping table as the README shows it.
func markdownTable(t *testing.T) string {
	variables := map[string]string{}
	for _, s := range build(t, map[string]string{"ENVIRONMENT": "test"}).Settings() {
		variables[s.Name] = s.Variable
	}
	var sb strings.Builder
	sb.WriteString("| setting | variable | valkey-go field | how |\n|---|---|---|---|\n")
	for _, r := range table {
		variable := "(code or URL)"
		if v := variables[r.setting]; v != "" {
			variable = "`" + v + "`"
		}
		field := "none"
		switch r.kind {
		case kindField, kindWhole:
			if r.field != "" {
				field = "`" + strings.ReplaceAll(r.field, ", ", "`, `") + "`"
			}
		case kindOwn:
			field = "(redisconfig's own)"
		case kindMoot:
			field = "(nothing to carry)"
		}
		note := r.note
		if r.kind == kindNone {
			note = "an error when chosen: " + note
		}
		sb.WriteString("| `" + r.setting + "` | " + variable + " | " + field + " | " + note + " |\n")
	}
	return sb.String()
}

func TestREADMETable(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(data)
	begin, end := strings.Index(readme, tableBegin), strings.Index(readme, tableEnd)
	require.True(t, begin >= 0 && end > begin, "README.md marks the mapping table")
	want := markdownTable(t)
	if *update {
		readme = readme[:begin+len(tableBegin)] + want + readme[end:]
		require.NoError(t, os.WriteFile("README.md", []byte(readme), 0o644))
		return
	}
	require.Equal(t, want, readme[begin+len(tableBegin):end], "run go test -run TestREADMETable -update")
}
