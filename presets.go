package redisconfig

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Provider names a Redis service whose needs a preset encodes: the default
// values it sets and the rules it adds in staging and production.
type Provider string

// The providers with a preset. ProviderOSS, self-managed Redis or Valkey,
// is the default and changes nothing.
const (
	ProviderOSS                   Provider = "oss"
	ProviderMemorystore           Provider = "memorystore"
	ProviderMemorystoreCluster    Provider = "memorystore-cluster"
	ProviderMemorystoreValkey     Provider = "memorystore-valkey"
	ProviderElastiCache           Provider = "elasticache"
	ProviderElastiCacheServerless Provider = "elasticache-serverless"
	ProviderMemoryDB              Provider = "memorydb"
	ProviderAzure                 Provider = "azure"
	ProviderRedisCloud            Provider = "redis-cloud"
	ProviderUpstash               Provider = "upstash"
	ProviderHeroku                Provider = "heroku"
)

// Provider selects the preset for a managed Redis service (REDIS_PROVIDER).
// The preset's values sit between the environment's profile and the
// variables: any variable or setter still wins. In staging and production
// the preset adds rules (TLS, the server's CA, the topology, idle time,
// connection lifetime). Default: ProviderOSS, no preset.
func (b *Builder) Provider(p Provider) *Builder {
	b.setCode(idProvider, value{s: string(p)})
	return b
}

// preset is one row of the presets table: what a provider needs, each
// choice with its reason and a link to where the fact comes from.
type preset struct {
	provider Provider
	service  string // the product, for people
	defaults []presetDefault
	needs    []presetNeed
	// maint says whether the service supports go-redis's maintenance
	// notifications ("auto": leave go-redis's auto mode; "disabled": turn
	// them off, since auto mode costs a failed handshake per connection).
	maint presetMaint
}

// presetDefault is one value a preset sets, parsed like a variable.
type presetDefault struct {
	id     settingID
	raw    string
	reason string
	link   string
}

// presetMaint is a preset's maintenance-notifications choice.
type presetMaint struct {
	mode   string // "auto" or "disabled"
	reason string
	link   string
}

// needKind is a rule a preset adds in staging and production.
type needKind int

const (
	needTLSOnly                needKind = iota + 1 // the service accepts TLS connections only
	needPrivateCA                                  // the server certificate is signed by a private CA
	needCluster                                    // the service is a Redis Cluster
	needIdleBelow                                  // the service closes idle connections after limit
	needLifetimeBelow                              // the service closes connections older than limit
	needNoReplicaPortInCluster                     // port 6380 answers MOVED to a cluster client
	needPinOrCA                                    // the server certificate is self-signed
)

// presetNeed is one rule a preset adds, with its reason and link.
type presetNeed struct {
	kind   needKind
	limit  time.Duration
	reason string
	link   string
}

// The links behind the presets' choices.
const (
	linkMemorystoreSetinfo = "https://github.com/speakeasy-api/gram/pull/2284"
	linkElastiCacheSetinfo = "https://github.com/mvisonneau/gitlab-ci-pipelines-exporter/pull/1089"
	linkMaintAutoCost      = "https://github.com/redis/go-redis/issues/3536"
	linkMaintRedisCloud    = "https://redis.io/docs/latest/develop/clients/sch"
	linkClusterMoved       = "https://github.com/gomods/athens/issues/2121"
	linkElastiCacheIAM     = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html"
	linkMemoryDBIAM        = "https://docs.aws.amazon.com/memorydb/latest/devguide/auth-iam.html"
	linkServerlessReplica  = "https://github.com/valkey-io/iovalkey/issues/29"
	linkServerlessTLS      = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html"
	linkMemoryDBTLS        = "https://docs.aws.amazon.com/memorydb/latest/devguide/in-transit-encryption.html"
	linkMemoryDBCluster    = "https://docs.aws.amazon.com/memorydb/latest/devguide/what-is-memorydb.html"
	linkMemorystoreTLS     = "https://cloud.google.com/memorystore/docs/redis/about-in-transit-encryption"
	linkMsClusterTLS       = "https://cloud.google.com/memorystore/docs/cluster/about-in-transit-encryption"
	linkMsValkeyTLS        = "https://cloud.google.com/memorystore/docs/valkey/about-in-transit-encryption"
	linkMsClusterIAM       = "https://cloud.google.com/memorystore/docs/cluster/about-iam-auth"
	linkAzureTLS           = "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-configure#access-ports"
	linkAzureIdle          = "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-best-practices-connection"
	linkAzureVersion       = "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-version"
	linkRedisCloudTLS      = "https://redis.io/docs/latest/operate/rc/security/database-security/tls-ssl/"
	linkUpstashTLS         = "https://upstash.com/docs/redis/features/security"
	linkHerokuTLS          = "https://devcenter.heroku.com/articles/connecting-heroku-redis"
	linkHerokuTimeout      = "https://help.heroku.com/TLWJY0PU/connections-to-external-systems-are-timing-out"
	linkIdleKill           = "https://github.com/blnkfinance/blnk/pull/389"
)

