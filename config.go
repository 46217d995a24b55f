package redisconfig

import (
	"context"
	"crypto/tls"
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
// cannot change the Config. It prints with its secrets redacted, held by
// pointer or by value.
//
// The resolved settings (a value and a source each) are its only truth;
// what is not a scalar (the address, the TLS configuration, the
// credentials) sits beside them, and every go-redis type is derived from
// them on request (goredis.go).
type Config struct {
	env       Environment
	topology  Topology
	service   string
	vals      [numSettings]value
	srcs      [numSettings]Source
	network   string // "tcp" or "unix", standalone only
	addr      string // standalone only
	tlsConfig *tls.Config
	creds     credentials
	warnings  []string
	relaxed   []Relaxation
	notes     []string  // issue 14: the preset in use
	links     []linkVar // issue 14: Kubernetes service links seen and not read
}

// assemble completes the Config a resolution fills, in named steps: the
// address, the cross-field checks, TLS, the credentials and the
// environment's rules.
func (b *Builder) assemble(r *resolution) {
	c := r.cfg
	c.env, c.topology, c.service = r.env, r.topology, b.service
	r.checkTopology(r.topology)
	host := ""
	if r.topology == TopologyStandalone {
		c.network, c.addr, host = r.address()
	}
	r.checkPool()
	r.checkPlatform() // go-redis v9.23's settings (platform.go)
	c.tlsConfig = r.tlsConfig(host)
	r.reloadingCA(b, c.tlsConfig) // reload.go: the CA file is read again when it changes
	r.defaultClientName(b.service)
	r.resolveTokenAuth(b, host) // cloudauth: identity tokens (authmethod.go)
	r.settleCredentials(b)
	c.creds = r.creds
	r.enforceRules()
	r.enforcePreset() // issue 14: presets.go
	r.hideIdleSecretsTiming(b)
	c.warnings = r.warnings
	c.notes, c.links = r.notes, r.links // issue 14
	c.relaxed = relaxations(b.relaxed)
}

// defaultClientName names the connection after the service when nothing
// else names it.
func (r *resolution) defaultClientName(service string) {
	if !r.has(idClientName) && service != "" {
		r.vals[idClientName] = value{s: service}
		r.srcs[idClientName] = Source{Kind: SourceCode, Name: "Service"}
	}
}

// hideIdleSecretsTiming keeps the profile's secret timings out of the debug
// view when there is no secret source: without one they mean nothing.
func (r *resolution) hideIdleSecretsTiming(b *Builder) {
	if b.secretSource != nil {
		return
	}
	for _, id := range []settingID{idSecretsTimeout, idSecretsRefresh} {
		if r.srcs[id].Kind == SourceDefault {
			r.vals[id], r.srcs[id] = value{}, Source{}
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
	case r.has(idSocket) && (r.has(idHost) || r.has(idPort)):
		other := idHost
		if !r.has(idHost) {
			other = idPort
		}
		r.fail(ErrConflict, "socket", r.srcs[idSocket].String()+" and "+r.srcs[other].String(),
			"give both a unix socket and a TCP %s; keep one", settings[other].name)
		return "", "", ""
	case r.has(idSocket):
		return "unix", r.vals[idSocket].s, ""
	case !r.has(idHost):
		if r.outcome(RuleAddressRequired) == fail {
			if r.envOK && !r.broken(idHost) {
				r.fail(ErrMissing, "host", EnvURL+" and "+EnvHost+" (unset)",
					"%s needs an address and never falls back to localhost; set %s or %s, or call Connection().Addr%s",
					r.env, EnvURL, EnvHost, r.linkHint()) // issue 14: linkHint
			}
			return "", "", ""
		}
		r.vals[idHost] = value{s: "localhost"}
		r.srcs[idHost] = Source{Kind: SourceDefault, Name: r.env.String() + " default"}
	}
	if !r.has(idPort) {
		r.vals[idPort] = value{n: defaultPort}
		r.srcs[idPort] = Source{Kind: SourceDefault, Name: "default"}
	}
	host = r.vals[idHost].s
	return "tcp", net.JoinHostPort(host, strconv.Itoa(r.vals[idPort].int())), host
}

// Environment returns the environment the configuration was built for.
func (c *Config) Environment() Environment { return c.env }

// Service returns the service name given to Builder.Service, or "".
func (c *Config) Service() string { return c.service }

// Warnings returns what Build accepted but a person should know: conflicts
// resolved in development and test, skipped certificate checks. They never
// hold a secret.
func (c *Config) Warnings() []string { return oneLines(c.warnings) }

// ConnectTimeout is how long Connect's start-up check may take
// (REDIS_CONNECT_TIMEOUT; every profile sets it, and it cannot be
// disabled).
func (c *Config) ConnectTimeout() time.Duration { return c.vals[idConnectTimeout].duration() }

// Topology returns the topology: standalone, cluster or sentinel.
func (c *Config) Topology() Topology { return c.topology }

// addrList is what go-redis dials: the address, or the seed nodes.
func (c *Config) addrList() []string {
	switch c.topology {
	case TopologyCluster:
		return c.nodes(idClusterNodes)
	case TopologySentinel:
		return c.nodes(idSentinelNodes)
	}
	if c.addr == "" {
		return nil
	}
	return []string{c.addr}
}

// describeTarget describes what Connect dials, for errors and String.
func (c *Config) describeTarget() string {
	switch c.topology {
	case TopologyCluster:
		return "cluster " + c.vals[idClusterNodes].s
	case TopologySentinel:
		return "master " + quote(c.vals[idSentinelMaster].s) + " via sentinels " + c.vals[idSentinelNodes].s
	}
	return c.addr
}

// Connect creates the client and checks it with a PING within the
// environment's connect timeout (REDIS_CONNECT_TIMEOUT). On failure it
// closes the client and returns a *ConnectError that says what was tried;
// there is no fallback of any kind.
//
// The whole of Connect, diagnosis included, ends by the connect deadline
// (REDIS_CONNECT_TIMEOUT from the call, or ctx's deadline if sooner) plus
// at most ProbeMargin, which the diagnosis may use to look again at an
// address that timed out; it never outlives ctx.
func (c *Config) Connect(ctx context.Context) (redis.UniversalClient, error) {
	deadline := time.Now().Add(c.ConnectTimeout())
	markChecking(c.addrList(), deadline.Add(ProbeMargin)) // golog.go: Connect reports these dials
	probeCtx, cancel := context.WithDeadline(ctx, deadline.Add(ProbeMargin))
	defer cancel()
	early := c.probeFromHalfway(probeCtx, deadline)
	client := c.NewClient()
	if err := c.ping(ctx, deadline, client); err != nil {
		_ = client.Close()
		markChecking(c.addrList(), time.Now().Add(foldWindow))
		if early.started() {
			probeCtx = context.WithValue(probeCtx, earlyProbeKey{}, early)
		}
		return nil, &ConnectError{Addr: c.describeTarget(), TLS: c.tlsConfig != nil, Username: c.creds.username,
			Err: c.scrubber().error(err), Diagnosis: c.scrubDiagnosis(c.diagnose(probeCtx, err))}
	}
	early.stop()
	markChecking(c.addrList(), time.Now()) // up: later dial failures are news
	return client, nil
}

// ProbeMargin is the most Connect may run past its deadline, for its
// diagnosis. When the check has had half its time without an answer, a
// probe looks at the address beside it (a refused dial or an unresolvable
// name, hidden by go-redis's retries; a plain Redis answering a TLS
// client), so a timeout is usually explained by the deadline; the margin
// bounds what is left of that probe.
const ProbeMargin = 100 * time.Millisecond

// ping runs PING under the connect deadline. go-redis bounds a read by its
// own read timeout, not the context, so when the deadline passes first the
// client is closed under the PING, which unblocks it; ping returns at the
// deadline without waiting for go-redis to notice.
func (c *Config) ping(ctx context.Context, deadline time.Time, client redis.UniversalClient) error {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { _ = client.Close() })
	// go-redis may take a while to notice the closed client in a TLS
	// handshake (its own dial timeout), so the check does not wait for it
	// past the deadline: the PING's goroutine ends when go-redis returns.
	done := make(chan error, 1)
	go func() { done <- client.Ping(ctx).Err() }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
	}
	if !stop() || ctx.Err() != nil { // the deadline or the caller ended the check
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%w %s (%s): %w", errConnectDeadline, formatDuration(c.ConnectTimeout()), EnvConnectTimeout, ctx.Err())
		}
		return ctx.Err()
	}
	return err
}

