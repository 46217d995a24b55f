package redisconfig

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give time.Duration
		want string
	}{
		{336 * time.Hour, "336h"},
		{5 * time.Minute, "5m"},
		{90 * time.Minute, "1h30m"},
		{time.Hour + time.Second, "1h0m1s"},
		{1500 * time.Millisecond, "1.5s"},
		{250 * time.Millisecond, "250ms"},
		{30 * time.Second, "30s"},
		{0, "0s"},
	}
	for _, tt := range tests {
		got := formatDuration(tt.give)
		assert.Equal(t, tt.want, got)
		back, err := time.ParseDuration(got)
		require.NoError(t, err, "what is printed parses back")
		assert.Equal(t, tt.give, back)
	}
	// Every output uses it: the debug view, String-like views, Health.
	cfg, err := New().WithEnv(map[string]string{EnvSecretsRefresh: "5m"}).Environment(Production).
		Connection().Addr("redis.internal:6380").Password("pw").TLS().Enable(true).
		Secrets().Source(VariableSecrets(func(string) (string, bool) { return "", false })).Build(context.Background())
	require.NoError(t, err)
	for _, s := range cfg.DebugInfo().Settings {
		assert.NotRegexp(t, `\dh0m0s|\dm0s`, s.Value, s.Name)
	}
	assert.Equal(t, `"1h30m"`, string(must(Duration(90*time.Minute).MarshalJSON())))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestAddrProvenance: the host and port Connection().Addr sets show as
// Connection().Addr, in the debug view and in errors; a later Host wins
// and names itself.
func TestAddrProvenance(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(nil).Environment(Development).Connection().Addr("h:7000").Build(context.Background())
	require.NoError(t, err)
	for _, s := range cfg.DebugInfo().Settings {
		if s.Name == "host" || s.Name == "port" {
			assert.Equal(t, "code Connection().Addr", s.Source)
		}
	}
	cfg, err = New().WithEnv(nil).Environment(Development).Connection().Addr("h:7000").Host("g").Build(context.Background())
	require.NoError(t, err)
	for _, s := range cfg.DebugInfo().Settings {
		switch s.Name {
		case "host":
			assert.Equal(t, "code Connection().Host", s.Source)
		case "port":
			assert.Equal(t, "code Connection().Addr", s.Source)
		}
	}
	_, err = New().WithEnv(nil).Environment(Development).Connection().Addr("h:70000").Build(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "code Connection().Addr")
	assert.NotContains(t, err.Error(), "Connection().Port")
}

// TestLoopbackReach: the loopback rule's reach, as the README states it.
func TestLoopbackReach(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give string
		want bool
	}{
		{"localhost", true}, {"LOCALHOST.", true}, {"redis.localhost", true},
		{"localhost.localdomain", true}, {"ip6-localhost", true}, {"ip6-loopback", true},
		{"127.0.0.1", true}, {"127.9.8.7", true}, {"127.1", true}, {"127.0.1", true},
		{"0x7f.1", true}, {"0177.0.0.1", true}, {"2130706433", true}, {"0x7f000001", true},
		{"::1", true}, {"::ffff:127.0.0.1", true}, {"0.0.0.0", true}, {"::", true}, {"0", true},
		{"fe80::1%lo", false}, {"::1%lo", true},
		{"10.0.0.1", false}, {"128.1", false}, {"redis.internal", false}, {"localhost-redis", false},
		{"mylocalhost", false}, {"1.2.3.4.5", false}, {"256.1", false}, {"127.0x1ffffff", false},
		{"2001:db8::1", false}, {"12", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isLoopback(tt.give), tt.give)
	}
	// And the rule itself, in production, for a short form.
	_, err := New().WithEnv(map[string]string{EnvURL: "rediss://:pw@127.1:6380"}).Environment(Production).Build(context.Background())
	require.ErrorIs(t, err, ErrRule)
}

// TestBuilderDocListsEverySubBuilder: every method of Builder that returns
// a sub-builder is named in Builder's doc comment.
func TestBuilderDocListsEverySubBuilder(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	require.NoError(t, err)
	var builderDoc string
	var subs []string
	for _, f := range pkgs["redisconfig"].Files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == "Builder" {
						builderDoc = d.Doc.Text()
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || d.Type.Results == nil || len(d.Type.Results.List) != 1 || !d.Name.IsExported() {
					continue
				}
				recv, ok := d.Recv.List[0].Type.(*ast.StarExpr)
				if !ok || recv.X.(*ast.Ident).Name != "Builder" {
					continue
				}
				if res, ok := d.Type.Results.List[0].Type.(*ast.StarExpr); ok {
					if id, ok := res.X.(*ast.Ident); ok && strings.HasSuffix(id.Name, "Builder") && id.Name != "Builder" {
						subs = append(subs, d.Name.Name)
					}
				}
			}
		}
	}
	require.NotEmpty(t, builderDoc)
	require.GreaterOrEqual(t, len(subs), 7)
	for _, s := range subs {
		assert.Contains(t, builderDoc, s, "the Builder doc names the %s sub-builder", s)
	}
}