var (
	maintDisabledNotEnterprise = presetMaint{"disabled", "a Redis Enterprise / Redis Cloud feature; auto mode costs a failed handshake (and a DNS look-up per node) for every new connection elsewhere", linkMaintAutoCost}
	identityMemorystore        = presetDefault{idDisableIdentity, "true", "Memorystore rejects CLIENT SETINFO: an error (and an error span) for every new connection", linkMemorystoreSetinfo}
	identityAWS                = presetDefault{idDisableIdentity, "true", "ElastiCache and MemoryDB up to 7.1 reject CLIENT SETINFO; mid-handshake it can surface as a spurious NOAUTH", linkElastiCacheSetinfo}
	lifetimeAWS                = presetDefault{idConnMaxLifetime, "11h", "with IAM authentication the server drops a connection after 12 hours; recycling it earlier avoids the error", linkElastiCacheIAM}
	needLifetimeAWS            = presetNeed{needLifetimeBelow, 12 * time.Hour, "IAM-authenticated connections are dropped at 12 hours", linkElastiCacheIAM}
	needClusterMoved           = presetNeed{needCluster, 0, "a standalone client fails on the first MOVED from a cluster endpoint", linkClusterMoved}
)

// presets is the table of provider presets, one row each; the README's
// "Provider presets" table is generated from it (TestREADMEPresetTable).
var presets = []preset{
	{provider: ProviderOSS, service: "self-managed Redis or Valkey",
		maint: presetMaint{"disabled", "the environment's profile already turns them off (open-source Redis and Valkey do not send them); oss sets nothing", linkMaintAutoCost}},
	{provider: ProviderMemorystore, service: "Google Cloud Memorystore for Redis (instance)",
		defaults: []presetDefault{identityMemorystore},
		needs:    []presetNeed{{needPrivateCA, 0, "the server certificate is signed by a per-instance CA that no system trusts", linkMemorystoreTLS}},
		maint:    maintDisabledNotEnterprise},
	{provider: ProviderMemorystoreCluster, service: "Google Cloud Memorystore for Redis Cluster",
		defaults: []presetDefault{identityMemorystore},
		needs: []presetNeed{
			{needCluster, 0, "Memorystore for Redis Cluster is a Redis Cluster behind a discovery endpoint", linkMsClusterIAM},
			{needPrivateCA, 0, "the server certificates are signed by the cluster's own CA", linkMsClusterTLS},
		},
		maint: maintDisabledNotEnterprise},
	{provider: ProviderMemorystoreValkey, service: "Google Cloud Memorystore for Valkey",
		defaults: []presetDefault{identityMemorystore},
		needs:    []presetNeed{{needPrivateCA, 0, "the server certificates are signed by the instance's own CA", linkMsValkeyTLS}},
		maint:    maintDisabledNotEnterprise},
	{provider: ProviderElastiCache, service: "Amazon ElastiCache (node-based, Redis OSS or Valkey)",
		defaults: []presetDefault{identityAWS, lifetimeAWS},
		needs:    []presetNeed{needLifetimeAWS},
		maint:    maintDisabledNotEnterprise},
	{provider: ProviderElastiCacheServerless, service: "Amazon ElastiCache Serverless",
		defaults: []presetDefault{
			{idTLS, "true", "serverless caches accept TLS connections only", linkServerlessTLS},
			identityAWS, lifetimeAWS,
		},
		needs: []presetNeed{
			{needTLSOnly, 0, "serverless caches accept TLS connections only", linkServerlessTLS},
			needLifetimeAWS,
			{needNoReplicaPortInCluster, 0, "port 6380 is the read-from-replica endpoint, which answers MOVED to a cluster client", linkServerlessReplica},
		},
		maint: maintDisabledNotEnterprise},
	{provider: ProviderMemoryDB, service: "Amazon MemoryDB",
		defaults: []presetDefault{
			{idTLS, "true", "MemoryDB encrypts in transit by default", linkMemoryDBTLS},
			identityAWS,
			{idConnMaxLifetime, "11h", "with IAM authentication the server drops a connection after 12 hours", linkMemoryDBIAM},
		},
		needs: []presetNeed{
			{needCluster, 0, "MemoryDB always runs in cluster mode", linkMemoryDBCluster},
			{needLifetimeBelow, 12 * time.Hour, "IAM-authenticated connections are dropped at 12 hours", linkMemoryDBIAM},
		},
		maint: maintDisabledNotEnterprise},
	{provider: ProviderAzure, service: "Azure Cache for Redis",
		defaults: []presetDefault{
			{idTLS, "true", "the TLS port 6380 is the one enabled by default; the plain port 6379 is off", linkAzureTLS},
			{idDisableIdentity, "true", "Azure Cache for Redis runs Redis 6, which does not know CLIENT SETINFO", linkAzureVersion},
			{idConnMaxIdleTime, "5m", "Azure closes connections idle for 10 minutes", linkAzureIdle},
		},
		needs: []presetNeed{{needIdleBelow, 10 * time.Minute, "Azure closes connections idle for 10 minutes", linkAzureIdle}},
		maint: maintDisabledNotEnterprise},
	{provider: ProviderRedisCloud, service: "Redis Cloud (Redis Enterprise)",
		needs: []presetNeed{{needPrivateCA, 0, "TLS databases present certificates signed by Redis Cloud's own CA, downloaded from the console", linkRedisCloudTLS}},
		maint: presetMaint{"auto", "Redis Cloud and Redis Software send maintenance notifications (smart client handoffs); go-redis's auto mode uses them", linkMaintRedisCloud}},
	{provider: ProviderUpstash, service: "Upstash Redis",
		defaults: []presetDefault{{idTLS, "true", "Upstash databases accept TLS connections (rediss://)", linkUpstashTLS}},
		needs:    []presetNeed{{needTLSOnly, 0, "Upstash databases accept TLS connections only", linkUpstashTLS}},
		maint:    maintDisabledNotEnterprise},
	{provider: ProviderHeroku, service: "Heroku Key-Value Store (Heroku Redis)",
		defaults: []presetDefault{
			{idTLS, "true", "Heroku Redis 6 and later require TLS", linkHerokuTLS},
			{idConnMaxIdleTime, "4m", "Heroku Redis closes connections idle for 300 seconds by default", linkHerokuTimeout},
		},
		needs: []presetNeed{
			{needTLSOnly, 0, "Heroku Redis 6 and later require TLS", linkHerokuTLS},
			{needPinOrCA, 0, "Heroku Redis presents a self-signed certificate, which no CA vouches for", linkHerokuTLS},
			{needIdleBelow, 5 * time.Minute, "Heroku Redis closes connections idle for 300 seconds by default (heroku redis:timeout)", linkHerokuTimeout},
		},
		maint: maintDisabledNotEnterprise},
}

