package redisconfig

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file is a hostile-input pass over Build (issues 11 and 12): every
// variable given every hostile value, URLs of every shape, code setters
// with blank and odd values, password files with what editors and
// platforms put in them. The sweep checks what holds for every input; the
// tables below it hold the inputs that found a defect, with passing
// neighbours so that each fix keeps what was right.

const hostileCanary = "Hq7CANARYhq7"

// hostileValues are the values the sweep gives every variable.
var hostileValues = []string{
	"", " ", "\t", " 5", "5 ", "\n", "x\n", "\r\n", "\x00", "a\x00b", "\x1b[2J", "\u202e", "\u2028", "\ufeff", "\xff", "é", "Ω",
	"0", "-1", "+5", "0x10", "1e309", "9999999999h", "9223372036854775807", "99999999999999999999", "-9223372036854775808", "1.5",
	"true", "True", "yes", "6379abc", "65536", "[::1]", "::1", "fe80::1%eth0", "HOST.", "UPPER.EXAMPLE.INVALID",
	"h:1", "redis://h:1", "a,b", ",", "h:1,,h:2", "h:1,h:1", "h:+5", "h:06379", "h: 1", " h:1 , h:2 ", "bücher.example",
	"%41", "-5s", "0s", "1ns", "2562047h", "2562048h", "/dev/zero", "/", "/no/such/" + hostileCanary, hostileCanary,
	strings.Repeat("a", 300), strings.Repeat("a", 1<<20),
}

// hostileBase is a valid production configuration: every rule holds.
func hostileBase() map[string]string {
	return map[string]string{EnvHost: "redis.example.invalid", EnvPort: "6380", EnvTLS: "true", EnvPassword: "pw-" + hostileCanary}
}

// hostileNames is every variable redisconfig reads, with the foreign and
// Kubernetes names it has hints for.
func hostileNames() []string {
	var names []string
	for _, v := range Variables() {
		for _, n := range []string{v.Name, v.Alias, v.File} {
			if n != "" {
				names = append(names, n)
			}
		}
	}
	return append(names, "REDIS_ADDR", "REDIS_URI", "REDIS_PASS", "REDIS_SERVICE_HOST", "REDIS_SERVICE_PORT", "REDIS_PORT_6379_TCP_ADDR")
}

// hidden reports a variable whose value is never printed.
func hidden(name string) bool {
	switch strings.TrimPrefix(name, "AUTH_") {
	case EnvPassword, EnvPasswordFile, EnvSentinelPassword, EnvSentinelPasswordFile, EnvTLSKeyFile, EnvURL, "REDIS_PASS":
		return true
	}
	return false
}

// buildBounded builds in a goroutine, so that a hang fails the test (with
// a generous bound: this is no timing assertion) and a panic is caught.
func buildBounded(t *testing.T, b *Builder) (cfg *Config, err error) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		cfg, err = b.Build(context.Background())
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("Build panicked: %v", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Build did not return")
	}
	return cfg, err
}

