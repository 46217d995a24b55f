package redisconfig

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScrubberForms(t *testing.T) {
	t.Parallel()
	const sec = "Pa$$ w0rd/+é'\"\\x-" + canary
	long := strings.Repeat("L0ngSecret-", 20) // 220 bytes
	tests := []struct {
		name string
		give string
		sec  string
	}{
		{"as is", "ERR bad '" + sec + "'", sec},
		{"go quoted", "reply " + strconv.Quote(sec), sec},
		{"ascii quoted", "reply " + strconv.QuoteToASCII(sec), sec},
		{"redis repr", `"` + redisRepr(sec) + `"`, sec},
		{"query escaped", "url ?password=" + url.QueryEscape(sec), sec},
		{"path escaped", "url /" + url.PathEscape(sec), sec},
		{"lower-case percent", "url ?p=" + strings.ToLower(url.QueryEscape(sec)), sec},
		{"userinfo", (&url.URL{Scheme: "redis", User: url.UserPassword("u", sec), Host: "h"}).String(), sec},
		{"base64", "b " + base64.StdEncoding.EncodeToString([]byte(sec)), sec},
		{"base64 url raw", "b " + base64.RawURLEncoding.EncodeToString([]byte(sec)), sec},
		{"basic auth pair", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("app:"+sec)), sec},
		{"newline as space", "ERR 'a b-" + canary + "'", "a\nb-" + canary},
		{"cut short before a quote", "ERR unknown command 'AUTH', with args beginning with: 'app' '" + long[:100] + "' ", long},
		{"cut short at the end", "proxy: AUTH app " + long[:50], long},
		{"twice", sec + " and " + sec, sec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &Config{}
			c.creds.username = "app"
			c.creds.password = NewSecret(tt.sec)
			got := c.scrubText(tt.give)
			assert.Contains(t, got, redacted)
			assert.NotContains(t, got, canary)
			assert.NotContains(t, got, "L0ngSecret-L0ng")
			assert.NotContains(t, got, "\n")
		})
	}
}

func TestScrubberKeepsOtherText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give, sec, want string
	}{
		{"dial tcp 127.0.0.1:6379: connection refused", "s3cret-value", "dial tcp 127.0.0.1:6379: connection refused"},
		{"ERR s3cret-vX", "s3cret-value", "ERR " + redacted + "X"}, // a start of the secret is hidden
		{"ERR s3cre", "s3cret-value", "ERR s3cre"},                 // shorter than scrubMinPrefix
		{"no secret at all", "", "no secret at all"},
	}
	for _, tt := range tests {
		c := &Config{}
		c.creds.password = NewSecret(tt.sec)
		assert.Equal(t, tt.want, c.scrubText(tt.give))
		if tt.want == tt.give {
			orig := errors.New(tt.give)
			assert.Same(t, orig, c.scrubber().error(orig), "an error without a secret keeps its chain")
		}
	}
}

// TestServerReplyQuotingThePassword: a real Redis 7 with HELLO and AUTH
// renamed quotes the AUTH arguments in its reply; the password reaches no
// output: ConnectError in every format, Diagnose, Health.Error, /health,
// the health checker's log line.
func TestServerReplyQuotingThePassword(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.Options{Args: []string{
		"--rename-command", "HELLO", "HELLO-RENAMED", "--rename-command", "AUTH", "AUTH-RENAMED"}})
	passwords := map[string]string{
		"plain":        canary,
		"quote":        "it's-" + canary,
		"newline":      "line\nbreak-" + canary,
		"long, cut":    strings.Repeat("x", 40) + canary + strings.Repeat("y", 150),
		"non-ascii":    "pässwört-" + canary,
		"escape codes": "\x1b[31m-" + canary,
	}
	for name, pw := range passwords {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			for _, user := range []string{"", "app"} {
				b := New().WithEnv(map[string]string{EnvHost: "127.0.0.1", EnvPort: strconv.Itoa(srv.Port)}).
					Environment(Test).Connection().Password(pw)
				if user != "" {
					b.Username(user)
				}
				cfg, err := b.Build(ctx)
				require.NoError(t, err)

				var out bytes.Buffer
				_, err = cfg.Connect(ctx)
				require.ErrorIs(t, err, ErrConnect)
				var ce *ConnectError
				require.ErrorAs(t, err, &ce)
				for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
					fmt.Fprintf(&out, verb+"\n", err)
				}
				fmt.Fprintln(&out, ce.Cause(), ce.Diagnosis.Summary, ce.Diagnosis)
				var re redis.Error
				assert.ErrorAs(t, ce.Err, &re, "a scrubbed server reply stays a redis.Error")

				// The same error through Diagnose, the health check, /health
				// and the health checker's log line.
				client := cfg.NewClient()
				h := cfg.Check(ctx, client)
				require.False(t, h.Up())
				fmt.Fprintln(&out, h.Error, h.Diagnosis, cfg.Diagnose(errors.New("ERR '"+pw+"'")))
				rec := httptest.NewRecorder()
				cfg.Handler(client).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health", nil))
				_, _ = io.Copy(&out, rec.Body)
				hcCtx, cancel := context.WithCancel(ctx)
				hc := cfg.NewHealthChecker(client, 0, func(_, _ Health) { cancel() }).
					WithLogger(slog.New(slog.NewTextHandler(&out, nil)))
				hc.Run(hcCtx)
				_ = client.Close()

				text := out.String()
				assert.Contains(t, text, "unknown command", "the reply itself is kept")
				assert.Contains(t, text, redacted)
				assert.NotContains(t, text, canary)
				assert.NotContains(t, text, "\x1b")
			}
		})
	}
}

// TestScrubberKnowsTokensAndRotatedFiles: the secrets a Config learns after
// Build (the current identity token, a password file as rotated) are
// scrubbed too.
func TestScrubberKnowsTokensAndRotatedFiles(t *testing.T) {
	t.Parallel()
	const token = "TOKEN-c4n4ry-9f2"
	src := TokenSourceFunc(func(context.Context) (Token, error) {
		return Token{Username: "u", Password: NewSecret(token), Expiry: time.Now().Add(time.Hour)}, nil
	})
	cfg, err := New().WithEnv(map[string]string{EnvURL: "rediss://cache.internal:6380"}).Connection().TokenSource(src).Build(context.Background())
	require.NoError(t, err)
	_, pw, err := cfg.Credentials(context.Background())
	require.NoError(t, err)
	require.Equal(t, token, pw.Reveal(), "the token must be fetched, or the test proves nothing")
	assert.NotContains(t, cfg.scrubText("ERR unknown command 'AUTH' with args beginning with: 'u' '"+token+"'"), token)

	dir := t.TempDir()
	file := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(file, []byte("first-pw\n"), 0o600))
	cfg, err = New().WithEnv(map[string]string{EnvHost: "h", EnvPasswordFile: file}).Build(context.Background())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, []byte("second-pw-rotated\n"), 0o600))
	require.NoError(t, os.Chtimes(file, time.Now().Add(time.Minute), time.Now().Add(time.Minute)))
	assert.NotContains(t, cfg.scrubText("reply: second-pw-rotated"), "second-pw-rotated")
}
