// Command redisconfig shows which Redis configuration a service resolves,
// where each value came from, and what happens when it connects.
//
//	redisconfig print [--service NAME] [--environment ENV] [--env-file F] [--json] [--embedded]
//	redisconfig check [--service NAME] [--environment ENV] [--env-file F] [--timeout D] [--json] [--embedded]
//	redisconfig compare [--environment ENV] [--json] SERVICE_A SERVICE_B
//	redisconfig compare [--json] [--service NAME] --files FILE_A FILE_B
//	redisconfig vars [--format text|markdown|json] [--environment ENV] [--preset NAME]
//	redisconfig init [--service NAME] [--environment development|test]
//	redisconfig version [--json]
//	redisconfig lint [-fix|-diff|-json|-inventory] [packages]
//
// It reads ENVIRONMENT and the REDIS_* variables exactly as the library does
// for a service. --embedded starts an in-memory Redis and points the
// configuration at it, so the whole flow runs with no server. Secrets never
// appear in its output. lint is redisconfig-lint (the lint module's
// command) with the same flags.
//
// Exit status, the same for every command but lint: 0 valid, healthy, in
// agreement; 1 the configuration is invalid; 2 a usage error; 3 Redis is
// unreachable or unhealthy (check); 4 two configurations disagree
// (compare). With --json an invalid configuration prints its errors and
// warnings as JSON on stdout. lint exits as the analysis checker does: 0
// nothing found, 1 the packages did not load, 3 diagnostics reported.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"

	// The cloud identity methods, so that REDIS_AUTH=gcp-iam, aws-iam or
	// azure-entra works with this command as with a service that links one.
	_ "github.com/redisconfig/redisconfig/auth/aws"
	_ "github.com/redisconfig/redisconfig/auth/azure"
	_ "github.com/redisconfig/redisconfig/auth/gcp"
)

