// Package redisconfiglint is a static analyzer that finds every hand-written
// go-redis set-up (clients, options literals, ParseURL calls), records where
// each option's value comes from, reports the traps in them with stable codes
// (RCL001 to RCL008), and suggests replacing the fully mappable ones with the
// redisconfig builder.
package redisconfiglint

import (
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Diagnostic codes. They are stable: tools and suppressions may match them.
const (
	CodeDirect       = "RCL001" // a go-redis client or options built outside redisconfig
	CodeAddress      = "RCL002" // a hard-coded address or redis:// URL
	CodePassword     = "RCL003" // a hard-coded non-empty password
	CodeSkipVerify   = "RCL004" // certificate verification turned off
	CodeRouteIgnored = "RCL005" // RouteByLatency/RouteRandomly with NewFailoverClient
	CodeMinIdle      = "RCL006" // constant MinIdleConns above constant PoolSize
	CodeClusterNoTO  = "RCL007" // cluster read/write timeout -1 on go-redis before v9.23
	CodeLocalhost    = "RCL008" // a fallback to localhost after a failed os.Getenv
)

// Analyzer is the redisconfig-lint analyzer. Its result is an *Inventory.
var Analyzer = &analysis.Analyzer{
	Name:       "redisconfiglint",
	Doc:        "find hand-written go-redis set-ups and suggest the redisconfig builder instead",
	URL:        "https://github.com/redisconfig/redisconfig/tree/main/lint",
	Flags:      flags(),
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	Run:        run,
	ResultType: reflect.TypeFor[*Inventory](),
}

// Settings are the analyzer's options; the flags of the same names set them.
type Settings struct {
	IgnoreTests    bool   // skip sites in _test.go files
	Self           bool   // also analyze redisconfig's own packages
	GoRedisVersion string // the go-redis version when the build cannot tell (for RCL007), e.g. v9.22.0
}

var settings Settings

func flags() flag.FlagSet {
	var fs flag.FlagSet
	fs.BoolVar(&settings.IgnoreTests, "ignore-tests", false, "skip go-redis set-ups in _test.go files")
	fs.BoolVar(&settings.Self, "self", false, "also analyze the redisconfig module's own packages")
	fs.StringVar(&settings.GoRedisVersion, "goredis-version", "", "go-redis version to assume when the build does not show it (RCL007)")
	return fs
}

// Configure sets the analyzer's options from code (the golangci-lint plugin).
func Configure(s Settings) { settings = s }

const rootModule = "github.com/redisconfig/redisconfig"

var goRedisPaths = map[string]bool{
	"github.com/redis/go-redis/v9": true,
	"github.com/go-redis/redis/v8": true,
}

// constructors are the go-redis functions that make a client or options,
// with the topology they make and the typed Connect that replaces them.
var constructors = map[string]struct{ topology, connect string }{
	"NewClient":                {"standalone", "ConnectClient"},
	"NewClusterClient":         {"cluster", "ConnectCluster"},
	"NewFailoverClient":        {"sentinel", "ConnectFailover"},
	"NewFailoverClusterClient": {"sentinel-cluster", ""},
	"NewUniversalClient":       {"universal", "Connect"},
	"NewRing":                  {"ring", ""},
	"ParseURL":                 {"standalone", ""},
	"ParseClusterURL":          {"cluster", ""},
	"ParseFailoverURL":         {"sentinel", ""},
}

var optionTypes = map[string]string{
	"Options":          "standalone",
	"ClusterOptions":   "cluster",
	"FailoverOptions":  "sentinel",
	"UniversalOptions": "universal",
	"RingOptions":      "ring",
}

// pass carries one package's analysis.
type pass struct {
	*analysis.Pass
	inv   *Inventory
	env   map[*ast.File]map[types.Object]string
	fixes []*plan
	diags []analysis.Diagnostic
}

func run(p *analysis.Pass) (any, error) {
	ps := &pass{Pass: p, inv: &Inventory{}, env: map[*ast.File]map[types.Object]string{}}
	path := p.Pkg.Path()
	if !settings.Self && (path == rootModule || strings.HasPrefix(path, rootModule+"/")) {
		return ps.inv, nil
	}
	ins := p.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	types := []ast.Node{(*ast.CallExpr)(nil), (*ast.CompositeLit)(nil), (*ast.IfStmt)(nil)}
	ins.WithStack(types, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		file := stack[0].(*ast.File)
		if settings.IgnoreTests && strings.HasSuffix(p.Fset.File(file.Pos()).Name(), "_test.go") {
			return false
		}
		if ps.env[file] == nil {
			ps.env[file] = envVariables(p.TypesInfo, file)
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			ps.call(n, stack)
		case *ast.CompositeLit:
			ps.literal(n, stack)
		case *ast.IfStmt:
			ps.fallback(n, file)
		}
		return true
	})
	ps.finishFixes()
	for _, d := range ps.diags {
		p.Report(d)
	}
	return ps.inv, nil
}

