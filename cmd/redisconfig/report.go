package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redisconfig/redisconfig"
)

// Exit statuses, the same for every command, so that a CI gate or a
// readiness probe can tell what went wrong.
const (
	exitOK        = 0 // valid, healthy, in agreement
	exitInvalid   = 1 // the configuration is invalid (Build failed)
	exitUsage     = 2 // a usage error: unknown command, bad flag or argument
	exitUnhealthy = 3 // Redis is unreachable or unhealthy (check)
	exitDiffer    = 4 // the two configurations disagree (compare)
)

// problem is one error from Build, as JSON shows it.
type problem struct {
	Setting string `json:"setting,omitempty"`
	Source  string `json:"source,omitempty"`
	Problem string `json:"problem"`
	Kind    string `json:"kind"`
}

// invalidReport is what --json prints for a configuration that does not
// build: every error and every warning, together.
type invalidReport struct {
	Valid    bool      `json:"valid"`
	Errors   []problem `json:"errors"`
	Warnings []string  `json:"warnings"`
}

func kindName(err error) string {
	switch {
	case errors.Is(err, redisconfig.ErrConflict):
		return "conflict"
	case errors.Is(err, redisconfig.ErrMissing):
		return "missing"
	case errors.Is(err, redisconfig.ErrRule):
		return "rule"
	case errors.Is(err, redisconfig.ErrInvalidValue):
		return "invalid_value"
	}
	return "error"
}

// newInvalidReport takes a Build error apart. Its parts never hold a
// secret (the library's contract).
func newInvalidReport(err error) invalidReport {
	r := invalidReport{Errors: []problem{}, Warnings: []string{}}
	for _, e := range redisconfig.Errors(err) {
		r.Errors = append(r.Errors, problem{Setting: e.Setting, Source: e.Source, Problem: e.Problem, Kind: kindName(e)})
	}
	if len(r.Errors) == 0 {
		r.Errors = append(r.Errors, problem{Problem: err.Error(), Kind: kindName(err)})
	}
	var be *redisconfig.BuildError
	if errors.As(err, &be) {
		r.Warnings = append(r.Warnings, be.Warnings...)
	}
	return r
}

// reportInvalid prints a Build error: as JSON on stdout with --json, else
// as text on stderr (errors, then warnings). It returns exitInvalid.
func reportInvalid(err error, asJSON bool, stdout, stderr io.Writer) int {
	if asJSON {
		writeJSON(stdout, newInvalidReport(err))
		return exitInvalid
	}
	fmt.Fprintln(stderr, "redisconfig: the configuration is invalid:")
	fmt.Fprintln(stderr, indent(err.Error()))
	return exitInvalid
}

// stringList is a flag that may be given more than once.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// commands are the commands besides print and check, each in its own file.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"compare": runCompare,
	"vars": func(_ context.Context, args []string, stdout, stderr io.Writer) int {
		return runVars(args, stdout, stderr)
	},
	"init": func(_ context.Context, args []string, stdout, stderr io.Writer) int {
		return runInit(args, stdout, stderr)
	},
	"version": func(_ context.Context, args []string, stdout, stderr io.Writer) int {
		return runVersion(args, stdout, stderr)
	},
	"lint": runLint, // lint.go
}
