package redisconfiglint

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"sort"
	"strings"
)

// Inventory is the analyzer's result for one package: every place that
// makes a go-redis client or options, in source order.
type Inventory struct {
	Sites []Site `json:"sites"`
}

// Site is one hand-written go-redis set-up.
type Site struct {
	Pos      string  `json:"pos"`      // file:line:column
	Kind     string  `json:"kind"`     // what builds it: "NewClient", "Options literal", "ParseURL", ...
	Topology string  `json:"topology"` // standalone, cluster, sentinel, sentinel-cluster, universal or ring
	GoRedis  string  `json:"goRedis"`  // the go-redis import path
	Fields   []Field `json:"fields"`   // every field set, in source order
	Fix      bool    `json:"fix"`      // a complete SuggestedFix replaces it with the builder
	NoFix    string  `json:"noFix,omitempty"`
}

// Field is one option set at a site and where its value comes from.
type Field struct {
	Name   string `json:"name"`
	Source string `json:"source"` // literal, env, field, call or other
	Detail string `json:"detail,omitempty"`
}

// Value sources.
const (
	srcLiteral = "literal"
	srcEnv     = "env"
	srcField   = "field"
	srcCall    = "call"
	srcOther   = "other"
)

// shape is what a site has in common with its duplicates: the same
// constructor and the same fields from the same kinds of source.
func (s Site) shape() string {
	parts := []string{s.Kind, s.GoRedis}
	for _, f := range s.Fields {
		parts = append(parts, f.Name+"="+f.Source)
	}
	return strings.Join(parts, " ")
}

// Summary is the short text report: the number of sites, then the groups
// of sites that differ only in their values (what a migration removes), then
// the rest.
func Summary(sites []Site) string {
	groups := map[string][]Site{}
	var order []string
	for _, s := range sites {
		k := s.shape()
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
	}
	sort.SliceStable(order, func(i, j int) bool { return len(groups[order[i]]) > len(groups[order[j]]) })
	fixed := 0
	for _, s := range sites {
		if s.Fix {
			fixed++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d go-redis set-ups, %d with a complete fix, %d distinct shapes\n", len(sites), fixed, len(order))
	for _, k := range order {
		g := groups[k]
		s := g[0]
		var fields []string
		for _, f := range s.Fields {
			fields = append(fields, f.Name+"("+f.Source+")")
		}
		fmt.Fprintf(&b, "\n%d× %s %s [%s]\n", len(g), s.Kind, s.Topology, strings.Join(fields, " "))
		for _, s := range g {
			fmt.Fprintf(&b, "\t%s\n", s.Pos)
		}
	}
	return b.String()
}

// source says where the value of e comes from. envVars holds the local
// variables assigned from os.Getenv or os.LookupEnv, by variable.
func source(info *types.Info, e ast.Expr, envVars map[types.Object]string, secret bool) (kind, detail string) {
	e = ast.Unparen(e)
	if tv, ok := info.Types[e]; ok && tv.Value != nil {
		if secret {
			return srcLiteral, "[redacted]"
		}
		if tv.Value.Kind() == constant.String {
			return srcLiteral, constant.StringVal(tv.Value)
		}
		return srcLiteral, tv.Value.ExactString()
	}
	if name, ok := getenvName(info, e); ok {
		return srcEnv, name
	}
	switch e := e.(type) {
	case *ast.Ident:
		if name, ok := envVars[info.Uses[e]]; ok {
			return srcEnv, name
		}
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[e]; ok && sel.Kind() == types.FieldVal {
			return srcField, types.ExprString(e)
		}
	case *ast.CallExpr:
		return srcCall, types.ExprString(e.Fun)
	case *ast.CompositeLit, *ast.UnaryExpr:
		if _, lit := ast.Unparen(e).(*ast.CompositeLit); lit || isAddrOfLit(e) {
			return srcLiteral, types.ExprString(e)
		}
	}
	return srcOther, types.ExprString(e)
}

func isAddrOfLit(e ast.Expr) bool {
	u, ok := e.(*ast.UnaryExpr)
	if !ok {
		return false
	}
	_, ok = ast.Unparen(u.X).(*ast.CompositeLit)
	return ok
}

// getenvName reports whether e is os.Getenv("NAME") with a constant name,
// and the name ("?" when it is not constant).
func getenvName(info *types.Info, e ast.Expr) (string, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || !isFunc(info, call, "os", "Getenv", "LookupEnv") {
		return "", false
	}
	if tv := info.Types[call.Args[0]]; tv.Value != nil && tv.Value.Kind() == constant.String {
		return constant.StringVal(tv.Value), true
	}
	return "?", true
}

// isFunc reports whether call calls the package-level function pkg.name
// (one of names).
func isFunc(info *types.Info, call *ast.CallExpr, pkg string, names ...string) bool {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return false
	}
	fn, ok := info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != pkg || fn.Type().(*types.Signature).Recv() != nil {
		return false
	}
	for _, n := range names {
		if fn.Name() == n {
			return true
		}
	}
	return false
}

// envVariables finds the local variables a file assigns from os.Getenv or
// os.LookupEnv (the first result), so that a value read through one still
// counts as coming from the environment.
func envVariables(info *types.Info, file *ast.File) map[types.Object]string {
	vars := map[types.Object]string{}
	note := func(lhs []ast.Expr, rhs []ast.Expr) {
		if len(rhs) != 1 || len(lhs) == 0 {
			return
		}
		name, ok := getenvName(info, rhs[0])
		if !ok {
			return
		}
		if id, ok := lhs[0].(*ast.Ident); ok {
			obj := info.Defs[id]
			if obj == nil {
				obj = info.Uses[id]
			}
			if obj != nil {
				vars[obj] = name
			}
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			note(n.Lhs, n.Rhs)
		case *ast.ValueSpec:
			lhs := make([]ast.Expr, len(n.Names))
			for i, id := range n.Names {
				lhs[i] = id
			}
			note(lhs, n.Values)
		}
		return true
	})
	return vars
}