// TestHostileSweep gives every variable every hostile value, over a valid
// production configuration, in development and production. Whatever the
// outcome: no panic or hang; each error is one line, starts with
// "redisconfig: ", matches ErrInvalidConfig, and never holds a hidden
// value; an accepted value never prints a secret nor breaks a line. And
// one bad value brings one error: when the variable's own value is
// refused, every error is about that variable (issue 11, point 2: a rule
// never fires on a value that did not parse).
func TestHostileSweep(t *testing.T) {
	t.Parallel()
	names := hostileNames()
	cases := 0
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, val := range hostileValues {
				for _, env := range []Environment{Development, Production} {
					vars := hostileBase()
					if name == EnvPasswordFile || name == "REDIS_PASS" {
						delete(vars, EnvPassword) // the variable under test is the only password
					}
					vars[name] = val
					cfg, err := buildBounded(t, New().WithEnv(vars).Environment(env))
					what := fmt.Sprintf("%s=%.40q in %s", name, val, env)
					if err == nil {
						out := cfg.String() + fmt.Sprintf("%+v %v", cfg.DebugInfo(), cfg.Warnings())
						assert.False(t, needsEscape(out), "%s: output breaks a line", what)
						if hidden(name) {
							assert.NotContains(t, out, hostileCanary, "%s: output holds the secret", what)
						}
						continue
					}
					require.ErrorIs(t, err, ErrInvalidConfig, what)
					errs := Errors(err)
					require.NotEmpty(t, errs, "%s: no *Error in %v", what, err)
					own := false // the value itself was refused (not a rule about it)
					for _, e := range errs {
						own = own || strings.Contains(e.Source, name) && errors.Is(e, ErrInvalidValue)
					}
					for _, e := range errs {
						s := e.Error()
						assert.False(t, needsEscape(s), "%s: %q", what, s)
						assert.True(t, strings.HasPrefix(s, "redisconfig: "), "%s: %q", what, s)
						assert.Less(t, len(s), 700, "%s: a flood", what)
						if hidden(name) {
							assert.NotContains(t, s, hostileCanary, "%s: %q", what, s)
						}
						if own {
							assert.Contains(t, e.Source, name, "%s: an error about another setting follows the refused value: %q", what, s)
						}
					}
				}
			}
		})
		cases += len(hostileValues) * 2
	}
	t.Logf("%d variables, %d cases", len(names), cases)
}

// errCount builds and returns the errors, for the tables below.
func hostileErrors(t *testing.T, b *Builder) []*Error {
	t.Helper()
	_, err := buildBounded(t, b)
	if err == nil {
		return nil
	}
	require.ErrorIs(t, err, ErrInvalidConfig)
	return Errors(err)
}

func sources(errs []*Error) string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return strings.Join(s, "\n")
}

// TestTopologyFromUnparsedValues: a cluster or sentinel variable that is
// set but fails to parse (empty, from a compose file's ${VAR}; a bad
// entry) used to choose the topology anyway, so REDIS_HOST and REDIS_PORT
// were "not for a cluster" and the sentinel "needed its master": three
// errors for one value. Now: its own error alone, in every environment.
func TestTopologyFromUnparsedValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vars map[string]string
		code func(*Builder)
		want string // the one error's source
		ok   bool   // a valid neighbour: the topology's own rules do fire
	}{
		{name: "empty cluster nodes", vars: map[string]string{EnvClusterNodes: ""}, want: EnvClusterNodes},
		{name: "blank cluster nodes", vars: map[string]string{EnvClusterNodes: " "}, want: EnvClusterNodes},
		{name: "cluster nodes a lone comma", vars: map[string]string{EnvClusterNodes: ","}, want: EnvClusterNodes},
		{name: "cluster nodes without ports", vars: map[string]string{EnvClusterNodes: "a,b"}, want: EnvClusterNodes},
		{name: "cluster node with a signed port", vars: map[string]string{EnvClusterNodes: "a:+7000"}, want: EnvClusterNodes},
		{name: "prefixed cluster nodes empty", vars: map[string]string{"AUTH_" + EnvClusterNodes: ""}, want: "AUTH_" + EnvClusterNodes},
		{name: "code cluster nodes empty", code: func(b *Builder) { b.Cluster().Nodes() }, want: "Cluster().Nodes"},
		{name: "empty sentinel master", vars: map[string]string{EnvSentinelMaster: ""}, want: EnvSentinelMaster},
		{name: "blank sentinel nodes", vars: map[string]string{EnvSentinelNodes: "\t"}, want: EnvSentinelNodes},
		{name: "sentinel nodes with a duplicate", vars: map[string]string{EnvSentinelNodes: "s:1,s:1"}, want: EnvSentinelNodes},
		{name: "both sentinel forms broken", vars: map[string]string{EnvSentinelMaster: " m", EnvSentinelNodes: "s"}, want: "REDIS_SENTINEL_"},
		// Neighbours: a value that parsed decides the topology, and what
		// it refuses is reported.
		{name: "valid cluster nodes", vars: map[string]string{EnvClusterNodes: "a:7000"}, want: EnvHost, ok: true},
		{name: "valid master, broken sentinel nodes", vars: map[string]string{EnvSentinelMaster: "m", EnvSentinelNodes: "s"}, want: EnvHost, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, env := range []Environment{Development, Test, Staging, Production} {
				vars := hostileBase()
				for k, v := range tt.vars {
					vars[k] = v
				}
				b := New().WithEnv(vars).Environment(env).Service("auth")
				if tt.code != nil {
					tt.code(b)
				}
				errs := hostileErrors(t, b)
				if tt.ok {
					assert.Contains(t, sources(errs), tt.want+": does not apply", env.String())
					continue
				}
				require.NotEmpty(t, errs, env.String())
				for _, e := range errs { // its own error (one per broken form)
					assert.Contains(t, e.Source, tt.want, "%s:\n%s", env, sources(errs))
					assert.ErrorIs(t, e, ErrInvalidValue)
				}
			}
		})
	}
}

