// Package command is the redisconfig-lint command, shared by the
// redisconfig-lint binary and `redisconfig lint`, so both take the same
// flags and behave the same.
package command

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

// Main runs the command with args (without the program's name) and exits:
// the inventory with -inventory, otherwise the standard analysis checker
// (singlechecker), whose -fix, -diff, -json, -test and the vet and go fix
// tool protocols then apply. name is the program's name for usage messages.
func Main(name string, args []string) {
	if !slices.Contains(args, "-inventory") && !slices.Contains(args, "--inventory") {
		// The checker reads its flags and patterns from os.Args.
		os.Args = append([]string{name}, args...)
		singlechecker.Main(redisconfiglint.Analyzer)
		return
	}
	if err := inventory(args, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
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
