package redisconfig

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serviceLinks returns exactly the variables Kubernetes injects into a pod
// for a Service named name with cluster IP ip and the given ports (name ""
// for an unnamed port), as pkg/kubelet/envvars writes them.
func serviceLinks(name, ip string, ports ...struct {
	name string
	port string
}) map[string]string {
	stem := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	m := map[string]string{stem + "_SERVICE_HOST": ip}
	for i, p := range ports {
		if i == 0 {
			m[stem+"_SERVICE_PORT"] = p.port
			m[stem+"_PORT"] = "tcp://" + ip + ":" + p.port
		}
		if p.name != "" {
			m[stem+"_SERVICE_PORT_"+strings.ToUpper(strings.ReplaceAll(p.name, "-", "_"))] = p.port
		}
		pre := stem + "_PORT_" + p.port + "_TCP"
		m[pre] = "tcp://" + ip + ":" + p.port
		m[pre+"_PROTO"] = "tcp"
		m[pre+"_PORT"] = p.port
		m[pre+"_ADDR"] = ip
	}
	return m
}

type port = struct {
	name string
	port string
}

// k8sPod is a pod's environment in a namespace with Services redis (ports
// redis 6379 and metrics 9121), redis-cache (unnamed 6380) and
// backend-redis (6379, named tcp-redis).
func k8sPod() map[string]string {
	m := serviceLinks("redis", "10.96.0.10", port{"redis", "6379"}, port{"metrics", "9121"})
	maps.Copy(m, serviceLinks("redis-cache", "10.96.0.11", port{"", "6380"}))
	maps.Copy(m, serviceLinks("backend-redis", "10.96.0.12", port{"tcp-redis", "6379"}))
	maps.Copy(m, serviceLinks("kubernetes", "10.96.0.1", port{"https", "443"}))
	return m
}

func TestServiceLinkRecognition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give, value string
		want        bool
	}{
		{"REDIS_SERVICE_HOST", "10.96.0.10", true},
		{"REDIS_SERVICE_PORT", "6379", true},
		{"REDIS_SERVICE_PORT_REDIS", "6379", true},
		{"REDIS_PORT", "tcp://10.96.0.10:6379", true},
		{"REDIS_PORT", "udp://10.96.0.10:53", true},
		{"REDIS_PORT", "tcp://[fd00::10]:6379", true},
		{"REDIS_PORT", "6379", false},
		{"REDIS_PORT", "tcp://redis:6379", false}, // links always carry the cluster IP
		{"REDIS_PORT", "tcp://10.96.0.10:0", false},
		{"REDIS_PORT", "TCP://10.96.0.10:6379", false},
		{"REDIS_PORT_6379_TCP", "tcp://10.96.0.10:6379", true},
		{"REDIS_PORT_6379_TCP_PROTO", "tcp", true},
		{"REDIS_PORT_6379_TCP_PORT", "6379", true},
		{"REDIS_PORT_6379_TCP_ADDR", "10.96.0.10", true},
		{"REDIS_PORT_53_UDP_ADDR", "10.96.0.10", true},
		{"REDIS_CACHE_PORT", "tcp://10.96.0.11:6380", true},
		{"REDIS_CACHE_PORT_6380_TCP_ADDR", "10.96.0.11", true},
		{"REDIS_PORT_06379_TCP", "tcp://10.96.0.10:6379", false},
		{"REDIS_PORT_6379_HTTP", "x", false},
		{"REDIS_HOST", "10.96.0.10", false},
		{"REDIS_POOL_SIZE", "10", false},
		{"REDIS_CLUSTER_NODES", "a:1", false},
	}
	for _, tt := range tests {
		_, got := serviceLink(tt.give, tt.value)
		assert.Equal(t, tt.want, got, "%s=%s", tt.give, tt.value)
	}
}

