package main

import (
	"encoding/json"
	"testing"

	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckHelpsChoose: check reports what the server is and suggests the
// preset or variable that fits, never printing a secret.
func TestCheckHelpsChoose(t *testing.T) {
	t.Parallel()
	setinfo := redisserver.Start(t, redisserver.RejectingSetinfo(t, canary))
	cluster := redisserver.StartCluster(t, 2, redisserver.Options{Password: canary})
	idle := redisserver.Start(t, redisserver.Options{Password: canary, Config: []string{"timeout 120"}})
	ca := testpki.NewCA(t, "check")
	cert := ca.Server(t, "server", "127.0.0.1")
	tlsSrv := redisserver.Start(t, redisserver.Options{Password: canary, TLS: &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile}})
	tests := []struct {
		name    string
		env     map[string]string
		want    []string
		notWant []string
	}{
		{name: "setinfo rejected", env: map[string]string{"REDIS_URL": "redis://:" + canary + "@" + setinfo.Addr()},
			want: []string{"setinfo:     rejected", "[setinfo-rejected]", "REDIS_DISABLE_IDENTITY=true", "maint notif: rejected"}},
		{name: "setinfo rejected, preset", env: map[string]string{"REDIS_URL": "redis://:" + canary + "@" + setinfo.Addr(), "REDIS_PROVIDER": "memorystore"},
			want: []string{"setinfo:     rejected", "go-redis does not send it (disable_identity from memorystore preset)", "note:        memorystore preset"}, notWant: []string{"[setinfo-rejected]"}},
		{name: "standalone at a cluster", env: map[string]string{"REDIS_URL": "redis://:" + canary + "@" + cluster.Nodes[0].Addr()},
			want: []string{"cluster (cluster_enabled:1)", "[cluster-mode-mismatch]", "REDIS_CLUSTER_NODES=" + cluster.Nodes[0].Addr(), "REDIS_PROVIDER=memorystore-cluster"}},
		{name: "idle timeout", env: map[string]string{"REDIS_URL": "redis://:" + canary + "@" + idle.Addr()},
			want: []string{"idle kill:   after 2m idle (timeout 120)", "set REDIS_CONN_MAX_IDLE_TIME below it, for example 1m"}},
		{name: "tls digests", env: map[string]string{"REDIS_URL": "rediss://:" + canary + "@" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile},
			want: []string{"certificate: sha256 ", "public key:  sha256 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"ENVIRONMENT": "test"}
			for k, v := range tt.env {
				env[k] = v
			}
			out, errOut, code := runCLI(t, env, "check")
			require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			for _, w := range tt.want {
				assert.Contains(t, out, w)
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, out, w)
			}
			assert.NotContains(t, out+errOut, canary)

			js, _, code := runCLI(t, env, "check", "--json")
			require.Equal(t, 0, code)
			var rep struct {
				Server struct {
					Report struct {
						Version     string `json:"version"`
						Suggestions []struct {
							Category string `json:"category"`
						} `json:"suggestions"`
					} `json:"report"`
				} `json:"server"`
			}
			require.NoError(t, json.Unmarshal([]byte(js), &rep))
			assert.NotEmpty(t, rep.Server.Report.Version)
		})
	}
}

// TestPrintShowsServiceLinks: print lists the Kubernetes service links it
// set aside, and REDIS_PORT=tcp://… is not read as the port.
func TestPrintShowsServiceLinks(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, map[string]string{
		"REDIS_URL":                "redis://:" + canary + "@cache.internal:6390",
		"REDIS_PORT":               "tcp://10.96.0.10:6379",
		"REDIS_PORT_6379_TCP_ADDR": "10.96.0.10",
		"REDIS_SERVICE_HOST":       "10.96.0.10",
		"REDIS_SERVICE_PORT":       "6379",
	}, "print")
	require.Equal(t, 0, code, "stderr:\n%s", errOut)
	assert.Contains(t, out, "note: Kubernetes service links for Service(s) redis were seen and not read")
	assert.Contains(t, out, "cache.internal:6390")
	assert.NotContains(t, out, "warning:")
	assert.NotContains(t, out+errOut, canary)
}
