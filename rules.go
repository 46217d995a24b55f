package redisconfig

import (
	"fmt"
	"strings"
)

// Rule is an environment rule: one line of the rules table below, and of
// the README's table, which a test checks against it. Code may lift the
// relaxable ones, with a reason, through Builder.Relax.
type Rule int

// The rules. Relax takes the relaxable ones: RuleTLSRequired,
// RuleCredentialsRequired and RuleNoLoopback.
const (
	// RuleTLSRequired: staging and production connect over TLS.
	RuleTLSRequired Rule = iota + 1
	// RuleCredentialsRequired: staging and production authenticate.
	RuleCredentialsRequired
	// RuleNoLoopback: staging and production do not connect to a loopback
	// address or a unix socket.
	RuleNoLoopback
	// RuleAddressRequired: staging and production never fall back to
	// localhost:6379.
	RuleAddressRequired
	// RuleVerifyCertificates: staging and production never skip
	// certificate verification.
	RuleVerifyCertificates
	// RuleTokenOverTLS: an auth token crosses the network only over TLS
	// outside development.
	RuleTokenOverTLS
	// RuleNoConflicts: one setting given in two forms with different
	// values.
	RuleNoConflicts
	// RuleSecretsReachable: the configured secret source answers.
	RuleSecretsReachable
	// RuleNoUnknownVariables: a REDIS_* name within two edits of a real
	// variable is a typo, not another program's variable.
	RuleNoUnknownVariables
	// RulePresetNeeds: what a provider preset needs (presets.go, issue 14):
	// TLS, the service's CA, the cluster topology, an idle time or a
	// connection lifetime below the service's limit.
	RulePresetNeeds
	// RuleCAOnlyPrivateCA: REDIS_TLS_VERIFY=ca-only trusts a private CA,
	// never the system roots (tlsverify.go, issue 14).
	RuleCAOnlyPrivateCA
)

// outcome is what a rule does in one environment.
type outcome uint8

const (
	allow outcome = iota
	warn
	fail
)

// ruleDef is one row of the rules table.
type ruleDef struct {
	rule      Rule
	name      string // stable, as the debug view shows it
	what      string // the README's first column
	allowed   string // the README's word where the rule allows ("optional")
	in        [4]outcome
	relaxable bool
}

var (
	relaxed4 = [4]outcome{allow, allow, fail, fail}
	warned4  = [4]outcome{warn, warn, fail, fail}
)

// rules is every environment rule, in the README's order. Where a rule is
// checked: enforceRules for the ones that look at the resolved settings as
// a whole; address(), conflict(), fetchSecrets() and warnUnknown() at the
// place the fact is found, each through outcome().
var rules = []ruleDef{
	{RuleAddressRequired, "address-required", "no address configured", "`localhost:6379`", relaxed4, false},
	{RuleNoLoopback, "no-loopback", "loopback address or unix socket", "allowed", relaxed4, true},
	{RuleTLSRequired, "tls-required", "plain TCP (no TLS)", "allowed", relaxed4, true},
	{RuleVerifyCertificates, "verify-certificates", "skip certificate verification", "allowed", [4]outcome{warn, allow, fail, fail}, false},
	{RuleCredentialsRequired, "credentials-required", "no credentials (a password, a provider or a token)", "allowed", relaxed4, true},
	{RuleTokenOverTLS, "token-over-tls", "auth or identity token without TLS", "warned", [4]outcome{warn, fail, fail, fail}, false},
	{RuleNoConflicts, "no-conflicts", "conflicting values", "allowed", warned4, false},
	{RuleSecretsReachable, "secrets-reachable", "secret source unreachable", "variables used", warned4, false},
	{RuleNoUnknownVariables, "no-unknown-variables", "`REDIS_*` name two edits from a real one", "allowed", warned4, true},
	{RuleCAOnlyPrivateCA, "ca-only-private-ca", "`ca-only` verification with the system roots", "allowed", [4]outcome{warn, allow, fail, fail}, false}, // issue 14
	{RulePresetNeeds, "preset-needs", "a provider preset's needs (see \"Provider presets\")", "allowed", warned4, false},                               // issue 14
}

func (r Rule) def() *ruleDef {
	for i := range rules {
		if rules[i].rule == r {
			return &rules[i]
		}
	}
	return nil
}

