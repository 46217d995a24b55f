package redisconfiglint

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/constant"
	"go/format"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// plan is the suggested fix for one constructor call, before the import
// edits, which depend on every fix in the same file.
type plan struct {
	site    int
	node    ast.Node
	file    *ast.File
	message string
	summary string
	edits   []analysis.TextEdit
	removed [2]token.Pos // source the fix deletes ...
	kept    []ast.Expr   // ... except these expressions, copied into the new code
	imports []string     // packages the new code needs
}

// setterCall is one builder call in a generated chain.
type setterCall struct {
	group string
	text  string // ".Method(args)"
}

// plan turns `x := redis.NewClient(&redis.Options{...})` into the builder
// chain, the typed Connect and both error checks, or says why it cannot.
func (p *pass) plan(call *ast.CallExpr, lit *ast.CompositeLit, typeName string, fn *types.Func, stack []ast.Node) (*plan, string) {
	connect := constructors[fn.Name()].connect
	switch {
	case connect == "":
		return nil, "redisconfig has no builder for redis." + fn.Name()
	case fn.Pkg().Path() != "github.com/redis/go-redis/v9":
		return nil, "redisconfig makes go-redis v9 clients; move this code to github.com/redis/go-redis/v9 first"
	}
	pl := &plan{file: stack[0].(*ast.File), removed: [2]token.Pos{call.Pos(), call.End()}}
	calls, why := p.chain(lit, typeName, pl)
	if why != "" {
		return nil, why
	}

	stmt, _, fnType, fnName := enclosing(stack)
	if stmt == nil || fnType == nil {
		return nil, "it is not inside a function's statement"
	}
	scope := p.Pkg.Scope().Innermost(call.Pos())
	handle, imports, why := p.errorHandler(fnType, fnName)
	if why != "" {
		return nil, why
	}
	pl.imports = append(imports, rootModule)
	ctx := p.contextExpr(fnType, scope, call.Pos())
	if ctx == "context.Background()" {
		pl.imports = append(pl.imports, "context")
	}

	cfg := freeName(scope, call.Pos(), "cfg", "redisCfg", "redisConfig")
	errName := "err"
	if later := scope.Lookup("err"); later != nil && later.Pos() > call.Pos() {
		errName = freeName(scope, call.Pos(), "redisErr", "connErr")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s := redisconfig.New()", cfg, errName)
	for _, c := range calls {
		b.WriteString(c)
	}
	fmt.Fprintf(&b, ".\n\tBuild(%s)\nif %s != nil {\n%s\n}\n", ctx, errName, strings.ReplaceAll(handle, "err", errName))

	connectCall := fmt.Sprintf("%s.%s(%s)", cfg, connect, ctx)
	if as, ok := stmt.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 && ast.Unparen(as.Rhs[0]) == call {
		fmt.Fprintf(&b, "%s, %s %s %s\nif %s != nil {\n%s\n}", types.ExprString(as.Lhs[0]), errName, as.Tok, connectCall, errName, strings.ReplaceAll(handle, "err", errName))
		pl.edits = append(pl.edits, analysis.TextEdit{Pos: stmt.Pos(), End: stmt.End(), NewText: []byte(b.String())})
		pl.kept = append(pl.kept, as.Lhs[0])
	} else {
		client := freeName(scope, call.Pos(), "client", "redisClient", "rdb")
		fmt.Fprintf(&b, "%s, %s := %s\nif %s != nil {\n%s\n}\n", client, errName, connectCall, errName, strings.ReplaceAll(handle, "err", errName))
		pl.edits = append(pl.edits,
			analysis.TextEdit{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte(b.String())},
			analysis.TextEdit{Pos: call.Pos(), End: call.End(), NewText: []byte(client)})
	}
	pl.summary = "redisconfig.New()" + strings.Join(calls, "") + ".Build(ctx) and cfg." + connect + "(ctx)"
	pl.summary = strings.ReplaceAll(pl.summary, ".\n\t", ".")
	return pl, ""
}

// enclosing finds the innermost statement that sits directly in a block
// and holds the node stack ends in, that block, and the function around
// them.
func enclosing(stack []ast.Node) (ast.Stmt, *ast.BlockStmt, *ast.FuncType, string) {
	var stmt ast.Stmt
	var block *ast.BlockStmt
	for i := len(stack) - 2; i > 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncLit:
			return stmt, block, n.Type, ""
		case *ast.FuncDecl:
			return stmt, block, n.Type, n.Name.Name
		case ast.Stmt:
			if b, inBlock := stack[i-1].(*ast.BlockStmt); inBlock && stmt == nil {
				stmt, block = n, b
			}
		}
	}
	return stmt, block, nil, ""
}