// TestNodeListPorts: a node list's port is written as REDIS_PORT's is,
// digits without a sign or leading zero. "h:+5" and "h:06379" dialled the
// right node but were kept as written in go-redis's seed list, where the
// cluster's own replies name it "h:5", and they slipped past the
// duplicate check ("h:6379,h:06379").
func TestNodeListPorts(t *testing.T) {
	t.Parallel()
	bad := []string{"h:+7000", "h:07000", "h:-7000", "h:7000,h:07000", "h: 7000", "h:0", "h:65536", "h:7000abc", "[::1]:+1"}
	good := []string{"h:7000", "h:7000,i:7001", "h:7000 , i:7000", "[::1]:7000", "[fe80::1%eth0]:7000", "H.EXAMPLE.:7000"}
	forms := []struct {
		name string
		set  func(b *Builder, list string)
		src  string
	}{
		{"REDIS_CLUSTER_NODES", func(b *Builder, list string) { b.vars[EnvClusterNodes] = list }, EnvClusterNodes},
		{"REDIS_SENTINEL_NODES", func(b *Builder, list string) {
			b.vars[EnvSentinelNodes], b.vars[EnvSentinelMaster] = list, "m"
		}, EnvSentinelNodes},
		{"URL addr", func(b *Builder, list string) {
			q := url.Values{"addr": nil}
			for _, a := range strings.Split(list, ",") {
				q.Add("addr", strings.TrimSpace(a))
			}
			b.vars[EnvURL] = "rediss://:pw@first.example:7000?" + q.Encode()
		}, EnvURL},
		{"code Cluster().Nodes", func(b *Builder, list string) { b.Cluster().Nodes(strings.Split(list, ",")...) }, "Cluster().Nodes"},
	}
	n := 0
	for _, f := range forms {
		for _, list := range append(append([]string{}, bad...), good...) {
			wantOK := !strings.Contains(strings.Join(bad, "|"), list) || strings.Contains(strings.Join(good, "|"), list)
			b := New().WithEnv(map[string]string{EnvPassword: "pw"}).Environment(Development)
			f.set(b, list)
			_, err := buildBounded(t, b)
			if wantOK {
				assert.NoError(t, err, "%s %q", f.name, list)
			} else if assert.Error(t, err, "%s %q", f.name, list) {
				assert.ErrorIs(t, err, ErrInvalidValue)
				assert.Contains(t, err.Error(), f.src)
				assert.Contains(t, err.Error(), "port")
			}
			n++
		}
	}
	t.Logf("%d cases", n)
}

