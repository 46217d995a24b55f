package redisconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// Category names a kind of connection failure. The values are stable and
// appear in the debug view and the command's JSON.
type Category string

// The failure categories Diagnose tells apart.
const (
	CategoryDNS                   Category = "dns"
	CategoryRefused               Category = "connection-refused"
	CategoryTimeout               Category = "timeout"
	CategoryTLSUnknownAuthority   Category = "tls-unknown-authority"
	CategoryTLSNameMismatch       Category = "tls-name-mismatch"
	CategoryTLSExpired            Category = "tls-expired"
	CategoryTLSClientCertRequired Category = "tls-client-cert-required"
	CategoryTLSClientCertRejected Category = "tls-client-cert-rejected"
	CategoryTLSServerNotTLS       Category = "tls-server-not-tls"
	CategoryPlaintextToTLS        Category = "plaintext-to-tls-port"
	CategoryWrongPassword         Category = "auth-wrong-password"
	CategoryAuthRequired          Category = "auth-required"
	CategoryNoPermission          Category = "auth-no-permission"
	CategoryProtocol              Category = "protocol"
	CategoryClusterDown           Category = "cluster-down"
	CategorySentinelNoMaster      Category = "sentinel-unknown-master"
	// CategoryMaintNotifications: REDIS_MAINT_NOTIFICATIONS=enabled against
	// a server without maintenance notifications (go-redis v9.23).
	CategoryMaintNotifications Category = "maint-notifications-unsupported"
	CategoryUnknown            Category = "unknown"

	// Token authentication (token.go).
	CategoryTokenNoCredentials Category = "auth-token-no-credentials"
	CategoryTokenAudience      Category = "auth-token-wrong-audience"
	CategoryTokenUnreachable   Category = "auth-token-endpoint-unreachable"
	CategoryTokenTimeout       Category = "auth-token-timeout"
	CategoryTokenRefused       Category = "auth-token-refused"
	CategoryTokenFailed        Category = "auth-token-failed"

	// issue 14 (diagnose_deploy.go): failures whose cause is a
	// configuration choice that a preset or a verification mode fixes.
	CategoryClusterModeMismatch Category = "cluster-mode-mismatch"
	CategorySetinfoRejected     Category = "setinfo-rejected"
	CategoryTLSVerifyMode       Category = "tls-verify-mode"
)

// Diagnosis explains a connection failure in one line, with the fix.
type Diagnosis struct {
	Category Category `json:"category"`
	// Summary says what happened, Fix what to change (naming the variable).
	Summary string `json:"summary"`
	Fix     string `json:"fix"`
}

// String returns "summary; fix".
func (d Diagnosis) String() string {
	if d.Fix == "" {
		return oneLine(d.Summary)
	}
	return oneLine(d.Summary + "; " + d.Fix)
}

// Diagnose classifies err, an error from connecting with c. It looks at the
// error's types first and its text only where go-redis or the server gives
// nothing better. The summary never holds a secret the Config knows, even
// when it quotes the server, and is one line.
//
// For a timeout it may look at the address again, within the connect
// timeout (REDIS_CONNECT_TIMEOUT); Connect's own diagnosis uses what is
// left of its deadline instead.
func (c *Config) Diagnose(err error) Diagnosis {
	ctx, cancel := context.WithTimeout(context.Background(), c.ConnectTimeout())
	defer cancel()
	return c.scrubDiagnosis(c.diagnose(ctx, err))
}