// lookupPreset finds a provider's row.
func lookupPreset(p Provider) *preset {
	for i := range presets {
		if presets[i].provider == p {
			return &presets[i]
		}
	}
	return nil
}

// Providers returns every provider with a preset, in the presets table's
// order (ProviderOSS first): the values REDIS_PROVIDER and
// Builder.Provider take.
func Providers() []Provider {
	out := make([]Provider, len(presets))
	for i, p := range presets {
		out[i] = p.provider
	}
	return out
}

// defaultOf returns the raw value the preset sets for a setting, the
// maintenance-notifications mode included (every preset but oss sets it).
func (p *preset) defaultOf(id settingID) (string, bool) {
	for _, d := range p.defaults {
		if d.id == id {
			return d.raw, true
		}
	}
	if id == idMaintNotifications && p.provider != ProviderOSS {
		return p.maint.mode, true
	}
	return "", false
}

func providerNames() string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = string(p.provider)
	}
	return strings.Join(names, ", ")
}

// applyPreset is the preset layer: after the precedence chain, every
// setting the preset gives and nothing above the profile gave takes the
// preset's value, with the source "<provider> preset".
func (r *resolution) applyPreset() {
	if !r.has(idProvider) || r.broken(idProvider) {
		return
	}
	p := lookupPreset(Provider(r.vals[idProvider].s))
	if p == nil {
		r.fail(ErrInvalidValue, "provider", r.srcs[idProvider].String(),
			"unknown provider %s; use one of %s", quote(r.vals[idProvider].s), providerNames())
		return
	}
	r.preset = p
	if p.provider == ProviderOSS {
		return
	}
	src := Source{Kind: SourcePreset, Name: string(p.provider) + " preset"}
	for _, d := range p.defaults {
		if r.has(d.id) && r.srcs[d.id].Kind != SourceDefault || r.broken(d.id) {
			continue
		}
		v, problem := settings[d.id].parse(d.raw)
		if problem != "" {
			continue // TestPresetsParse keeps the table valid
		}
		r.vals[d.id], r.srcs[d.id], r.rung[d.id] = v, src, rungDefault
	}
	// Maintenance notifications: the preset's choice, over the profile's.
	if id := idMaintNotifications; (!r.has(id) || r.srcs[id].Kind == SourceDefault) && !r.broken(id) {
		if v, problem := settings[id].parse(p.maint.mode); problem == "" {
			r.vals[id], r.srcs[id], r.rung[id] = v, src, rungDefault
		}
	}
	r.notes = append(r.notes, p.note())
}