// TestURLHostileShapes: URLs as they arrive from consoles, compose files
// and shells. Each row is one error naming REDIS_URL with the fix, or an
// accepted URL with what it means (go-redis's reading).
func TestURLHostileShapes(t *testing.T) {
	t.Parallel()
	pw := "pw" + hostileCanary
	tests := []struct {
		url      string
		want     string // a fragment of the one error; "" when accepted
		not      string // what the error must not say
		wantAddr string
	}{
		// Found: a space or newline at either end was blamed on the port
		// ("percent-encode / ? # or @") or called "not a valid URL".
		{url: "rediss://:" + pw + "@h:6380 ", want: "leading or trailing white space", not: "port"},
		{url: "rediss://:" + pw + "@h:6380\n", want: "leading or trailing white space", not: "control character"},
		{url: " rediss://:" + pw + "@h:6380", want: "leading or trailing white space"},
		{url: "\trediss://:" + pw + "@h:6380\r\n", want: "leading or trailing white space"},
		// Found: a URL boolean's error offered True and t, which a URL
		// refuses.
		{url: "rediss://:" + pw + "@h:6380?skip_verify=maybe", want: "true, false, 1 or 0 in a URL", not: "True"},
		{url: "rediss://:" + pw + "@h:6380?skip_verify=yes", want: "in a URL", not: "True"},
		{url: "rediss://:" + pw + "@h:6380?skip_verify=True", want: "in a URL"},
		// Held: refused with the fix, the password never quoted.
		{url: "rediss://:p#w" + hostileCanary + "@h:6380", want: "%23"},
		{url: "rediss://:p%w" + hostileCanary + "@h:6380", want: "%25"},
		{url: "rediss://:p/w" + hostileCanary + "@h:6380", want: "percent-encode"},
		{url: "rediss://:" + pw + "@h:6380#", want: "fragment"},
		{url: "rediss://:" + pw + "@h:6379abc", want: "port"},
		{url: "rediss://:" + pw + "@h:0", want: "port number"},
		{url: "rediss://:" + pw + "@h:65536", want: "65535"},
		{url: "rediss://:" + pw + "@h:6380/1/2", want: "several parts"},
		{url: "rediss://:" + pw + "@h:6380/-1", want: "whole number"},
		{url: "rediss://:" + pw + "@h:6380?=x", want: "parameter"},
		{url: "rediss://:" + pw + "@h:6380?pool_size=x", want: "pool_size"},
		{url: "rediss://:" + pw + "@h:6380?addr=h:6380", want: "listed twice"},
		{url: "rediss://:" + pw + "@h:6380?addr=", want: "host:port"},
		{url: "rediss://:" + pw + "@bücher.example:6380", want: "host name"},
		{url: "rediss://:" + pw + "@h\u202e:6380", want: "host name"},
		{url: "rediss://:" + pw + "@[fe80::1%eth0]:6380", want: "%25"},
		{url: "rediss+sentinel://:" + pw + "@h:26379/m", want: "scheme"},
		{url: "http://h:1", want: "scheme"},
		{url: "h:6379", want: "two slashes"},
		{url: "unix://", want: "socket path"},
		{url: "unix://host/tmp/r.sock", want: "has a host"},
		{url: "redis://h\x00:1", want: "control character"},
		{url: "rediss://:%20@h:6380", want: "white space"},
		{url: "rediss://:" + pw + "@h:6380?username=v", want: "sentinel URL"},
		{url: "rediss://:" + pw + "@h:6380?dial_timeout=9999999999h", want: "duration"},
		{url: "rediss://:" + pw + "@h:6380?read_timeout=1e309", want: "duration"},
		// Accepted, meaning what go-redis's ParseURL makes of them.
		{url: "rediss://:p%23w" + hostileCanary + "@h:6380", wantAddr: "h:6380"},
		{url: "rediss://u%40x:p%3A" + hostileCanary + "@h:6380", wantAddr: "h:6380"},
		{url: "rediss://:" + pw + "@h:6380?", wantAddr: "h:6380"},
		{url: "rediss://:" + pw + "@h:6380?&&", wantAddr: "h:6380"},
		{url: "rediss://:" + pw + "@h:6380?db=1&db=2", wantAddr: "h:6380"},
		{url: "rediss://:" + pw + "@h:", wantAddr: "h:6379"},
		{url: "Rediss://:" + pw + "@H.EXAMPLE.:6380", wantAddr: "H.EXAMPLE.:6380"},
		{url: "rediss://:" + pw + "@[fe80::1%25eth0]:6380", wantAddr: "[fe80::1%eth0]:6380"},
		{url: "rediss://:" + pw + "@::1:6380", wantAddr: "[::1]:6380"},
		{url: "rediss://:" + pw + "@h:6380/%31", wantAddr: "h:6380"},
		{url: "rediss://:" + strings.Repeat("p", 1<<20) + "@h:6380", wantAddr: "h:6380"},
	}
	for _, tt := range tests {
		for _, env := range []Environment{Development, Production} {
			b := New().WithEnv(map[string]string{EnvURL: tt.url}).Environment(env).Relax(RuleNoLoopback, "hostile test")
			cfg, err := buildBounded(t, b)
			what := fmt.Sprintf("%.60q in %s", tt.url, env)
			if tt.want == "" {
				require.NoError(t, err, what)
				require.NotNil(t, cfg.Options(), what)
				assert.Equal(t, tt.wantAddr, cfg.Options().Addr, what)
				assert.NotContains(t, cfg.String(), hostileCanary)
				continue
			}
			errs := Errors(err)
			require.Len(t, errs, 1, "%s: one bad URL, one error:\n%v", what, err)
			s := errs[0].Error()
			assert.True(t, strings.HasPrefix(s, "redisconfig: "+EnvURL), "%s: %s", what, s)
			assert.Contains(t, s, tt.want, what)
			if tt.not != "" {
				assert.NotContains(t, s, tt.not, what)
			}
			assert.NotContains(t, s, hostileCanary, what)
			assert.NotContains(t, s, "p%w", what)
			assert.False(t, needsEscape(s), what)
		}
	}
}

