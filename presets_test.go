package redisconfig

import (
	"context"
	"errors"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPresetsTable keeps the table valid: every default parses, every
// choice has a reason and a link, every provider is listed once.
func TestPresetsTable(t *testing.T) {
	t.Parallel()
	seen := map[Provider]bool{}
	for _, p := range presets {
		require.False(t, seen[p.provider], "%s listed twice", p.provider)
		seen[p.provider] = true
		assert.NotEmpty(t, p.service)
		for _, d := range p.defaults {
			_, problem := settings[d.id].parse(d.raw)
			assert.Empty(t, problem, "%s: %s=%s", p.provider, settings[d.id].env, d.raw)
			assert.NotEmpty(t, d.reason, "%s: %s", p.provider, settings[d.id].env)
			assert.True(t, strings.HasPrefix(d.link, "https://"), "%s: %s", p.provider, d.link)
		}
		for _, n := range p.needs {
			assert.NotEmpty(t, n.reason, "%s", p.provider)
			assert.True(t, strings.HasPrefix(n.link, "https://"), "%s: %s", p.provider, n.link)
		}
		assert.Contains(t, []string{"auto", "disabled"}, p.maint.mode, "%s", p.provider)
		assert.True(t, strings.HasPrefix(p.maint.link, "https://"), "%s", p.provider)
	}
	for _, want := range []Provider{ProviderOSS, ProviderMemorystore, ProviderMemorystoreCluster, ProviderMemorystoreValkey,
		ProviderElastiCache, ProviderElastiCacheServerless, ProviderMemoryDB, ProviderAzure, ProviderRedisCloud, ProviderUpstash, ProviderHeroku} {
		assert.True(t, seen[want], "no preset for %s", want)
	}
}

const (
	presetBegin = "<!-- BEGIN PRESETS (generated from presets.go by presets_test.go) -->"
	presetEnd   = "<!-- END PRESETS -->"
)

// TestREADMEPresetTable keeps the README's presets table equal to the
// presets table. REDISCONFIG_UPDATE_README=1 rewrites it.
func TestREADMEPresetTable(t *testing.T) {
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	readme := string(data)
	start, end := strings.Index(readme, presetBegin), strings.Index(readme, presetEnd)
	require.True(t, start >= 0 && end > start, "README.md must hold the presets table markers")
	if os.Getenv("REDISCONFIG_UPDATE_README") == "1" {
		want := readme[:start+len(presetBegin)] + "\n" + presetTable() + readme[end:]
		require.NoError(t, os.WriteFile("README.md", []byte(want), 0o644))
		return
	}
	require.Equal(t, presetTable(), readme[start+len(presetBegin)+1:end],
		"the README's presets table is stale: run REDISCONFIG_UPDATE_README=1 go test -run TestREADMEPresetTable .")
}

func TestPresetLayer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     map[string]string
		code     func(*Builder)
		service  string
		setting  string
		want     string
		wantSrc  string
		wantKind SourceKind
	}{
		{name: "preset value", give: map[string]string{EnvProvider: "memorystore"},
			setting: "disable_identity", want: "true", wantSrc: "memorystore preset", wantKind: SourcePreset},
		{name: "variable wins", give: map[string]string{EnvProvider: "memorystore", EnvDisableIdentity: "false"},
			setting: "disable_identity", want: "false", wantSrc: "REDIS_DISABLE_IDENTITY", wantKind: SourceVariable},
		{name: "URL parameter wins", give: map[string]string{EnvProvider: "azure", EnvURL: "redis://h:6379?conn_max_idle_time=2m"},
			setting: "conn_max_idle_time", want: "2m", wantSrc: "REDIS_URL parameter conn_max_idle_time", wantKind: SourceURL},
		{name: "preset beats profile", give: prodVars(map[string]string{EnvProvider: "heroku", EnvTLSVerify: "pinned", EnvTLSPinSHA256: strings.Repeat("ab", 32)}),
			setting: "conn_max_idle_time", want: "4m", wantSrc: "heroku preset", wantKind: SourcePreset},
		{name: "rediss scheme over TLS default", give: map[string]string{EnvProvider: "upstash", EnvURL: "redis://h:6379"},
			setting: "tls", want: "false", wantSrc: "REDIS_URL", wantKind: SourceURL},
		{name: "code provider", give: map[string]string{EnvProvider: "oss"}, code: func(b *Builder) { b.Provider(ProviderElastiCache) },
			setting: "conn_max_lifetime", want: "11h", wantSrc: "elasticache preset", wantKind: SourcePreset},
		{name: "code wins", give: map[string]string{EnvProvider: "elasticache"}, code: func(b *Builder) { b.Pool().ConnMaxLifetime(0) },
			setting: "conn_max_lifetime", want: "disabled", wantSrc: "code Pool().ConnMaxLifetime", wantKind: SourceCode},
		{name: "prefixed provider", service: "auth", give: map[string]string{"AUTH_REDIS_PROVIDER": "memorydb", EnvProvider: "oss"},
			setting: "tls", want: "true", wantSrc: "memorydb preset", wantKind: SourcePreset},
		{name: "maintenance notifications auto for Redis Cloud", give: map[string]string{EnvProvider: "redis-cloud"},
			setting: "maint_notifications", want: "auto", wantSrc: "redis-cloud preset", wantKind: SourcePreset},
		{name: "maintenance notifications disabled, named", give: map[string]string{EnvProvider: "memorystore"},
			setting: "maint_notifications", want: "disabled", wantSrc: "memorystore preset", wantKind: SourcePreset},
		{name: "maintenance notifications variable wins", give: map[string]string{EnvProvider: "redis-cloud", EnvMaintNotifications: "enabled"},
			setting: "maint_notifications", want: "enabled", wantSrc: "REDIS_MAINT_NOTIFICATIONS", wantKind: SourceVariable},
		{name: "oss changes nothing", give: map[string]string{EnvProvider: "oss"},
			setting: "disable_identity", want: "", wantSrc: "go-redis default", wantKind: SourceUnset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := New().WithEnv(tt.give).Service(tt.service)
			if tt.code != nil {
				tt.code(b)
			}
			cfg, err := b.Build(context.Background())
			require.NoError(t, err)
			var row SettingInfo
			for _, s := range cfg.DebugInfo().Settings {
				if s.Name == tt.setting {
					row = s
				}
			}
			assert.Equal(t, tt.want, row.Value)
			assert.Equal(t, tt.wantSrc, row.Source)
			assert.Equal(t, tt.wantKind.String(), row.SourceKind)
		})
	}
}

