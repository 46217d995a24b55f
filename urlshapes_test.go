package redisconfig

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outcome of one shape in one environment.
type shapeWant struct {
	err  error  // nil: Build succeeds
	in   string // in the error, or in a warning when err is nil
	addr string // the address Build settles on (standalone), when it succeeds
}

func ok(addr string) shapeWant             { return shapeWant{addr: addr} }
func warns(addr, in string) shapeWant      { return shapeWant{addr: addr, in: in} }
func fails(err error, in string) shapeWant { return shapeWant{err: err, in: in} }

// TestManagedURLShapes: the URL and variable shapes each provider
// documents, in every environment, with the outcome expected. Values that
// look like passwords are placeholders of the providers' shapes.
func TestManagedURLShapes(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "managed-ca") // stands for a provider's downloaded CA
	pin := strings.Repeat("5a", 32)
	const (
		upstash    = "eu1-sharp-cat-12345.upstash.io"
		azure      = "myapp.redis.cache.windows.net"
		heroku     = "ec2-3-92-1-2.compute-1.amazonaws.com"
		redisCloud = "redis-12345.c1.us-east-1-2.ec2.redns.redis-cloud.com"
		cfgEP      = "clustercfg.my-cache.abc123.use1.cache.amazonaws.com"
		primaryEP  = "master.my-cache.abc123.use1.cache.amazonaws.com"
		serverless = "my-cache-abc123.serverless.use1.cache.amazonaws.com"
		memorydb   = "clustercfg.my-db.abc123.memorydb.us-east-1.amazonaws.com"
	)
	tests := []struct {
		name  string
		give  map[string]string
		relax bool         // Relax(RuleTLSRequired) from code
		want  [4]shapeWant // development, test, staging, production
	}{
		{name: "Upstash rediss URL", give: map[string]string{EnvURL: "rediss://default:AYd1ASQgN2@" + upstash + ":6379", EnvProvider: "upstash"},
			want: [4]shapeWant{ok(upstash + ":6379"), ok(upstash + ":6379"), ok(upstash + ":6379"), ok(upstash + ":6379")}},
		{name: "Upstash rediss URL without a preset", give: map[string]string{EnvURL: "rediss://default:AYd1ASQgN2@" + upstash + ":6379"},
			want: [4]shapeWant{ok(upstash + ":6379"), ok(upstash + ":6379"), ok(upstash + ":6379"), ok(upstash + ":6379")}},
		{name: "Upstash redis URL (no TLS)", give: map[string]string{EnvURL: "redis://default:AYd1ASQgN2@" + upstash + ":6379", EnvProvider: "upstash"},
			want: [4]shapeWant{warns(upstash+":6379", "TLS connections only"), warns(upstash+":6379", "TLS connections only"), fails(ErrRule, "TLS connections only"), fails(ErrRule, "TLS connections only")}},
		{name: "Azure TLS port 6380 URL", give: map[string]string{EnvURL: "rediss://:AzureKey0=@" + azure + ":6380", EnvProvider: "azure"},
			want: [4]shapeWant{ok(azure + ":6380"), ok(azure + ":6380"), ok(azure + ":6380"), ok(azure + ":6380")}},
		{name: "Azure host and port variables, TLS from the preset", give: map[string]string{EnvHost: azure, EnvPort: "6380", EnvPassword: "AzureKey0=", EnvProvider: "azure"},
			want: [4]shapeWant{ok(azure + ":6380"), ok(azure + ":6380"), ok(azure + ":6380"), ok(azure + ":6380")}},
		{name: "Azure plain port 6379", give: map[string]string{EnvURL: "redis://:AzureKey0=@" + azure + ":6379", EnvProvider: "azure"},
			want: [4]shapeWant{ok(azure + ":6379"), ok(azure + ":6379"), fails(ErrRule, "requires TLS"), fails(ErrRule, "requires TLS")}},
		{name: "Heroku REDIS_URL and REDIS_TLS_URL, no pin", give: map[string]string{EnvURL: "rediss://:p1a2b3@" + heroku + ":12345", "REDIS_TLS_URL": "rediss://:p1a2b3@" + heroku + ":12345", EnvProvider: "heroku"},
			want: [4]shapeWant{warns(heroku+":12345", "self-signed"), warns(heroku+":12345", "REDIS_TLS_URL is not read"), fails(ErrRule, "REDIS_TLS_VERIFY=pinned"), fails(ErrRule, "REDIS_TLS_VERIFY=pinned")}},
		{name: "Heroku pinned", give: map[string]string{EnvURL: "rediss://:p1a2b3@" + heroku + ":12345", EnvProvider: "heroku", EnvTLSVerify: "pinned", EnvTLSPinSHA256: pin},
			want: [4]shapeWant{ok(heroku + ":12345"), ok(heroku + ":12345"), ok(heroku + ":12345"), ok(heroku + ":12345")}},
		{name: "Heroku's documented no-verification", give: map[string]string{EnvURL: "rediss://:p1a2b3@" + heroku + ":12345?skip_verify=true"},
			want: [4]shapeWant{warns(heroku+":12345", "skips TLS certificate verification"), ok(heroku + ":12345"), fails(ErrRule, "never skips"), fails(ErrRule, "never skips")}},
		{name: "Redis Cloud plain endpoint", give: map[string]string{EnvURL: "redis://default:rc0pw@" + redisCloud + ":12345", EnvProvider: "redis-cloud"},
			want: [4]shapeWant{ok(redisCloud + ":12345"), ok(redisCloud + ":12345"), fails(ErrRule, "requires TLS"), fails(ErrRule, "requires TLS")}},
		{name: "Redis Cloud TLS without its CA", give: map[string]string{EnvURL: "rediss://default:rc0pw@" + redisCloud + ":12345", EnvProvider: "redis-cloud"},
			want: [4]shapeWant{warns(redisCloud+":12345", "Redis Cloud's own CA"), warns(redisCloud+":12345", "Redis Cloud's own CA"), fails(ErrRule, "Redis Cloud's own CA"), fails(ErrRule, "Redis Cloud's own CA")}},
		{name: "Redis Cloud TLS with its CA", give: map[string]string{EnvURL: "rediss://default:rc0pw@" + redisCloud + ":12345", EnvProvider: "redis-cloud", EnvTLSCAFile: ca.CertFile},
			want: [4]shapeWant{ok(redisCloud + ":12345"), ok(redisCloud + ":12345"), ok(redisCloud + ":12345"), ok(redisCloud + ":12345")}},
		{name: "ElastiCache configuration endpoint as cluster nodes", give: map[string]string{EnvClusterNodes: cfgEP + ":6379", EnvTLS: "true", EnvUsername: "app", EnvPassword: "ec0pw", EnvProvider: "elasticache"},
			want: [4]shapeWant{ok(""), ok(""), ok(""), ok("")}},
		{name: "ElastiCache configuration endpoint as a standalone URL", give: map[string]string{EnvURL: "rediss://app:ec0pw@" + cfgEP + ":6379", EnvProvider: "elasticache"},
			want: [4]shapeWant{warns(cfgEP+":6379", "configuration endpoint"), warns(cfgEP+":6379", "configuration endpoint"), fails(ErrRule, "REDIS_CLUSTER_NODES="+cfgEP+":6379"), fails(ErrRule, "configuration endpoint")}},
		{name: "ElastiCache configuration endpoint without a preset", give: map[string]string{EnvURL: "rediss://app:ec0pw@" + cfgEP + ":6379"},
			want: [4]shapeWant{warns(cfgEP+":6379", "configuration endpoint"), warns(cfgEP+":6379", "configuration endpoint"), fails(ErrRule, "configuration endpoint"), fails(ErrRule, "configuration endpoint")}},
		{name: "ElastiCache primary endpoint (cluster mode disabled)", give: map[string]string{EnvURL: "rediss://app:ec0pw@" + primaryEP + ":6379", EnvProvider: "elasticache"},
			want: [4]shapeWant{ok(primaryEP + ":6379"), ok(primaryEP + ":6379"), ok(primaryEP + ":6379"), ok(primaryEP + ":6379")}},
		{name: "ElastiCache Serverless endpoint", give: map[string]string{EnvHost: serverless, EnvUsername: "app", EnvPassword: "ec0pw", EnvProvider: "elasticache-serverless"},
			want: [4]shapeWant{ok(serverless + ":6379"), ok(serverless + ":6379"), ok(serverless + ":6379"), ok(serverless + ":6379")}},
		{name: "ElastiCache Serverless reader port as cluster seed", give: map[string]string{EnvClusterNodes: serverless + ":6380", EnvUsername: "app", EnvPassword: "ec0pw", EnvProvider: "elasticache-serverless"},
			want: [4]shapeWant{warns("", "read-from-replica"), warns("", "read-from-replica"), fails(ErrRule, "port 6379"), fails(ErrRule, "port 6379")}},
		{name: "MemoryDB configuration endpoint", give: map[string]string{EnvClusterNodes: memorydb + ":6379", EnvUsername: "app", EnvPassword: "mdb0pw", EnvProvider: "memorydb"},
			want: [4]shapeWant{ok(""), ok(""), ok(""), ok("")}},
		{name: "Memorystore private IP, TLS port 6378 with the instance CA", give: map[string]string{EnvHost: "10.124.0.3", EnvPort: "6378", EnvTLS: "true", EnvTLSCAFile: ca.CertFile, EnvPassword: "auth-string-0", EnvProvider: "memorystore"},
			want: [4]shapeWant{ok("10.124.0.3:6378"), ok("10.124.0.3:6378"), ok("10.124.0.3:6378"), ok("10.124.0.3:6378")}},
		{name: "Memorystore private IP without in-transit encryption", give: map[string]string{EnvURL: "redis://:auth-string-0@10.124.0.3:6379", EnvProvider: "memorystore"},
			want: [4]shapeWant{ok("10.124.0.3:6379"), ok("10.124.0.3:6379"), fails(ErrRule, "requires TLS"), fails(ErrRule, "requires TLS")}},
		{name: "Memorystore without in-transit encryption, relaxed in code", give: map[string]string{EnvURL: "redis://:auth-string-0@10.124.0.3:6379", EnvProvider: "memorystore"}, relax: true,
			want: [4]shapeWant{ok("10.124.0.3:6379"), ok("10.124.0.3:6379"), ok("10.124.0.3:6379"), ok("10.124.0.3:6379")}},
		{name: "Memorystore TLS with the system roots", give: map[string]string{EnvURL: "rediss://:auth-string-0@10.124.0.3:6378", EnvProvider: "memorystore"},
			want: [4]shapeWant{warns("10.124.0.3:6378", "per-instance CA"), warns("10.124.0.3:6378", "per-instance CA"), fails(ErrRule, "per-instance CA"), fails(ErrRule, "per-instance CA")}},
		{name: "Memorystore for Redis Cluster discovery endpoint", give: map[string]string{EnvClusterNodes: "10.124.0.5:6379", EnvTLS: "true", EnvTLSCAFile: ca.CertFile, EnvPassword: "x", EnvProvider: "memorystore-cluster"},
			want: [4]shapeWant{ok(""), ok(""), ok(""), ok("")}},
		{name: "Memorystore for Valkey IP with ca-only (per-node certificates)", give: map[string]string{EnvClusterNodes: "10.124.0.7:6379", EnvTLS: "true", EnvTLSCAFile: ca.CertFile, EnvTLSVerify: "ca-only", EnvPassword: "x", EnvProvider: "memorystore-valkey"},
			want: [4]shapeWant{ok(""), ok(""), ok(""), ok("")}},
	}
	for _, tt := range tests {
		for i, env := range []Environment{Development, Test, Staging, Production} {
			t.Run(tt.name+"/"+env.String(), func(t *testing.T) {
				t.Parallel()
				want := tt.want[i]
				b := New().WithEnv(tt.give).Environment(env)
				if tt.relax {
					b.Relax(RuleTLSRequired, "Memorystore on a private VPC without in-transit encryption")
				}
				cfg, err := b.Build(context.Background())
				if want.err != nil {
					require.Error(t, err)
					assert.True(t, errors.Is(err, want.err), "%v", err)
					assert.Contains(t, err.Error(), want.in)
					for _, v := range tt.give {
						if strings.Contains(v, "pw") || strings.Contains(v, "Key0") {
							assert.NotContains(t, err.Error(), v, "no secret in an error")
						}
					}
					return
				}
				require.NoError(t, err)
				if want.addr != "" {
					assert.Equal(t, want.addr, cfg.Options().Addr)
				}
				if want.in != "" {
					assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), want.in)
				}
			})
		}
	}
}