// chain maps every field of lit to a setter, or says which field cannot be.
func (p *pass) chain(lit *ast.CompositeLit, typeName string, pl *plan) ([]string, string) {
	byGroup := map[string][]string{}
	add := func(s setter, args ...string) {
		byGroup[s.group] = append(byGroup[s.group], "."+s.method+"("+strings.Join(args, ", ")+")")
	}
	type envField struct {
		s    setter
		name string
		arg  ast.Expr
	}
	var fromEnv []envField
	vals := map[string]ast.Expr{}
	var order []string
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return nil, "its fields are not named"
		}
		name := types.ExprString(kv.Key)
		vals[name] = kv.Value
		order = append(order, name)
	}
	if typeName == "UniversalOptions" {
		var why string
		if typeName, why = p.universalAs(vals); why != "" {
			return nil, why
		}
		if vals, order, why = p.asUniversal(lit, typeName, vals, order); why != "" {
			return nil, why
		}
	}
	unix := false
	if v, ok := vals["Network"]; ok {
		switch s, _ := p.constString(v); s {
		case "tcp":
		case "unix":
			unix = true
		default:
			return nil, "Network: " + noSetter["Network"]
		}
	}
	for _, name := range order {
		v := vals[name]
		s, ok := setters[typeName+"."+name]
		if !ok {
			s, ok = setters[name]
		}
		switch {
		case name == "Network":
			continue
		case name == "Addr" && unix:
			add(setter{group: "Connection", method: "UnixSocket"}, p.text(v, pl))
			continue
		case name == "MinRetryBackoff" || name == "MaxRetryBackoff":
			lo, okLo := vals["MinRetryBackoff"]
			hi, okHi := vals["MaxRetryBackoff"]
			if !okLo || !okHi {
				return nil, name + ": " + noSetter[name]
			}
			if name == "MinRetryBackoff" {
				add(setters["RetryBackoff"], p.text(lo, pl), p.text(hi, pl))
			}
			continue
		case name == "TLSConfig":
			calls, why := p.tlsCalls(v, pl)
			if why != "" {
				return nil, "TLSConfig: " + why
			}
			byGroup["TLS"] = append(byGroup["TLS"], calls...)
			continue
		case !ok:
			why, known := noSetter[name]
			if !known {
				why = "redisconfig has no setter for " + name
			}
			return nil, name + ": " + why
		}
		if isZero(p.constant(v)) { // go-redis's zero is its default: nothing to restate
			continue
		}
		if env, ok := getenvName(p.TypesInfo, v); ok && env != "?" && s.env != "" && strings.HasSuffix(env, s.env) {
			fromEnv = append(fromEnv, envField{s, env, v})
			continue
		}
		if strings.HasPrefix(s.params[0], "...") {
			add(s, p.spread(v, pl))
			continue
		}
		add(s, p.text(v, pl))
	}
	// Variables the builder reads by itself are dropped, with Service when
	// they share a prefix; if they do not, they stay explicit.
	prefix, shared := "", true
	for i, f := range fromEnv {
		pre := strings.TrimSuffix(f.name, f.s.env)
		if pre != "" && !strings.HasSuffix(pre, "_") {
			shared = false
		}
		if i == 0 {
			prefix = pre
		} else if pre != prefix {
			shared = false
		}
	}
	var out []string
	if shared && prefix != "" {
		out = append(out, ".\n\tService("+strconv.Quote(strings.ToLower(strings.TrimSuffix(prefix, "_")))+")")
	}
	for _, f := range fromEnv {
		if !shared {
			add(f.s, p.text(f.arg, pl))
		}
	}
	for _, g := range groups {
		if calls := byGroup[g]; len(calls) > 0 {
			out = append(out, ".\n\t"+g+"()"+strings.Join(calls, ""))
		}
	}
	return out, ""
}

