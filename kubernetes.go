package redisconfig

import (
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Kubernetes service links.
//
// Kubernetes injects, into every pod of a namespace (unless the pod sets
// enableServiceLinks: false), variables that describe each Service. A
// Service named "redis-cache" with port 6379 gives:
//
//	REDIS_CACHE_SERVICE_HOST=10.96.0.11
//	REDIS_CACHE_SERVICE_PORT=6379
//	REDIS_CACHE_SERVICE_PORT_<PORTNAME>=6379   (one per named port)
//	REDIS_CACHE_PORT=tcp://10.96.0.11:6379
//	REDIS_CACHE_PORT_6379_TCP=tcp://10.96.0.11:6379
//	REDIS_CACHE_PORT_6379_TCP_PROTO=tcp
//	REDIS_CACHE_PORT_6379_TCP_PORT=6379
//	REDIS_CACHE_PORT_6379_TCP_ADDR=10.96.0.11
//
// A Service named "redis" gives REDIS_PORT=tcp://…, which collides with
// redisconfig's own REDIS_PORT. These variables are recognised, never read
// as configuration and never warned about; REDIS_ADDRESS_FROM=kubernetes
// (or Connection().AddressFrom) opts in to taking the address from them.

// addressFromKubernetes is the value of REDIS_ADDRESS_FROM that opts in.
const addressFromKubernetes = "kubernetes"

// AddressFrom takes the host and port from Kubernetes service links:
// "kubernetes" for the Service named redis (REDIS_SERVICE_HOST and
// REDIS_SERVICE_PORT), "kubernetes:NAME" for Service NAME
// (NAME_SERVICE_HOST, NAME_SERVICE_PORT). An address given in another form
// as well is a conflict. Default: service links are ignored.
func (c *ConnectionBuilder) AddressFrom(source string) *ConnectionBuilder {
	c.setCode(idAddressFrom, value{s: source})
	return c
}

// linkProtocols are the protocols Kubernetes writes into link names.
var linkProtocols = []string{"TCP", "UDP", "SCTP"}

// isServiceLinkValue reports whether v has the form Kubernetes gives
// NAME_PORT and NAME_PORT_<n>_<PROTO>: "tcp://10.96.0.10:6379".
func isServiceLinkValue(v string) bool {
	proto, addr, ok := strings.Cut(v, "://")
	if !ok || !slices.Contains(linkProtocols, strings.ToUpper(proto)) || proto != strings.ToLower(proto) {
		return false
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || net.ParseIP(host) == nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535
}

// serviceLink reports whether name (a variable name without the service
// prefix, starting with REDIS) with value v is one Kubernetes injects for
// a Service, and returns that Service's variable stem ("REDIS_CACHE").
// REDIS_PORT is a link only when its value has the link form.
func serviceLink(name, v string) (stem string, ok bool) {
	if stem, ok := strings.CutSuffix(name, "_SERVICE_HOST"); ok && stem != "" {
		return stem, true
	}
	if stem, ok := strings.CutSuffix(name, "_SERVICE_PORT"); ok && stem != "" {
		return stem, true
	}
	if i := strings.LastIndex(name, "_SERVICE_PORT_"); i > 0 && i+len("_SERVICE_PORT_") < len(name) {
		return name[:i], true // a named port: REDIS_SERVICE_PORT_REDIS
	}
	if stem, ok := linkPortName(name); ok {
		return stem, true
	}
	if stem, ok := strings.CutSuffix(name, "_PORT"); ok && stem != "" && isServiceLinkValue(v) {
		return stem, true
	}
	return "", false
}

// linkPortName matches NAME_PORT_<n>_<PROTO>[_PROTO|_PORT|_ADDR], without
// allocating: Build reads every unknown REDIS_* name through it.
func linkPortName(name string) (string, bool) {
	for _, suffix := range []string{"_PROTO", "_PORT", "_ADDR"} {
		if rest, ok := strings.CutSuffix(name, suffix); ok {
			if stem, ok := linkPortCore(rest); ok {
				return stem, true
			}
		}
	}
	return linkPortCore(name)
}

// linkPortCore matches NAME_PORT_<n>_<PROTO>.
func linkPortCore(s string) (string, bool) {
	i := strings.LastIndexByte(s, '_')
	if i < 0 || !slices.Contains(linkProtocols, s[i+1:]) {
		return "", false
	}
	s = s[:i]
	i = strings.LastIndexByte(s, '_')
	if i < 0 {
		return "", false
	}
	port := s[i+1:]
	if p, err := strconv.Atoi(port); err != nil || p < 1 || p > 65535 || port[0] < '1' || port[0] > '9' {
		return "", false
	}
	stem, ok := strings.CutSuffix(s[:i], "_PORT")
	return stem, ok && stem != ""
}

// linkVar is a service link variable that the scan set aside.
type linkVar struct{ name, value string }

// serviceOfStem turns a link stem back into the Service's likely name, for
// people: REDIS_CACHE is the Service redis-cache.
func serviceOfStem(stem string) string {
	return strings.ToLower(strings.ReplaceAll(stem, "_", "-"))
}

// stemOfService turns a Service name into its link stem: redis-cache
// becomes REDIS_CACHE.
func stemOfService(service string) string {
	return strings.ToUpper(strings.ReplaceAll(service, "-", "_"))
}

// lookupVar reads one variable from the Builder's source.
func (b *Builder) lookupVar(name string) (string, bool) {
	if b.vars != nil {
		v, ok := b.vars[name]
		return v, ok
	}
	return os.LookupEnv(name)
}

// applyAddressFrom is the opt-in: with address_from set, the host and port
// come from the named Service's links, with the link variables as their
// source. An address given in another form as well is a conflict. Without
// it, the links seen are noted in the debug view.
func (b *Builder) applyAddressFrom(r *resolution, vs *varScan) {
	if !r.has(idAddressFrom) {
		// The note is written when the debug view asks (debugNotes):
		// Build only keeps the names.
		r.links = vs.links
		r.linksSeen = len(vs.links) > 0
		return
	}
	src := r.srcs[idAddressFrom].String()
	raw := r.vals[idAddressFrom].s
	service := "redis"
	kind, name, hasName := strings.Cut(raw, ":")
	if kind != addressFromKubernetes || hasName && !validServiceName(name) {
		r.fail(ErrInvalidValue, "address_from", src,
			"must be kubernetes or kubernetes:SERVICE (a Kubernetes Service name), got %s", quote(raw))
		return
	}
	if hasName {
		service = name
	}
	stem := stemOfService(service)
	hostVar, portVar := stem+"_SERVICE_HOST", stem+"_SERVICE_PORT"
	host, okHost := b.lookupVar(hostVar)
	port, okPort := b.lookupVar(portVar)
	if !okHost || !okPort {
		r.fail(ErrMissing, "address_from", src,
			"%s and %s are not set: Kubernetes injects them only for a Service named %s in the pod's namespace, with enableServiceLinks on; check the Service's name, or set %s instead",
			hostVar, portVar, quote(service), EnvURL)
		return
	}
	if r.topology != TopologyStandalone {
		return // checkTopology reports address_from for this topology
	}
	for _, f := range []struct {
		id   settingID
		name string
		raw  string
	}{{idHost, hostVar, host}, {idPort, portVar, port}} {
		def := &settings[f.id]
		v, problem := def.parse(f.raw)
		if problem != "" {
			r.fail(ErrInvalidValue, def.name, "Kubernetes service link "+f.name, "%s", def.withValue(problem, f.raw))
			continue
		}
		linkSrc := Source{Kind: SourceVariable, Name: "Kubernetes service link " + f.name}
		if r.has(f.id) && r.srcs[f.id].Kind != SourceDefault {
			if r.vals[f.id] != v {
				r.conflict(def.name, r.srcs[f.id], linkSrc, "give different values for "+def.name)
			}
			continue
		}
		r.vals[f.id], r.srcs[f.id] = v, linkSrc
	}
}

func validServiceName(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// linkNote says which Services' links were seen and left alone.
func linkNote(links []linkVar) string {
	links = slices.Clone(links)
	slices.SortFunc(links, func(a, b linkVar) int { return strings.Compare(a.name, b.name) })
	var services []string
	for _, l := range links {
		stem, _ := serviceLink(l.name, l.value)
		if s := serviceOfStem(stem); !slices.Contains(services, s) {
			services = append(services, s)
		}
	}
	slices.Sort(services)
	names := make([]string, len(links))
	for i, l := range links {
		names[i] = l.name
	}
	return "Kubernetes service links for Service(s) " + strings.Join(services, ", ") + " were seen and not read (" +
		strings.Join(names, ", ") + "); set " + EnvAddressFrom + "=kubernetes (or kubernetes:SERVICE) to take the address from them"
}

// linkHint adds to the "no address" error when service links were there.
func (r *resolution) linkHint() string {
	if !r.linksSeen {
		return ""
	}
	return " (Kubernetes service links are set but not read: " + EnvAddressFrom + "=kubernetes takes the address from them)"
}

// debugNotes are the debug view's notes: the service links seen and not
// read, then the others (the preset).
func (c *Config) debugNotes() []string {
	var notes []string
	if len(c.links) > 0 {
		notes = append(notes, linkNote(c.links))
	}
	return append(notes, c.notes...)
}