// diagnose is Diagnose under ctx, which bounds the probe.
func (c *Config) diagnose(ctx context.Context, err error) Diagnosis {
	tlsOn := c.tlsConfig != nil
	// The client certificate is installed through GetClientCertificate
	// (it is re-read when it changes), so look at the setting, not at
	// tls.Config.Certificates, which is always empty.
	hasClientCert := tlsOn && c.srcs[idTLSCertFile].Kind != SourceUnset
	msg := err.Error()
	if d, ok := c.diagnoseToken(err); ok { // cloudauth (token.go)
		return d
	}

	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var netErr net.Error
	if d, ok := c.diagnoseDeployment(err, msg); ok { // issue 14: diagnose_deploy.go
		return d
	}
	// go-redis says when it was a sentinel that refused: then the
	// sentinel's settings are the fix, not the data nodes'.
	sentinelReply, viaSentinel := strings.CutPrefix(msg, sentinelsUnreachable)
	sentinelDiagnosis, sentinelRefused := sentinelAuth(sentinelReply)
	sentinelRefused = sentinelRefused && viaSentinel
	switch {
	case errors.As(err, &dnsErr):
		return Diagnosis{CategoryDNS, "the host name does not resolve", "check " + EnvHost + " or the host in " + EnvURL}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Diagnosis{CategoryRefused, "nothing listens on the address (connection refused)", "check " + EnvHost + " and " + EnvPort + ", and that Redis runs"}
	case errors.As(err, &unknownCA):
		return c.unknownAuthority()
	case errors.As(err, &hostErr) && hostErr.Certificate != nil && len(hostErr.Certificate.DNSNames) == 0 && len(hostErr.Certificate.IPAddresses) == 0:
		return Diagnosis{CategoryTLSNameMismatch, "the server's certificate names its host only in the common name, and Go accepts only subject alternative names (SAN)",
			"reissue the server's certificate with a SAN for " + quote(hostErr.Host) + "; " + EnvTLSServerName + " cannot help"}
	case errors.As(err, &hostErr):
		return Diagnosis{CategoryTLSNameMismatch, "the server's certificate is not valid for the name checked (" + hostErr.Host + ")", "set " + EnvTLSServerName + " to a name the certificate carries, or connect by that name"}
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return Diagnosis{CategoryTLSExpired, "the server's certificate has expired or is not valid yet", "renew the server's certificate (or check this machine's clock)"}
	case errors.As(err, &recordErr):
		return Diagnosis{CategoryTLSServerNotTLS, "the server does not speak TLS on this port", c.notTLSFix()}
	case tlsOn && hasClientCert && (closedByPeer(err) || strings.Contains(msg, "certificate")):
		return Diagnosis{CategoryTLSClientCertRejected, "the server refused the client certificate configured (" + c.srcs[idTLSCertFile].String() + ")",
			"check that " + EnvTLSCertFile + " holds a certificate signed by a CA the server trusts, for client authentication, and not expired"}
	case strings.Contains(msg, "certificate required") || tlsOn && !hasClientCert && closedByPeer(err):
		return Diagnosis{CategoryTLSClientCertRequired, "the server closed the connection after the TLS handshake: it requires a client certificate", "set " + EnvTLSCertFile + " and " + EnvTLSKeyFile}
	case !tlsOn && closedByPeer(err):
		return Diagnosis{CategoryPlaintextToTLS, "the server closed the connection at once: it probably expects TLS", "set " + EnvTLS + "=true or use a rediss:// URL"}
	case sentinelRefused:
		return sentinelDiagnosis
	case strings.HasPrefix(msg, "WRONGPASS") || strings.Contains(msg, "invalid password") || strings.Contains(msg, "invalid username-password"):
		return Diagnosis{CategoryWrongPassword, "the server refused the user name or password", "check " + EnvPassword + " (and " + EnvUsername + ")"}
	case strings.HasPrefix(msg, "NOAUTH") || strings.Contains(msg, "without any password configured"):
		return Diagnosis{CategoryAuthRequired, "the server and the client disagree on whether a password is needed", "set " + EnvPassword + " to the server's password, or remove it if the server has none"}
	case strings.HasPrefix(msg, "NOPERM"):
		return Diagnosis{CategoryNoPermission, "the ACL user lacks a permission the client needs", "grant the user the command (ACL SETUSER), or use another " + EnvUsername}
	case strings.HasPrefix(msg, "CLUSTERDOWN") || strings.Contains(msg, "cluster support disabled"):
		return Diagnosis{CategoryClusterDown, "the cluster is not ready (or the server is not in cluster mode)", "wait for cluster_state:ok, or unset " + EnvClusterNodes + " for a standalone server"}
	case strings.Contains(msg, "sentinel") && (strings.Contains(msg, "master") || strings.Contains(msg, "unreachable")):
		return Diagnosis{CategorySentinelNoMaster, "the sentinels do not know the master (or cannot be reached)", "check " + EnvSentinelMaster + " and " + EnvSentinelNodes}
	case strings.Contains(msg, "maint_notifications") || strings.Contains(msg, "maintnotifications"):
		return Diagnosis{CategoryMaintNotifications, "the server does not support maintenance notifications (a Redis Cloud / Enterprise feature), and they are enabled",
			"set " + EnvMaintNotifications + "=disabled (or auto, which falls back quietly)"}
	case strings.Contains(msg, "unknown command") || strings.Contains(msg, "NOPROTO") || strings.Contains(msg, "protocol error") || strings.Contains(msg, "can't parse"):
		return Diagnosis{CategoryProtocol, "the server does not speak the protocol the client asked for", "set " + EnvProtocol + "=2 for servers older than Redis 6, or check that the address is a Redis server"}
	case errors.Is(err, errConnectDeadline) || errors.As(err, &netErr) && netErr.Timeout():
		// go-redis retries dials inside the deadline, so a refused or
		// unresolvable address can surface as a timeout: look again.
		if d, ok := c.probeResult(ctx, tlsOn); ok {
			return d
		}
		return Diagnosis{CategoryTimeout, "nothing answered in time", "check that the address is Redis and reachable (firewall, security group), or raise " + EnvConnectTimeout}
	}
	return Diagnosis{CategoryUnknown, msg, ""}
}

