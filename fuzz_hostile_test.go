//go:build unix

package redisconfig

import (
	"context"
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// FuzzScrub puts a fuzzed secret, in one of the forms a server or proxy
// can send it back in, between fuzzed text, and checks that no output of
// the Config holds it and that the output is one line.
func FuzzScrub(f *testing.F) {
	f.Add("pass", "word", "ERR unknown command 'AUTH', with args beginning with: 'default' '", "' ", uint8(0))
	f.Add("it's", "x", "ERR unknown command 'HELLO', with args beginning with: '3' 'AUTH' 'app' '", "' 'SETNAME' 'svc' ", uint8(0))
	f.Add("line\n", "\r\nbreak", "-ERR '", "'", uint8(4))
	f.Add("p@ss/+", "=", "redis://app:", "@host:6379", uint8(5))
	f.Add("abc", strings.Repeat("z", 200), "'", "'", uint8(9))
	f.Add("\x1b[31m", "é", "proxy said: ", "", uint8(1))
	f.Fuzz(func(t *testing.T, pwA, pwB, before, after string, form uint8) {
		pw := pwA + fuzzCanary + pwB
		if strings.Contains(before+after, fuzzCanary[:4]) {
			return
		}
		forms := []string{
			pw,
			strconv.Quote(pw),
			strconv.QuoteToASCII(pw),
			`"` + redisRepr(pw) + `"`,
			strings.NewReplacer("\r", " ", "\n", " ").Replace(pw),
			url.QueryEscape(pw),
			url.PathEscape(pw),
			base64.StdEncoding.EncodeToString([]byte(pw)),
			base64.RawURLEncoding.EncodeToString([]byte(pw)),
			pw[:min(len(pw), len(pwA)+len(fuzzCanary))], // cut short after the canary
		}
		enc := forms[int(form)%len(forms)]
		c := &Config{}
		c.creds.username = "app"
		c.creds.password = NewSecret(pw)
		for _, out := range []string{c.scrubText(before + enc + after), c.Diagnose(fuzzError(before + enc + after)).String()} {
			if strings.Contains(out, fuzzCanary) || strings.Contains(out, enc) && len(enc) >= scrubMinPrefix {
				t.Fatalf("form %d of the secret survives: %q", int(form)%len(forms), out)
			}
			if needsEscape(out) {
				t.Fatalf("output spans lines or holds control characters: %q", out)
			}
		}
	})
}

type fuzzError string

func (e fuzzError) Error() string { return string(e) }

// FuzzFileKinds gives every file reader a fuzzed file: a regular file of
// fuzzed content and size, a named pipe, a directory, a device, a socket
// path that does not exist, or a link to one of them. No read blocks, none
// returns more than its kind's limit, and no error holds the secret.
func FuzzFileKinds(f *testing.F) {
	f.Add([]byte("s3cret\n"), uint8(0), uint8(0), uint32(0))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB"), uint8(1), uint8(2), uint32(0))
	f.Add([]byte{}, uint8(2), uint8(1), uint32(70000))
	f.Add([]byte("x"), uint8(3), uint8(4), uint32(2<<20))
	f.Add([]byte("\x00\xff"), uint8(4), uint8(3), uint32(0))
	f.Add([]byte("pw"), uint8(5), uint8(0), uint32(0))
	kinds := []fileKind{fileKindPassword, fileKindSecretDir, fileKindCA, fileKindClientCert, fileKindClientKey, fileKindDotEnv}
	f.Fuzz(func(t *testing.T, content []byte, shape, which uint8, grow uint32) {
		dir := t.TempDir()
		path := filepath.Join(dir, "f")
		switch shape % 6 {
		case 0, 5: // a regular file, perhaps grown sparse past its content
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Skip(err)
			}
			if grow > 0 {
				_ = os.Truncate(path, int64(grow%(4<<20)))
			}
		case 1:
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skip(err)
			}
		case 2:
			_ = os.Mkdir(path, 0o700)
		case 3:
			path = "/dev/zero"
		case 4: // a path that holds the secret itself
			path = string(content) + fuzzCanary
		}
		if shape%6 == 5 {
			link := filepath.Join(dir, "link")
			_ = os.Symlink(path, link)
			path = link
		}
		kind := kinds[int(which)%len(kinds)]
		data, problem := readFile(context.Background(), path, kind)
		if int64(len(data)) > kind.limit {
			t.Fatalf("read %d bytes, over the %d limit", len(data), kind.limit)
		}
		if problem != "" && data != nil {
			t.Fatalf("data with a problem: %s", problem)
		}
		if kind.secretPath && strings.Contains(problem, fuzzCanary) {
			t.Fatalf("the problem holds the path: %s", problem)
		}
		_, err := New().WithEnv(map[string]string{EnvPasswordFile: path}).Environment(Production).Build(context.Background())
		checkBuildError(t, err)
	})
}
