package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/redisconfig/redisconfig"
)

// compareReport is what compare --json prints.
type compareReport struct {
	A           string                   `json:"a"`
	B           string                   `json:"b"`
	Agree       bool                     `json:"agree"`
	Differences []redisconfig.Difference `json:"differences"`
	// InvalidA and InvalidB hold a side's errors when it does not build.
	InvalidA *invalidReport `json:"invalid_a,omitempty"`
	InvalidB *invalidReport `json:"invalid_b,omitempty"`
}

const compareUsage = `usage: redisconfig compare [--environment ENV] [--json] SERVICE_A SERVICE_B
       redisconfig compare [--environment ENV] [--json] [--service NAME] --files FILE_A FILE_B

Build two configurations and compare the core parameters two services sharing
a Redis must agree on: topology, address (or cluster nodes, or sentinel master
and sentinels), database, TLS and server name, user name and password
(compared by hash, never shown).

SERVICE_A and SERVICE_B are service names read from the process environment
(AUTH_REDIS_* before REDIS_*; "-" for the generic REDIS_* alone). With --files
they are files in the .env dialect, each read as a whole configuration (any
environment, production included), never loaded into the process.

Exit status: 0 they agree, 4 they differ, 1 one does not build, 2 usage.
`

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("redisconfig compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	files := fs.Bool("files", false, "the two operands are .env-dialect files")
	service := fs.String("service", "", "with --files: the service `name` both files are read for")
	environment := fs.String("environment", "", "the `environment` for both: overrides ENVIRONMENT")
	fs.Usage = func() { fmt.Fprint(stderr, compareUsage); fs.PrintDefaults() }
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if refuseBlankFlags(fs, "compare", stderr, "service", "environment") {
		return exitUsage
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "redisconfig compare: give two services (or two files with --files), got %d\n", fs.NArg())
		return exitUsage
	}
	var env *redisconfig.Environment
	if *environment != "" {
		e, err := redisconfig.ParseEnvironment(*environment)
		if err != nil {
			fmt.Fprintf(stderr, "redisconfig compare: --environment %v\n", err)
			return exitUsage
		}
		env = &e
	}
	builder := func(operand string) (*redisconfig.Builder, error) {
		b := redisconfig.New()
		if *files {
			vars, err := redisconfig.ReadEnvFile(operand)
			if err != nil {
				return nil, err
			}
			b.WithEnv(vars).Service(*service)
		} else if operand != "-" {
			b.Service(operand)
		}
		if env != nil {
			b.Environment(*env)
		}
		return b, nil
	}
	report := compareReport{A: fs.Arg(0), B: fs.Arg(1), Differences: []redisconfig.Difference{}}
	build := func(operand string, invalid **invalidReport) *redisconfig.Config {
		b, err := builder(operand)
		var cfg *redisconfig.Config
		if err == nil {
			cfg, err = b.Build(ctx)
		}
		if err != nil {
			r := newInvalidReport(err)
			*invalid = &r
			if !*asJSON {
				fmt.Fprintf(stderr, "redisconfig compare: %s does not build:\n%s\n", operand, indent(err.Error()))
			}
		}
		return cfg
	}
	a, b := build(report.A, &report.InvalidA), build(report.B, &report.InvalidB)
	if a == nil || b == nil {
		if *asJSON {
			writeJSON(stdout, report)
		}
		return exitInvalid
	}
	report.Differences = append(report.Differences, redisconfig.Compare(a, b)...)
	report.Agree = len(report.Differences) == 0
	if *asJSON {
		writeJSON(stdout, report)
	} else if report.Agree {
		fmt.Fprintf(stdout, "%s and %s agree on topology, address, database, TLS, user name and password\n", report.A, report.B)
	} else {
		fmt.Fprintf(stdout, "%s and %s disagree:\n\n", report.A, report.B)
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "SETTING\t%s\t%s\tSOURCE (%s)\tSOURCE (%s)\n", report.A, report.B, report.A, report.B)
		for _, d := range report.Differences {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Setting, d.A, d.B, d.SourceA, d.SourceB)
		}
		_ = tw.Flush()
	}
	if !report.Agree {
		return exitDiffer
	}
	return exitOK
}

// parseFlags parses, answering --help with exit 0 and bad flags with 2.
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	return 0, false
}

// blankFlag names the first of the flags given on the command line with an
// empty or blank value ("--environment $ENV" with ENV unset), or "". The
// library refuses a set but empty ENVIRONMENT; a flag must not be quietly
// taken for "not given" instead.
func blankFlag(fs *flag.FlagSet, names ...string) string {
	found := ""
	fs.Visit(func(f *flag.Flag) {
		if found == "" && slices.Contains(names, f.Name) && strings.TrimSpace(f.Value.String()) == "" {
			found = f.Name
		}
	})
	return found
}

// flagGiven reports whether the flag was on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// refuseBlankFlags reports a blank flag as a usage error; true when it did.
func refuseBlankFlags(fs *flag.FlagSet, cmd string, stderr io.Writer, names ...string) bool {
	if name := blankFlag(fs, names...); name != "" {
		fmt.Fprintf(stderr, "redisconfig %s: --%s is given but empty; give a value or leave the flag out\n", cmd, name)
		return true
	}
	return false
}

// serviceProblem checks a service name as Builder.Service does, for the
// commands that use the name without building (init).
func serviceProblem(ctx context.Context, name string) string {
	_, err := redisconfig.New().WithEnv(map[string]string{}).Service(name).Build(ctx)
	for _, e := range redisconfig.Errors(err) {
		if e.Setting == "service" {
			return e.Problem
		}
	}
	return ""
}
