package redisconfig

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Health is the outcome of one health check. Its JSON field names are
// stable.
type Health struct {
	// Status is "up" or "down".
	Status    string     `json:"status"`
	CheckedAt time.Time  `json:"checked_at"`
	Latency   Duration   `json:"latency"`
	Error     string     `json:"error,omitempty"`
	Diagnosis *Diagnosis `json:"diagnosis,omitempty"`

	ServerVersion string `json:"server_version,omitempty"`
	Role          string `json:"role,omitempty"`
	// ClusterState is cluster_state from CLUSTER INFO, for a cluster.
	ClusterState string    `json:"cluster_state,omitempty"`
	Pool         PoolStats `json:"pool"`
	TLS          *TLSInfo  `json:"tls,omitempty"`
	Warnings     []string  `json:"warnings,omitempty"`
}

// Up reports whether the status is "up".
func (h Health) Up() bool { return h.Status == StatusUp }

// The health statuses.
const (
	StatusUp   = "up"
	StatusDown = "down"
)

// Duration is a time.Duration that encodes in JSON as text ("1.5ms").
type Duration time.Duration

// MarshalJSON encodes the duration as its String.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(formatDuration(time.Duration(d)))
}

// String returns the duration as text.
func (d Duration) String() string { return formatDuration(time.Duration(d)) }

// PoolStats are the client's connection pool counters (summed over the
// nodes of a cluster).
type PoolStats struct {
	Hits       uint32 `json:"hits"`
	Misses     uint32 `json:"misses"`
	Timeouts   uint32 `json:"timeouts"`
	TotalConns uint32 `json:"total_conns"`
	IdleConns  uint32 `json:"idle_conns"`
	StaleConns uint32 `json:"stale_conns"`
	// Pipeline is go-redis's dedicated pipeline pool (v9.23), whose
	// connections are not in TotalConns; nil when there is none
	// (REDIS_PIPELINE_POOL_SIZE=-1).
	Pipeline *PoolStats `json:"pipeline,omitempty"`
	// MaxConnsPerNode is the most connections the client can hold to
	// one node, both pools together (Config.MaxConnsPerNode); 0 when
	// max_active_conns is unset.
	MaxConnsPerNode int `json:"max_conns_per_node,omitempty"`
}

// poolStats copies go-redis's counters, the pipeline pool's included.
func poolStats(s *redis.PoolStats, maxConns int) PoolStats {
	out := PoolStats{Hits: s.Hits, Misses: s.Misses, Timeouts: s.Timeouts, TotalConns: s.TotalConns,
		IdleConns: s.IdleConns, StaleConns: s.StaleConns, MaxConnsPerNode: maxConns}
	if p := s.PipelineStats; p != nil {
		out.Pipeline = &PoolStats{Hits: p.Hits, Misses: p.Misses, Timeouts: p.Timeouts, TotalConns: p.TotalConns,
			IdleConns: p.IdleConns, StaleConns: p.StaleConns}
	}
	return out
}

// TLSInfo describes the TLS session with the server.
type TLSInfo struct {
	Version    string    `json:"version"`
	Cipher     string    `json:"cipher"`
	CertExpiry time.Time `json:"cert_expiry"`
	ExpiresIn  Duration  `json:"expires_in"`
}

// Check runs one health check with client (made from c): PING with its
// latency, the server's version and role, the cluster's state, the pool's
// counters, and for TLS the version, cipher and the server certificate's
// expiry, with a warning when it expires within REDIS_CERT_EXPIRY_WARNING.
func (c *Config) Check(ctx context.Context, client redis.UniversalClient) Health {
	return c.check(ctx, goredisProber{client}, func() *PoolStats {
		if stats := client.PoolStats(); stats != nil {
			p := poolStats(stats, c.MaxConnsPerNode())
			return &p
		}
		return nil
	})
}

// goredisProber adapts a go-redis client to Prober.
type goredisProber struct{ client redis.UniversalClient }

func (p goredisProber) Do(ctx context.Context, args ...string) (string, error) {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return p.client.Do(ctx, a...).Text()
}

