package redisconfig

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFile writes a file in a test's directory and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestParseDotEnv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want map[string]string
	}{
		{"plain", "A=1\nB=two\n", map[string]string{"A": "1", "B": "two"}},
		{"comments and blank lines", "# top\n\nA=1 # trailing\n  # indented\nB=x#y\n", map[string]string{"A": "1", "B": "x#y"}},
		{"export and spaces", "export A = 1\n  B=  two  \n", map[string]string{"A": "1", "B": "two"}},
		{"single quotes are literal", `A='a\nb $X # not a comment'` + "\n", map[string]string{"A": `a\nb $X # not a comment`}},
		{"double quotes take escapes", `A="a\nb\t\"c\" \\"` + "\n", map[string]string{"A": "a\nb\t\"c\" \\"}},
		{"multi-line double quotes", "A=\"line1\nline2\"\nB=2\n", map[string]string{"A": "line1\nline2", "B": "2"}},
		{"multi-line single quotes", "A='-----BEGIN\nxyz\n-----END'\n", map[string]string{"A": "-----BEGIN\nxyz\n-----END"}},
		{"comment after a quoted value", `A="x" # c` + "\n", map[string]string{"A": "x"}},
		{"empty values", "A=\nB=\"\"\n", map[string]string{"A": "", "B": ""}},
		{"CRLF", "A=1\r\nB=\"2\"\r\n", map[string]string{"A": "1", "B": "2"}},
		{"no newline at the end", "A=1", map[string]string{"A": "1"}},
		{"a later line wins", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"a byte order mark", "\uFEFFA=1\n", map[string]string{"A": "1"}},
		{"no expansion", "A=${HOME}\n", map[string]string{"A": "${HOME}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			entries, line, problem := parseDotEnv(tt.give)
			require.Empty(t, problem, "line %d", line)
			got := map[string]string{}
			for _, e := range entries {
				got[e.key] = e.value
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseDotEnvErrors(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-value"
	tests := []struct {
		name     string
		give     string
		wantLine int
		want     string
	}{
		{"no equals sign", "A=1\n" + secret + "\n", 2, "expected KEY=value"},
		{"a space in the name", "A=1\n\nREDIS PASSWORD=" + secret + "\n", 3, "expected KEY=value"},
		{"a name starting with a digit", "1A=" + secret + "\n", 1, "expected KEY=value"},
		{"an unclosed double quote", "A=1\nB=\"" + secret + "\nC=3\n", 2, "never closed"},
		{"an unclosed single quote", "B='" + secret, 1, "never closed"},
		{"text after the closing quote", "B=\"" + secret + "\"" + secret + "\n", 1, "text follows the closing quote"},
		{"invalid UTF-8", "A=1\nB=\xff" + secret + "\n", 2, "UTF-8"},
		{"a NUL byte", "A=1\nB=x\x00" + secret + "\n", 2, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, line, problem := parseDotEnv(tt.give)
			assert.Equal(t, tt.wantLine, line)
			assert.Contains(t, problem, tt.want)
			assert.NotContains(t, problem, secret)
		})
	}
}

func TestDotEnvBuild(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(pwFile, []byte("from-file\n"), 0o600))
	env := writeFile(t, "dev.env", strings.Join([]string{
		"# local development",
		"REDIS_HOST=cache.local",
		"REDIS_PORT=6390",
		"export REDIS_POOL_SIZE=7",
		"REDIS_PASSWORD_FILE=" + pwFile,
		"AUTH_REDIS_DB=3",
		"UNRELATED=1",
	}, "\n"))
	local := writeFile(t, "local.env", "REDIS_PORT=6391\n")

	tests := []struct {
		name     string
		vars     map[string]string
		service  string
		paths    []string
		wantAddr string
		wantSrc  map[string]string
	}{
		{
			name: "values and provenance", paths: []string{env},
			wantAddr: "cache.local:6390",
			wantSrc: map[string]string{
				"host": "REDIS_HOST (" + env + ":2)", "pool_size": "REDIS_POOL_SIZE (" + env + ":4)",
				"password": "REDIS_PASSWORD_FILE (" + env + ":5) (" + pwFile + ")",
			},
		},
		{
			name: "a later file overrides an earlier one", paths: []string{env, local},
			wantAddr: "cache.local:6391",
			wantSrc:  map[string]string{"port": "REDIS_PORT (" + local + ":1)"},
		},
		{
			name: "a real variable beats the file", paths: []string{env},
			vars:     map[string]string{EnvPort: "7000"},
			wantAddr: "cache.local:7000",
			wantSrc:  map[string]string{"port": "REDIS_PORT"},
		},
		{
			name: "a real generic URL beats a prefixed line of the file", paths: []string{env}, service: "auth",
			vars:     map[string]string{EnvURL: "redis://real.internal:6379/5"},
			wantAddr: "real.internal:6379",
			wantSrc:  map[string]string{"db": "REDIS_URL", "host": "REDIS_URL", "pool_size": "REDIS_POOL_SIZE (" + env + ":4)"},
		},
		{
			name: "service-prefixed lines beat generic lines", paths: []string{env}, service: "auth",
			wantAddr: "cache.local:6390",
			wantSrc:  map[string]string{"db": "AUTH_REDIS_DB (" + env + ":6)"},
		},
		{
			name: "test environment reads it", paths: []string{env},
			vars:     map[string]string{EnvEnvironment: "test"},
			wantAddr: "cache.local:6390",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := New().WithEnv(tt.vars).Service(tt.service).DotEnv(tt.paths...).Build(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tt.wantAddr, cfg.Options().Addr)
			for setting, src := range tt.wantSrc {
				assert.Equal(t, src, settingRow(t, cfg, setting).Source, setting)
			}
		})
	}
}

func TestDotEnvNeverInStagingOrProduction(t *testing.T) {
	t.Parallel()
	// A path whose reading would show: it does not exist, and a FIFO or
	// unreadable file would also fail differently. The error must be the
	// rule, naming the file, not a read failure.
	missing := filepath.Join(t.TempDir(), "never-read.env")
	tests := []struct {
		name string
		b    *Builder
	}{
		{"production from a variable", New().WithEnv(prodVars(nil))},
		{"staging from code", New().WithEnv(prodVars(map[string]string{EnvEnvironment: "<unset>"})).Environment(Staging)},
		{"production from a lookup source", New().WithEnv(nil).Lookup("koanf", mapLookup(prodVars(nil)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tt.b.DotEnv(missing).Build(context.Background())
			require.ErrorIs(t, err, ErrRule)
			errs := errorsOf(t, err)
			require.Len(t, errs, 1)
			assert.Equal(t, "dotenv", errs[0].Setting)
			assert.Contains(t, errs[0].Source, missing)
			assert.NotContains(t, errs[0].Problem, "does not exist")
		})
	}
}

func TestDotEnvEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     string
		vars     map[string]string
		wantEnv  Environment
		wantKind error
	}{
		{name: "selects test", give: "ENVIRONMENT=test\n", wantEnv: Test},
		{name: "the real variable wins", give: "ENVIRONMENT=test\n", vars: map[string]string{EnvEnvironment: "development"}, wantEnv: Development},
		{name: "cannot select production", give: "ENVIRONMENT=production\nREDIS_URL=rediss://u:p@r.internal:6380\n", wantKind: ErrRule},
		{name: "cannot select staging", give: "ENVIRONMENT=stage\n", wantKind: ErrRule},
		{name: "an unknown value", give: "ENVIRONMENT=qa\n", wantKind: ErrInvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, ".env", tt.give)
			cfg, err := New().WithEnv(tt.vars).DotEnv(path).Build(context.Background())
			if tt.wantKind != nil {
				require.ErrorIs(t, err, tt.wantKind)
				assert.Contains(t, err.Error(), path+":1")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantEnv, cfg.Environment())
		})
	}
}

func TestDotEnvFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.env")
	require.NoError(t, os.WriteFile(big, []byte("A="+strings.Repeat("x", maxDotEnvSize)), 0o600))
	bad := writeFile(t, "bad.env", "REDIS_HOST=ok\nREDIS_PASSWORD=\"never-shown\n")
	tests := []struct {
		name       string
		path       string
		wantSource string
		want       string
	}{
		{"missing", filepath.Join(dir, "nope.env"), "code DotEnv", "does not exist"},
		{"a directory", dir, "code DotEnv", "not a regular file"},
		{"too big", big, "code DotEnv", "at most"},
		{"bad syntax names the line", bad, bad + ":2", "REDIS_PASSWORD: the quote opened on line 2 is never closed"},
		{"an empty path", "", "code DotEnv", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New().WithEnv(nil).DotEnv(tt.path).Build(context.Background())
			require.ErrorIs(t, err, ErrInvalidValue)
			errs := errorsOf(t, err)
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Source, tt.wantSource)
			assert.Contains(t, errs[0].Problem, tt.want)
			assert.NotContains(t, err.Error(), "never-shown")
		})
	}
}

func TestDotEnvDoesNotTouchTheProcessEnvironment(t *testing.T) {
	t.Parallel()
	const name = "REDISCONFIG_DOTENV_PROBE_VARIABLE"
	path := writeFile(t, ".env", name+"=1\nREDIS_HOST=probe.local\n")
	_, err := New().WithEnv(nil).DotEnv(path).Build(context.Background())
	require.NoError(t, err)
	_, set := os.LookupEnv(name)
	assert.False(t, set)
}