// note is the debug view's line about the preset in use.
func (p *preset) note() string {
	var parts []string
	for _, d := range p.defaults {
		parts = append(parts, settings[d.id].env+"="+d.raw)
	}
	s := string(p.provider) + " preset (" + p.service + ")"
	if len(parts) > 0 {
		s += ": defaults " + strings.Join(parts, ", ")
	}
	var needs []string
	for _, n := range p.needs {
		needs = append(needs, n.short())
	}
	if len(needs) > 0 {
		s += "; staging and production need " + strings.Join(needs, ", ")
	}
	return s + "; maintenance notifications " + p.maint.mode
}

// short names a need for the debug view and the README.
func (n presetNeed) short() string {
	switch n.kind {
	case needTLSOnly:
		return "TLS"
	case needPrivateCA:
		return "the service's CA (" + EnvTLSCAFile + " or " + EnvCACertSecret + ") when TLS is on"
	case needCluster:
		return "cluster topology (" + EnvClusterNodes + ")"
	case needIdleBelow:
		return EnvConnMaxIdleTime + " below " + formatDuration(n.limit)
	case needLifetimeBelow:
		return EnvConnMaxLifetime + " below " + formatDuration(n.limit)
	case needNoReplicaPortInCluster:
		return "no cluster seed on port 6380"
	case needPinOrCA:
		return EnvTLSVerify + "=pinned (or the certificate in " + EnvTLSCAFile + ")"
	}
	return fmt.Sprintf("need(%d)", int(n.kind))
}

// enforcePreset applies the preset's rules: errors in staging and
// production, warnings in development and test (RulePresetNeeds).
func (r *resolution) enforcePreset() {
	r.checkConfigurationEndpoint()
	p := r.preset
	if p == nil {
		return
	}
	o := r.outcome(RulePresetNeeds)
	if o == allow {
		return
	}
	report := func(setting, source, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if o == fail {
			r.fail(ErrRule, setting, source, "%s", msg)
			return
		}
		r.warn("%s: %s (refused in staging and production)", source, msg)
	}
	name := string(p.provider)
	tlsOn := r.vals[idTLS].bool()
	for _, n := range p.needs {
		switch n.kind {
		case needTLSOnly:
			if !tlsOn && !r.broken(idTLS) {
				report("tls", r.srcOf(idTLS), "%s: %s; set %s=true or use a rediss:// URL", name, n.reason, EnvTLS)
			}
		case needPrivateCA:
			if tlsOn && !r.has(idTLSCAFile) && r.caPEM == nil && !r.pinned() && !r.broken(idTLSCAFile) {
				report("tls_ca_file", EnvTLSCAFile+" (unset)", "%s: %s; set %s (or %s) to that CA", name, n.reason, EnvTLSCAFile, EnvCACertSecret)
			}
		case needCluster:
			if r.topology != TopologyCluster {
				report("cluster_nodes", EnvClusterNodes+" (unset)", "%s: %s; set %s to the discovery endpoint (host:port), or use a cluster URL", name, n.reason, EnvClusterNodes)
			}
		case needIdleBelow:
			d := r.vals[idConnMaxIdleTime]
			if !r.broken(idConnMaxIdleTime) && (!r.has(idConnMaxIdleTime) || d.n <= 0 || d.duration() >= n.limit) {
				report("conn_max_idle_time", r.srcOf(idConnMaxIdleTime), "%s: %s; set %s below %s", name, n.reason, EnvConnMaxIdleTime, formatDuration(n.limit))
			}
		case needLifetimeBelow:
			d := r.vals[idConnMaxLifetime]
			if !r.broken(idConnMaxLifetime) && (!r.has(idConnMaxLifetime) || d.n <= 0 || d.duration() >= n.limit) {
				report("conn_max_lifetime", r.srcOf(idConnMaxLifetime), "%s: %s; set %s below %s", name, n.reason, EnvConnMaxLifetime, formatDuration(n.limit))
			}
		case needPinOrCA:
			if tlsOn && !r.pinned() && !r.privateCA() && !r.broken(idTLSVerify) {
				report("tls_verify", r.srcOf(idTLSVerify), "%s: %s; set %s=pinned and %s to its SHA-256 (redisconfig check prints it)", name, n.reason, EnvTLSVerify, EnvTLSPinSHA256)
			}
		case needNoReplicaPortInCluster:
			if r.topology != TopologyCluster {
				continue
			}
			for _, a := range strings.Split(r.vals[idClusterNodes].s, ",") {
				if _, port, err := net.SplitHostPort(a); err == nil && port == "6380" {
					report("cluster_nodes", r.srcOf(idClusterNodes), "%s: %s; seed the cluster client with the primary endpoint's port 6379", name, n.reason)
					break
				}
			}
		}
	}
	if p.maint.mode == "disabled" && r.vals[idMaintNotifications].s == "enabled" && !r.broken(idMaintNotifications) {
		report("maint_notifications", r.srcOf(idMaintNotifications), "%s: the service does not send maintenance notifications, and enabled fails every connection whose handshake they cannot join; set %s=disabled (or auto)", name, EnvMaintNotifications)
	}
	if !r.vals[idDisableIdentity].bool() && r.has(idDisableIdentity) && p.rejectsSetinfo() {
		r.warn("%s: %s; the server will reject CLIENT SETINFO on every new connection", r.srcOf(idDisableIdentity), name)
	}
}