func TestPresetVisibleInDebugView(t *testing.T) {
	t.Parallel()
	cfg, err := build(t, map[string]string{EnvProvider: "memorystore-cluster"})
	require.NoError(t, err)
	d := cfg.DebugInfo()
	assert.Contains(t, strings.Join(d.Notes, "\n"), "memorystore-cluster preset (Google Cloud Memorystore for Redis Cluster)")
	assert.Contains(t, strings.Join(d.Notes, "\n"), "maintenance notifications disabled")
	assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), "memorystore-cluster: Memorystore for Redis Cluster is a Redis Cluster",
		"development warns about what production refuses")
}

// TestPresetRules: what each preset needs in staging and production, and
// that development only warns.
func TestPresetRules(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "managed")
	tests := []struct {
		name    string
		give    map[string]string
		relax   bool
		wantErr error
		wantIn  string
	}{
		{name: "oss", give: map[string]string{EnvProvider: "oss"}},
		{name: "unknown provider", give: map[string]string{EnvProvider: "memcache"}, wantErr: ErrInvalidValue, wantIn: "use one of oss, memorystore"},
		{name: "memorystore without its CA", give: map[string]string{EnvProvider: "memorystore"}, wantErr: ErrRule, wantIn: "per-instance CA"},
		{name: "memorystore with its CA", give: map[string]string{EnvProvider: "memorystore", EnvTLSCAFile: ca.CertFile}},
		{name: "memorystore without TLS, relaxed", give: map[string]string{EnvProvider: "memorystore", EnvURL: "redis://app:pw@10.0.0.3:6379"}, relax: true},
		{name: "memorystore-cluster standalone", give: map[string]string{EnvProvider: "memorystore-cluster", EnvTLSCAFile: ca.CertFile}, wantErr: ErrRule, wantIn: "REDIS_CLUSTER_NODES"},
		{name: "memorystore-cluster cluster", give: map[string]string{EnvProvider: "memorystore-cluster", EnvTLSCAFile: ca.CertFile,
			EnvURL: "<unset>", EnvClusterNodes: "10.0.0.5:6379", EnvPassword: "pw", EnvTLS: "true"}},
		{name: "elasticache lifetime too long", give: map[string]string{EnvProvider: "elasticache", EnvConnMaxLifetime: "12h"}, wantErr: ErrRule, wantIn: "below 12h"},
		{name: "elasticache lifetime disabled", give: map[string]string{EnvProvider: "elasticache", EnvConnMaxLifetime: "0"}, wantErr: ErrRule, wantIn: "REDIS_CONN_MAX_LIFETIME"},
		{name: "elasticache default lifetime", give: map[string]string{EnvProvider: "elasticache"}},
		{name: "serverless replica port as seed", give: map[string]string{EnvProvider: "elasticache-serverless",
			EnvURL: "<unset>", EnvClusterNodes: "cache-abc.serverless.use1.cache.amazonaws.com:6380", EnvPassword: "pw"}, wantErr: ErrRule, wantIn: "port 6379"},
		{name: "serverless without TLS even relaxed", give: map[string]string{EnvProvider: "elasticache-serverless", EnvURL: "redis://app:pw@cache-abc.serverless.use1.cache.amazonaws.com:6379"},
			relax: true, wantErr: ErrRule, wantIn: "TLS connections only"},
		{name: "memorydb standalone", give: map[string]string{EnvProvider: "memorydb"}, wantErr: ErrRule, wantIn: "cluster mode"},
		{name: "azure idle too long", give: map[string]string{EnvProvider: "azure", EnvConnMaxIdleTime: "15m"}, wantErr: ErrRule, wantIn: "below 10m"},
		{name: "azure", give: map[string]string{EnvProvider: "azure"}},
		{name: "heroku idle disabled", give: map[string]string{EnvProvider: "heroku", EnvConnMaxIdleTime: "0"}, wantErr: ErrRule, wantIn: "300 seconds"},
		{name: "redis-cloud without its CA", give: map[string]string{EnvProvider: "redis-cloud"}, wantErr: ErrRule, wantIn: "Redis Cloud's own CA"},
		{name: "upstash", give: map[string]string{EnvProvider: "upstash"}},
		{name: "maintenance notifications enabled where unsupported", give: map[string]string{EnvProvider: "upstash", EnvMaintNotifications: "enabled"}, wantErr: ErrRule, wantIn: "REDIS_MAINT_NOTIFICATIONS=disabled"},
		{name: "redis-cloud with maintenance notifications enabled", give: map[string]string{EnvProvider: "redis-cloud", EnvTLSCAFile: ca.CertFile, EnvMaintNotifications: "enabled"}},
		{name: "heroku with the system roots", give: map[string]string{EnvProvider: "heroku"}, wantErr: ErrRule, wantIn: "REDIS_TLS_VERIFY=pinned"},
		{name: "heroku pinned", give: map[string]string{EnvProvider: "heroku", EnvTLSVerify: "pinned", EnvTLSPinSHA256: strings.Repeat("0A:", 31) + "0A"}},
	}
	for _, tt := range tests {
		for _, env := range []Environment{Development, Production} {
			t.Run(tt.name+"/"+env.String(), func(t *testing.T) {
				t.Parallel()
				b := New().WithEnv(prodVars(tt.give)).Environment(env)
				if tt.relax {
					b.Relax(RuleTLSRequired, "private network without in-transit encryption")
				}
				cfg, err := b.Build(context.Background())
				switch {
				case tt.wantErr == nil:
					require.NoError(t, err)
				case env == Production || errors.Is(tt.wantErr, ErrInvalidValue):
					require.Error(t, err)
					assert.ErrorIs(t, err, tt.wantErr)
					assert.Contains(t, err.Error(), tt.wantIn)
				default: // development warns where production refuses
					require.NoError(t, err)
					assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), tt.wantIn)
				}
			})
		}
	}
}

