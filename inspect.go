package redisconfig

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// ServerReport is what Inspect learned about the server behind a Config,
// and the presets or variables that fit it. Its JSON field names are
// stable. Server replies in it are cut short and made printable.
type ServerReport struct {
	// Server is "redis" or "valkey"; Version its version.
	Server  string `json:"server"`
	Version string `json:"version"`
	// Cluster reports cluster_enabled:1 (the server is a cluster node).
	Cluster bool `json:"cluster"`
	// SetinfoRejected is the server's error reply to CLIENT SETINFO, ""
	// when it accepted it.
	SetinfoRejected string `json:"setinfo_rejected,omitempty"`
	// MaintNotificationsRejected is the server's error reply to CLIENT
	// MAINT_NOTIFICATIONS ON, "" when it accepted it; MaintNotificationsTried
	// is false when the connection was not RESP3, which they need.
	MaintNotificationsTried    bool   `json:"maint_notifications_tried"`
	MaintNotificationsRejected string `json:"maint_notifications_rejected,omitempty"`
	// IdleTimeout is the server's `timeout` (seconds; 0: never), when
	// CONFIG GET answered; IdleTimeoutError is its reply otherwise (managed
	// services often refuse CONFIG).
	IdleTimeout      *Duration `json:"idle_timeout,omitempty"`
	IdleTimeoutError string    `json:"idle_timeout_error,omitempty"`
	// CertSHA256 and PublicKeySHA256 are the server certificate's digests
	// (TLS only), as REDIS_TLS_PIN_SHA256 takes them.
	CertSHA256      string `json:"cert_sha256,omitempty"`
	PublicKeySHA256 string `json:"public_key_sha256,omitempty"`
	// Suggestions say which preset or variable fits what the server is.
	Suggestions []Suggestion `json:"suggestions"`
}

// Suggestion is one change that fits the server, with the Diagnose
// category of the failure it prevents, if any.
type Suggestion struct {
	Category Category `json:"category,omitempty"`
	Text     string   `json:"text"`
}

// Inspect asks the server (the first address: the standalone server, the
// first cluster seed, or the sentinels' master) what it is: version,
// cluster mode, whether it rejects CLIENT SETINFO and maintenance
// notifications, its idle timeout, and for TLS its certificate's digests.
// It uses one connection that sends no CLIENT SETINFO of its own, and
// suggests the preset or variable that fits. The error is the connection's
// (Diagnose explains it); a refused probe is part of the report.
func (c *Config) Inspect(ctx context.Context) (ServerReport, error) {
	rep := ServerReport{Suggestions: []Suggestion{}}
	ctx, cancel := context.WithTimeout(ctx, c.ConnectTimeout())
	defer cancel()
	var client *redis.Client
	if c.topology == TopologySentinel {
		o := c.FailoverOptions()
		o.DisableIdentity = true
		client = redis.NewFailoverClient(o)
	} else {
		o := c.simple()
		if c.topology == TopologyCluster {
			o.Addr = c.nodes(idClusterNodes)[0]
		}
		o.DisableIdentity = true
		o.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		o.MaxRetries = -1
		client = redis.NewClient(o)
	}
	defer client.Close()
	conn := client.Conn()
	defer conn.Close()
	// INFO with its default sections (server, clients, replication,
	// cluster, …): several named sections need Redis 7, and miniredis and
	// older servers refuse them.
	info, err := conn.Info(ctx).Result()
	if err != nil {
		return rep, err
	}
	rep.Server, rep.Version = "redis", infoField(info, "redis_version")
	if v := infoField(info, "valkey_version"); v != "" {
		rep.Server, rep.Version = "valkey", v
	}
	rep.Version = oneLine(cut(rep.Version))
	rep.Cluster = infoField(info, "cluster_enabled") == "1"

	if err := conn.ClientSetInfo(ctx, redis.WithLibraryName("redisconfig-check")).Err(); err != nil {
		rep.SetinfoRejected = replyText(err)
	}
	if proto, _ := conn.Do(ctx, "HELLO").Result(); helloProto(proto) == 3 {
		rep.MaintNotificationsTried = true
		if err := conn.Do(ctx, "CLIENT", "MAINT_NOTIFICATIONS", "ON", "moving-endpoint-type", "none").Err(); err != nil {
			rep.MaintNotificationsRejected = replyText(err)
		} else {
			_ = conn.Do(ctx, "CLIENT", "MAINT_NOTIFICATIONS", "OFF").Err()
		}
	}
	if kv, err := conn.ConfigGet(ctx, "timeout").Result(); err != nil {
		rep.IdleTimeoutError = replyText(err)
	} else if n, err := strconv.Atoi(kv["timeout"]); err == nil && n >= 0 {
		d := Duration(time.Duration(n) * time.Second)
		rep.IdleTimeout = &d
	} else {
		rep.IdleTimeoutError = "CONFIG GET timeout gave no number"
	}
	if c.tlsConfig != nil && c.topology != TopologySentinel {
		rep.CertSHA256, rep.PublicKeySHA256 = c.certDigests(ctx)
	}
	rep.Suggestions = c.suggest(rep)
	return rep, nil
}