// TestKubernetesServiceLinksAreIgnored: a pod with every link of three
// Services builds in every environment, with the address from REDIS_URL,
// no warning, and a note that names the links.
func TestKubernetesServiceLinksAreIgnored(t *testing.T) {
	t.Parallel()
	for _, env := range []Environment{Development, Test, Staging, Production} {
		t.Run(env.String(), func(t *testing.T) {
			t.Parallel()
			vars := k8sPod()
			vars[EnvURL] = "rediss://app:pw@redis.prod.internal:6380/2"
			cfg, err := New().WithEnv(vars).Environment(env).Build(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "redis.prod.internal:6380", cfg.Options().Addr)
			assert.Empty(t, cfg.Warnings())
			assert.Equal(t, "REDIS_URL", cfg.srcs[idPort].Name)
			notes := strings.Join(cfg.DebugInfo().Notes, "\n")
			assert.Contains(t, notes, "Service(s) redis, redis-cache")
			assert.Contains(t, notes, "REDIS_PORT,")
			assert.Contains(t, notes, "REDIS_SERVICE_PORT_METRICS")
			assert.NotContains(t, notes, "KUBERNETES_") // not a REDIS_* variable
		})
	}
}

func TestKubernetesServiceLinksWithHostVariables(t *testing.T) {
	t.Parallel()
	vars := k8sPod()
	vars[EnvEnvironment] = "production"
	vars[EnvHost] = "redis.prod.internal"
	vars[EnvTLS] = "true"
	vars[EnvPassword] = "pw"
	cfg, err := build(t, vars)
	require.NoError(t, err)
	assert.Equal(t, "redis.prod.internal:6379", cfg.Options().Addr, "REDIS_PORT=tcp://… is a link, not the port")
	assert.Empty(t, cfg.Warnings())
}

// TestKubernetesServiceLinksWithServicePrefix: Service("backend") and a
// Kubernetes Service backend-redis, whose BACKEND_REDIS_PORT=tcp://…
// looks like the prefixed port; backend-redis-cache gives
// BACKEND_REDIS_CACHE_*, which looks like prefixed REDIS_CACHE_* names.
func TestKubernetesServiceLinksWithServicePrefix(t *testing.T) {
	t.Parallel()
	for _, env := range []Environment{Development, Test, Staging, Production} {
		t.Run(env.String(), func(t *testing.T) {
			t.Parallel()
			vars := k8sPod()
			maps.Copy(vars, serviceLinks("backend-redis-cache", "10.96.0.13", port{"redis", "6379"}))
			vars["BACKEND_REDIS_URL"] = "rediss://app:pw@cache.prod.internal:6390"
			cfg, err := New().WithEnv(vars).Service("backend").Environment(env).Build(context.Background())
			require.NoError(t, err)
			assert.Equal(t, "cache.prod.internal:6390", cfg.Options().Addr)
			assert.Empty(t, cfg.Warnings())
			notes := strings.Join(cfg.DebugInfo().Notes, "\n")
			assert.Contains(t, notes, "BACKEND_REDIS_PORT,")
			assert.Contains(t, notes, "backend-redis-cache")
		})
	}
}

func TestKubernetesServiceLinksOptIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     map[string]string
		service  string
		wantAddr string
		wantSrc  string
		wantErr  error
		wantWarn bool
	}{
		{name: "redis", give: map[string]string{EnvAddressFrom: "kubernetes"},
			wantAddr: "10.96.0.10:6379", wantSrc: "Kubernetes service link REDIS_SERVICE_HOST"},
		{name: "named service", give: map[string]string{EnvAddressFrom: "kubernetes:redis-cache"},
			wantAddr: "10.96.0.11:6380", wantSrc: "Kubernetes service link REDIS_CACHE_SERVICE_HOST"},
		{name: "other prefix", give: map[string]string{EnvAddressFrom: "kubernetes:backend-redis"},
			wantAddr: "10.96.0.12:6379", wantSrc: "Kubernetes service link BACKEND_REDIS_SERVICE_HOST"},
		{name: "prefixed opt-in", service: "backend", give: map[string]string{"BACKEND_REDIS_ADDRESS_FROM": "kubernetes:backend-redis"},
			wantAddr: "10.96.0.12:6379", wantSrc: "Kubernetes service link BACKEND_REDIS_SERVICE_HOST"},
		{name: "absent service", give: map[string]string{EnvAddressFrom: "kubernetes:valkey"}, wantErr: ErrMissing},
		{name: "bad value", give: map[string]string{EnvAddressFrom: "k8s"}, wantErr: ErrInvalidValue},
		{name: "bad service name", give: map[string]string{EnvAddressFrom: "kubernetes:Redis_Cache"}, wantErr: ErrInvalidValue},
		{name: "same host twice", give: map[string]string{EnvAddressFrom: "kubernetes", EnvHost: "10.96.0.10"},
			wantAddr: "10.96.0.10:6379", wantSrc: "REDIS_HOST"},
		{name: "conflicting host", give: map[string]string{EnvAddressFrom: "kubernetes", EnvHost: "redis.internal"}, wantErr: ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := k8sPod()
			maps.Copy(vars, tt.give)
			vars[EnvEnvironment] = "staging"
			vars[EnvTLS] = "true"
			vars[EnvPassword] = "pw"
			cfg, err := New().WithEnv(vars).Service(tt.service).Build(context.Background())
			if tt.wantErr != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.wantErr), "%v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantAddr, cfg.Options().Addr)
			assert.Equal(t, tt.wantSrc, cfg.srcs[idHost].String())
			assert.Empty(t, cfg.DebugInfo().Notes)
		})
	}
}

