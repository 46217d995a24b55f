package redisconfig

import (
	"context"
)

// Prober is what CheckWith needs from a client of any library: run one
// command and return its reply as text. go-redis clients are checked with
// Check; rueidisconfig and valkeyconfig adapt their clients to Prober.
type Prober interface {
	Do(ctx context.Context, args ...string) (string, error)
}

// CheckWith is Check for a client of another library, through a Prober:
// PING with its latency, the server's version and role, the cluster's
// state, and for TLS the version, cipher and the server certificate's
// expiry. It reports no pool counters (Health.Pool stays zero): those are
// go-redis's.
func (c *Config) CheckWith(ctx context.Context, p Prober) Health { return c.check(ctx, p, nil) }
