package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/redisconfig/redisconfig"
)

const varsUsage = `usage: redisconfig vars [--format text|markdown|json] [--json] [--environment ENV]

List every variable redisconfig reads, what it means and its default in each
environment (or in one, with --environment). --format markdown prints the
README's table; --json is --format json.
`

func runVars(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("redisconfig vars", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "`text`, markdown or json")
	asJSON := fs.Bool("json", false, "print JSON (same as --format json)")
	environment := fs.String("environment", "", "show the defaults of this `environment` only")
	fs.Usage = func() { fmt.Fprint(stderr, varsUsage); fs.PrintDefaults() }
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "redisconfig vars: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *asJSON {
		*format = "json"
	}
	envs := []string{"development", "test", "staging", "production"}
	if refuseBlankFlags(fs, "vars", stderr, "environment", "format") {
		return exitUsage
	}
	if *environment != "" {
		e, err := redisconfig.ParseEnvironment(*environment)
		if err != nil {
			fmt.Fprintf(stderr, "redisconfig vars: --environment %v\n", err)
			return exitUsage
		}
		envs = []string{e.String()}
	}
	vars := redisconfig.Variables()
	switch *format {
	case "json":
		if *environment != "" {
			for i := range vars {
				vars[i].Defaults = map[string]string{envs[0]: vars[i].Defaults[envs[0]]}
			}
		}
		writeJSON(stdout, vars)
	case "markdown", "md":
		fmt.Fprint(stdout, redisconfig.VariablesMarkdown())
	case "text":
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		header := "VARIABLE\tSETTING"
		for _, e := range envs {
			header += "\t" + strings.ToUpper(e)
		}
		fmt.Fprintln(tw, header+"\tMEANING")
		for _, v := range vars {
			name := v.Name
			if name == "" {
				name = "(" + v.Code + ")"
			}
			for _, extra := range []string{v.Alias, v.File} {
				if extra != "" {
					name += ", " + extra
				}
			}
			row := name + "\t" + v.Setting
			for _, e := range envs {
				d := v.Defaults[e]
				if d == "" {
					d = "-"
				}
				row += "\t" + d
			}
			fmt.Fprintln(tw, row+"\t"+v.Meaning)
		}
		_ = tw.Flush()
		fmt.Fprintln(stdout, "\n-: go-redis's default. With --service NAME (print, check), NAME_REDIS_* is read before REDIS_*.")
	default:
		fmt.Fprintf(stderr, "redisconfig vars: --format must be text, markdown or json, got %q\n", *format)
		return exitUsage
	}
	return exitOK
}