func (p *pass) report(code string, rng analysis.Range, format string, args ...any) {
	p.diags = append(p.diags, analysis.Diagnostic{
		Pos: rng.Pos(), End: rng.End(), Category: code,
		Message: code + ": " + fmt.Sprintf(format, args...),
	})
}

// goRedisFunc returns the go-redis package-level function call calls.
func (p *pass) goRedisFunc(call *ast.CallExpr) (*types.Func, bool) {
	fn, ok := typeutil.Callee(p.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || !goRedisPaths[fn.Pkg().Path()] || fn.Type().(*types.Signature).Recv() != nil {
		return nil, false
	}
	_, ok = constructors[fn.Name()]
	return fn, ok
}

// optionsType returns the go-redis options type name of lit's type.
func (p *pass) optionsType(lit *ast.CompositeLit) (string, string, bool) {
	t := p.TypesInfo.TypeOf(lit)
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok || named.Obj().Pkg() == nil || !goRedisPaths[named.Obj().Pkg().Path()] {
		return "", "", false
	}
	_, ok = optionTypes[named.Obj().Name()]
	return named.Obj().Name(), named.Obj().Pkg().Path(), ok
}

func (p *pass) newSite(n ast.Node, kind, topology, goRedis string) *Site {
	pos := p.Fset.Position(n.Pos())
	p.inv.Sites = append(p.inv.Sites, Site{
		Pos: fmt.Sprintf("%s:%d:%d", pos.Filename, pos.Line, pos.Column), Kind: kind,
		Topology: topology, GoRedis: goRedis, Fields: []Field{},
	})
	return &p.inv.Sites[len(p.inv.Sites)-1]
}

// call handles a go-redis constructor or ParseURL call.
func (p *pass) call(call *ast.CallExpr, stack []ast.Node) {
	fn, ok := p.goRedisFunc(call)
	if !ok || len(call.Args) == 0 {
		return
	}
	c := constructors[fn.Name()]
	path := fn.Pkg().Path()
	site := p.newSite(call, fn.Name(), c.topology, path)
	idx := len(p.inv.Sites) - 1
	file := stack[0].(*ast.File)
	arg := call.Args[0]
	if strings.HasPrefix(fn.Name(), "Parse") {
		kind, detail := source(p.TypesInfo, arg, p.env[file], false)
		if kind == srcLiteral {
			detail = redactURL(detail)
		}
		site.Fields = append(site.Fields, Field{Name: "url", Source: kind, Detail: detail})
		p.checkURL(arg)
		pl, why := p.planURL(call, fn, stack)
		if pl != nil {
			pl.site = idx
		}
		p.direct(call, idx, pl, why)
		return
	}
	lit := optionsLit(arg)
	if lit == nil {
		kind, detail := source(p.TypesInfo, arg, p.env[file], false)
		site.Fields = append(site.Fields, Field{Name: "(options)", Source: kind, Detail: detail})
		p.direct(call, idx, nil, "its options are built elsewhere ("+types.ExprString(arg)+")")
		return
	}
	typeName, _, _ := p.optionsType(lit)
	site.Fields = p.fields(lit, file)
	p.checkLit(lit, typeName, fn.Name(), fn)
	pl, why := p.plan(call, lit, typeName, fn, stack)
	if pl != nil {
		pl.site = idx
	}
	p.direct(call, idx, pl, why)
}

// literal handles an options literal that is not the argument of a
// constructor call (that one belongs to the call's site).
func (p *pass) literal(lit *ast.CompositeLit, stack []ast.Node) {
	typeName, path, ok := p.optionsType(lit)
	if !ok {
		return
	}
	parent := stack[len(stack)-2]
	if u, ok := parent.(*ast.UnaryExpr); ok && u.Op == token.AND {
		parent = stack[len(stack)-3]
	}
	if call, ok := parent.(*ast.CallExpr); ok {
		if _, ok := p.goRedisFunc(call); ok && len(call.Args) > 0 && optionsLit(call.Args[0]) == lit {
			return
		}
	}
	file := stack[0].(*ast.File)
	site := p.newSite(lit, typeName+" literal", optionTypes[typeName], path)
	site.Fields = p.fields(lit, file)
	p.checkLit(lit, typeName, "", nil)
	p.direct(lit, len(p.inv.Sites)-1, nil, "the options flow on to other code; build them with redisconfig and call Config."+typeName+"()")
}

// optionsLit returns the composite literal e is, or takes the address of.
func optionsLit(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}

func (p *pass) fields(lit *ast.CompositeLit, file *ast.File) []Field {
	fields := []Field{}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		name := types.ExprString(kv.Key)
		kind, detail := source(p.TypesInfo, kv.Value, p.env[file], strings.Contains(name, "Password"))
		fields = append(fields, Field{Name: name, Source: kind, Detail: detail})
	}
	return fields
}

