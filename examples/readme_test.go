package examples_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// snippetImports are the packages README snippets may use, by the name they
// are used under.
var snippetImports = map[string]string{
	"context":         "context",
	"errors":          "errors",
	"fmt":             "fmt",
	"http":            "net/http",
	"log":             "log",
	"os":              "os",
	"slog":            "log/slog",
	"strings":         "strings",
	"testing":         "testing",
	"time":            "time",
	"redis":           "github.com/redis/go-redis/v9",
	"redisotel":       "github.com/redis/go-redis/extra/redisotel/v9",
	"redisconfig":     "github.com/redisconfig/redisconfig",
	"redisconfigtest": "github.com/redisconfig/redisconfig/redisconfigtest",
	"gcpsecrets":      "github.com/redisconfig/redisconfig/gcpsecrets",
	"rueidisconfig":   "github.com/redisconfig/redisconfig/rueidisconfig",
	"valkeyconfig":    "github.com/redisconfig/redisconfig/valkeyconfig",
	"koanf":           "github.com/knadh/koanf/v2",
}

// snippetPreamble declares what snippets take as given.
const snippetPreamble = `
var (
	ctx                          = context.Background()
	cfg, backendCfg, authCfg     *redisconfig.Config
	client                       redis.UniversalClient
	mux                          = http.NewServeMux()
)
`

// TestREADMESnippetsCompile compiles every Go snippet in the README, so
// that the migration guide and the examples are code that builds. A snippet
// is a function body (or, when it declares functions, a file); variables it
// declares and does not use are allowed, as they are in prose.
func TestREADMESnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the snippets")
	}
	data, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(data), -1)
	require.NotEmpty(t, blocks)

	dir, err := os.MkdirTemp(".", "_readmesnippets")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	used := map[string]bool{"context": true, "redisconfig": true, "redis": true, "http": true}
	var body strings.Builder
	for i, b := range blocks {
		code := b[1]
		var imports []string
		var lines []string
		for _, line := range strings.Split(code, "\n") {
			if strings.HasPrefix(line, "import ") {
				imports = append(imports, line)
				continue
			}
			lines = append(lines, line)
		}
		code = strings.Join(lines, "\n")
		for name := range snippetImports {
			if regexp.MustCompile(`\b` + name + `\.`).MatchString(code) {
				used[name] = true
			}
		}
		if regexp.MustCompile(`(?m)^func `).MatchString(code) {
			fmt.Fprintf(&body, "// snippet %d\n%s\n", i+1, code)
			continue
		}
		fmt.Fprintf(&body, "// snippet %d\nfunc snippet%d() {\n%s\n%s}\n", i+1, i+1, code, useDeclared(t, code))
	}
	var file strings.Builder
	file.WriteString("package snippets\n\nimport (\n")
	names := make([]string, 0, len(used))
	for name := range used {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(&file, "\t%q\n", snippetImports[name])
	}
	file.WriteString(")\n" + snippetPreamble + body.String())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "snippets.go"), []byte(file.String()), 0o644))

	out, err := exec.Command("go", "vet", "./"+filepath.Base(dir)).CombinedOutput()
	require.NoError(t, err, "a README snippet does not compile:\n%s\n--- generated file:\n%s", out, numbered(file.String()))
}

// useDeclared returns statements that use every variable the snippet
// declares at its top level with :=.
func useDeclared(t *testing.T, code string) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc f() {\n"+code+"\n}", 0)
	require.NoError(t, err, "README snippet does not parse:\n%s", code)
	var out strings.Builder
	seen := map[string]bool{}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name != "_" && !seen[id.Name] {
				seen[id.Name] = true
				fmt.Fprintf(&out, "\t_ = %s\n", id.Name)
			}
		}
	}
	return out.String()
}

func numbered(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = fmt.Sprintf("%4d %s", i+1, lines[i])
	}
	return strings.Join(lines, "\n")
}