// errConnectDeadline marks a start-up check that ran out of time.
var errConnectDeadline = errors.New("no answer within")

// String describes the configuration in one line, secrets redacted. Like
// every printing method of Config it has a value receiver, so a Config
// printed by value, or inside another struct, is redacted too.
func (c Config) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "redisconfig.Config{environment: %s", c.env)
	if c.service != "" {
		fmt.Fprintf(&sb, ", service: %s", c.service)
	}
	if c.topology == TopologyStandalone {
		fmt.Fprintf(&sb, ", network: %s, addr: %s, db: %d", c.network, oneLine(c.addr), c.vals[idDB].int())
	} else {
		fmt.Fprintf(&sb, ", topology: %s, addrs: %s", c.topology, oneLine(c.describeTarget()))
	}
	fmt.Fprintf(&sb, ", tls: %t", c.tlsConfig != nil)
	if c.creds.username != "" {
		fmt.Fprintf(&sb, ", username: %s", oneLine(c.creds.username))
	}
	if d := c.creds.describe(); d != "" {
		sb.WriteString(", " + d)
	}
	if !c.vals[idSentinelPassword].sec.IsZero() {
		sb.WriteString(", sentinel_password: " + redacted)
	}
	if len(c.warnings) > 0 {
		fmt.Fprintf(&sb, ", warnings: %d", len(c.warnings))
	}
	sb.WriteString("}")
	return oneLine(sb.String())
}

// Format prints String for every verb, so %v, %+v and %#v never reach the
// password the Config holds.
func (c Config) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// GoString returns String.
func (c Config) GoString() string { return c.String() }

// MarshalJSON encodes the debug view (DebugInfo), secrets redacted.
func (c Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.DebugInfo()) }

// LogValue logs the effective settings as a group, secrets redacted.
func (c Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("environment", c.env.String())}
	if c.service != "" {
		attrs = append(attrs, slog.String("service", c.service))
	}
	for id := range settings {
		if c.srcs[id].Kind == SourceUnset {
			continue
		}
		def := &settings[id]
		attrs = append(attrs, slog.String(def.name, oneLine(def.display(c.vals[id]))))
	}
	return slog.GroupValue(attrs...)
}
