package redisconfig_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"maps"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
)

// benchServers starts one plain and one TLS redis-server for a benchmark.
func benchServers(b *testing.B) (plain, tlsSrv *redisserver.Server, ca *testpki.CA) {
	ca = testpki.NewCA(b, "bench")
	cert := ca.Server(b, "redis", "127.0.0.1")
	plain = redisserver.Start(b, redisserver.Options{Password: "bench-pw"})
	tlsSrv = redisserver.Start(b, redisserver.Options{Password: "bench-pw", TLS: &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile}})
	return plain, tlsSrv, ca
}

// BenchmarkTimeToReady compares Build+Connect (through the first PING)
// with hand-written go-redis (NewClient+Ping) on the same settings.
func BenchmarkTimeToReady(b *testing.B) {
	plain, tlsSrv, ca := benchServers(b)
	ctx := context.Background()
	cases := []struct {
		name string
		vars map[string]string
		opts *redis.Options
	}{
		{"plain", map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:bench-pw@" + plain.Addr()},
			&redis.Options{Addr: plain.Addr(), Password: "bench-pw"}},
		{"tls", map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "rediss://:bench-pw@" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile},
			&redis.Options{Addr: tlsSrv.Addr(), Password: "bench-pw", TLSConfig: &tls.Config{}}},
	}
	for _, c := range cases {
		b.Run(c.name+"/redisconfig", func(b *testing.B) {
			for b.Loop() {
				cfg, err := redisconfig.New().WithEnv(c.vars).Build(ctx)
				if err != nil {
					b.Fatal(err)
				}
				client, err := cfg.Connect(ctx)
				if err != nil {
					b.Fatal(err)
				}
				_ = client.Close()
			}
		})
		b.Run(c.name+"/redisconfig-connect-only", func(b *testing.B) {
			cfg, err := redisconfig.New().WithEnv(c.vars).Build(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				client, err := cfg.Connect(ctx)
				if err != nil {
					b.Fatal(err)
				}
				_ = client.Close()
			}
		})
		b.Run(c.name+"/go-redis", func(b *testing.B) {
			for b.Loop() {
				o := *c.opts
				if o.TLSConfig != nil {
					// What a hand-written service does with its CA file.
					pem, err := os.ReadFile(ca.CertFile)
					if err != nil {
						b.Fatal(err)
					}
					pool := x509.NewCertPool()
					pool.AppendCertsFromPEM(pem)
					o.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
				}
				client := redis.NewClient(&o)
				if err := client.Ping(ctx).Err(); err != nil {
					b.Fatal(err)
				}
				_ = client.Close()
			}
		})
	}
}

// BenchmarkTimeToReadyPaired runs redisconfig's Build+Connect and the
// hand-written go-redis NewClient+Ping alternately, one of each per
// iteration, so that both see the same machine at the same moment; it
// reports each one's mean and their ratio. On a shared, noisy machine this
// ratio is steadier than one taken from two separate benchmarks.
func BenchmarkTimeToReadyPaired(b *testing.B) {
	plain, tlsSrv, ca := benchServers(b)
	ctx := context.Background()
	handTLS := func() *tls.Config {
		pem, err := os.ReadFile(ca.CertFile)
		if err != nil {
			b.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	}
	cases := []struct {
		name string
		vars map[string]string
		tls  bool
	}{
		{"plain", map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:bench-pw@" + plain.Addr()}, false},
		{"tls", map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "rediss://:bench-pw@" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile}, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var ours, theirs time.Duration
			for b.Loop() {
				start := time.Now()
				cfg, err := redisconfig.New().WithEnv(c.vars).Build(ctx)
				if err != nil {
					b.Fatal(err)
				}
				client, err := cfg.Connect(ctx)
				if err != nil {
					b.Fatal(err)
				}
				ours += time.Since(start)
				_ = client.Close()

				// The hand-written set-up this library replaces: ParseURL of
				// REDIS_URL, and for TLS the CA file loaded by hand.
				start = time.Now()
				o, err := redis.ParseURL(c.vars["REDIS_URL"])
				if err != nil {
					b.Fatal(err)
				}
				if c.tls {
					o.TLSConfig = handTLS()
				}
				hand := redis.NewClient(o)
				if err := hand.Ping(ctx).Err(); err != nil {
					b.Fatal(err)
				}
				theirs += time.Since(start)
				_ = hand.Close()
			}
			n := float64(b.N)
			b.ReportMetric(float64(ours.Microseconds())/n, "redisconfig-µs")
			b.ReportMetric(float64(theirs.Microseconds())/n, "go-redis-µs")
			b.ReportMetric(float64(ours)/float64(theirs), "ratio")
		})
	}
}