// TestSentinelURLCredentialsHint: go-redis's failover URL gives its
// user:password@ to the sentinels. Production's credentials rule told a
// user with a password in that URL to put "a password in REDIS_URL", which
// reads as done; it now says whose password the URL holds and where the
// master's goes.
func TestSentinelURLCredentialsHint(t *testing.T) {
	t.Parallel()
	for _, b := range []*Builder{
		New().WithEnv(map[string]string{EnvURL: "rediss://:pw@s1.example:26379?master_name=m&addr=s2.example:26379"}),
		New().WithEnv(map[string]string{EnvURL: "rediss://:pw@s1.example:26379", EnvSentinelMaster: "m"}),
		New().WithEnv(nil).Connection().URL("rediss://:pw@s1.example:26379?master_name=m").Builder,
	} {
		errs := hostileErrors(t, b.Environment(Production))
		require.Len(t, errs, 1, sources(errs))
		assert.ErrorIs(t, errs[0], ErrMissing)
		assert.Contains(t, errs[0].Problem, "is the sentinels'")
		assert.Contains(t, errs[0].Problem, "password parameter")
	}
	// With the master's password given, no error; a standalone URL keeps
	// the old sentence.
	_, err := buildBounded(t, New().WithEnv(map[string]string{EnvURL: "rediss://:pw@s1.example:26379?master_name=m&password=mpw"}).Environment(Production))
	require.NoError(t, err)
	errs := hostileErrors(t, New().WithEnv(map[string]string{EnvURL: "rediss://h.example:6380"}).Environment(Production))
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Problem, "or a password in "+EnvURL)
}

// TestUnknownAuthMethodIsOneError: REDIS_AUTH (or AuthMethod) naming no
// method next to a password brought "give credentials twice" (and without
// TLS, "a token is sent only over TLS") after its own error: rules about
// a value that did not parse. A method that exists but is unusable keeps
// the conflict: the value parsed.
func TestUnknownAuthMethodIsOneError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		b    func() *Builder
		env  Environment
	}{
		{"REDIS_AUTH typo beside a URL password", func() *Builder {
			return New().WithEnv(map[string]string{EnvURL: "rediss://:pw@h.example:6380", EnvAuth: "aws_iam"})
		}, Production},
		{"REDIS_AUTH upper case", func() *Builder {
			return New().WithEnv(map[string]string{EnvURL: "rediss://:pw@h.example:6380", EnvAuth: "AWS-IAM"})
		}, Staging},
		{"code AuthMethod beside a user name", func() *Builder {
			return New().WithEnv(map[string]string{EnvURL: "rediss://app:pw@h.example:6380"}).Connection().AuthMethod("bogus").Builder
		}, Production},
		{"without TLS in test", func() *Builder {
			return New().WithEnv(map[string]string{EnvURL: "redis://h.example:6379", EnvAuth: "entra"})
		}, Test},
		{"prefixed", func() *Builder {
			return New().WithEnv(map[string]string{"AUTH_" + EnvAuth: "gcp", EnvPassword: "pw", EnvHost: "h.example", EnvTLS: "true"}).Service("auth")
		}, Production},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			errs := hostileErrors(t, tt.b().Environment(tt.env))
			require.Len(t, errs, 1, sources(errs))
			assert.ErrorIs(t, errs[0], ErrInvalidValue)
			assert.Contains(t, errs[0].Problem, "names no auth method")
		})
	}
	// A real method not linked in, beside a password: both problems stand.
	errs := hostileErrors(t, New().WithEnv(map[string]string{EnvURL: "rediss://:pw@h.example:6380", EnvAuth: "azure-entra"}).Environment(Production))
	assert.Contains(t, sources(errs), "give credentials twice")
}

