package redisconfiglint

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// urlOptions is the Config method that returns what each go-redis URL
// parser returns.
var urlOptions = map[string]string{
	"ParseURL":         "Options",
	"ParseClusterURL":  "ClusterOptions",
	"ParseFailoverURL": "FailoverOptions",
}

// envURL is the variable the builder reads a URL from when nothing says
// otherwise; a service's prefix goes in front of it.
const envURL = "REDIS_URL"

var serviceName = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_]*$`)

// planURL turns `opt, err := redis.ParseURL(u)` into the builder, its error
// check and `opt := cfg.Options()`, or says why it cannot. The builder
// reads REDIS_URL by itself, SERVICE_REDIS_URL with Service("service"),
// and any other URL through Connection().URL. An `if err != nil` right
// after the call stays as the check of Build's error.
func (p *pass) planURL(call *ast.CallExpr, fn *types.Func, stack []ast.Node) (*plan, string) {
	if fn.Pkg().Path() != "github.com/redis/go-redis/v9" {
		return nil, "redisconfig makes go-redis v9 options; move this code to github.com/redis/go-redis/v9 first"
	}
	arg := call.Args[0]
	if why := p.urlTopology(fn.Name(), arg); why != "" {
		return nil, why
	}
	stmt, block, fnType, fnName := enclosing(stack)
	as, ok := stmt.(*ast.AssignStmt)
	if !ok || fnType == nil || len(as.Lhs) != 2 || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != call {
		return nil, "its result is not assigned to the options and an error in a statement of its own (opt, err := redis." + fn.Name() + "(...))"
	}
	pl := &plan{file: stack[0].(*ast.File), removed: [2]token.Pos{call.Pos(), call.End()}, imports: []string{rootModule}}
	scope := p.Pkg.Scope().Innermost(call.Pos())

	var chain string
	switch name, fromEnv := getenvName(p.TypesInfo, arg); {
	case fromEnv && name == envURL:
	case fromEnv && strings.HasSuffix(name, "_"+envURL) && serviceName.MatchString(strings.TrimSuffix(name, "_"+envURL)):
		chain = ".\n\tService(" + strconv.Quote(strings.ToLower(strings.TrimSuffix(name, "_"+envURL))) + ")"
	default:
		chain = ".\n\tConnection().URL(" + p.text(arg, pl) + ")"
	}

	optExpr := as.Lhs[0]
	errID, ok := as.Lhs[1].(*ast.Ident)
	if !ok {
		return nil, "its error goes to " + types.ExprString(as.Lhs[1]) + ", which the fix would no longer set"
	}
	if errID.Name == "_" {
		errID = nil
	}
	// An `if err != nil { ... }` right after checks Build's error instead.
	var check *ast.IfStmt
	if i := slices.Index(block.List, stmt); errID != nil && i+1 < len(block.List) {
		if ifs, ok := block.List[i+1].(*ast.IfStmt); ok && ifs.Init == nil && ifs.Else == nil && p.isErrCheck(ifs.Cond, errID) {
			check = ifs
		}
	}
	errName := "err"
	switch {
	case errID != nil:
		errName = errID.Name
	case scope.Lookup("err") != nil && scope.Lookup("err").Pos() > call.Pos():
		errName = freeName(scope, call.Pos(), "redisErr", "buildErr")
	}
	ctx := p.contextExpr(fnType, scope, call.Pos())
	if ctx == "context.Background()" {
		pl.imports = append(pl.imports, "context")
	}
	cfg := freeName(scope, call.Pos(), "cfg", "redisCfg", "redisConfig")

	var b strings.Builder
	build := "redisconfig.New()" + chain + ".\n\tBuild(" + ctx + ")"
	if chain == "" {
		build = "redisconfig.New().Build(" + ctx + ")"
	}
	if as.Tok == token.ASSIGN && errID != nil {
		fmt.Fprintf(&b, "var %s *redisconfig.Config\n%s, %s = %s", cfg, cfg, errName, build)
	} else {
		fmt.Fprintf(&b, "%s, %s := %s", cfg, errName, build)
	}
	optLine := ""
	if id, ok := optExpr.(*ast.Ident); !ok || id.Name != "_" {
		tok := "="
		if ok && as.Tok == token.DEFINE && p.TypesInfo.Defs[id] != nil {
			tok = ":="
		}
		optLine = fmt.Sprintf("%s %s %s.%s()", p.text(optExpr, pl), tok, cfg, urlOptions[fn.Name()])
	}
	if check == nil {
		handle, imports, why := p.errorHandler(fnType, fnName)
		if why != "" {
			return nil, why
		}
		pl.imports = append(pl.imports, imports...)
		fmt.Fprintf(&b, "\nif %s != nil {\n%s\n}", errName, strings.ReplaceAll(handle, "err", errName))
		if optLine != "" {
			b.WriteString("\n" + optLine)
		}
		pl.edits = append(pl.edits, analysis.TextEdit{Pos: stmt.Pos(), End: stmt.End(), NewText: []byte(b.String())})
	} else {
		pl.edits = append(pl.edits, analysis.TextEdit{Pos: stmt.Pos(), End: stmt.End(), NewText: []byte(b.String())})
		if optLine != "" {
			pl.edits = append(pl.edits, analysis.TextEdit{Pos: check.End(), End: check.End(), NewText: []byte("\n" + optLine)})
		}
	}
	pl.summary = strings.ReplaceAll(build, ".\n\t", ".") + " and " + cfg + "." + urlOptions[fn.Name()] + "()"
	pl.summary = strings.ReplaceAll(pl.summary, "Build("+ctx+")", "Build(ctx)")
	return pl, ""
}

// isErrCheck reports whether cond is `err != nil` for err.
func (p *pass) isErrCheck(cond ast.Expr, err *ast.Ident) bool {
	be, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || be.Op != token.NEQ {
		return false
	}
	x, ok := ast.Unparen(be.X).(*ast.Ident)
	if !ok || p.TypesInfo.ObjectOf(x) != p.TypesInfo.ObjectOf(err) {
		return false
	}
	y, ok := ast.Unparen(be.Y).(*ast.Ident)
	if !ok {
		return false
	}
	_, isNil := p.TypesInfo.ObjectOf(y).(*types.Nil)
	return isNil
}

// urlTopology says why the builder would not read the URL as the topology
// the go-redis parser makes, or "". The builder tells the topology from the
// URL itself: addr= parameters make a cluster, master_name= a sentinel
// configuration, and anything else a standalone Redis.
func (p *pass) urlTopology(parser string, arg ast.Expr) string {
	var param, how, instead string
	switch parser {
	case "ParseClusterURL":
		param, how, instead = "addr", "a cluster from a standalone Redis by the URL's addr= parameters",
			"list the nodes in REDIS_CLUSTER_NODES (Cluster().Nodes)"
	case "ParseFailoverURL":
		param, how, instead = "master_name", "a sentinel configuration from a standalone Redis by the URL's master_name= parameter",
			"set REDIS_SENTINEL_MASTER and REDIS_SENTINEL_NODES (Sentinel().Master and Nodes)"
	default:
		return ""
	}
	s, ok := p.constString(arg)
	if !ok {
		return "redisconfig tells " + how + ", which this URL shows only at run time; " + instead
	}
	if u, err := url.Parse(s); err != nil || !u.Query().Has(param) {
		return "the URL has no " + param + "= parameter, so redisconfig would read it as a standalone Redis; " + instead
	}
	return ""
}