// direct reports RCL001 for a site, with its fix or the reason it has none.
func (p *pass) direct(n ast.Node, idx int, pl *plan, why string) {
	site := &p.inv.Sites[idx]
	what := site.Kind
	if !strings.HasSuffix(what, "literal") {
		what = "redis." + what
	}
	if pl == nil {
		site.NoFix = why
		p.report(CodeDirect, n, "%s sets up go-redis by hand; use redisconfig.New()...Build(ctx) (no automatic fix: %s)", what, why)
		return
	}
	pl.message = fmt.Sprintf("%s sets up go-redis by hand; use redisconfig.New()...Build(ctx) (fix: %s)", what, pl.summary)
	pl.node = n
	p.fixes = append(p.fixes, pl)
}

// constant returns e's constant value, if it has one.
func (p *pass) constant(e ast.Expr) constant.Value {
	return p.TypesInfo.Types[e].Value
}

func (p *pass) constString(e ast.Expr) (string, bool) {
	if v := p.constant(e); v != nil && v.Kind() == constant.String {
		return constant.StringVal(v), true
	}
	return "", false
}

// checkLit reports the traps in an options literal. ctor is the
// constructor it is passed to, "" when unknown.
func (p *pass) checkLit(lit *ast.CompositeLit, typeName, ctor string, fn *types.Func) {
	vals := map[string]ast.Expr{}
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			vals[types.ExprString(kv.Key)] = kv.Value
		}
	}
	for _, name := range []string{"Addr", "Addrs", "SentinelAddrs"} {
		v, ok := vals[name]
		if !ok {
			continue
		}
		if s, ok := p.constString(v); ok && s != "" {
			p.report(CodeAddress, v, "hard-coded Redis address in %s; set REDIS_URL or REDIS_HOST/REDIS_PORT instead", name)
		}
		if l, ok := v.(*ast.CompositeLit); ok {
			for _, e := range l.Elts {
				if s, ok := p.constString(e); ok && s != "" {
					p.report(CodeAddress, e, "hard-coded Redis address in %s; set REDIS_CLUSTER_NODES or REDIS_SENTINEL_NODES instead", name)
				}
			}
		}
	}
	for _, name := range []string{"Password", "SentinelPassword"} {
		if v, ok := vals[name]; ok {
			if s, ok := p.constString(v); ok && s != "" {
				p.report(CodePassword, v, "hard-coded password in %s; read it from REDIS_PASSWORD, REDIS_PASSWORD_FILE or a secret source", name)
			}
		}
	}
	if v, ok := vals["TLSConfig"]; ok {
		if tl := optionsLit(v); tl != nil {
			for _, el := range tl.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok && types.ExprString(kv.Key) == "InsecureSkipVerify" && constant.BoolVal(boolOr(p.constant(kv.Value))) {
					p.report(CodeSkipVerify, kv, "InsecureSkipVerify: true turns off certificate checks for Redis; set REDIS_TLS_CA_FILE (TLS().CAFile) instead")
				}
			}
		}
	}
	if ctor == "NewFailoverClient" {
		for _, name := range []string{"RouteByLatency", "RouteRandomly"} {
			if v, ok := vals[name]; ok && constant.BoolVal(boolOr(p.constant(v))) {
				p.report(CodeRouteIgnored, v, "%s does nothing with NewFailoverClient (it needs NewFailoverClusterClient); remove it or use Sentinel().ReplicaOnly", name)
			}
		}
	}
	minIdle, size := intOf(p.constant(vals["MinIdleConns"])), intOf(p.constant(vals["PoolSize"]))
	if minIdle != nil && size != nil && *size > 0 && *minIdle > *size {
		p.report(CodeMinIdle, vals["MinIdleConns"], "MinIdleConns %d is above PoolSize %d, which go-redis accepts; keep MinIdleConns at or below PoolSize", *minIdle, *size)
	}
	if typeName == "ClusterOptions" && p.oldGoRedis(lit, fn) {
		for _, name := range []string{"ReadTimeout", "WriteTimeout"} {
			if v := intOf(p.constant(vals[name])); v != nil && *v == -1 {
				p.report(CodeClusterNoTO, vals[name], "%s: -1 on a cluster client before go-redis v9.23 does not reach every node; upgrade go-redis, or use redisconfig (REDIS_%s=0)", name, strings.ToUpper(strings.TrimSuffix(name, "Timeout"))+"_TIMEOUT")
			}
		}
	}
}

