package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/redisconfig/redisconfig"
)

const varsUsage = `usage: redisconfig vars [--format text|markdown|json] [--json] [--environment ENV] [--preset NAME]

List every variable redisconfig reads, what it means, its default in each
environment (or in one, with --environment) and the value each provider
preset (REDIS_PROVIDER) sets instead. With --preset the defaults shown are
those under that preset (text: marked *; JSON: "presets" keeps only that
preset's values). --format markdown prints the README's table, which lists
every preset; --json is --format json.
`

func runVars(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("redisconfig vars", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "`text`, markdown or json")
	asJSON := fs.Bool("json", false, "print JSON (same as --format json)")
	environment := fs.String("environment", "", "show the defaults of this `environment` only")
	preset := fs.String("preset", "", "show the defaults under this provider `preset` (REDIS_PROVIDER)")
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
	if *preset != "" {
		if !slices.Contains(redisconfig.Providers(), redisconfig.Provider(*preset)) {
			fmt.Fprintf(stderr, "redisconfig vars: --preset %q is not a preset; use one of %s\n", *preset, presetNames())
			return exitUsage
		}
		if *format == "markdown" || *format == "md" {
			fmt.Fprintln(stderr, "redisconfig vars: --preset works with text and json; --format markdown is the README's table, which lists every preset")
			return exitUsage
		}
	}
	vars := redisconfig.Variables()
	switch *format {
	case "json":
		for i := range vars {
			if *environment != "" {
				vars[i].Defaults = map[string]string{envs[0]: vars[i].Defaults[envs[0]]}
			}
			if *preset != "" {
				vars[i].Presets = onlyPreset(vars[i].Presets, *preset)
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
			byPreset, set := v.Presets[*preset]
			for _, e := range envs {
				d := v.Defaults[e]
				switch {
				case set:
					d = byPreset + "*"
				case d == "":
					d = "-"
				}
				row += "\t" + d
			}
			fmt.Fprintln(tw, row+"\t"+v.Meaning)
			if s := v.PresetSummary(); s != "" && *preset == "" {
				// A second line under the meaning: a column of its own
				// would widen every row for the five variables presets
				// change.
				fmt.Fprintln(tw, strings.Repeat("\t", len(envs)+2)+"presets: "+s)
			}
		}
		_ = tw.Flush()
		fmt.Fprintln(stdout, "\n-: go-redis's default. With --service NAME (print, check), NAME_REDIS_* is read before REDIS_*.")
		switch *preset {
		case "":
			fmt.Fprintln(stdout, "presets: the value a provider preset (REDIS_PROVIDER) sets instead of the default, in every environment; --preset NAME shows one.")
		case string(redisconfig.ProviderOSS):
			fmt.Fprintln(stdout, "The oss preset (self-managed Redis or Valkey) changes no default.")
		default:
			fmt.Fprintf(stdout, "*: set by the %s preset (REDIS_PROVIDER=%s) in every environment; a variable or setter still wins.\n", *preset, *preset)
		}
	default:
		fmt.Fprintf(stderr, "redisconfig vars: --format must be text, markdown or json, got %q\n", *format)
		return exitUsage
	}
	return exitOK
}

// onlyPreset keeps one preset's entry, or nil.
func onlyPreset(m map[string]string, name string) map[string]string {
	if v, ok := m[name]; ok {
		return map[string]string{name: v}
	}
	return nil
}

// presetNames lists the presets for a usage error.
func presetNames() string {
	var names []string
	for _, p := range redisconfig.Providers() {
		names = append(names, string(p))
	}
	return strings.Join(names, ", ")
}
