package rueidisconfig_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/redisconfig/redisconfig/rueidisconfig"
)

// BenchmarkTimeToReadyPaired measures, in every iteration and alternately,
// the time to a rueidis client that has answered a PING by hand, with a
// ClientOption literal (the address, the password, ForceSingleClient, for
// TLS the CA file loaded by hand), and through a contender: redisconfig
// (Build from the variables + Connect), the literal itself (control: what
// the machine's noise alone gives), or rueidis's ParseURL of the same
// REDIS_URL. It reports each mean, the ratio of the means and the median of
// the per-iteration ratios.
func BenchmarkTimeToReadyPaired(b *testing.B) {
	ca := testpki.NewCA(b, "bench")
	server := ca.Server(b, "redis", "127.0.0.1")
	plain := redisserver.Start(b, redisserver.Options{Password: "bench-pw"})
	tlsSrv := redisserver.Start(b, redisserver.Options{Password: "bench-pw",
		TLS: &redisserver.TLS{CertFile: server.CertFile, KeyFile: server.KeyFile, CAFile: ca.CertFile}})
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
	ready := func(opt rueidis.ClientOption) rueidis.Client {
		client, err := rueidis.NewClient(opt)
		if err != nil {
			b.Fatal(err)
		}
		if err := client.Do(ctx, client.B().Ping().Build()).Error(); err != nil {
			b.Fatal(err)
		}
		return client
	}
	cases := []struct {
		name string
		addr string
		vars map[string]string
		tls  bool
	}{
		{"plain", plain.Addr(), map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:bench-pw@" + plain.Addr()}, false},
		{"tls", tlsSrv.Addr(), map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "rediss://:bench-pw@" + tlsSrv.Addr(), "REDIS_TLS_CA_FILE": ca.CertFile}, true},
	}
	for _, c := range cases {
		byLiteral := func() time.Duration {
			start := time.Now()
			opt := rueidis.ClientOption{InitAddress: []string{c.addr}, Password: "bench-pw", ForceSingleClient: true}
			if c.tls {
				opt.TLSConfig = handTLS()
			}
			client := ready(opt)
			d := time.Since(start)
			client.Close()
			return d
		}
		contenders := []struct {
			name string
			run  func() time.Duration
		}{
			{"redisconfig", func() time.Duration {
				start := time.Now()
				cfg, err := redisconfig.New().WithEnv(c.vars).Build(ctx)
				if err != nil {
					b.Fatal(err)
				}
				client, err := rueidisconfig.Connect(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				d := time.Since(start)
				client.Close()
				return d
			}},
			// The literal against itself: the ratios this machine's noise
			// gives when there is no difference at all.
			{"control", byLiteral},
			{"parseurl", func() time.Duration {
				start := time.Now()
				opt, err := rueidis.ParseURL(c.vars["REDIS_URL"])
				if err != nil {
					b.Fatal(err)
				}
				if c.tls {
					opt.TLSConfig = handTLS()
				}
				client := ready(opt)
				d := time.Since(start)
				client.Close()
				return d
			}},
		}
		for _, contender := range contenders {
			b.Run(c.name+"/"+contender.name, func(b *testing.B) {
				// The two take turns at going first, so that each follows
				// the other (and itself) equally often: a client that is
				// closing weighs on the next one.
				var theirs, literal time.Duration
				var ratios []float64
				first := true
				for b.Loop() {
					var x, y time.Duration
					if first {
						x = contender.run()
						y = byLiteral()
					} else {
						y = byLiteral()
						x = contender.run()
					}
					first = !first
					theirs += x
					literal += y
					ratios = append(ratios, float64(x)/float64(y))
				}
				n := float64(b.N)
				b.ReportMetric(float64(theirs.Microseconds())/n, contender.name+"-µs")
				b.ReportMetric(float64(literal.Microseconds())/n, "literal-µs")
				b.ReportMetric(float64(theirs)/float64(literal), "ratio")
				// The load on a shared machine throws single iterations
				// far off; the median of the per-iteration ratios resists
				// that.
				b.ReportMetric(median(ratios), "median-ratio")
			})
		}
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// BenchmarkOptions measures turning a built Config into rueidis options,
// the part of Connect that is this module's own.
func BenchmarkOptions(b *testing.B) {
	cfg, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "test", "REDIS_URL": "redis://:bench-pw@127.0.0.1:6379"}).Build(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rueidisconfig.Options(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