// isZero reports whether v is a constant "", 0 or false.
func isZero(v constant.Value) bool {
	switch {
	case v == nil:
		return false
	case v.Kind() == constant.String:
		return constant.StringVal(v) == ""
	case v.Kind() == constant.Bool:
		return !constant.BoolVal(v)
	}
	return constant.Sign(v) == 0
}

// tlsCalls maps a literal &tls.Config{...} to TLS() setters.
func (p *pass) tlsCalls(v ast.Expr, pl *plan) ([]string, string) {
	lit := optionsLit(v)
	if lit == nil {
		return nil, noSetter["TLSConfig"]
	}
	calls := []string{".Enable(true)"}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return nil, noSetter["TLSConfig"]
		}
		s, ok := setters["tls.Config."+types.ExprString(kv.Key)]
		if !ok {
			return nil, noSetter["TLSConfig"]
		}
		calls = append(calls, "."+s.method+"("+p.text(kv.Value, pl)+")")
	}
	return calls, ""
}

// text is e's source, kept in the new code.
func (p *pass) text(e ast.Expr, pl *plan) string {
	pl.kept = append(pl.kept, e)
	var b bytes.Buffer
	if err := format.Node(&b, p.Fset, e); err != nil {
		return types.ExprString(e)
	}
	return b.String()
}

// spread passes a []string value to a variadic setter.
func (p *pass) spread(e ast.Expr, pl *plan) string {
	if lit, ok := ast.Unparen(e).(*ast.CompositeLit); ok {
		var parts []string
		for _, el := range lit.Elts {
			parts = append(parts, p.text(el, pl))
		}
		return strings.Join(parts, ", ")
	}
	return p.text(e, pl) + "..."
}

// errorHandler is the body of `if err != nil { ... }` in the function.
func (p *pass) errorHandler(ft *ast.FuncType, name string) (string, []string, string) {
	var results []types.Type
	if ft.Results != nil {
		for _, f := range ft.Results.List {
			t := p.TypesInfo.TypeOf(f.Type)
			for range max(1, len(f.Names)) {
				results = append(results, t)
			}
		}
	}
	if len(results) == 0 && name == "main" && p.Pkg.Name() == "main" {
		return "log.Fatal(err)", []string{"log"}, ""
	}
	if len(results) == 0 || !types.Identical(results[len(results)-1], types.Universe.Lookup("error").Type()) {
		if tb := p.testingParam(ft); tb != "" {
			return tb + ".Fatal(err)", nil, ""
		}
		return "", nil, "the function around it has no error result for Connect's error"
	}
	var vals []string
	for _, t := range results[:len(results)-1] {
		switch u := t.Underlying().(type) {
		case *types.Pointer, *types.Interface, *types.Slice, *types.Map, *types.Chan, *types.Signature:
			vals = append(vals, "nil")
		case *types.Basic:
			switch {
			case u.Info()&types.IsString != 0:
				vals = append(vals, `""`)
			case u.Info()&types.IsBoolean != 0:
				vals = append(vals, "false")
			default:
				vals = append(vals, "0")
			}
		default:
			return "", nil, "the function's results need zero values the fix cannot write"
		}
	}
	return "return " + strings.Join(append(vals, "err"), ", "), nil, ""
}

// testingParam is the name of a *testing.T, *testing.B, *testing.F or
// testing.TB parameter of the function, or "".
func (p *pass) testingParam(ft *ast.FuncType) string {
	for _, f := range ft.Params.List {
		for _, n := range f.Names {
			switch t := p.TypesInfo.TypeOf(n); t.String() {
			case "*testing.T", "*testing.B", "*testing.F", "testing.TB":
				if n.Name != "_" {
					return n.Name
				}
			}
		}
	}
	return ""
}