// TestCodeBlankStrings: a variable with white space at either end is an
// error; the same value from a setter was accepted, so code could set a
// user name of one space (a blank user is no credentials) or a padded
// master name no sentinel knows.
func TestCodeBlankStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		set    func(b *Builder)
		method string
	}{
		{"blank user name", func(b *Builder) { b.Connection().Username(" ") }, "Connection().Username"},
		{"padded user name", func(b *Builder) { b.Connection().Username("app ") }, "Connection().Username"},
		{"user name with a newline at the end", func(b *Builder) { b.Connection().Username("app\n") }, "Connection().Username"},
		{"padded sentinel master", func(b *Builder) { b.Sentinel().Master(" mymaster").Nodes("s.example:26379") }, "Sentinel().Master"},
		{"blank sentinel user", func(b *Builder) { b.Sentinel().Master("m").Nodes("s.example:26379").Username("\t") }, "Sentinel().Username"},
		{"padded AWS region", func(b *Builder) { b.Connection().AWSRegion("us-east-1 ") }, "Connection().AWSRegion"},
		{"padded identity suffix", func(b *Builder) { b.Connection().IdentitySuffix(" v1") }, "Connection().IdentitySuffix"},
		{"padded secret name", func(b *Builder) { b.Secrets().PasswordSecret("redis-password ") }, "Secrets().PasswordSecret"},
		{"padded socket path", func(b *Builder) { b.Connection().UnixSocket("/tmp/r.sock ") }, "Connection().UnixSocket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, env := range []Environment{Development, Production} {
				b := New().WithEnv(nil).Environment(env)
				tt.set(b)
				errs := hostileErrors(t, b)
				var found bool
				for _, e := range errs {
					if strings.Contains(e.Source, tt.method) && strings.Contains(e.Problem, "white space") {
						found = true
						assert.ErrorIs(t, e, ErrInvalidValue)
						assert.False(t, needsEscape(e.Error()))
					}
				}
				assert.True(t, found, "%s:\n%s", env, sources(errs))
			}
		})
	}
	// Inner spaces and odd characters a user name may hold stay accepted.
	cfg, err := buildBounded(t, New().WithEnv(nil).Environment(Development).Connection().Username("app user\x01").Builder)
	require.NoError(t, err)
	assert.False(t, needsEscape(cfg.String()))
}

// TestEnvironmentAliasCannotRedefine: aliases are read before the
// built-in names, so EnvironmentAlias("prod", Development) turned
// ENVIRONMENT=prod into a development build, every production rule gone.
func TestEnvironmentAliasCannotRedefine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		alias string
		to    Environment
		ok    bool
	}{
		{"prod", Development, false},
		{"PRODUCTION", Test, false},
		{"Stage", Development, false},
		{"dev", Production, false},
		{"local", Staging, false},
		{"prod", Production, true}, // the same meaning: harmless
		{"prd", Production, true},
		{"live", Production, true},
		{"qa", Staging, true},
	}
	for _, tt := range tests {
		b := New().WithEnv(map[string]string{EnvEnvironment: tt.alias, EnvURL: "rediss://:pw@h.example:6380"}).EnvironmentAlias(tt.alias, tt.to)
		cfg, err := buildBounded(t, b)
		if tt.ok {
			require.NoError(t, err, tt.alias)
			assert.Equal(t, tt.to, cfg.Environment())
			continue
		}
		require.ErrorIs(t, err, ErrInvalidValue, tt.alias)
		assert.Contains(t, err.Error(), "code EnvironmentAlias")
		assert.Contains(t, err.Error(), "already means")
	}
}

