package redisconfig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Config is a validated Redis client configuration. It is immutable: every
// accessor returns a fresh copy, so a client that changes its options
// cannot change the Config. It prints with its secrets redacted.
type Config struct {
	env            Environment
	topology       Topology
	service        string
	opts           redis.Options
	connectTimeout time.Duration
	vals           [numSettings]value
	srcs           [numSettings]Source
	warnings       []string
	relaxed        []Relaxation
	rotator        *rotator // the password's secret, read again as it rotates
}

// assemble completes the Config a resolution fills: the address, the
// cross-field checks, TLS, the environment's rules and go-redis's options.
func (b *Builder) assemble(r *resolution) {
	r.checkTopology(r.topology)
	var network, addr, host string
	var hosts []string // every address the rules must look at
	switch r.topology {
	case TopologyStandalone:
		network, addr, host = r.address()
		if r.has(setSocket) {
			hosts = append(hosts, "")
		} else if addr != "" {
			hosts = append(hosts, host)
		}
	case TopologyCluster:
		hosts = listHosts(r.vals[setClusterNodes].s)
	case TopologySentinel:
		hosts = listHosts(r.vals[setSentinelNodes].s)
	}
	r.checkPool()
	tlsCfg := r.tlsConfig(host)
	r.enforceRules(b, hosts)

	c := r.cfg
	c.env, c.topology, c.service = r.env, r.topology, b.service
	c.opts = redis.Options{Network: network, Addr: addr, TLSConfig: tlsCfg}
	for id := range settings {
		if def := &settings[id]; def.apply != nil && r.has(settingID(id)) {
			def.apply(&c.opts, r.vals[id])
		}
	}
	if !r.has(setClientName) && b.service != "" {
		c.opts.ClientName = b.service
		c.vals[setClientName] = value{s: b.service}
		c.srcs[setClientName] = Source{Kind: SourceCode, Name: "Service"}
	}
	if b.credentials != nil {
		for _, id := range []settingID{setUsername, setPassword} {
			if r.has(id) {
				r.fail(ErrConflict, settings[id].name, r.srcs[id].String()+" and code Connection().CredentialsProvider",
					"give credentials twice; remove one of them")
			}
		}
		c.opts.CredentialsProviderContext = b.credentials
	}
	if r.rotating != nil && r.vals[setSecretsRefresh].n > 0 && b.credentials == nil {
		c.rotator = &rotator{
			src: b.secretSource, name: r.rotating.name, username: c.opts.Username,
			every: r.vals[setSecretsRefresh].duration(), timeout: r.vals[setSecretsTimeout].duration(),
			onError: b.onRefreshError, value: r.rotating.value.Reveal(), fetchedAt: time.Now(),
		}
		c.opts.Password = ""
		c.opts.CredentialsProviderContext = c.rotator.credentials
	}
	c.connectTimeout = connectTimeoutFallback
	if r.has(setConnectTimeout) && r.vals[setConnectTimeout].n > 0 {
		c.connectTimeout = r.vals[setConnectTimeout].duration()
	}
	if b.secretSource == nil {
		// Without a source the secrets' timing means nothing: keep the
		// profile's values out of the debug view rather than show them.
		for _, id := range []settingID{setSecretsTimeout, setSecretsRefresh} {
			if c.srcs[id].Kind == SourceDefault {
				c.vals[id], c.srcs[id] = value{}, Source{}
			}
		}
	}
	c.warnings = r.warnings
	for _, rule := range []Rule{RuleTLSRequired, RuleCredentialsRequired, RuleNoLoopback} {
		if reason, ok := b.relaxed[rule]; ok {
			c.relaxed = append(c.relaxed, Relaxation{Rule: rule.String(), Reason: reason})
		}
	}
}

// defaultPort is Redis's port, used when an address gives none (as go-redis
// does for URLs).
const defaultPort = 6379

// address settles the network and address: a unix socket, or host and
// port, or (development and test only) localhost:6379.
func (r *resolution) address() (network, addr, host string) {
	switch {
	case r.has(setSocket) && (r.has(setHost) || r.has(setPort)):
		other := setHost
		if !r.has(setHost) {
			other = setPort
		}
		r.fail(ErrConflict, "socket", r.srcs[setSocket].String()+" and "+r.srcs[other].String(),
			"give both a unix socket and a TCP %s; keep one", settings[other].name)
		return "", "", ""
	case r.has(setSocket):
		return "unix", r.vals[setSocket].s, ""
	case !r.has(setHost):
		if !r.envOK || !r.prof.localhostFallback {
			if r.envOK {
				r.fail(ErrMissing, "host", EnvURL+" and "+EnvHost+" (unset)",
					"%s needs an address and never falls back to localhost; set %s or %s, or call Connection().Addr",
					r.env, EnvURL, EnvHost)
			}
			return "", "", ""
		}
		r.vals[setHost] = value{s: "localhost"}
		r.srcs[setHost] = Source{Kind: SourceDefault, Name: r.env.String() + " default"}
	}
	if !r.has(setPort) {
		r.vals[setPort] = value{n: defaultPort}
		r.srcs[setPort] = Source{Kind: SourceDefault, Name: "default"}
	}
	host = r.vals[setHost].s
	return "tcp", net.JoinHostPort(host, strconv.Itoa(r.vals[setPort].int())), host
}