// contextExpr is a context.Context parameter of the function, or context.Background().
func (p *pass) contextExpr(ft *ast.FuncType, scope *types.Scope, pos token.Pos) string {
	for _, f := range ft.Params.List {
		for _, n := range f.Names {
			if t := p.TypesInfo.TypeOf(n); t != nil && t.String() == "context.Context" && n.Name != "_" {
				return n.Name
			}
		}
	}
	return "context.Background()"
}

// freeName is the first name not visible at pos nor declared later in its scope.
func freeName(scope *types.Scope, pos token.Pos, names ...string) string {
	for _, n := range names {
		if _, obj := scope.LookupParent(n, pos); obj == nil && scope.Lookup(n) == nil {
			return n
		}
	}
	return names[len(names)-1] + "2"
}

// finishFixes adds the import edits, computed over every fix in a file
// (so that -fix, which applies them all, leaves no unused import), and
// reports the fixed sites.
func (p *pass) finishFixes() {
	byFile := map[*ast.File][]*plan{}
	for _, pl := range p.fixes {
		byFile[pl.file] = append(byFile[pl.file], pl)
	}
	for file, plans := range byFile {
		edits := p.importEdits(file, plans)
		for _, pl := range plans {
			p.inv.Sites[pl.site].Fix = true
			p.diags = append(p.diags, analysis.Diagnostic{
				Pos: pl.node.Pos(), End: pl.node.End(), Category: CodeDirect,
				Message: CodeDirect + ": " + pl.message,
				SuggestedFixes: []analysis.SuggestedFix{{
					Message:   "replace with the redisconfig builder",
					TextEdits: append(slices.Clone(pl.edits), edits...),
				}},
			})
		}
	}
}

func (p *pass) importEdits(file *ast.File, plans []*plan) []analysis.TextEdit {
	removed := func(pos token.Pos) bool {
		for _, pl := range plans {
			if pos >= pl.removed[0] && pos < pl.removed[1] {
				for _, k := range pl.kept {
					if pos >= k.Pos() && pos < k.End() {
						return false
					}
				}
				return true
			}
		}
		return false
	}
	uses := map[string]int{}
	ast.Inspect(file, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if pn, ok := p.TypesInfo.Uses[id].(*types.PkgName); ok && !removed(id.Pos()) {
				uses[pn.Imported().Path()]++
			}
		}
		return true
	})
	have := map[string]bool{}
	var edits []analysis.TextEdit
	tf := p.Fset.File(file.Pos())
	for _, imp := range file.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		have[path] = true
		if uses[path] > 0 || imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".") {
			continue
		}
		// Delete the spec and the rest of its line.
		end := imp.End()
		if line := tf.Line(end); line < tf.LineCount() {
			end = tf.LineStart(line + 1)
		}
		start := imp.Pos()
		for _, d := range file.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT && !gd.Lparen.IsValid() && gd.Specs[0] == imp {
				start = gd.Pos()
			}
		}
		edits = append(edits, analysis.TextEdit{Pos: start, End: end})
	}
	var add []string
	for _, pl := range plans {
		for _, path := range pl.imports {
			if !have[path] && !slices.Contains(add, path) {
				add = append(add, path)
			}
		}
	}
	if len(add) == 0 {
		return edits
	}
	slices.Sort(add)
	// Into the first import block, right after its parenthesis, or as new
	// declarations after the package clause: no deletion overlaps either.
	var text strings.Builder
	at := file.Name.End()
	for _, d := range file.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT || !gd.Lparen.IsValid() {
			continue
		}
		var std []string
		for _, path := range add {
			if path != rootModule {
				fmt.Fprintf(&text, "\n\t%q", path)
				std = append(std, path)
			}
		}
		edits = append(edits, analysis.TextEdit{Pos: gd.Lparen + 1, End: gd.Lparen + 1, NewText: []byte(text.String())})
		if len(std) == len(add) {
			return edits
		}
		// redisconfig joins the first group of non-standard imports.
		at, line := gd.Lparen+1, fmt.Sprintf("\n\t%q", rootModule)
		for _, spec := range gd.Specs {
			if path, _ := strconv.Unquote(spec.(*ast.ImportSpec).Path.Value); strings.Contains(strings.Split(path, "/")[0], ".") {
				at, line = spec.Pos(), fmt.Sprintf("%q\n\t", rootModule)
				break
			}
		}
		return append(edits, analysis.TextEdit{Pos: at, End: at, NewText: []byte(line)})
	}
	for _, path := range add {
		fmt.Fprintf(&text, "\nimport %q", path)
	}
	return append(edits, analysis.TextEdit{Pos: at, End: at, NewText: []byte("\n" + text.String())})
}

