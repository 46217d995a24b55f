package redisconfig

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// breakers are the characters that split a line or fool a terminal.
var breakers = []string{"\n", "\r", "\x1b[2J", "\x00", "\u0085", "\u2028", "\u2029", "\u202e", "\x7f", "\xff"}

func assertOneLine(t *testing.T, what, s string) {
	t.Helper()
	for _, b := range breakers {
		assert.NotContains(t, s, b, "%s holds %q: %q", what, b, s)
	}
}

func TestOneLine(t *testing.T) {
	t.Parallel()
	tests := []struct{ give, want string }{
		{"plain text", "plain text"},
		{"a\nb", `a\nb`},
		{"a\r\nb", `a\r\nb`},
		{"\x1b[31mred", `\x1bred`[:4] + `[31mred`},
		{"tab\there", `tab\there`},
		{"nul\x00", `nul\x00`},
		{"sep\u2028x\u2029", `sep\u2028x\u2029`},
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"c1\u0085x", `c1\u0085x`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"grüße ✓", "grüße ✓"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, oneLine(tt.give), "%q", tt.give)
	}
}

// TestEveryOutputIsOneLine: a value holding a line breaker, given through a
// variable, code or the variable map's names, prints on one line in every
// output: Build's errors, String, warnings, the debug view, LogValue.
func TestEveryOutputIsOneLine(t *testing.T) {
	t.Parallel()
	for _, br := range breakers {
		t.Run(fmt.Sprintf("%q", br), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// Accepted values: a user name, a client name, a relaxation reason.
			// (A NUL in a user name is refused: use another C0 byte there.)
			ok := strings.ReplaceAll(br, "\x00", "\x01")
			cfg, err := New().WithEnv(map[string]string{
				EnvUsername: "app" + ok + "level=admin",
			}).Environment(Development).Relax(RuleTLSRequired, "vpc"+br+"only").Build(ctx)
			require.NoError(t, err)
			var out bytes.Buffer
			fmt.Fprintf(&out, "%v %+v %s %#v", cfg, cfg, cfg.String(), cfg)
			assertOneLine(t, "String", out.String())
			for _, w := range cfg.Warnings() {
				assertOneLine(t, "warning", w)
			}
			info := cfg.DebugInfo()
			js, err := json.Marshal(info)
			require.NoError(t, err)
			assertOneLine(t, "debug JSON", string(js))
			for _, s := range info.Settings {
				assertOneLine(t, "debug value", s.Value+s.Source)
			}
			for _, r := range info.Relaxed {
				assertOneLine(t, "relaxed", r.Reason)
			}

			// Refused values: each error is one line.
			_, err = New().WithEnv(map[string]string{
				EnvPort: "63" + br + "79", EnvPoolSize: br, EnvTLSCAFile: "/no/such" + br,
				"REDIS_" + br + "TYPO": "x", EnvURL: "redis://h" + br + ":1", EnvClientName: "cli" + br + "x",
			}).Environment(Production).Build(ctx)
			require.Error(t, err)
			for _, e := range errorsOf(t, err) {
				assertOneLine(t, "error", e.Error())
			}
			_, err = New().WithEnv(nil).Environment(Development).Connection().Host("h" + br).ClientName(br).Build(ctx)
			require.Error(t, err)
			for _, e := range errorsOf(t, err) {
				assertOneLine(t, "error", e.Error())
			}

			// Connect errors and diagnoses quote outside text.
			ce := &ConnectError{Addr: "a" + br, Username: "u" + br, Err: errors.New("ERR x" + br + "y")}
			assertOneLine(t, "ConnectError", ce.Error()+ce.Cause())
			assertOneLine(t, "Diagnose", cfg.Diagnose(errors.New("ERR weird"+br+"reply")).String())
		})
	}
}