// TestPresetsInEveryEnvironment: each preset builds from its service's
// usual shape in every environment.
func TestPresetsInEveryEnvironment(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "managed")
	for _, p := range presets {
		vars := map[string]string{EnvProvider: string(p.provider), EnvTLSCAFile: ca.CertFile, EnvPassword: "pw", EnvTLS: "true"}
		if p.provider == ProviderHeroku {
			// Heroku's self-signed certificate is trusted by pin.
			delete(vars, EnvTLSCAFile)
			vars[EnvTLSVerify], vars[EnvTLSPinSHA256] = "pinned", strings.Repeat("ab", 32)
		}
		for _, n := range p.needs {
			if n.kind == needCluster {
				vars[EnvClusterNodes] = "10.0.0.5:6379"
			}
		}
		if vars[EnvClusterNodes] == "" {
			vars[EnvHost] = "10.0.0.5"
		}
		for _, env := range []Environment{Development, Test, Staging, Production} {
			t.Run(string(p.provider)+"/"+env.String(), func(t *testing.T) {
				t.Parallel()
				cfg, err := New().WithEnv(maps.Clone(vars)).Environment(env).Build(context.Background())
				require.NoError(t, err)
				assert.Equal(t, string(p.provider), cfg.vals[idProvider].s)
			})
		}
	}
}