// BenchmarkBuild measures Build alone for typical variable sets.
func BenchmarkBuild(b *testing.B) {
	ca := testpki.NewCA(b, "build")
	client := ca.Client(b, "c")
	sets := map[string]map[string]string{
		"url": {"ENVIRONMENT": "production", "REDIS_URL": "rediss://app:pw@redis.internal:6380/2?pool_size=50&read_timeout=2s"},
		"discrete-tls-files": {"ENVIRONMENT": "production", "REDIS_HOST": "redis.internal", "REDIS_PORT": "6380",
			"REDIS_PASSWORD": "pw", "REDIS_TLS": "true", "REDIS_TLS_CA_FILE": ca.CertFile,
			"REDIS_TLS_CERT_FILE": client.CertFile, "REDIS_TLS_KEY_FILE": client.KeyFile, "REDIS_POOL_SIZE": "50"},
		"cluster-6-nodes": {"ENVIRONMENT": "production", "REDIS_TLS": "true", "REDIS_PASSWORD": "pw",
			"REDIS_CLUSTER_NODES": "r0.internal:7000,r1.internal:7000,r2.internal:7000,r3.internal:7000,r4.internal:7000,r5.internal:7000"},
	}
	// The same URL set in a namespace where 200 other REDIS_* variables
	// exist (other software's, no redisconfig name within two edits):
	// the did-you-mean search must not make Build slow.
	crowded := maps.Clone(sets["url"])
	for i := range 200 {
		crowded[fmt.Sprintf("REDIS_QUEUE_%03d_WORKER_ENDPOINT", i)] = "x"
	}
	sets["url-200-unknown-names"] = crowded
	for name, vars := range sets {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := redisconfig.New().WithEnv(vars).Service("backend").Build(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// relaxedProduction builds vars under production rules, relaxed for a
// loopback server without TLS or a password, as the benchmarks use.
func relaxedProduction(b *testing.B, vars map[string]string) *redisconfig.Config {
	b.Helper()
	cfg, err := redisconfig.New().WithEnv(vars).Environment(redisconfig.Production).
		Relax(redisconfig.RuleNoLoopback, "benchmark on loopback").Relax(redisconfig.RuleTLSRequired, "benchmark").
		Relax(redisconfig.RuleCredentialsRequired, "benchmark").Build(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return cfg
}

// BenchmarkTimeToFail measures how long Connect takes to give up on a
// closed port and on a listener that never answers, per environment
// profile, against go-redis's defaults on the same targets. Run it with
// -benchtime=1x: go-redis's defaults take tens of seconds on the silent
// listener. The TLS target is the same silent listener dialled with
// rediss://: the TLS handshake waits for an answer that never comes.
func BenchmarkTimeToFail(b *testing.B) {
	closed := "127.0.0.1:" + strconv.Itoa(redisserver.FreePort(b))
	quiet := redisserver.Silent(b)
	ctx := context.Background()
	targets := []struct{ name, scheme, addr string }{
		{"closed-port", "redis", closed}, {"silent-listener", "redis", quiet},
		{"silent-listener-tls", "rediss", quiet}, // the handshake never gets an answer
	}
	for _, target := range targets {
		for _, env := range []redisconfig.Environment{redisconfig.Development, redisconfig.Test, redisconfig.Production} {
			b.Run(target.name+"/"+env.String(), func(b *testing.B) {
				var total time.Duration
				for b.Loop() {
					vars := map[string]string{"REDIS_URL": target.scheme + "://" + target.addr}
					var cfg *redisconfig.Config
					if env == redisconfig.Production {
						cfg = relaxedProduction(b, vars)
					} else {
						var err error
						if cfg, err = redisconfig.New().WithEnv(vars).Environment(env).Build(ctx); err != nil {
							b.Fatal(err)
						}
					}
					start := time.Now()
					if _, err := cfg.Connect(ctx); err == nil {
						b.Fatal("connected")
					}
					total += time.Since(start)
				}
				b.ReportMetric(total.Seconds()/float64(b.N), "s/fail")
			})
		}
		b.Run(target.name+"/go-redis-defaults", func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				opts := &redis.Options{Addr: target.addr}
				if target.scheme == "rediss" {
					opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: "127.0.0.1"}
				}
				client := redis.NewClient(opts)
				start := time.Now()
				if err := client.Ping(ctx).Err(); err == nil {
					b.Fatal("connected")
				}
				total += time.Since(start)
				_ = client.Close()
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/fail")
		})
	}
}

// BenchmarkSecretsAtStartup builds with three secrets from a source that
// takes 50ms a fetch, against one fetch.
func BenchmarkSecretsAtStartup(b *testing.B) {
	const latency = 50 * time.Millisecond
	src := redisconfig.SecretSourceFunc(func(ctx context.Context, name string) (redisconfig.Secret, error) {
		select {
		case <-time.After(latency):
		case <-ctx.Done():
			return redisconfig.Secret{}, ctx.Err()
		}
		if name == "redis-auth-token" {
			return redisconfig.Secret{}, redisconfig.ErrSecretNotFound
		}
		if name == "redis-ca-cert" {
			return redisconfig.Secret{}, redisconfig.ErrSecretNotFound
		}
		return redisconfig.NewSecret("pw"), nil
	})
	b.Run("build-3-secrets", func(b *testing.B) {
		for b.Loop() {
			if _, err := redisconfig.New().WithEnv(map[string]string{"REDIS_URL": "redis://h:6379"}).
				Secrets().Source(src).Build(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-fetch", func(b *testing.B) {
		for b.Loop() {
			if _, err := src.Fetch(context.Background(), "redis-password"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPoolProfilesPaired compares the production profile's pool with a
// sweep of pool sizes fairly on a noisy machine: each iteration runs one
// burst of GET/SET (8 commands per goroutine) through every client, in an
// order that rotates, so all pools see the same moments. It reports the
// profile's throughput as a share of the best pool's, and pool timeouts.
func BenchmarkPoolProfilesPaired(b *testing.B) {
	srv := redisserver.Start(b, redisserver.Options{})
	ctx := context.Background()
	pools := []string{"profile", "10", "20", "40", "80", "160"}
	for _, workers := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			clients := make([]redis.UniversalClient, len(pools))
			for i, pool := range pools {
				vars := map[string]string{"REDIS_URL": "redis://" + srv.Addr()}
				if pool != "profile" {
					vars["REDIS_POOL_SIZE"] = pool
				}
				var err error
				if clients[i], err = relaxedProduction(b, vars).Connect(ctx); err != nil {
					b.Fatal(err)
				}
				defer clients[i].Close()
			}
			const perWorker = 8
			spent := make([]time.Duration, len(pools))
			var failed atomic.Int64
			burst := func(client redis.UniversalClient) time.Duration {
				start := time.Now()
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range perWorker {
							key := "k" + strconv.Itoa((w*perWorker+i)%1024)
							var err error
							if i%2 == 0 {
								err = client.Set(ctx, key, "v", 0).Err()
							} else {
								err = client.Get(ctx, key).Err()
							}
							if err != nil && err != redis.Nil {
								failed.Add(1)
							}
						}
					}()
				}
				wg.Wait()
				return time.Since(start)
			}
			round := 0
			for b.Loop() {
				for k := range pools {
					i := (k + round) % len(pools)
					spent[i] += burst(clients[i])
				}
				round++
			}
			best := spent[0]
			for i, d := range spent {
				if d < best {
					best = d
				}
				b.ReportMetric(float64(workers*perWorker*b.N)/d.Seconds(), "ops/s-pool="+pools[i])
			}
			b.ReportMetric(float64(best)/float64(spent[0]), "profile/best")
			var timeouts uint32
			for _, c := range clients {
				timeouts += c.PoolStats().Timeouts
			}
			b.ReportMetric(float64(timeouts), "pool-timeouts")
			b.ReportMetric(float64(failed.Load()), "errors")
		})
	}
}

// BenchmarkUnknownNamesPaired builds the URL set with and without 200 other
// REDIS_* variables alternately in one loop and reports the ratio of their
// times, so that the machine's noise hits both alike.
func BenchmarkUnknownNamesPaired(b *testing.B) {
	plain := map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "rediss://app:pw@redis.internal:6380/2?pool_size=50&read_timeout=2s"}
	crowded, others := maps.Clone(plain), maps.Clone(plain)
	for i := range 200 {
		crowded[fmt.Sprintf("REDIS_QUEUE_%03d_WORKER_ENDPOINT", i)] = "x"
		others[fmt.Sprintf("QUEUE_%03d_WORKER_ENDPOINT_URL", i)] = "x" // the same count, not REDIS_*: the floor
	}
	var tPlain, tCrowded, tOthers time.Duration
	for b.Loop() {
		for _, c := range []struct {
			vars map[string]string
			acc  *time.Duration
		}{{plain, &tPlain}, {crowded, &tCrowded}, {others, &tOthers}} {
			start := time.Now()
			if _, err := redisconfig.New().WithEnv(c.vars).Service("backend").Build(context.Background()); err != nil {
				b.Fatal(err)
			}
			*c.acc += time.Since(start)
		}
	}
	b.ReportMetric(float64(tCrowded)/float64(tPlain), "crowded/plain")
	b.ReportMetric(float64(tCrowded)/float64(tOthers), "crowded/non-redis-200")
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(b.N), "plain-ns/op")
	b.ReportMetric(float64(tCrowded.Nanoseconds())/float64(b.N), "crowded-ns/op")
}

// BenchmarkPipelinePoolPaired compares go-redis v9.23's dedicated pipeline
// pool (the production profile keeps its default, 10) with no pipeline pool
// (REDIS_PIPELINE_POOL_SIZE=-1: pipelines share the command pool) and a
// small one (2), under pipelines mixed with single commands. Each iteration
// runs one burst through every client, in a rotating order, so all see the
// same moments. It reports each client's throughput, the ratio of "no pool"
// to the default, and the connections each client ended with.
func BenchmarkPipelinePoolPaired(b *testing.B) {
	srv := redisserver.Start(b, redisserver.Options{})
	ctx := context.Background()
	pipelinePools := []string{"default", "-1", "2"}
	for _, workers := range []int{16, 64} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			clients := make([]redis.UniversalClient, len(pipelinePools))
			for i, pp := range pipelinePools {
				vars := map[string]string{"REDIS_URL": "redis://" + srv.Addr()}
				if pp != "default" {
					vars["REDIS_PIPELINE_POOL_SIZE"] = pp
				}
				var err error
				if clients[i], err = relaxedProduction(b, vars).Connect(ctx); err != nil {
					b.Fatal(err)
				}
				defer clients[i].Close()
			}
			const perWorker = 4 // rounds per goroutine: a pipeline of 16 and a GET
			spent := make([]time.Duration, len(pipelinePools))
			var failed atomic.Int64
			burst := func(client redis.UniversalClient) time.Duration {
				start := time.Now()
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range perWorker {
							_, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
								for j := range 16 {
									p.Set(ctx, "p"+strconv.Itoa((w*16+j)%1024), i, 0)
								}
								return nil
							})
							if err != nil {
								failed.Add(1)
							}
							if err := client.Get(ctx, "p"+strconv.Itoa(w%1024)).Err(); err != nil && err != redis.Nil {
								failed.Add(1)
							}
						}
					}()
				}
				wg.Wait()
				return time.Since(start)
			}
			round := 0
			for b.Loop() {
				for k := range pipelinePools {
					i := (k + round) % len(pipelinePools)
					spent[i] += burst(clients[i])
				}
				round++
			}
			cmds := float64(workers * perWorker * 17 * b.N)
			for i, d := range spent {
				b.ReportMetric(cmds/d.Seconds(), "cmds/s-pipeline="+pipelinePools[i])
				stats := clients[i].PoolStats()
				conns := stats.TotalConns
				if stats.PipelineStats != nil {
					conns += stats.PipelineStats.TotalConns
				}
				b.ReportMetric(float64(conns), "conns-pipeline="+pipelinePools[i])
			}
			b.ReportMetric(float64(spent[0])/float64(spent[1]), "shared/default-throughput")
			b.ReportMetric(float64(failed.Load()), "errors")
		})
	}
}
