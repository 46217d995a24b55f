package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertCLIOneLineEach: every line the command printed is free of raw
// control characters (a value's escape sequence cannot reach a terminal).
func assertCLIClean(t *testing.T, what, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		for _, r := range line {
			if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == '\u202e' || r == '\u2028' {
				t.Errorf("%s: raw control character %q in %q", what, r, line)
				break
			}
		}
	}
}

// TestCLIBlankFlags: a flag given with an empty value ("--environment
// $ENV" with ENV unset) was taken for "not given": print and check ran in
// development, init wrote a file with no prefix. The library refuses a set
// but empty ENVIRONMENT; the flags now say so too. --timeout 0 or less
// quietly meant the default; it is refused.
func TestCLIBlankFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"print", "--environment", ""}, "--environment is given but empty"},
		{[]string{"print", "--environment", " "}, "--environment is given but empty"},
		{[]string{"print", "--service", ""}, "--service is given but empty"},
		{[]string{"print", "--env-file", ""}, "--env-file is given but empty"},
		{[]string{"check", "--embedded", "--environment", ""}, "--environment is given but empty"},
		{[]string{"check", "--embedded", "--timeout", "0s"}, "--timeout must be a positive duration"},
		{[]string{"check", "--embedded", "--timeout", "-1s"}, "--timeout must be a positive duration"},
		{[]string{"check", "--embedded", "--timeout", "9999999999h"}, "invalid value"},
		{[]string{"compare", "--environment", "", "a", "b"}, "--environment is given but empty"},
		{[]string{"compare", "--files", "--service", "\t", "a", "b"}, "--service is given but empty"},
		{[]string{"vars", "--environment", ""}, "--environment is given but empty"},
		{[]string{"vars", "--format", ""}, "--format is given but empty"},
		{[]string{"init", "--service", ""}, "--service is given but empty"},
		{[]string{"init", "--environment", ""}, "--environment is given but empty"},
		{[]string{"print", "--environment", "prd"}, "unknown environment"},
		{[]string{"init", "--environment", "production"}, "development and test only"},
	}
	for _, tt := range tests {
		stdout, stderr, code := runIn(t, tt.args...)
		assert.Equal(t, exitUsage, code, "%q: %s", tt.args, stderr)
		assert.Contains(t, stderr, tt.want, "%q", tt.args)
		assert.Empty(t, stdout, "%q", tt.args)
		if tt.want != "invalid value" { // the flag package's own parse error prints the usage too
			assert.Equal(t, 1, strings.Count(strings.TrimSuffix(stderr, "\n"), "\n")+1, "%q: one line: %q", tt.args, stderr)
		}
	}
	// A positive --timeout, and no flag at all, still run.
	_, stderr, code := runIn(t, "check", "--embedded", "--timeout", "5s")
	assert.Equal(t, exitOK, code, stderr)
}

// TestCLIInitRefusesBadServiceNames: init wrote any --service into the
// file's comments and variable names, an escape sequence included, though
// Builder.Service refuses the name: the file could never be read for that
// service.
func TestCLIInitRefusesBadServiceNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"x\x1b[2J", "a b", "a\nREDIS_PASSWORD=x", "ünï", "a.b", "a/b", "a=b"} {
		stdout, stderr, code := runIn(t, "init", "--service", name)
		assert.Equal(t, exitUsage, code, "%q", name)
		assert.Empty(t, stdout, "%q: nothing written", name)
		assert.Contains(t, stderr, "--service: service name must hold only letters, digits")
		assertCLIClean(t, name, stderr)
	}
	for _, name := range []string{"auth", "auth-api", "AUTH_2"} {
		stdout, stderr, code := runIn(t, "init", "--service", name)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stdout, strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+"_REDIS_URL")
	}
}

// TestCLIHostileVariables runs print and check against hostile variables:
// exit status 1 (invalid) or 0, never a secret, never a raw control
// character, every error naming its variable, and for an unknown
// ENVIRONMENT only its own error (no "production requires ..." after it).
func TestCLIHostileVariables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want []string // in the output
		not  []string
	}{
		{name: "hash in the password", env: map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "rediss://:p#w" + canary + "@h.example:6380"},
			args: []string{"print"}, code: 1, want: []string{"REDIS_URL", "%23"}},
		{name: "password in the _FILE variable", env: map[string]string{"REDIS_PASSWORD_FILE": canary},
			args: []string{"print", "--json"}, code: 1, want: []string{"REDIS_PASSWORD_FILE"}},
		{name: "escape sequence in the user name", env: map[string]string{"REDIS_USERNAME": "a\x1b[2Jb"},
			args: []string{"print"}, code: 0, want: []string{`a\x1b[2Jb`}},
		{name: "escape sequence in the user name, JSON", env: map[string]string{"REDIS_USERNAME": "a\x1b[2Jb\u202e"},
			args: []string{"print", "--json"}, code: 0},
		{name: "control characters in a refused value", env: map[string]string{"REDIS_PORT": "63\x1b[2J79", "REDIS_CLIENT_NAME": "a\u2028b"},
			args: []string{"print"}, code: 1, want: []string{"REDIS_PORT", "REDIS_CLIENT_NAME"}},
		{name: "unknown ENVIRONMENT alone", env: map[string]string{"ENVIRONMENT": "PRD"},
			args: []string{"print"}, code: 1, want: []string{`ENVIRONMENT: unknown environment "PRD"`}, not: []string{"requires TLS", "requires credentials"}},
		{name: "misspelt ENVIRONMENT, check", env: map[string]string{"ENVIRONMENT": "dvelopment"},
			args: []string{"check", "--json"}, code: 1, want: []string{"ENVIRONMENT"}, not: []string{"requires"}},
		{name: "empty cluster nodes", env: map[string]string{"REDIS_CLUSTER_NODES": "", "REDIS_HOST": "h.example"},
			args: []string{"print"}, code: 1, want: []string{"REDIS_CLUSTER_NODES"}, not: []string{"does not apply"}},
		{name: "padded URL", env: map[string]string{"REDIS_URL": "rediss://:" + canary + "@h.example:6380\n"},
			args: []string{"print"}, code: 1, want: []string{"white space"}, not: []string{"port"}},
		{name: "100 KiB value", env: map[string]string{"REDIS_CLIENT_NAME": strings.Repeat("x", 100<<10) + " "}, // an exec limit is 128 KiB
			args: []string{"print"}, code: 1, want: []string{"REDIS_CLIENT_NAME", "bytes)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runCLI(t, tt.env, tt.args...)
			all := stdout + stderr
			assert.Equal(t, tt.code, code, all)
			assertCLIClean(t, tt.name, all)
			assert.Less(t, len(all), 64<<10, "a flood")
			for _, w := range tt.want {
				assert.Contains(t, all, w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, all, n)
			}
		})
	}
}
