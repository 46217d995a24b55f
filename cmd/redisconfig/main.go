// Command redisconfig shows which Redis configuration a service resolves,
// where each value came from, and what happens when it connects.
//
//	redisconfig print [--service NAME] [--environment ENV] [--json] [--embedded]
//	redisconfig check [--service NAME] [--environment ENV] [--timeout D] [--json] [--embedded]
//
// It reads ENVIRONMENT and the REDIS_* variables exactly as the library does
// for a service. --embedded starts an in-memory Redis and points the
// configuration at it, so the whole flow runs with no server. Secrets never
// appear in its output.
//
// Exit status: 0 when the configuration is valid (print) or Redis is
// healthy (check), 1 when not, 2 for a usage error.
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
  print   resolve the configuration and show every setting with its source
  check   resolve, connect, and report health or what failed

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
	fs := flag.NewFlagSet("redisconfig "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	service := fs.String("service", "", "service `name`: read NAME_REDIS_* before REDIS_*")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	embedded := fs.Bool("embedded", false, "start an in-memory Redis and point the configuration at it")
	environment := fs.String("environment", "", "the `environment` (development, test, staging, production): overrides ENVIRONMENT")
	var timeout *time.Duration
	switch cmd {
	case "print":
		fs.Usage = func() {
			fmt.Fprintln(stderr, "usage: redisconfig print [--service NAME] [--environment ENV] [--json] [--embedded]")
			fmt.Fprintln(stderr, "\nResolve the configuration from ENVIRONMENT and REDIS_* and print every setting, its value and its source.")
			fs.PrintDefaults()
		}
	case "check":
		timeout = fs.Duration("timeout", 0, "bound the start-up check (default: the environment's REDIS_CONNECT_TIMEOUT)")
		fs.Usage = func() {
			fmt.Fprintln(stderr, "usage: redisconfig check [--service NAME] [--environment ENV] [--timeout D] [--json] [--embedded]")
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
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "redisconfig %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return 2
	}

	b := redisconfig.New()
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
		fmt.Fprintln(stderr, "redisconfig: the configuration is invalid:")
		fmt.Fprintln(stderr, indent(err.Error()))
		return 1
	}
	if cmd == "print" {
		return printConfig(cfg, *asJSON, stdout)
	}
	return check(ctx, cfg, *asJSON, stdout, stderr)
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
	for _, r := range info.Relaxed {
		fmt.Fprintf(stdout, "relaxed rule %s: %s\n", r.Rule, r.Reason)
	}
	for _, w := range info.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	return 0
}

type checkReport struct {
	Config  redisconfig.DebugInfo `json:"config"`
	Connect *connectFailure       `json:"connect_error,omitempty"`
	Health  *redisconfig.Health   `json:"health,omitempty"`
	Healthy bool                  `json:"healthy"`
}

type connectFailure struct {
	Error     string                `json:"error"`
	Diagnosis redisconfig.Diagnosis `json:"diagnosis"`
}

func check(ctx context.Context, cfg *redisconfig.Config, asJSON bool, stdout, stderr io.Writer) int {
	report := checkReport{Config: cfg.DebugInfo()}
	client, err := cfg.Connect(ctx)
	if err != nil {
		var ce *redisconfig.ConnectError
		if !errors.As(err, &ce) {
			fmt.Fprintf(stderr, "redisconfig: %v\n", err)
			return 1
		}
		// The diagnosis has lines of its own: the error line adds only
		// the cause.
		report.Connect = &connectFailure{Error: ce.Cause(), Diagnosis: ce.Diagnosis}
	} else {
		defer client.Close()
		h := cfg.Check(ctx, client)
		report.Health = &h
		report.Healthy = h.Up()
	}
	if asJSON {
		writeJSON(stdout, report)
	} else {
		writeCheck(stdout, cfg, report)
	}
	if !report.Healthy {
		return 1
	}
	return 0
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
	if h.Diagnosis != nil {
		fmt.Fprintf(w, "problem:     %s\n", h.Diagnosis)
	}
	for _, warn := range append(h.Warnings, r.Config.Warnings...) {
		fmt.Fprintf(w, "warning:     %s\n", warn)
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