// Environment returns the environment the configuration was built for.
func (c *Config) Environment() Environment { return c.env }

// Service returns the service name given to Builder.Service, or "".
func (c *Config) Service() string { return c.service }

// Warnings returns what Build accepted but a person should know: conflicts
// resolved in development and test, skipped certificate checks. They never
// hold a secret.
func (c *Config) Warnings() []string { return append([]string(nil), c.warnings...) }

// ConnectTimeout is how long Connect's start-up check may take.
func (c *Config) ConnectTimeout() time.Duration { return c.connectTimeout }

// Topology returns the topology: standalone, cluster or sentinel.
func (c *Config) Topology() Topology { return c.topology }

// Options returns go-redis options for a standalone client: a fresh copy on
// every call, with its own tls.Config; nil unless the topology is
// standalone.
func (c *Config) Options() *redis.Options {
	if c.topology != TopologyStandalone {
		return nil
	}
	return c.baseOptions()
}

// baseOptions copies the resolved options, whatever the topology; the
// cluster and failover options are made from it.
func (c *Config) baseOptions() *redis.Options {
	o := c.opts
	if o.TLSConfig != nil {
		o.TLSConfig = o.TLSConfig.Clone()
	}
	return &o
}

// addrs describes what Connect dials, for errors and String.
func (c *Config) addrs() string {
	switch c.topology {
	case TopologyCluster:
		return "cluster " + c.vals[setClusterNodes].s
	case TopologySentinel:
		return "master " + quote(c.vals[setSentinelMaster].s) + " via sentinels " + c.vals[setSentinelNodes].s
	}
	return c.opts.Addr
}

// Connect creates the client and checks it with a PING within the
// environment's connect timeout (REDIS_CONNECT_TIMEOUT). On failure it
// closes the client and returns a *ConnectError that says what was tried;
// there is no fallback of any kind.
func (c *Config) Connect(ctx context.Context) (redis.UniversalClient, error) {
	client := c.NewClient()
	if err := c.ping(ctx, client); err != nil {
		_ = client.Close()
		return nil, &ConnectError{Addr: c.addrs(), TLS: c.opts.TLSConfig != nil, Username: c.opts.Username, Err: err, Diagnosis: c.Diagnose(err)}
	}
	return client, nil
}

// ping runs PING under the connect deadline. go-redis bounds a read by its
// own read timeout, not the context, so when the deadline passes first the
// client is closed under the PING, which unblocks it. The PING runs on the
// caller's goroutine.
func (c *Config) ping(ctx context.Context, client redis.UniversalClient) error {
	ctx, cancel := context.WithTimeout(ctx, c.connectTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { _ = client.Close() })
	err := client.Ping(ctx).Err()
	if !stop() { // the deadline or the caller ended the check
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%w %s (%s): %w", errConnectDeadline, c.connectTimeout, EnvConnectTimeout, ctx.Err())
		}
		return ctx.Err()
	}
	return err
}

// errConnectDeadline marks a start-up check that ran out of time.
var errConnectDeadline = errors.New("no answer within")

// String describes the configuration in one line, secrets redacted.
func (c *Config) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "redisconfig.Config{environment: %s", c.env)
	if c.service != "" {
		fmt.Fprintf(&sb, ", service: %s", c.service)
	}
	if c.topology == TopologyStandalone {
		fmt.Fprintf(&sb, ", network: %s, addr: %s, db: %d", c.opts.Network, c.opts.Addr, c.opts.DB)
	} else {
		fmt.Fprintf(&sb, ", topology: %s, addrs: %s", c.topology, c.addrs())
	}
	fmt.Fprintf(&sb, ", tls: %t", c.opts.TLSConfig != nil)
	if c.opts.Username != "" {
		fmt.Fprintf(&sb, ", username: %s", c.opts.Username)
	}
	if c.opts.Password != "" {
		sb.WriteString(", password: " + redacted)
	}
	if c.vals[setSentinelPassword].s != "" {
		sb.WriteString(", sentinel_password: " + redacted)
	}
	switch {
	case c.rotator != nil:
		sb.WriteString(", password: " + redacted + " (rotating secret " + c.rotator.name + ")")
	case c.opts.CredentialsProviderContext != nil:
		sb.WriteString(", credentials: provider")
	}
	if len(c.warnings) > 0 {
		fmt.Fprintf(&sb, ", warnings: %d", len(c.warnings))
	}
	sb.WriteString("}")
	return sb.String()
}

// Format prints String for every verb, so %v, %+v and %#v never reach the
// password the Config holds.
func (c *Config) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// GoString returns String.
func (c *Config) GoString() string { return c.String() }

// MarshalJSON encodes the debug view (DebugInfo), secrets redacted.
func (c *Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.DebugInfo()) }

// LogValue logs the effective settings as a group, secrets redacted.
func (c *Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("environment", c.env.String())}
	if c.service != "" {
		attrs = append(attrs, slog.String("service", c.service))
	}
	for id := range settings {
		if c.srcs[id].Kind == SourceUnset {
			continue
		}
		def := &settings[id]
		attrs = append(attrs, slog.String(def.name, def.display(c.vals[id])))
	}
	return slog.GroupValue(attrs...)
}