// rejectsSetinfo reports whether the preset turns CLIENT SETINFO off.
func (p *preset) rejectsSetinfo() bool {
	for _, d := range p.defaults {
		if d.id == idDisableIdentity {
			return true
		}
	}
	return false
}

// srcOf names a setting's source, or its variable as unset.
func (r *resolution) srcOf(id settingID) string {
	if r.has(id) {
		return r.srcs[id].String()
	}
	return settings[id].env + " (unset)"
}

// presetTable renders the presets as the README's Markdown table: one row
// per choice, with its reason and link.
func presetTable() string {
	var sb strings.Builder
	sb.WriteString("| preset | service | choice | why |\n|---|---|---|---|\n")
	row := func(p *preset, choice, reason, link string) {
		fmt.Fprintf(&sb, "| `%s` | %s | %s | %s ([source](%s)) |\n", p.provider, p.service, choice, reason, link)
	}
	for i := range presets {
		p := &presets[i]
		for _, d := range p.defaults {
			row(p, "`"+settings[d.id].env+"="+d.raw+"`", d.reason, d.link)
		}
		for _, n := range p.needs {
			row(p, "staging and production need "+n.short(), n.reason, n.link)
		}
		if p.provider == ProviderOSS {
			row(p, "nothing: the profile's `"+EnvMaintNotifications+"=disabled` stays", p.maint.reason, p.maint.link)
			continue
		}
		row(p, "`"+EnvMaintNotifications+"="+p.maint.mode+"`", p.maint.reason, p.maint.link)
	}
	return sb.String()
}

// checkConfigurationEndpoint catches a standalone client pointed at an
// ElastiCache or MemoryDB configuration endpoint (clustercfg.…): that
// endpoint serves a cluster, and the client fails on the first MOVED.
// Whatever the preset, since the name says it.
func (r *resolution) checkConfigurationEndpoint() {
	if r.topology != TopologyStandalone || !r.has(idHost) {
		return
	}
	h := strings.ToLower(strings.TrimSuffix(r.vals[idHost].s, "."))
	if !strings.HasPrefix(h, "clustercfg.") || !strings.HasSuffix(h, ".amazonaws.com") {
		return
	}
	msg := fmt.Sprintf("%s is an ElastiCache or MemoryDB configuration endpoint, which serves a Redis Cluster: a standalone client fails on the first MOVED; set %s=%s instead",
		quote(h), EnvClusterNodes, net.JoinHostPort(r.vals[idHost].s, strconv.Itoa(r.vals[idPort].int())))
	switch r.outcome(RulePresetNeeds) {
	case fail:
		r.fail(ErrRule, "host", r.srcs[idHost].String(), "%s", msg)
	case warn:
		r.warn("%s: %s", r.srcs[idHost], msg)
	}
}