func TestKubernetesLinksHintWhenNoAddress(t *testing.T) {
	t.Parallel()
	vars := k8sPod()
	vars[EnvEnvironment] = "production"
	_, err := build(t, vars)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "REDIS_ADDRESS_FROM=kubernetes")
	assert.NotContains(t, err.Error(), "whole number", "REDIS_PORT=tcp://… is not read as the port")
}

// TestUnknownNamesStillWarnedNextToLinks: links do not hide typos.
func TestUnknownNamesStillWarnedNextToLinks(t *testing.T) {
	t.Parallel()
	vars := k8sPod()
	vars["REDIS_PASWORD"] = "x"
	vars["REDIS_CACHE_PORT"] = "6380" // not the link form: somebody's own variable
	cfg, err := build(t, vars)
	require.NoError(t, err)
	w := strings.Join(cfg.Warnings(), "\n")
	assert.Contains(t, w, "REDIS_PASWORD")
	assert.Contains(t, w, "REDIS_CACHE_PORT is not a redisconfig variable")
	assert.NotContains(t, w, "SERVICE_HOST")
}

// TestPodWithLinksConnects: the pod of the issue ("Done means"): the links
// of a Service named redis, and REDIS_URL pointing at a real server.
func TestPodWithLinksConnects(t *testing.T) {
	t.Parallel()
	mr := miniredis.RunT(t)
	vars := serviceLinks("redis", "10.96.0.10", port{"redis", "6379"})
	vars[EnvURL] = "redis://" + mr.Addr()
	vars[EnvEnvironment] = "test"
	cfg, err := build(t, vars)
	require.NoError(t, err)
	client, err := cfg.Connect(context.Background())
	require.NoError(t, err)
	defer client.Close()
	require.NoError(t, client.Set(context.Background(), "k", "v", 0).Err())
	assert.Equal(t, "v", mustGet(t, mr, "k"))
}

func mustGet(t *testing.T, mr *miniredis.Miniredis, key string) string {
	t.Helper()
	v, err := mr.Get(key)
	require.NoError(t, err)
	return v
}

// FuzzServiceLink: any name and value: no panic; a recognised link is never
// a setting's own variable, except REDIS_PORT in the link form.
func FuzzServiceLink(f *testing.F) {
	for _, s := range []string{"REDIS_PORT", "REDIS_PORT_6379_TCP_ADDR", "REDIS_SERVICE_PORT_", "_PORT_1_TCP", "REDIS__PORT_0_UDP_PORT", "REDIS_CACHE_SERVICE_HOST"} {
		f.Add(s, "tcp://10.0.0.1:6379")
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		stem, ok := serviceLink(name, value)
		if !ok {
			return
		}
		if stem == "" {
			t.Fatalf("%q recognised with an empty Service stem", name)
		}
		if _, known := varIndex()[name]; known && !(name == EnvPort && isServiceLinkValue(value)) {
			t.Fatalf("setting variable %q=%q taken for a service link", name, value)
		}
	})
}