// helloProto reads "proto" from HELLO's reply (a map under RESP3, a list
// under RESP2).
func helloProto(reply any) int {
	switch m := reply.(type) {
	case map[any]any:
		if n, ok := m["proto"].(int64); ok {
			return int(n)
		}
	case []any:
		for i := 0; i+1 < len(m); i += 2 {
			if k, _ := m[i].(string); k == "proto" {
				if n, ok := m[i+1].(int64); ok {
					return int(n)
				}
			}
		}
	}
	return 0
}

// replyText makes a server's reply safe to print: one line, printable,
// short.
func replyText(err error) string { return oneLine(cut(err.Error())) }

func cut(s string) string {
	const most = 160
	if len(s) > most {
		return s[:most] + "..."
	}
	return s
}

// certDigests makes one TLS handshake with the first address and returns
// the server certificate's digests.
func (c *Config) certDigests(ctx context.Context) (string, string) {
	addr := c.addr
	if c.topology == TopologyCluster {
		addr = c.nodes(idClusterNodes)[0]
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: c.tlsConfig.Clone()}
	conn, err := d.DialContext(ctx, c.network, addr)
	if err != nil {
		return "", ""
	}
	defer conn.Close()
	st := conn.(*tls.Conn).ConnectionState()
	if len(st.PeerCertificates) == 0 {
		return "", ""
	}
	return CertificateDigests(st.PeerCertificates[0])
}

// suggest turns what the server is into the changes that fit it.
func (c *Config) suggest(rep ServerReport) []Suggestion {
	out := []Suggestion{}
	add := func(cat Category, format string, args ...any) {
		out = append(out, Suggestion{cat, fmt.Sprintf(format, args...)})
	}
	switch {
	case rep.Cluster && c.topology == TopologyStandalone:
		add(CategoryClusterModeMismatch, "the server is a Redis Cluster node and this client is standalone: it will answer MOVED for keys on other nodes; set %s=%s (or a cluster URL), or %s=memorystore-cluster (or memorydb) for a managed cluster",
			EnvClusterNodes, c.addr, EnvProvider)
	case !rep.Cluster && c.topology == TopologyCluster:
		add(CategoryClusterModeMismatch, "the server is not in cluster mode and this client is a cluster client; unset %s and set %s", EnvClusterNodes, EnvURL)
	}
	if rep.SetinfoRejected != "" {
		if c.vals[idDisableIdentity].bool() {
			add("", "the server rejects CLIENT SETINFO; go-redis does not send it (disable_identity from %s)", c.srcs[idDisableIdentity])
		} else {
			add(CategorySetinfoRejected, "the server rejects CLIENT SETINFO (an error on every new connection): set %s=true, or the %s of the service (memorystore, memorystore-cluster, memorystore-valkey, elasticache, memorydb, azure set it)",
				EnvDisableIdentity, EnvProvider)
		}
	}
	if rep.MaintNotificationsTried && rep.MaintNotificationsRejected != "" {
		if mode := c.vals[idMaintNotifications].s; c.srcs[idMaintNotifications].Kind == SourceUnset || mode != "disabled" {
			add("", "the server does not support maintenance notifications (a Redis Cloud and Redis Software feature) and they are not disabled: auto mode tries them on every new connection, enabled fails it; set %s=disabled",
				EnvMaintNotifications)
		}
	}
	if rep.IdleTimeout != nil && *rep.IdleTimeout > 0 {
		limit := time.Duration(*rep.IdleTimeout)
		idle := c.vals[idConnMaxIdleTime]
		if c.srcs[idConnMaxIdleTime].Kind == SourceUnset || idle.n <= 0 || idle.duration() >= limit {
			add("", "the server closes connections idle for %s (timeout %d): set %s below it, for example %s",
				formatDuration(limit), int(limit/time.Second), EnvConnMaxIdleTime, formatDuration(limit/2))
		}
	}
	return out
}
