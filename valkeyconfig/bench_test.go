// Code generated from ../rueidisconfig/bench_test.go by TestGenerated (generate_test.go); DO NOT EDIT.

package valkeyconfig_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/redisconfig/redisconfig/valkeyconfig"
	"github.com/valkey-io/valkey-go"
)

// BenchmarkTimeToReadyPaired measures, in every iteration and alternately,
// the time to a valkey-go client that has answered a PING: through
// redisconfig (Build from the variables + Connect), by hand with a
// ClientOption literal (the address, the password, ForceSingleClient, for
// TLS the CA file loaded by hand), and by hand through valkey-go's ParseURL
// of the same REDIS_URL. It reports each mean and the ratios.
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
	ready := func(opt valkey.ClientOption) valkey.Client {
		client, err := valkey.NewClient(opt)
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
		b.Run(c.name, func(b *testing.B) {
			var ours, literal, parsed time.Duration
			viaConfig := func() {
				start := time.Now()
				cfg, err := redisconfig.New().WithEnv(c.vars).Build(ctx)
				if err != nil {
					b.Fatal(err)
				}
				client, err := valkeyconfig.Connect(ctx, cfg)
				if err != nil {
					b.Fatal(err)
				}
				ours += time.Since(start)
				client.Close()
			}
			byLiteral := func() {
				start := time.Now()
				opt := valkey.ClientOption{InitAddress: []string{c.addr}, Password: "bench-pw", ForceSingleClient: true}
				if c.tls {
					opt.TLSConfig = handTLS()
				}
				client := ready(opt)
				literal += time.Since(start)
				client.Close()
			}
			byParseURL := func() {
				start := time.Now()
				opt, err := valkey.ParseURL(c.vars["REDIS_URL"])
				if err != nil {
					b.Fatal(err)
				}
				if c.tls {
					opt.TLSConfig = handTLS()
				}
				client := ready(opt)
				parsed += time.Since(start)
				client.Close()
			}
			// The three take turns at going first, so that what one
			// leaves behind (a closing client) weighs on each alike.
			order := []func(){viaConfig, byLiteral, byParseURL}
			var perLiteral, perParsed []float64
			i := 0
			for b.Loop() {
				o0, l0, p0 := ours, literal, parsed
				for j := range order {
					order[(i+j)%len(order)]()
				}
				perLiteral = append(perLiteral, float64(ours-o0)/float64(literal-l0))
				perParsed = append(perParsed, float64(ours-o0)/float64(parsed-p0))
				i++
			}
			// The load on a shared machine throws single iterations far
			// off; the median of the per-iteration ratios resists that.
			b.ReportMetric(median(perLiteral), "median-ratio-literal")
			b.ReportMetric(median(perParsed), "median-ratio-parseurl")
			n := float64(b.N)
			b.ReportMetric(float64(ours.Microseconds())/n, "redisconfig-µs")
			b.ReportMetric(float64(literal.Microseconds())/n, "literal-µs")
			b.ReportMetric(float64(parsed.Microseconds())/n, "parseurl-µs")
			b.ReportMetric(float64(ours)/float64(literal), "ratio-literal")
			b.ReportMetric(float64(ours)/float64(parsed), "ratio-parseurl")
		})
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