// check is Check and CheckWith: the one health check, through any client.
// pool, when not nil, reports the client's pool counters after the PING.
func (c *Config) check(ctx context.Context, p Prober, pool func() *PoolStats) Health {
	h := Health{Status: StatusUp, CheckedAt: time.Now()}
	ctx, cancel := context.WithTimeout(ctx, c.ConnectTimeout())
	defer cancel()
	start := time.Now()
	_, err := p.Do(ctx, "PING")
	h.Latency = Duration(time.Since(start))
	if pool != nil {
		if stats := pool(); stats != nil {
			h.Pool = *stats
		}
	}
	if err != nil {
		d := c.scrubDiagnosis(c.diagnose(ctx, err))
		h.Status, h.Error, h.Diagnosis = StatusDown, c.scrubText(err.Error()), &d
		return h
	}
	// INFO's default sections hold server, replication and clients; naming
	// several sections needs Redis 7 (older servers and miniredis refuse).
	if info, err := p.Do(ctx, "INFO"); err == nil {
		h.ServerVersion = infoField(info, "redis_version")
		h.Role = infoField(info, "role")
		if w := c.maxclientsShare(infoField(info, "maxclients")); w != "" {
			h.Warnings = append(h.Warnings, w)
		}
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
		if h.TLS != nil && time.Duration(h.TLS.ExpiresIn) < c.vals[idCertExpiryWarning].duration() {
			h.Warnings = append(h.Warnings, "the server certificate expires on "+h.TLS.CertExpiry.UTC().Format(time.RFC3339)+
				", within "+EnvCertExpiryWarning+" ("+formatDuration(c.vals[idCertExpiryWarning].duration())+")")
		}
	}
	return h
}

// tlsInfo makes one TLS handshake with the first address to read the
// session's version, cipher and the server certificate's expiry; go-redis
// does not expose its connections' TLS state.
func (c *Config) tlsInfo(ctx context.Context) *TLSInfo {
	network, addr := c.network, c.addr
	switch c.topology {
	case TopologyCluster:
		network, addr = "tcp", c.nodes(idClusterNodes)[0]
	case TopologySentinel:
		return nil // the master's address is the sentinels' to tell
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: c.vals[idDialTimeout].duration()}, Config: c.tlsConfig.Clone()}
	if d.NetDialer.Timeout <= 0 {
		d.NetDialer.Timeout = 5 * time.Second
	}
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil
	}
	defer conn.Close()
	st := conn.(*tls.Conn).ConnectionState()
	if len(st.PeerCertificates) == 0 {
		return nil
	}
	expiry := st.PeerCertificates[0].NotAfter
	return &TLSInfo{
		Version:    tls.VersionName(st.Version),
		Cipher:     tls.CipherSuiteName(st.CipherSuite),
		CertExpiry: expiry,
		ExpiresIn:  Duration(time.Until(expiry)),
	}
}

func infoField(info, key string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+":"); ok {
			return v
		}
	}
	return ""
}

// HealthChecker checks a client periodically and reports changes of status
// (down, up) through a callback and slog. Run it in a goroutine; it stops
// when its context ends.
type HealthChecker struct {
	cfg      *Config
	client   redis.UniversalClient
	interval time.Duration
	onChange func(prev, cur Health)
	logger   *slog.Logger

	mu   sync.Mutex
	last Health
}

// NewHealthChecker checks client every interval. onChange, which may be
// nil, is called from Run's goroutine for the first result and for every
// change of status after it.
func (c *Config) NewHealthChecker(client redis.UniversalClient, interval time.Duration, onChange func(prev, cur Health)) *HealthChecker {
	if interval <= 0 {
		interval = 10 * time.Second
	}
	return &HealthChecker{cfg: c, client: client, interval: interval, onChange: onChange, logger: slog.Default()}
}

// WithLogger sets the logger for status changes (default slog.Default()).
func (h *HealthChecker) WithLogger(l *slog.Logger) *HealthChecker {
	h.logger = l
	return h
}

// Last returns the latest result.
func (h *HealthChecker) Last() Health {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}

// Run checks at once and then every interval until ctx ends.
func (h *HealthChecker) Run(ctx context.Context) {
	ticker := time.NewTicker(h.interval)
	defer ticker.Stop()
	for {
		cur := h.cfg.Check(ctx, h.client)
		if ctx.Err() != nil {
			return
		}
		h.mu.Lock()
		prev := h.last
		h.last = cur
		h.mu.Unlock()
		if prev.Status != cur.Status {
			h.report(prev, cur)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (h *HealthChecker) report(prev, cur Health) {
	attrs := []any{"service", h.cfg.service, "addr", oneLine(h.cfg.describeTarget()), "latency", cur.Latency.String()}
	if cur.Up() {
		h.logger.Info("redisconfig: redis is up", attrs...)
	} else {
		h.logger.Warn("redisconfig: redis is down", append(attrs, "error", cur.Error)...)
	}
	if h.onChange != nil {
		h.onChange(prev, cur)
	}
}

// Handler serves, for a service's internal debug mux:
//
//	GET .../health  one health check as JSON; 200 when up, 503 when down
//	GET .../config  the redacted debug view (DebugInfo) as JSON
//
// Mount it with http.StripPrefix, or as it is at the mux's root.
func (c *Config) Handler(client redis.UniversalClient) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		h := c.Check(r.Context(), client)
		code := http.StatusOK
		if !h.Up() {
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, h)
	})
	mux.HandleFunc("GET /config", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, c.DebugInfo())
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
