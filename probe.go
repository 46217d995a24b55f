package redisconfig

import (
	"context"
	"time"
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
func (c *Config) CheckWith(ctx context.Context, p Prober) Health {
	h := Health{Status: StatusUp, CheckedAt: time.Now()}
	ctx, cancel := context.WithTimeout(ctx, c.ConnectTimeout())
	defer cancel()
	start := time.Now()
	_, err := p.Do(ctx, "PING")
	h.Latency = Duration(time.Since(start))
	if err != nil {
		d := c.Diagnose(err)
		h.Status, h.Error, h.Diagnosis = StatusDown, err.Error(), &d
		return h
	}
	if info, err := p.Do(ctx, "INFO", "server"); err == nil {
		h.ServerVersion = infoField(info, "redis_version")
	}
	if info, err := p.Do(ctx, "INFO", "replication"); err == nil {
		h.Role = infoField(info, "role")
	}
	if c.topology == TopologyCluster {
		if info, err := p.Do(ctx, "CLUSTER", "INFO"); err == nil {
			h.ClusterState = infoField(info, "cluster_state")
			if h.ClusterState != "ok" {
				h.Status = StatusDown
				h.Error = "cluster_state is " + h.ClusterState
				d := Diagnosis{CategoryClusterDown, "the cluster reports cluster_state:" + h.ClusterState, "check the cluster's slots and nodes (CLUSTER INFO)"}
				h.Diagnosis = &d
			}
		}
	}
	if c.tlsConfig != nil {
		h.TLS = c.tlsInfo(ctx)
		if h.TLS != nil && time.Duration(h.TLS.ExpiresIn) < c.vals[setCertExpiryWarning].duration() {
			h.Warnings = append(h.Warnings, "the server certificate expires on "+h.TLS.CertExpiry.UTC().Format(time.RFC3339)+
				", within "+EnvCertExpiryWarning+" ("+c.vals[setCertExpiryWarning].duration().String()+")")
		}
	}
	return h
}
