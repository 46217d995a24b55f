package redisconfig

import (
	"fmt"
	"strings"
	"time"
)

// Topology is the shape of the Redis deployment a configuration is for.
type Topology int

// The topologies.
const (
	// TopologyStandalone is one Redis server (or a proxy in front of many).
	TopologyStandalone Topology = iota
	// TopologyCluster is a Redis Cluster reached through seed nodes.
	TopologyCluster
	// TopologySentinel is a master and replicas found through sentinels.
	TopologySentinel
)

var topologyNames = [...]string{"standalone", "cluster", "sentinel"}

// String returns "standalone", "cluster" or "sentinel".
func (t Topology) String() string {
	if t < 0 || int(t) >= len(topologyNames) {
		return fmt.Sprintf("Topology(%d)", int(t))
	}
	return topologyNames[t]
}

// topoMask is a set of topologies a setting means something in.
type topoMask uint8

const (
	topoStandalone topoMask = 1 << iota
	topoCluster
	topoSentinel
)

func (t Topology) mask() topoMask { return 1 << t }

// ClusterBuilder configures a Redis Cluster. It embeds the root Builder, so
// a chain can go on to Pool(), TLS() or Build(ctx). Pool, TLS and
// credential settings apply to every node.
type ClusterBuilder struct {
	*Builder
}

// Cluster returns the sub-builder for Redis Cluster.
func (b *Builder) Cluster() *ClusterBuilder { return &ClusterBuilder{b} }

// Nodes sets the seed nodes ("host:port" each) and selects cluster mode.
func (c *ClusterBuilder) Nodes(addrs ...string) *ClusterBuilder {
	c.setCode(idClusterNodes, value{s: strings.Join(addrs, ",")})
	return c
}

// MaxRedirects sets how many MOVED/ASK redirects a command follows; -1
// follows none. Default: 3 (go-redis).
func (c *ClusterBuilder) MaxRedirects(n int) *ClusterBuilder {
	c.setCode(idMaxRedirects, value{n: int64(n)})
	return c
}

// ReadOnly sends read-only commands to replicas.
func (c *ClusterBuilder) ReadOnly(on bool) *ClusterBuilder {
	c.setCode(idReadOnly, boolValue(on))
	return c
}

// RouteByLatency sends read-only commands to the node that answers fastest.
func (c *ClusterBuilder) RouteByLatency(on bool) *ClusterBuilder {
	c.setCode(idRouteByLatency, boolValue(on))
	return c
}

// RouteRandomly sends read-only commands to a random node.
func (c *ClusterBuilder) RouteRandomly(on bool) *ClusterBuilder {
	c.setCode(idRouteRandomly, boolValue(on))
	return c
}

// FailingTimeout sets how long a failing node is avoided, in whole seconds.
// Default: 15 seconds (go-redis).
func (c *ClusterBuilder) FailingTimeout(d time.Duration) *ClusterBuilder {
	c.setCode(idFailingTimeoutSeconds, value{n: int64(d / time.Second)})
	return c
}

// SentinelBuilder configures a master found through Redis Sentinel. It
// embeds the root Builder. The sentinels get their own credentials; TLS
// settings apply to the sentinels and the data nodes alike.
type SentinelBuilder struct {
	*Builder
}

// Sentinel returns the sub-builder for Redis Sentinel.
func (b *Builder) Sentinel() *SentinelBuilder { return &SentinelBuilder{b} }

// Master sets the name of the master the sentinels watch and selects
// sentinel mode.
func (s *SentinelBuilder) Master(name string) *SentinelBuilder {
	s.setCode(idSentinelMaster, value{s: name})
	return s
}

// Nodes sets the sentinels' addresses ("host:port" each).
func (s *SentinelBuilder) Nodes(addrs ...string) *SentinelBuilder {
	s.setCode(idSentinelNodes, value{s: strings.Join(addrs, ",")})
	return s
}

// Username sets the ACL user for the sentinels (not the data nodes).
func (s *SentinelBuilder) Username(name string) *SentinelBuilder {
	s.setCode(idSentinelUsername, value{s: name})
	return s
}

// Password sets the sentinels' password (not the data nodes'). go-redis
// takes it as a plain string, so a client keeps the value it was built with:
// a rotated REDIS_SENTINEL_PASSWORD_FILE reaches a new client only (Watch
// reports it and builds one).
func (s *SentinelBuilder) Password(password string) *SentinelBuilder {
	if password == "" {
		s.notes = append(s.notes, "code Sentinel().Password was given an empty password; it is ignored")
		return s
	}
	s.setCode(idSentinelPassword, value{sec: NewSecret(password)})
	return s
}

// ReplicaOnly connects to replicas only.
func (s *SentinelBuilder) ReplicaOnly(on bool) *SentinelBuilder {
	s.setCode(idReplicaOnly, boolValue(on))
	return s
}

