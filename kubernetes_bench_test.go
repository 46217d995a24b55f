package redisconfig

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"
)

// BenchmarkServiceLinksPaired builds a production URL configuration in a
// pod with the service links of three Services (redis, redis-cache,
// backend-redis: 24 REDIS_* and BACKEND_REDIS_* variables), without them,
// and with the same number of variables that are not REDIS_*, alternately in
// one loop, and reports the ratios, so that the machine's noise hits all
// three alike.
func BenchmarkServiceLinksPaired(b *testing.B) {
	plain := map[string]string{EnvEnvironment: "production", EnvURL: "rediss://app:pw@redis.internal:6380/2?pool_size=50"}
	pod := maps.Clone(plain)
	maps.Copy(pod, k8sPod())
	others := maps.Clone(plain)
	for i := range len(pod) - len(plain) {
		others[fmt.Sprintf("QUEUE_%03d_SERVICE_HOST", i)] = "10.96.0.99"
	}
	var tPlain, tPod, tOthers time.Duration
	for b.Loop() {
		for _, c := range []struct {
			vars map[string]string
			acc  *time.Duration
		}{{plain, &tPlain}, {pod, &tPod}, {others, &tOthers}} {
			start := time.Now()
			if _, err := New().WithEnv(c.vars).Build(context.Background()); err != nil {
				b.Fatal(err)
			}
			*c.acc += time.Since(start)
		}
	}
	b.ReportMetric(float64(tPod)/float64(tPlain), "links/plain")
	b.ReportMetric(float64(tPod)/float64(tOthers), "links/non-redis-same-count")
	b.ReportMetric(float64(tPod.Nanoseconds())/float64(b.N), "links-ns/op")
}