// TestPasswordFileShapes: what editors, `echo`, Kubernetes and Windows put
// in a password file. One trailing newline (LF or CRLF) is dropped; a
// second line or a byte order mark used to reach AUTH whole and fail there
// with no visible cause. No error quotes the content or the path.
func TestPasswordFileShapes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, content, want string // want "" means accepted
	}{
		{"plain", "pw" + hostileCanary, ""},
		{"LF", "pw" + hostileCanary + "\n", ""},
		{"CRLF", "pw" + hostileCanary + "\r\n", ""},
		{"inner space", "p w" + hostileCanary, ""},
		{"two lines", "pw" + hostileCanary + "\nuser", "more than one line"},
		{"key=value lines", "password=pw" + hostileCanary + "\nusername=app\n", "more than one line"},
		{"inner CR", "pw\r" + hostileCanary, "more than one line"},
		{"byte order mark", "\ufeffpw" + hostileCanary + "\n", "byte order mark"},
		{"two newlines", "pw" + hostileCanary + "\n\n", "white space"},
		{"leading space", " pw" + hostileCanary, "white space"},
		{"empty", "", "empty"},
		{"one newline", "\n", "empty"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+"-"+hostileCanary)
		require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
		for _, v := range []string{EnvPasswordFile, "AUTH_" + EnvPasswordFile, EnvSentinelPasswordFile} {
			vars := map[string]string{EnvURL: "rediss://h.example:6380", v: path}
			if v == EnvSentinelPasswordFile {
				vars = map[string]string{EnvSentinelMaster: "m", EnvSentinelNodes: "s.example:26379", EnvTLS: "true", EnvPassword: "pw", v: path}
			}
			_, err := buildBounded(t, New().WithEnv(vars).Service("auth").Environment(Production))
			if tt.want == "" {
				assert.NoError(t, err, "%s via %s", tt.name, v)
				continue
			}
			if assert.Error(t, err, "%s via %s", tt.name, v) {
				assert.ErrorIs(t, err, ErrInvalidValue)
				assert.Contains(t, err.Error(), v)
				assert.Contains(t, err.Error(), tt.want)
				assert.NotContains(t, err.Error(), hostileCanary, "neither the content nor the path")
			}
		}
	}
	// A code password may hold what a file may not (it is no file); the
	// scrubber's tests rely on that.
	_, err := buildBounded(t, New().WithEnv(map[string]string{EnvURL: "rediss://h.example:6380"}).Environment(Production).Connection().Password("a\nb").Builder)
	require.NoError(t, err)
}

// TestHostileErrorsNameAVariable: for the refused rows above, errors.As
// gives the typed error with its setting and kind.
func TestHostileErrorsNameAVariable(t *testing.T) {
	t.Parallel()
	_, err := buildBounded(t, New().WithEnv(map[string]string{EnvClusterNodes: "", EnvHost: "h"}).Environment(Production))
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "cluster_nodes", e.Setting)
	assert.Equal(t, EnvClusterNodes, e.Source)
}