// UseDisconnectedReplicas also uses replicas cut off from the master.
func (s *SentinelBuilder) UseDisconnectedReplicas(on bool) *SentinelBuilder {
	s.setCode(idUseDisconnectedReplicas, boolValue(on))
	return s
}

// selectTopology decides the topology, in this order:
//
//  1. sentinel, when the sentinel master or sentinel nodes are given (code,
//     REDIS_SENTINEL_MASTER, REDIS_SENTINEL_NODES, or master_name in
//     REDIS_URL);
//  2. cluster, when cluster nodes are given (code, REDIS_CLUSTER_NODES, or
//     addr in REDIS_URL);
//  3. standalone otherwise.
//
// Signs of both sentinel and cluster are an error, never a guess.
func (b *Builder) selectTopology(r *resolution, vs *varScan, u *urlSettings) Topology {
	var sentinel, cluster []string
	for _, id := range []settingID{idSentinelMaster, idSentinelNodes, idClusterNodes} {
		var signs []string
		if _, set := b.code[id]; set {
			signs = append(signs, "code "+settings[id].method)
		}
		signs = append(signs, vs.names(id)...)
		if id == idClusterNodes {
			cluster = append(cluster, signs...)
		} else {
			sentinel = append(sentinel, signs...)
		}
	}
	if u != nil && u.q != nil {
		switch {
		case u.q.Has("master_name"):
			sentinel = append(sentinel, u.src+" parameter master_name")
		case u.q.Has("addr") && len(sentinel) == 0:
			// addr is in both grammars: a URL with more nodes is a
			// cluster's unless another sign (REDIS_SENTINEL_MASTER for a
			// failover URL without master_name) says sentinel.
			cluster = append(cluster, u.src+" parameter addr")
		}
	}
	switch {
	case len(sentinel) > 0 && len(cluster) > 0:
		r.fail(ErrConflict, "topology", strings.Join(append(sentinel, cluster...), ", "),
			"configure both a sentinel (%s) and a cluster (%s); keep one", strings.Join(sentinel, ", "), strings.Join(cluster, ", "))
		return TopologyStandalone
	case len(sentinel) > 0:
		return TopologySentinel
	case len(cluster) > 0:
		return TopologyCluster
	}
	return TopologyStandalone
}

// checkTopology refuses settings that mean nothing in the topology, and
// settings the topology cannot do without.
func (r *resolution) checkTopology(t Topology) {
	if r.topologyUnknown(t) {
		return // the signs' own errors are recorded; the topology is a guess
	}
	for id := range settings {
		def := &settings[id]
		if def.topos == 0 || def.topos&t.mask() != 0 || !r.has(settingID(id)) || r.srcs[id].Kind == SourceDefault {
			continue
		}
		r.fail(ErrConflict, def.name, r.srcs[id].String(), "does not apply to a %s configuration (only to a %s); remove it",
			t, topoList(def.topos))
	}
	switch t {
	case TopologyCluster:
		if !r.has(idClusterNodes) && !r.broken(idClusterNodes) {
			r.fail(ErrMissing, "cluster_nodes", EnvClusterNodes, "a cluster needs its seed nodes")
		}
	case TopologySentinel:
		if !r.has(idSentinelMaster) && !r.broken(idSentinelMaster) {
			r.fail(ErrMissing, "sentinel_master", EnvSentinelMaster+" (unset)",
				"a sentinel configuration needs the master's name; set %s (or master_name in %s), or call Sentinel().Master", EnvSentinelMaster, EnvURL)
		}
		if !r.has(idSentinelNodes) && !r.broken(idSentinelNodes) {
			r.fail(ErrMissing, "sentinel_nodes", EnvSentinelNodes+" (unset)",
				"a sentinel configuration needs the sentinels' addresses; set %s, or call Sentinel().Nodes", EnvSentinelNodes)
		}
	}
}

// topologyUnknown reports a cluster or sentinel topology chosen only by
// values that failed to parse (REDIS_CLUSTER_NODES set but empty, a
// sentinel list with a bad entry): their errors are recorded, and what
// the topology refuses or needs would contradict the input, so no rule
// of the topology fires.
func (r *resolution) topologyUnknown(t Topology) bool {
	var ids []settingID
	switch t {
	case TopologyCluster:
		ids = []settingID{idClusterNodes}
	case TopologySentinel:
		ids = []settingID{idSentinelMaster, idSentinelNodes}
	default:
		return false
	}
	for _, id := range ids {
		if r.has(id) && !r.broken(id) {
			return false
		}
	}
	return true
}

func topoList(m topoMask) string {
	var names []string
	for t := TopologyStandalone; t <= TopologySentinel; t++ {
		if m&t.mask() != 0 {
			names = append(names, t.String())
		}
	}
	return strings.Join(names, " or ")
}

// nodes returns the node list of a cluster or sentinel configuration.
func (c *Config) nodes(id settingID) []string {
	if c.vals[id].s == "" {
		return nil
	}
	return strings.Split(c.vals[id].s, ",")
}