// universalAs is the options type NewUniversalClient turns a
// UniversalOptions literal into, when its constants decide it; otherwise
// it says why the client is chosen only at run time.
func (p *pass) universalAs(vals map[string]ast.Expr) (string, string) {
	flag := func(name string) (on, known bool) {
		v, ok := vals[name]
		if !ok {
			return false, true
		}
		c := p.constant(v)
		if c == nil || c.Kind() != constant.Bool {
			return false, false
		}
		return constant.BoolVal(c), true
	}
	if v, ok := vals["MasterName"]; ok {
		s, isConst := p.constString(v)
		if !isConst {
			return "", "MasterName: NewUniversalClient makes a sentinel client only when it is not empty, which this value shows only at run time; use FailoverOptions or Options"
		}
		if s != "" {
			for _, name := range []string{"RouteByLatency", "RouteRandomly", "IsClusterMode"} {
				switch on, known := flag(name); {
				case !known:
					return "", name + ": its run-time value picks between NewFailoverClient and NewFailoverClusterClient"
				case on:
					return "", name + ": with MasterName, NewUniversalClient makes a NewFailoverClusterClient, which redisconfig has no builder for"
				}
			}
			return "FailoverOptions", ""
		}
	}
	switch on, known := flag("IsClusterMode"); {
	case !known:
		return "", "IsClusterMode: its run-time value picks between a cluster and a standalone client"
	case on:
		return "ClusterOptions", ""
	}
	v, ok := vals["Addrs"]
	if !ok {
		return "Options", ""
	}
	lit, ok := ast.Unparen(v).(*ast.CompositeLit)
	if !ok {
		return "", "Addrs: " + noSetter["Addrs"]
	}
	if len(lit.Elts) > 1 {
		return "ClusterOptions", ""
	}
	return "Options", ""
}

// asUniversal renames a UniversalOptions literal's fields to those of the
// options type NewUniversalClient passes them on in. A field that type has
// no room for is dropped when it holds its zero value; otherwise the
// client ignores a setting the code asks for, and there is no fix.
func (p *pass) asUniversal(lit *ast.CompositeLit, as string, vals map[string]ast.Expr, order []string) (map[string]ast.Expr, []string, string) {
	t := p.TypesInfo.TypeOf(lit)
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	obj, _ := t.(*types.Named).Obj().Pkg().Scope().Lookup(as).(*types.TypeName)
	if obj == nil {
		return nil, nil, "the go-redis package has no " + as
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		return nil, nil, "the go-redis package has no " + as
	}
	has := func(name string) bool {
		for i := range st.NumFields() {
			if st.Field(i).Name() == name {
				return true
			}
		}
		return false
	}
	client := map[string]string{"Options": "standalone", "ClusterOptions": "cluster", "FailoverOptions": "sentinel"}[as]
	out := map[string]ast.Expr{}
	var names []string
	for _, name := range order {
		v := vals[name]
		to, renamed := universalFields[as][name]
		if !renamed {
			to = name
		}
		switch {
		case name == "IsClusterMode" || name == "MasterName" && as != "FailoverOptions":
			continue // they chose the client, as universalAs read them
		case name == "Addrs" && as == "Options":
			elts := ast.Unparen(v).(*ast.CompositeLit).Elts
			if len(elts) == 0 {
				continue
			}
			if _, keyed := elts[0].(*ast.KeyValueExpr); keyed {
				return nil, nil, "Addrs: an indexed list literal; write the address alone"
			}
			v = elts[0]
		}
		if !has(to) {
			if isZero(p.constant(v)) {
				continue
			}
			return nil, nil, name + ": NewUniversalClient makes a " + client + " client here, which ignores it; remove it"
		}
		out[to] = v
		names = append(names, to)
	}
	return out, names, ""
}