// closedByPeer reports a connection the server closed or reset.
func closedByPeer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe")
}

// probe looks again at a standalone address whose check timed out: a dial
// that is refused or a name that does not resolve says so; over TLS, a
// plain PING that gets a Redis reply means the port does not speak TLS. It
// sends no credentials, and it ends when ctx does (no timeout of its own).
func (c *Config) probe(ctx context.Context, tlsOn bool) (Diagnosis, bool) {
	if c.topology != TopologyStandalone || ctx.Err() != nil {
		return Diagnosis{}, false
	}
	conn, err := probeDialer(ctx)(ctx, c.network, c.addr)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) {
			return c.diagnose(ctx, err), true
		}
		return Diagnosis{}, false
	}
	conn.Close()
	if tlsOn && c.answersPlaintext(ctx) {
		return Diagnosis{CategoryTLSServerNotTLS, "the server answers plain Redis on this port, not TLS", c.notTLSFix()}, true
	}
	return Diagnosis{}, false
}

// dialFunc dials like net.Dialer.DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// probeDialerKey carries, in tests, the dialer the probe uses: a test sees
// the context the probe gets.
type probeDialerKey struct{}

func probeDialer(ctx context.Context) dialFunc {
	if d, ok := ctx.Value(probeDialerKey{}).(dialFunc); ok {
		return d
	}
	return (&net.Dialer{}).DialContext
}

// answersPlaintext sends a plain PING: a Redis reply means the port does
// not speak TLS. It gives up when ctx ends.
func (c *Config) answersPlaintext(ctx context.Context) bool {
	conn, err := probeDialer(ctx)(ctx, c.network, c.addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 64)
	n, _ := conn.Read(buf)
	reply := string(buf[:n])
	return strings.HasPrefix(reply, "+PONG") || strings.HasPrefix(reply, "-NOAUTH") || strings.HasPrefix(reply, "-ERR")
}

// notTLSFix is the fix for a TLS client at a plain port: where TLS is
// required (staging and production, unless the rule is relaxed) the only
// fix is the server's TLS port.
func (c *Config) notTLSFix() string {
	if c.tlsRequired() {
		return "connect to the server's TLS port (" + c.env.String() + " requires TLS)"
	}
	return "set " + EnvTLS + "=false (or use redis://), or connect to the server's TLS port"
}

// tlsRequired reports whether the environment requires TLS for this Config.
func (c *Config) tlsRequired() bool {
	if RuleTLSRequired.def().in[c.env] != fail {
		return false
	}
	for _, r := range c.relaxed {
		if r.Rule == RuleTLSRequired.String() {
			return false
		}
	}
	return true
}

// unknownAuthority fits the fix to where the trusted CAs come from.
func (c *Config) unknownAuthority() Diagnosis {
	const summary = "the server's certificate is signed by a CA this client does not trust"
	switch {
	case c.srcs[idTLSCAFile].Kind != SourceUnset:
		return Diagnosis{CategoryTLSUnknownAuthority, summary,
			"the CA file in use (" + c.srcs[idTLSCAFile].String() + ": " + quote(c.vals[idTLSCAFile].s) +
				") does not hold the certificate that signed the server's; add that CA to the file, or check that the address is the right server"}
	case c.tlsConfig != nil && c.tlsConfig.RootCAs != nil:
		return Diagnosis{CategoryTLSUnknownAuthority, summary,
			"the CA bundle in use (the CA certificate secret) does not hold the certificate that signed the server's; add that CA to it"}
	}
	return Diagnosis{CategoryTLSUnknownAuthority, summary, "set " + EnvTLSCAFile + " to the CA that signed it (the system roots are trusted now)"}
}