func boolOr(v constant.Value) constant.Value {
	if v == nil || v.Kind() != constant.Bool {
		return constant.MakeBool(false)
	}
	return v
}

func intOf(v constant.Value) *int64 {
	if v == nil || v.Kind() != constant.Int {
		return nil
	}
	n, ok := constant.Int64Val(v)
	if !ok {
		return nil
	}
	return &n
}

var versionInPath = regexp.MustCompile(`@v9\.(\d+)\.`)

// oldGoRedis reports whether the go-redis in the build is older than
// v9.23: the v8 path always is; for v9 the module cache path of its source
// shows the version, and -goredis-version answers when it does not.
func (p *pass) oldGoRedis(lit *ast.CompositeLit, fn *types.Func) bool {
	t := p.TypesInfo.TypeOf(lit)
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	obj := t.(*types.Named).Obj()
	if obj.Pkg().Path() == "github.com/go-redis/redis/v8" {
		return true
	}
	version := settings.GoRedisVersion
	if m := versionInPath.FindStringSubmatch(p.Fset.Position(obj.Pos()).Filename); m != nil {
		version = "v9." + m[1] + ".0"
	}
	m := regexp.MustCompile(`^v9\.(\d+)\.`).FindStringSubmatch(version)
	if m == nil {
		return strings.HasPrefix(version, "v8") || strings.HasPrefix(version, "v7")
	}
	minor, _ := strconv.Atoi(m[1])
	return minor < 23
}

// checkURL reports a hard-coded URL, a password in it and skip_verify=true.
func (p *pass) checkURL(arg ast.Expr) {
	s, ok := p.constString(arg)
	if !ok || s == "" {
		return
	}
	p.report(CodeAddress, arg, "hard-coded Redis URL; set REDIS_URL instead")
	u, err := url.Parse(s)
	if err != nil {
		return
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		p.report(CodePassword, arg, "hard-coded password in the URL's user info; read it from REDIS_PASSWORD, REDIS_PASSWORD_FILE or a secret source")
	}
	if v := u.Query().Get("skip_verify"); v == "true" || v == "1" {
		p.report(CodeSkipVerify, arg, "skip_verify=true turns off certificate checks for Redis; set REDIS_TLS_CA_FILE (TLS().CAFile) instead")
	}
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "[unparsed URL]"
}

// fallback reports `if v == "" { v = "localhost:6379" }` after v := os.Getenv(...).
func (p *pass) fallback(ifs *ast.IfStmt, file *ast.File) {
	for _, st := range ifs.Body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			continue
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok {
			continue
		}
		name, fromEnv := p.env[file][p.TypesInfo.Uses[id]]
		s, isConst := p.constString(as.Rhs[0])
		if fromEnv && isConst && isLocalRedis(s, name) {
			p.report(CodeLocalhost, as, "falling back to %q when %s is unset hides a missing setting in a deployment; redisconfig uses localhost only in development and test", s, name)
		}
	}
}

func isLocalRedis(s, envName string) bool {
	local := strings.Contains(s, "localhost") || strings.Contains(s, "127.0.0.1") || strings.Contains(s, "[::1]")
	redisy := strings.Contains(s, "6379") || strings.HasPrefix(s, "redis") || strings.Contains(strings.ToUpper(envName), "REDIS")
	return local && redisy
}
