package redisconfig_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
)

// BenchmarkTokenTimeToReadyPaired runs Build+Connect with a token source
// whose token is at hand (as an SDK's cached token is) and the same with a
// static password, alternately, one of each per iteration; it reports both
// means and their ratio (token / password).
func BenchmarkTokenTimeToReadyPaired(b *testing.B) {
	srv := redisserver.Start(b, redisserver.Options{Password: "bench-pw"})
	ctx := context.Background()
	vars := map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + srv.Addr()}
	pwVars := map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://:bench-pw@" + srv.Addr()}
	src := redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
		return redisconfig.Token{Username: "default", Password: redisconfig.NewSecret("bench-pw"), Expiry: time.Now().Add(time.Hour)}, nil
	})
	var token, password time.Duration
	for b.Loop() {
		start := time.Now()
		cfg, err := redisconfig.New().WithEnv(vars).Connection().TokenSource(src).Build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		client, err := cfg.Connect(ctx)
		if err != nil {
			b.Fatal(err)
		}
		token += time.Since(start)
		_ = client.Close()

		start = time.Now()
		cfg, err = redisconfig.New().WithEnv(pwVars).Build(ctx)
		if err != nil {
			b.Fatal(err)
		}
		client, err = cfg.Connect(ctx)
		if err != nil {
			b.Fatal(err)
		}
		password += time.Since(start)
		_ = client.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(token.Microseconds())/n, "token-µs")
	b.ReportMetric(float64(password.Microseconds())/n, "password-µs")
	b.ReportMetric(float64(token)/float64(password), "ratio")
}

// BenchmarkTokenFetchesUnderChurn runs 64 goroutines of GET through a pool
// of one connection that lives 1ms, so that nearly every command dials
// and authenticates anew, with tokens living 300ms; it reports the token
// fetches per refresh window (200ms: two thirds of the lifetime).
func BenchmarkTokenFetchesUnderChurn(b *testing.B) {
	srv := redisserver.Start(b, redisserver.Options{Password: "bench-pw"})
	ctx := context.Background()
	const lifetime = 300 * time.Millisecond
	var fetches atomic.Int64
	src := redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
		fetches.Add(1)
		return redisconfig.Token{Username: "default", Password: redisconfig.NewSecret("bench-pw"), Expiry: time.Now().Add(lifetime)}, nil
	})
	cfg, err := redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "development", "REDIS_URL": "redis://" + srv.Addr(),
		"REDIS_POOL_SIZE": "1", "REDIS_CONN_MAX_LIFETIME": "1ms", "REDIS_AUTH_REAUTH": "false"}).
		Connection().TokenSource(src).Build(ctx)
	if err != nil {
		b.Fatal(err)
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer client.Close()
	start := time.Now()
	var ops atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	per := max(b.N/64, 1)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range per {
				_ = client.Get(ctx, "k").Err()
				ops.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	windows := float64(elapsed) / float64(lifetime-lifetime/3)
	b.ReportMetric(float64(fetches.Load())/max(windows, 1), "fetches/window")
	b.ReportMetric(elapsed.Seconds(), "s")
}
