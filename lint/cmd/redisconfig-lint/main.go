// Command redisconfig-lint finds hand-written go-redis set-ups and suggests
// the redisconfig builder instead.
//
//	redisconfig-lint ./...                   report (codes RCL001-RCL008)
//	redisconfig-lint -fix ./...              apply every complete fix
//	redisconfig-lint -diff ./...             show the fixes as a diff
//	redisconfig-lint -json ./...             the diagnostics as JSON
//	redisconfig-lint -inventory ./...        a summary of every site, duplicates grouped
//	redisconfig-lint -inventory -json ./...  the inventory as JSON
//	go vet -vettool=$(which redisconfig-lint) ./...
//	go fix -fixtool=$(which redisconfig-lint) ./...
//
// Without -inventory it is a standard analysis checker (singlechecker), so
// every flag of go vet's analysis drivers works.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/singlechecker"
	"golang.org/x/tools/go/packages"

	"github.com/redisconfig/redisconfig/lint"
)

func main() {
	if !slices.Contains(os.Args[1:], "-inventory") && !slices.Contains(os.Args[1:], "--inventory") {
		singlechecker.Main(redisconfiglint.Analyzer)
		return
	}
	if err := inventory(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "redisconfig-lint:", err)
		os.Exit(1)
	}
}

// inventory loads the packages, runs the analyzer and prints every site.
func inventory(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("redisconfig-lint -inventory", flag.ContinueOnError)
	fs.Bool("inventory", true, "print the inventory of go-redis set-ups")
	asJSON := fs.Bool("json", false, "print the inventory as JSON")
	tests := fs.Bool("test", true, "include test packages")
	redisconfiglint.Analyzer.Flags.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	if err := fs.Parse(args); err != nil {
		return err
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	cfg := &packages.Config{Mode: packages.LoadSyntax | packages.NeedModule, Tests: *tests}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return err
	}
	if n := packages.PrintErrors(pkgs); n > 0 {
		return fmt.Errorf("%d errors loading packages", n)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{redisconfiglint.Analyzer}, pkgs, nil)
	if err != nil {
		return err
	}
	wd, _ := os.Getwd()
	seen := map[string]bool{}
	sites := []redisconfiglint.Site{}
	for _, act := range graph.Roots {
		if act.Err != nil {
			return act.Err
		}
		for _, s := range act.Result.(*redisconfiglint.Inventory).Sites {
			if seen[s.Pos] { // a package and its test variant share files
				continue
			}
			seen[s.Pos] = true
			if rel, err := filepath.Rel(wd, s.Pos); err == nil && !strings.HasPrefix(rel, "..") {
				s.Pos = rel
			}
			sites = append(sites, s)
		}
	}
	slices.SortFunc(sites, func(a, b redisconfiglint.Site) int { return strings.Compare(a.Pos, b.Pos) })
	if *asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(redisconfiglint.Inventory{Sites: sites})
	}
	_, err = io.WriteString(w, redisconfiglint.Summary(sites))
	return err
}