// String returns the rule's stable name, as the debug view shows it.
func (r Rule) String() string {
	if d := r.def(); d != nil {
		return d.name
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// relaxableRules lists the Go names of the rules Relax takes, for its error.
func relaxableRules() string {
	var names []string
	for _, d := range rules {
		if d.relaxable {
			names = append(names, d.rule.goName())
		}
	}
	return strings.Join(names, ", ")
}

// goName is the rule's constant: tls-required is RuleTLSRequired.
func (r Rule) goName() string {
	return map[Rule]string{
		RuleTLSRequired: "RuleTLSRequired", RuleCredentialsRequired: "RuleCredentialsRequired",
		RuleNoLoopback: "RuleNoLoopback", RuleAddressRequired: "RuleAddressRequired",
		RuleVerifyCertificates: "RuleVerifyCertificates", RuleTokenOverTLS: "RuleTokenOverTLS",
		RuleNoConflicts: "RuleNoConflicts", RuleSecretsReachable: "RuleSecretsReachable",
		RuleNoUnknownVariables: "RuleNoUnknownVariables", RulePresetNeeds: "RulePresetNeeds",
		RuleCAOnlyPrivateCA: "RuleCAOnlyPrivateCA",
	}[r]
}

// outcome is what rule does here. An unknown environment errs on the strict
// side, so that every problem is listed; a rule code relaxed allows.
func (r *resolution) outcome(rule Rule) outcome {
	if !r.envOK {
		// ENVIRONMENT did not parse (its error is recorded): which
		// rules hold is unknown, and "production requires TLS" for
		// ENVIRONMENT=dvelopment would contradict the input. Nothing
		// is accepted either: Build fails on the environment's error.
		return allow
	}
	if _, ok := r.relaxed[rule]; ok {
		return allow
	}
	return rule.def().in[r.env]
}

// Relaxation is a rule lifted by code, with its reason.
type Relaxation struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// relaxations lists the relaxed rules in the table's order.
func relaxations(relaxed map[Rule]string) []Relaxation {
	var out []Relaxation
	for _, d := range rules {
		if reason, ok := relaxed[d.rule]; ok {
			out = append(out, Relaxation{Rule: d.name, Reason: reason})
		}
	}
	return out
}

// rulesTable renders the rules as the README's Markdown table.
func rulesTable() string {
	var sb strings.Builder
	sb.WriteString("| rule | development | test | staging | production | `Relax` |\n|---|---|---|---|---|---|\n")
	for _, d := range rules {
		sb.WriteString("| " + d.what)
		for _, o := range d.in {
			switch o {
			case allow:
				sb.WriteString(" | " + d.allowed)
			case warn:
				sb.WriteString(" | warning")
			case fail:
				sb.WriteString(" | error")
			}
		}
		relax := "no"
		if d.relaxable {
			relax = "`" + d.rule.goName() + "`"
		}
		sb.WriteString(" | " + relax + " |\n")
	}
	return sb.String()
}

// enforceRules applies the rules that look at the resolved settings as a
// whole. A rule never fires on a setting whose own value failed to parse:
// that value's error is already recorded, and a rule about it would
// contradict the input.
func (r *resolution) enforceRules() {
	tlsOn := r.vals[idTLS].bool()
	tlsKnown := !r.broken(idTLS)
	if r.vals[idTLSSkipVerify].bool() && tlsOn {
		switch r.outcome(RuleVerifyCertificates) {
		case fail:
			r.failAt(ErrRule, "tls_insecure_skip_verify", r.srcs[idTLSSkipVerify],
				"%s never skips certificate verification; remove it and trust the server's CA with %s", r.env, EnvTLSCAFile)
		case warn:
			r.warn("%s skips TLS certificate verification; this is refused in staging and production", r.srcs[idTLSSkipVerify])
		}
	}
	if r.creds.needsTLS() && !tlsOn && tlsKnown && !(r.creds.kind == credToken && r.broken(idAuth)) {
		setting, what := "auth_token_secret", "an auth token"
		if r.creds.kind == credToken { // cloudauth
			setting, what = "auth", "a bearer identity token ("+r.creds.tokens.method+")"
		}
		switch r.outcome(RuleTokenOverTLS) {
		case fail:
			r.failAt(ErrRule, setting, r.creds.source,
				"%s is sent only over TLS outside development (this rule cannot be relaxed); set %s=true or use a rediss:// URL", what, EnvTLS)
		case warn:
			r.warn("%s sends %s without TLS; staging, production and test refuse this", r.creds.source, what)
		}
	}
	r.checkLoopback()
	if !tlsOn && tlsKnown && r.outcome(RuleTLSRequired) == fail {
		src := EnvTLS + " (unset)"
		if r.has(idTLS) {
			src = r.srcs[idTLS].String()
		}
		r.fail(ErrRule, "tls", src,
			"%s requires TLS; set %s=true or use a rediss:// URL, or call Relax(RuleTLSRequired, reason)", r.env, EnvTLS)
	}
	if !r.creds.present() && !r.broken(idPassword) && r.outcome(RuleCredentialsRequired) == fail {
		if src := r.srcs[idSentinelPassword]; r.topology == TopologySentinel && (src.Kind == SourceURL || src.Kind == SourceCode && strings.HasSuffix(src.Name, "URL")) {
			// go-redis's failover URL gives user:password@ to the
			// sentinels; "a password in REDIS_URL" would read as done.
			r.fail(ErrMissing, "password", EnvPassword+" (unset)",
				"%s requires credentials for the master: the password in %s's user:password@ is the sentinels' (go-redis's failover URL grammar); give the master's in %s or %s, or with the URL's password parameter, or call Relax(RuleCredentialsRequired, reason)",
				r.env, src, EnvPassword, EnvPasswordFile)
			return
		}
		r.fail(ErrMissing, "password", EnvPassword+" (unset)",
			"%s requires credentials; set %s or %s (or a password in %s), or call Relax(RuleCredentialsRequired, reason)",
			r.env, EnvPassword, EnvPasswordFile, EnvURL)
	}
}

// checkLoopback refuses an address on this machine where the rule holds.
func (r *resolution) checkLoopback() {
	if r.outcome(RuleNoLoopback) != fail {
		return
	}
	id := map[Topology]settingID{TopologyStandalone: idHost, TopologyCluster: idClusterNodes, TopologySentinel: idSentinelNodes}[r.topology]
	var hosts []string
	switch {
	case r.topology == TopologyStandalone && r.has(idSocket):
		id, hosts = idSocket, []string{""}
	case r.topology == TopologyStandalone && r.has(idHost):
		hosts = []string{r.vals[idHost].s}
	default:
		hosts = listHosts(r.vals[id].s)
	}
	if r.broken(id) {
		return
	}
	for _, h := range hosts {
		if h == "" || isLoopback(h) {
			what := quote(h)
			if h == "" {
				what = "unix socket " + quote(r.vals[idSocket].s)
			}
			r.failAt(ErrRule, settings[id].name, r.srcs[id],
				"%s does not connect to a loopback address or unix socket (%s); point it at the real Redis, or call Relax(RuleNoLoopback, reason)",
				r.env, what)
			return
		}
	}
}
