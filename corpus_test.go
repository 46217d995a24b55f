package redisconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadInputCorpus: malformed and hostile inputs across every kind of
// variable. Each fails Build with an ErrInvalidConfig that names the
// variable, holds no secret, and no input panics.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	const secret = "Corpus-Secret-77"
	dir := t.TempDir()
	ca := testpki.NewCA(t, "corpus")
	client := ca.Client(t, "c")
	stranger := testpki.NewCA(t, "stranger").Client(t, "s")
	file := func(name, content string) string { return testpki.WriteFile(t, dir, name, []byte(content)) }
	huge := strings.Repeat("9", 1<<20)
	truncatedCert := file("trunc.pem", string(client.CertPEM[:len(client.CertPEM)-40]))
	keyAsCert := file("key-as-cert.pem", string(client.KeyPEM))
	garbage := file("garbage.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")
	emptyFile := file("empty", "")
	newlineOnly := file("newline", "\n")

	tests := []struct {
		variable string
		give     string
	}{
		// integers
		{EnvPoolSize, ""}, {EnvPoolSize, " "}, {EnvPoolSize, "\t8"}, {EnvPoolSize, "8 "}, {EnvPoolSize, "eight"},
		{EnvPoolSize, "-1"}, {EnvPoolSize, "1e3"}, {EnvPoolSize, "0x10"}, {EnvPoolSize, "99999999999999999999"},
		{EnvPoolSize, huge}, {EnvPoolSize, "８"}, {EnvPoolSize, "8\x00"}, {EnvPoolSize, "2147483648"},
		{EnvMinIdleConns, "-5"}, {EnvMaxIdleConns, "many"}, {EnvMaxActiveConns, "1.0"}, {EnvMaxConcurrentDials, "-1"},
		{EnvMaxRetries, "-2"}, {EnvMaxRetries, "3 retries"}, {EnvDialerRetries, "0"}, {EnvFailingTimeoutSeconds, "0"},
		{EnvPort, "0"}, {EnvPort, "65536"}, {EnvPort, "-6379"}, {EnvPort, "6379/tcp"}, {EnvPort, "redis"},
		{EnvDB, "-1"}, {EnvDB, "db0"}, {EnvDB, "4294967296"}, {EnvProtocol, "1"}, {EnvProtocol, "RESP3"},
		// durations
		{EnvDialTimeout, "0"}, {EnvDialTimeout, "-1s"}, {EnvDialTimeout, "5 s"}, {EnvPoolTimeout, "-100ms"},
		{EnvReadTimeout, "1d"}, {EnvReadTimeout, "fast"}, {EnvReadTimeout, "1h1h1x"}, {EnvWriteTimeout, "٣s"},
		{EnvReadTimeout, "9999999999999999999s"}, {EnvConnMaxIdleTime, "5 minutes"}, {EnvConnMaxLifetime, "P1D"},
		{EnvMinRetryBackoff, "ms"}, {EnvMaxRetryBackoff, ""}, {EnvConnectTimeout, "0"}, {EnvSecretsTimeout, "-1"},
		// booleans
		{EnvTLS, "yes"}, {EnvTLS, "on"}, {EnvSSL, "2"}, {EnvPoolFIFO, "y"},
		{EnvTLSInsecureSkipVerify, "false "}, {EnvClusterReadOnly, "nope"}, {EnvRouteByLatency, "t"},
		// strings and hosts
		{EnvHost, ""}, {EnvHost, "redis host"}, {EnvHost, "redis://redis"}, {EnvHost, "redis:6379"},
		{EnvHost, "[::1]"}, {EnvHost, "redis\x00.internal"}, {EnvHost, "rédis.internal"}, {EnvHost, huge},
		{EnvClientName, "my client"}, {EnvClientName, "naïve"}, {EnvClientName, "a\nb"}, {EnvTLSServerName, "a b"},
		{EnvTLSMinVersion, "1.1"}, {EnvTLSMinVersion, "SSLv3"}, {EnvTLSMinVersion, "1.4"},
		// lists
		{EnvClusterNodes, ","}, {EnvClusterNodes, "a:1,"}, {EnvClusterNodes, "a"}, {EnvClusterNodes, "a:0"},
		{EnvClusterNodes, "a:1,a:1"}, {EnvClusterNodes, ":7000"}, {EnvSentinelNodes, "s:99999"},
		// URLs
		{EnvURL, ""}, {EnvURL, "localhost:6379"}, {EnvURL, "http://redis:6379"}, {EnvURL, "redis://:" + secret + "@h:port"},
		{EnvURL, "redis://:" + secret + "%@h"}, {EnvURL, "redis://h/0/1"}, {EnvURL, "redis://h/x"}, {EnvURL, "redis://h?bogus=1"},
		{EnvURL, "redis://h?pool_size=-1"}, {EnvURL, "redis://h?pool_size=%zz"}, {EnvURL, "unix://"}, {EnvURL, "unix://host/sock"},
		{EnvURL, "redis://h?skip_verify=true"}, {EnvURL, "redis://h\x7f"}, {EnvURL, "redis://" + huge},
		{EnvURL, "redis://:" + secret + "@h:1/" + secret}, {EnvURL, "rediss://h?skip_verify=maybe"},
		// files
		{EnvPasswordFile, filepath.Join(dir, "missing")}, {EnvPasswordFile, dir}, {EnvPasswordFile, emptyFile},
		{EnvPasswordFile, newlineOnly}, {EnvPasswordFile, ""},
		{EnvTLSCAFile, truncatedCert}, {EnvTLSCAFile, keyAsCert}, {EnvTLSCAFile, garbage}, {EnvTLSCAFile, dir},
		{EnvTLSCAFile, emptyFile},
		// environment and secrets
		{EnvEnvironment, "prod "}, {EnvEnvironment, "PRODUCTIONN"}, {EnvEnvironment, ""}, {EnvPasswordSecret, "redis-password"},
		{EnvPassword, ""},
	}
	require.GreaterOrEqual(t, len(tests), 80)
	for _, tt := range tests {
		t.Run(tt.variable+"/"+strings.ReplaceAll(truncate(tt.give, 20), "/", "|"), func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{EnvTLS: "true", EnvPassword: secret}
			if tt.variable == EnvSSL || tt.variable == EnvURL {
				delete(vars, EnvTLS) // no conflict with the scheme or the alias
			}
			if tt.variable == EnvPasswordFile {
				delete(vars, EnvPassword)
			}
			vars[tt.variable] = tt.give
			_, err := build(t, vars)
			require.Error(t, err)
			require.True(t, errors.Is(err, ErrInvalidConfig), "%v", err)
			assert.Contains(t, err.Error(), tt.variable, "the error names the variable")
			assert.NotContains(t, err.Error(), secret)
			assert.Less(t, len(err.Error()), 2000, "a huge value is cut short")
		})
	}

	// A key that does not match its certificate, and files swapped.
	for _, pair := range [][2]string{{client.CertFile, stranger.KeyFile}, {client.KeyFile, client.CertFile}} {
		_, err := build(t, map[string]string{EnvTLS: "true", EnvTLSCertFile: pair[0], EnvTLSKeyFile: pair[1]})
		require.ErrorIs(t, err, ErrInvalidValue)
		assert.Contains(t, err.Error(), EnvTLSCertFile)
	}
	if os.Geteuid() != 0 {
		unreadable := file("unreadable", "x")
		require.NoError(t, os.Chmod(unreadable, 0))
		_, err := build(t, map[string]string{EnvPasswordFile: unreadable})
		require.ErrorIs(t, err, ErrInvalidValue)
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