// TestUnknownEnvironmentIsOneError: an ENVIRONMENT that does not parse
// was checked as production, so a developer's ENVIRONMENT=dvelopment got
// "production requires TLS" and "requires credentials" beside its own
// error: rules about an environment nobody wrote. Only the address rule
// held back. Now no environment rule fires, and Build still fails.
func TestUnknownEnvironmentIsOneError(t *testing.T) {
	t.Parallel()
	values := []string{"PRD", "dvelopment", "", " ", " prod", "production\n", "prod\x00", "\u202eprod", "live", strings.Repeat("p", 1<<20)}
	for _, v := range values {
		for _, b := range []*Builder{
			New().WithEnv(map[string]string{EnvEnvironment: v, EnvHost: "localhost"}),
			New().WithEnv(map[string]string{EnvEnvironment: v}),
			New().WithEnv(map[string]string{"APP_ENV": v, EnvURL: "rediss://127.0.0.1:6379", EnvTLSInsecureSkipVerify: "true"}).EnvironmentFrom("APP_ENV"),
			New().WithEnv(map[string]string{EnvEnvironment: v}).EnvironmentAlias("qa", Staging),
		} {
			errs := hostileErrors(t, b)
			require.Len(t, errs, 1, "%.20q:\n%s", v, sources(errs))
			assert.ErrorIs(t, errs[0], ErrInvalidValue)
			assert.Equal(t, "environment", errs[0].Setting)
			assert.False(t, needsEscape(errs[0].Error()))
			assert.Less(t, len(errs[0].Error()), 400)
		}
	}
	// A known name keeps its rules.
	errs := hostileErrors(t, New().WithEnv(map[string]string{EnvEnvironment: "prod"}))
	assert.Contains(t, sources(errs), "production requires TLS")
}

// FuzzOneBadValue gives one variable (chosen by index, prefixed or not) a
// fuzzed value over a valid production configuration, in a fuzzed
// environment. The sweep's invariants hold for every value: no panic; one
// line per error, each a *Error matching ErrInvalidConfig, none holding
// a hidden value; and when the variable's own value is refused, no error
// about anything else.
func FuzzOneBadValue(f *testing.F) {
	f.Add(uint16(0), "", uint8(3), false)
	f.Add(uint16(1), "h:+5", uint8(3), false)
	f.Add(uint16(2), "rediss://:p#w@h:1", uint8(2), true)
	f.Add(uint16(3), " x", uint8(0), false)
	f.Add(uint16(4), "\ufeffpw", uint8(1), true)
	f.Add(uint16(5), "a,b", uint8(3), false)
	names := hostileNames()
	f.Fuzz(func(t *testing.T, which uint16, val string, envN uint8, prefixed bool) {
		name := names[int(which)%len(names)]
		if strings.Contains(val, hostileCanary) {
			return
		}
		env := Environment(envN % 4)
		vars := hostileBase()
		if name == EnvPasswordFile || name == "REDIS_PASS" {
			delete(vars, EnvPassword)
		}
		key := name
		if prefixed && strings.HasPrefix(name, "REDIS_") {
			key = "AUTH_" + name
		}
		if hidden(name) && name != EnvURL {
			// A hidden value carries the canary. (A URL's query keys are
			// printed by design, so a canary appended to a fuzzed URL may
			// land in one; FuzzURL and TestURLHostileShapes keep the
			// URL's password out of errors.)
			val = val + hostileCanary
		}
		vars[key] = val
		cfg, err := buildBounded(t, New().WithEnv(vars).Environment(env).Service("auth"))
		if err == nil {
			out := cfg.String() + fmt.Sprintf("%+v %v", cfg.DebugInfo(), cfg.Warnings())
			if needsEscape(out) || hidden(name) && strings.Contains(out, hostileCanary) {
				t.Fatalf("%s=%q: output %q", key, val, out)
			}
			return
		}
		if !errors.Is(err, ErrInvalidConfig) {
			t.Fatalf("%s=%q: %v is not ErrInvalidConfig", key, val, err)
		}
		errs := Errors(err)
		if len(errs) == 0 {
			t.Fatalf("%s=%q: no *Error in %v", key, val, err)
		}
		own := false // the value itself was refused (not a rule about it)
		for _, e := range errs {
			own = own || strings.Contains(e.Source, key) && errors.Is(e, ErrInvalidValue)
		}
		for _, e := range errs {
			s := e.Error()
			if needsEscape(s) || !strings.HasPrefix(s, "redisconfig: ") || hidden(name) && strings.Contains(s, hostileCanary) {
				t.Fatalf("%s=%q: error %q", key, val, s)
			}
			if own && !strings.Contains(e.Source, key) {
				t.Fatalf("%s=%q in %s: another setting's error follows the refused value: %q", key, val, env, s)
			}
		}
	})
}