func TestReadEnvFile(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "prod.env", "ENVIRONMENT=production\nexport REDIS_URL='rediss://app:pw@r.internal:6380'\n")
	got, err := ReadEnvFile(path)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{EnvEnvironment: "production", EnvURL: "rediss://app:pw@r.internal:6380"}, got)
	cfg, err := New().WithEnv(got).Build(context.Background())
	require.NoError(t, err, "a production file read this way is the configuration, not a .env layer")
	assert.Equal(t, Production, cfg.Environment())

	_, err = ReadEnvFile(writeFile(t, "bad.env", "A=\"never-shown\n"))
	require.ErrorIs(t, err, ErrInvalidValue)
	assert.NotContains(t, err.Error(), "never-shown")
}

// FuzzParseDotEnv: any text parses or fails with a line number inside the
// file, never panics, gives only valid names, and never quotes a value in
// its problem (values here all hold the canary).
func FuzzParseDotEnv(f *testing.F) {
	const canary = "CANARY-dotenv-9d2"
	for _, seed := range []string{
		"A=" + canary + "\n", "export A='" + canary + "\nb'\n", "A=\"" + canary + "\\n\"", "A=\"" + canary,
		"# c\n\nA=" + canary + " # c\n", "\uFEFFA=" + canary + "\r\nB=\"x\"y", canary + "\n", "A='" + canary + "'x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		entries, line, problem := parseDotEnv(text)
		if problem != "" {
			require.GreaterOrEqual(t, line, 1)
			require.LessOrEqual(t, line, strings.Count(text, "\n")+1)
			// The problem may name a key: skip texts that put the canary
			// before an '='.
			for _, l := range strings.Split(text, "\n") {
				if k, _, ok := strings.Cut(l, "="); ok && strings.Contains(k, canary) {
					return
				}
			}
			require.NotContains(t, problem, canary)
			return
		}
		for _, e := range entries {
			require.NotEmpty(t, e.key)
			for i := 0; i < len(e.key); i++ {
				require.True(t, isKeyByte(e.key[i], i == 0), "key %q", e.key)
			}
		}
	})
}