func main() {
	// go-redis logs each failed dial itself; this command reports failures
	// once, diagnosed, so its log would only repeat them.
	redis.SetLogger(quietLogger{})
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

const usage = `usage: redisconfig <command> [flags]

commands:
  print    resolve the configuration and show every setting with its source
  check    resolve, connect, and report health or what failed
  compare  compare two services (or two env files) on the parameters they must share
  vars     list every variable, its meaning and its default per environment and preset
  init     print a commented starting .env for a service
  version  print this command's version and the go-redis it was built with
  lint     find hand-written go-redis set-ups in Go packages and suggest the builder
           (redisconfig-lint: -fix, -diff, -json, -inventory; 'redisconfig lint -help')

exit status: 0 ok, 1 invalid configuration, 2 usage, 3 Redis unreachable or
unhealthy, 4 configurations disagree (lint: 1 packages did not load,
3 diagnostics reported).

Run 'redisconfig <command> --help' for the command's flags.
`

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, args := args[0], args[1:]
	if run, ok := commands[cmd]; ok { // report.go
		return run(ctx, args, stdout, stderr)
	}
	fs := flag.NewFlagSet("redisconfig "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	service := fs.String("service", "", "service `name`: read NAME_REDIS_* before REDIS_*")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	embedded := fs.Bool("embedded", false, "start an in-memory Redis and point the configuration at it")
	environment := fs.String("environment", "", "the `environment` (development, test, staging, production): overrides ENVIRONMENT")
	var envFiles stringList
	fs.Var(&envFiles, "env-file", "read a .env `file` below the real variables (development and test only; repeatable)")
	var timeout *time.Duration
	switch cmd {
	case "print":
		fs.Usage = func() {
			fmt.Fprintln(stderr, "usage: redisconfig print [--service NAME] [--environment ENV] [--env-file F] [--json] [--embedded]")
			fmt.Fprintln(stderr, "\nResolve the configuration from ENVIRONMENT and REDIS_* and print every setting, its value and its source.")
			fs.PrintDefaults()
		}
	case "check":
		timeout = fs.Duration("timeout", 0, "bound the start-up check (default: the environment's REDIS_CONNECT_TIMEOUT)")
		fs.Usage = func() {
			fmt.Fprintln(stderr, "usage: redisconfig check [--service NAME] [--environment ENV] [--env-file F] [--timeout D] [--json] [--embedded]")
			fmt.Fprintln(stderr, "\nResolve the configuration, connect, and report health, or what failed and how to fix it.")
			fs.PrintDefaults()
		}
	default:
		fmt.Fprintf(stderr, "redisconfig: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "redisconfig %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return 2
	}
	if refuseBlankFlags(fs, cmd, stderr, "service", "environment", "env-file") {
		return exitUsage
	}
	if timeout != nil && *timeout <= 0 && flagGiven(fs, "timeout") {
		// Zero or less would quietly mean "the default".
		fmt.Fprintf(stderr, "redisconfig %s: --timeout must be a positive duration such as 2s, got %s\n", cmd, *timeout)
		return exitUsage
	}

	b := redisconfig.New().DotEnv(envFiles...)
	if *service != "" {
		b.Service(*service)
	}
	if *environment != "" {
		e, err := redisconfig.ParseEnvironment(*environment)
		if err != nil {
			fmt.Fprintf(stderr, "redisconfig %s: --environment %v\n", cmd, err)
			return 2
		}
		b.Environment(e)
	}
	if *embedded {
		srv, err := miniredis.Run()
		if err != nil {
			fmt.Fprintf(stderr, "redisconfig: start the in-memory Redis: %v\n", err)
			return 1
		}
		defer srv.Close()
		fmt.Fprintf(stderr, "embedded: started an in-memory Redis at %s (development rules)\n", srv.Addr())
		if ignored := redisVariables(os.Environ()); len(ignored) > 0 {
			fmt.Fprintf(stderr, "embedded: ignoring the shell's %s\n", strings.Join(ignored, ", "))
		}
		b.WithEnv(map[string]string{}).Environment(redisconfig.Development).Connection().Addr(srv.Addr())
	}
	if timeout != nil && *timeout > 0 {
		b.Monitoring().ConnectTimeout(*timeout)
	}

	cfg, err := b.Build(ctx)
	if err != nil {
		return reportInvalid(err, *asJSON, stdout, stderr) // report.go
	}
	if cmd == "print" {
		return printConfig(cfg, *asJSON, stdout)
	}
	return check(ctx, cfg, *asJSON, *embedded, stdout, stderr)
}

func printConfig(cfg *redisconfig.Config, asJSON bool, stdout io.Writer) int {
	info := cfg.DebugInfo()
	if asJSON {
		writeJSON(stdout, info)
		return 0
	}
	fmt.Fprintf(stdout, "environment: %s   topology: %s   address: %s\n", info.Environment, info.Topology, info.Addr)
	if info.Service != "" {
		fmt.Fprintf(stdout, "service:     %s\n", info.Service)
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE")
	for _, s := range info.Settings {
		if !s.Set {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Value, s.Source)
	}
	_ = tw.Flush()
	fmt.Fprintln(stdout, "\nAll other settings: go-redis defaults.")
	fmt.Fprintf(stdout, "connections per node at most: %s\n", info.ConnectionCeiling)
	for _, r := range info.Relaxed {
		fmt.Fprintf(stdout, "relaxed rule %s: %s\n", r.Rule, r.Reason)
	}
	for _, w := range info.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	for _, n := range info.Notes { // issue 14
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	return 0
}

type checkReport struct {
	Config  redisconfig.DebugInfo `json:"config"`
	Connect *connectFailure       `json:"connect_error,omitempty"`
	Health  *redisconfig.Health   `json:"health,omitempty"`
	Healthy bool                  `json:"healthy"`
	Server  *serverFacts          `json:"server,omitempty"` // issue 14: suggest.go
}

type connectFailure struct {
	Error     string                `json:"error"`
	Diagnosis redisconfig.Diagnosis `json:"diagnosis"`
}

func check(ctx context.Context, cfg *redisconfig.Config, asJSON, embedded bool, stdout, stderr io.Writer) int {
	report := checkReport{Config: cfg.DebugInfo()}
	client, err := cfg.Connect(ctx)
	if err != nil {
		var ce *redisconfig.ConnectError
		if !errors.As(err, &ce) {
			fmt.Fprintf(stderr, "redisconfig: %v\n", err)
			return exitUnhealthy
		}
		// The diagnosis has lines of its own: the error line adds only
		// the cause.
		report.Connect = &connectFailure{Error: ce.Cause(), Diagnosis: ce.Diagnosis}
	} else {
		defer client.Close()
		h := cfg.Check(ctx, client)
		report.Health = &h
		report.Healthy = h.Up()
		// The in-memory server of --embedded is no deployment to suggest
		// settings for (it has no version, SETINFO or CONFIG).
		if report.Healthy && !embedded {
			report.Server = inspect(ctx, cfg) // suggest.go
		}
	}
	if asJSON {
		writeJSON(stdout, report)
	} else {
		writeCheck(stdout, cfg, report)
	}
	if !report.Healthy {
		return exitUnhealthy
	}
	return exitOK
}

func writeCheck(w io.Writer, cfg *redisconfig.Config, r checkReport) {
	fmt.Fprintf(w, "redis:       %s\n", r.Config.Addr)
	fmt.Fprintf(w, "environment: %s   topology: %s\n", r.Config.Environment, r.Config.Topology)
	if r.Connect != nil {
		fmt.Fprintf(w, "status:      DOWN (%s)\n", r.Connect.Diagnosis.Category)
		fmt.Fprintf(w, "problem:     %s\n", r.Connect.Diagnosis.Summary)
		if r.Connect.Diagnosis.Fix != "" {
			fmt.Fprintf(w, "fix:         %s\n", r.Connect.Diagnosis.Fix)
		}
		fmt.Fprintf(w, "error:       %s\n", r.Connect.Error)
		return
	}
	h := r.Health
	status := "UP"
	if !h.Up() {
		status = "DOWN"
	}
	fmt.Fprintf(w, "status:      %s   latency: %s\n", status, h.Latency)
	if h.ServerVersion != "" {
		fmt.Fprintf(w, "server:      redis %s, role %s\n", h.ServerVersion, h.Role)
	}
	if h.ClusterState != "" {
		fmt.Fprintf(w, "cluster:     %s\n", h.ClusterState)
	}
	if h.TLS != nil {
		fmt.Fprintf(w, "tls:         %s, %s, certificate expires %s\n", h.TLS.Version, h.TLS.Cipher, h.TLS.CertExpiry.UTC().Format(time.DateOnly))
	} else if cfg.Options() != nil && cfg.Options().TLSConfig == nil {
		fmt.Fprintln(w, "tls:         off")
	}
	fmt.Fprintf(w, "pool:        %d connections, %d idle, %d timeouts\n", h.Pool.TotalConns, h.Pool.IdleConns, h.Pool.Timeouts)
	if p := h.Pool.Pipeline; p != nil {
		fmt.Fprintf(w, "pipelines:   %d connections, %d idle, %d timeouts (go-redis's pipeline pool)\n", p.TotalConns, p.IdleConns, p.Timeouts)
	} else {
		fmt.Fprintln(w, "pipelines:   no pipeline pool (pipelines share the pool)")
	}
	if c := r.Config.ConnectionCeiling; c != "" && c[0] >= '0' && c[0] <= '9' {
		fmt.Fprintf(w, "ceiling:     %s connections per node\n", c)
	} else {
		fmt.Fprintf(w, "ceiling:     %s\n", c)
	}
	if h.Diagnosis != nil {
		fmt.Fprintf(w, "problem:     %s\n", h.Diagnosis)
	}
	writeServer(w, r.Server) // issue 14: suggest.go
	for _, warn := range append(h.Warnings, r.Config.Warnings...) {
		fmt.Fprintf(w, "warning:     %s\n", warn)
	}
	for _, n := range r.Config.Notes { // issue 14
		fmt.Fprintf(w, "note:        %s\n", n)
	}
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// redisVariables names the variables --embedded leaves aside: ENVIRONMENT
// and every *REDIS_* variable (service-prefixed ones too), sorted.
func redisVariables(environ []string) []string {
	var names []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if name == "ENVIRONMENT" || strings.HasPrefix(name, "REDIS_") || strings.Contains(name, "_REDIS_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
