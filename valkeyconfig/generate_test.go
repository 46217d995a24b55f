package valkeyconfig

import (
	"flag"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// This module is generated from ../rueidisconfig: valkey-go is a fork of
// rueidis whose ClientOption has the same fields, so the mapping is written
// once, for rueidis, and translated here. TestGenerated fails when a file
// here differs from the translation of its source; regenerate with
//
//	go test -run TestGenerated -generate .
//
// (or go generate, see doc.go).

var generate = flag.Bool("generate", false, "rewrite the files generated from ../rueidisconfig")

// generated lists the files translated from ../rueidisconfig.
var generated = []string{
	"options.go", "table.go", "auth.go", "connect.go",
	"options_test.go", "integration_test.go", "bench_test.go", "readme_test.go",
}

var (
	qualifier = regexp.MustCompile(`\brueidis\.([A-Z])`)
	word      = regexp.MustCompile(`\brueidis\b`)
)

// translate turns a rueidisconfig source file into its valkeyconfig twin.
func translate(name string, src []byte) []byte {
	s := string(src)
	s = strings.ReplaceAll(s, `"github.com/redis/rueidis"`, `"github.com/valkey-io/valkey-go"`)
	s = strings.ReplaceAll(s, "rueidisconfig", "valkeyconfig")
	s = qualifier.ReplaceAllString(s, "valkey.$1")
	s = strings.ReplaceAll(s, "RedisMessage", "ValkeyMessage")
	s = word.ReplaceAllString(s, "valkey-go")
	out := []byte("// Code generated from ../rueidisconfig/" + name + " by TestGenerated (generate_test.go); DO NOT EDIT.\n\n" + s)
	// The import path sorts differently: let gofmt order the imports.
	formatted, err := format.Source(out)
	if err != nil {
		return out // the comparison then fails and shows the file
	}
	return formatted
}

func TestGenerated(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(filepath.Join("..", "rueidisconfig")); err != nil {
		t.Skip("../rueidisconfig is not here (a module copy outside the repository)")
	}
	for _, name := range generated {
		src, err := os.ReadFile(filepath.Join("..", "rueidisconfig", name))
		require.NoError(t, err)
		want := translate(name, src)
		if *generate {
			require.NoError(t, os.WriteFile(name, want, 0o644))
			continue
		}
		got, err := os.ReadFile(name)
		require.NoError(t, err, "run go test -run TestGenerated -generate .")
		require.Equal(t, string(want), string(got), "%s is stale: run go test -run TestGenerated -generate .", name)
	}
}