// earlyProbe is the probe Connect starts when its check has had half its
// time: by the deadline the probe has had the other half, not just
// ProbeMargin.
type earlyProbe struct {
	timer *time.Timer
	fired chan struct{} // closed when the timer has fired
	done  chan struct{} // closed when the probe has finished
	d     Diagnosis
	ok    bool
}

type earlyProbeKey struct{}

// probeFromHalfway starts the probe halfway to deadline, under ctx. It
// starts none for cluster and sentinel (probe looks at one address).
func (c *Config) probeFromHalfway(ctx context.Context, deadline time.Time) *earlyProbe {
	if c.topology != TopologyStandalone {
		return nil
	}
	p := &earlyProbe{fired: make(chan struct{}), done: make(chan struct{})}
	tlsOn := c.tlsConfig != nil
	p.timer = time.AfterFunc(time.Until(deadline)/2, func() {
		close(p.fired)
		defer close(p.done)
		// Half the budget is the probe's: it ends with the check, so its
		// answer is there when the check fails, with no margin spent.
		pctx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		p.d, p.ok = c.probe(pctx, tlsOn)
	})
	return p
}

// started reports whether the probe has begun (then its result will come);
// if it has not, it never will.
func (p *earlyProbe) started() bool {
	if p == nil {
		return false
	}
	if p.timer.Stop() {
		return false
	}
	<-p.fired
	return true
}

func (p *earlyProbe) stop() {
	if p != nil {
		p.timer.Stop()
	}
}

// probeResult takes the early probe's result when Connect started one,
// waiting for it no longer than ctx, and probes now otherwise.
func (c *Config) probeResult(ctx context.Context, tlsOn bool) (Diagnosis, bool) {
	p, ok := ctx.Value(earlyProbeKey{}).(*earlyProbe)
	if !ok {
		return c.probe(ctx, tlsOn)
	}
	select {
	case <-p.done:
		return p.d, p.ok
	case <-ctx.Done():
		return Diagnosis{}, false
	}
}

// DiagnoseSentinel is Diagnose for an error that a sentinel itself
// returned, for client libraries whose errors do not say which server
// refused: an authentication failure then names the sentinel's settings
// (REDIS_SENTINEL_PASSWORD, REDIS_SENTINEL_USERNAME), not the data nodes'.
func (c *Config) DiagnoseSentinel(err error) Diagnosis {
	if err != nil {
		if d, ok := sentinelAuth(err.Error()); ok {
			return d
		}
	}
	return c.Diagnose(err)
}

// sentinelsUnreachable starts go-redis's error when no sentinel answered;
// the sentinel's own reply follows it.
const sentinelsUnreachable = "redis: all sentinels specified in configuration are unreachable: "

// sentinelAuth diagnoses a sentinel's refusal to authenticate, which the
// sentinel settings fix, not the data nodes'; false when the reply is
// about something else.
func sentinelAuth(reply string) (Diagnosis, bool) {
	switch {
	case strings.HasPrefix(reply, "WRONGPASS") || strings.Contains(reply, "invalid username-password"):
		return Diagnosis{CategoryWrongPassword, "the sentinels refused the user name or password", "check " + EnvSentinelPassword + " (and " + EnvSentinelUsername + ")"}, true
	case strings.Contains(reply, "without any password configured"):
		return Diagnosis{CategoryAuthRequired, "the sentinels have no password, and one was given", "unset " + EnvSentinelPassword + " (the sentinels' password, not the data nodes')"}, true
	case strings.HasPrefix(reply, "NOAUTH"):
		return Diagnosis{CategoryAuthRequired, "the sentinels require a password", "set " + EnvSentinelPassword + " (and " + EnvSentinelUsername + " for an ACL user)"}, true
	case strings.HasPrefix(reply, "NOPERM"):
		return Diagnosis{CategoryNoPermission, "the sentinels' ACL user lacks a command the client needs", "grant the user the SENTINEL commands, or use another " + EnvSentinelUsername}, true
	}
	return Diagnosis{}, false
}
