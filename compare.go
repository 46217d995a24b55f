package redisconfig

import (
	"crypto/sha256"
	"crypto/subtle"
	"strconv"
)

// Difference is one core parameter on which two configurations disagree.
type Difference struct {
	// Setting names the parameter: topology, addr, cluster_nodes,
	// sentinel_master, sentinel_nodes, db, tls, tls_server_name, username,
	// password.
	Setting string `json:"setting"`
	// A and B are the two values as text; a password shows only whether it
	// is set, never its value.
	A string `json:"a"`
	B string `json:"b"`
	// SourceA and SourceB say where each value came from.
	SourceA string `json:"source_a"`
	SourceB string `json:"source_b"`
}

// Compare reports the core parameters that must match when two services
// share a Redis and do not: topology, address (or cluster nodes, or
// sentinel master and sentinels), database, TLS on/off and server name, user
// name and password. Passwords are compared by hash, in constant time, and
// never shown. An empty result means the two agree.
func Compare(a, b *Config) []Difference {
	var diffs []Difference
	add := func(setting, va, vb string, id settingID) {
		if va == vb {
			return
		}
		d := Difference{Setting: setting, A: va, B: vb}
		if id >= 0 {
			d.SourceA, d.SourceB = a.srcs[id].String(), b.srcs[id].String()
		}
		diffs = append(diffs, d)
	}
	add("topology", a.topology.String(), b.topology.String(), -1)
	switch a.topology {
	case TopologyStandalone:
		if va, vb := a.network+" "+a.addr, b.network+" "+b.addr; va != vb {
			diffs = append(diffs, Difference{Setting: "addr", A: va, B: vb, SourceA: a.addrSource(), SourceB: b.addrSource()})
		}
	case TopologyCluster:
		add("cluster_nodes", a.vals[idClusterNodes].s, b.vals[idClusterNodes].s, idClusterNodes) // canonical: order.go
	case TopologySentinel:
		add("sentinel_master", a.vals[idSentinelMaster].s, b.vals[idSentinelMaster].s, idSentinelMaster)
		add("sentinel_nodes", a.vals[idSentinelNodes].s, b.vals[idSentinelNodes].s, idSentinelNodes)
	}
	add("db", strconv.Itoa(a.vals[idDB].int()), strconv.Itoa(b.vals[idDB].int()), idDB)
	add("tls", strconv.FormatBool(a.tlsConfig != nil), strconv.FormatBool(b.tlsConfig != nil), idTLS)
	if a.tlsConfig != nil && b.tlsConfig != nil {
		add("tls_server_name", a.tlsConfig.ServerName, b.tlsConfig.ServerName, idTLSServerName)
	}
	add("username", a.creds.username, b.creds.username, idUsername)
	pa, pb := a.creds.password.Reveal(), b.creds.password.Reveal()
	ha, hb := sha256.Sum256([]byte(pa)), sha256.Sum256([]byte(pb))
	if subtle.ConstantTimeCompare(ha[:], hb[:]) != 1 {
		d := Difference{Setting: "password", A: presence(pa), B: presence(pb),
			SourceA: a.srcs[idPassword].String(), SourceB: b.srcs[idPassword].String()}
		if pa != "" && pb != "" {
			d.A, d.B = redacted+" (differs)", redacted+" (differs)"
		}
		diffs = append(diffs, d)
	}
	return diffs
}

func presence(s string) string {
	if s == "" {
		return "unset"
	}
	return redacted
}

// addrSource names where the address came from: the host's source, and the
// port's when it differs.
func (c *Config) addrSource() string {
	if c.srcs[idSocket].Kind != SourceUnset {
		return c.srcs[idSocket].String()
	}
	host, port := c.srcs[idHost].String(), c.srcs[idPort].String()
	if host == port {
		return host
	}
	return host + " (host), " + port + " (port)"
}