// TestSecretFileValueNeverEchoed: a _FILE variable holding the secret
// itself (swapped with its twin), or any other value that is not a usable
// path, is never printed.
func TestSecretFileValueNeverEchoed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const pw = "hunter2-" + canary
	tests := []struct {
		name string
		vars map[string]string
		code func(*Builder)
	}{
		{name: "password in REDIS_PASSWORD_FILE", vars: map[string]string{EnvPasswordFile: pw}},
		{name: "password with slashes", vars: map[string]string{EnvPasswordFile: "/a/" + pw}},
		{name: "password with white space", vars: map[string]string{EnvPasswordFile: " " + pw + "\n"}},
		{name: "prefixed variable", vars: map[string]string{"AUTH_" + EnvPasswordFile: pw}},
		{name: "sentinel password file", vars: map[string]string{EnvSentinelMaster: "m", EnvSentinelNodes: "a:1", EnvSentinelPasswordFile: pw}},
		{name: "directory named by the password", vars: map[string]string{EnvPasswordFile: filepath.Join(dir, pw)}},
		{name: "key PEM in REDIS_TLS_KEY_FILE", vars: map[string]string{EnvTLS: "true", EnvTLSCertFile: "/no/cert", EnvTLSKeyFile: "-----BEGIN PRIVATE KEY-----\n" + canary + "\n"}},
		{name: "key PEM with spaces", vars: map[string]string{EnvTLS: "true", EnvTLSCertFile: "/no/cert", EnvTLSKeyFile: " " + canary}},
		{name: "code PasswordFile", code: func(b *Builder) { b.Connection().PasswordFile(pw) }},
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, pw), 0o700))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for env := Development; env <= Production; env++ {
				b := New().WithEnv(tt.vars).Environment(env).Service("auth")
				if tt.code != nil {
					tt.code(b)
				}
				_, err := b.Build(context.Background())
				require.Error(t, err)
				assert.NotContains(t, err.Error(), canary)
				var e *Error
				require.True(t, errors.As(err, &e))
			}
		})
	}
	// The hint says what to do instead.
	_, err := New().WithEnv(map[string]string{EnvPasswordFile: pw}).Build(context.Background())
	assert.Contains(t, err.Error(), "belongs in the variable without _FILE")
	assert.True(t, strings.HasPrefix(err.Error(), "redisconfig: "+EnvPasswordFile+": "))
}

// TestOrderIsNotAValue: the same node list in two forms, in another order
// (and with spaces), is no conflict in any environment; the stored value,
// Compare, the debug view and go-redis's options agree on one form.
func TestOrderIsNotAValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		code func(*Builder)
		id   settingID
	}{
		{name: "cluster URL and variable", id: idClusterNodes, vars: map[string]string{
			EnvURL: "rediss://:pw@n1:7000?addr=n2:7000&addr=n3:7000", EnvClusterNodes: "n3:7000,n2:7000,n1:7000"}},
		{name: "cluster variable with spaces", id: idClusterNodes, vars: map[string]string{
			EnvURL: "rediss://:pw@n2:7000?addr=n1:7000", EnvClusterNodes: "n1:7000 , n2:7000"}},
		{name: "cluster code URL and code nodes", id: idClusterNodes, code: func(b *Builder) {
			b.Connection().URL("rediss://:pw@n1:7000?addr=n2:7000")
			b.Cluster().Nodes("n2:7000", "n1:7000")
		}},
		{name: "sentinel URL and variable", id: idSentinelNodes, vars: map[string]string{
			EnvURL: "rediss://s1:26379?master_name=m&addr=s2:26379", EnvSentinelNodes: "s2:26379,s1:26379", EnvPassword: "pw"}},
		{name: "sentinel code URL and code nodes", id: idSentinelNodes, vars: map[string]string{EnvPassword: "pw"}, code: func(b *Builder) {
			b.Connection().URL("rediss://s1:26379?master_name=m&addr=s2:26379&addr=s3:26379")
			b.Sentinel().Nodes("s3:26379", "s1:26379", "s2:26379")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for env := Development; env <= Production; env++ {
				b := New().WithEnv(tt.vars).Environment(env).Relax(RuleNoLoopback, "test")
				if tt.code != nil {
					tt.code(b)
				}
				cfg, err := b.Build(context.Background())
				require.NoError(t, err, env.String())
				assert.Empty(t, cfg.Warnings(), "no conflict warned in %s", env)
				got := cfg.vals[tt.id].s
				assert.True(t, slices.IsSorted(strings.Split(got, ",")), "stored in the one form: %s", got)
				for _, s := range cfg.DebugInfo().Settings {
					if s.Name == settings[tt.id].name {
						assert.Equal(t, got, s.Value)
					}
				}
			}
		})
	}
	// Compare: the same nodes in another order are the same.
	a, err := New().WithEnv(map[string]string{EnvClusterNodes: "n1:7000,n2:7000"}).Environment(Development).Build(context.Background())
	require.NoError(t, err)
	b, err := New().WithEnv(map[string]string{EnvClusterNodes: "n2:7000, n1:7000"}).Environment(Development).Build(context.Background())
	require.NoError(t, err)
	for _, d := range Compare(a, b) {
		assert.NotEqual(t, "cluster_nodes", d.Setting)
	}
	// Another list is still a conflict.
	_, err = New().WithEnv(map[string]string{EnvURL: "rediss://:pw@n1:7000?addr=n2:7000", EnvClusterNodes: "n1:7000,n9:7000"}).
		Environment(Production).Build(context.Background())
	require.ErrorIs(t, err, ErrConflict)
}
