package redisconfig

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// universal spreads the resolved settings over go-redis's fields. It is the
// only place that does: each setting's row in the table (settings.go) puts
// its value into UniversalOptions, the one go-redis type that carries every
// field, and the topology's options are derived from it below with the
// patch-ups go-redis's own conversions need. TestOutputsCarryEverySetting
// fails when an output drops a field the table maps.
func (c *Config) universal() *redis.UniversalOptions {
	u := &redis.UniversalOptions{Addrs: c.addrList()}
	for id := range settings {
		if def := &settings[id]; def.apply != nil && c.srcs[id].Kind != SourceUnset {
			def.apply(u, c.vals[id])
		}
	}
	if c.tlsConfig != nil {
		u.TLSConfig = c.tlsConfig.Clone()
	}
	c.creds.apply(u)
	switch c.topology {
	case TopologyCluster:
		u.IsClusterMode = true
		u.ReadTimeout, u.WriteTimeout = clusterTimeout(u.ReadTimeout), clusterTimeout(u.WriteTimeout)
	}
	return u
}

// clusterTimeout maps "disabled" (-1) to go-redis's -2 for cluster nodes:
// ClusterOptions turns -1 into 0, which each node's Options then turns into
// its 5-second default, so -1 would silently become a timeout.
func clusterTimeout(d time.Duration) time.Duration {
	if d == -1 {
		return -2
	}
	return d
}

// Options returns go-redis options for a standalone client: a fresh copy on
// every call, with its own tls.Config; nil unless the topology is
// standalone.
func (c *Config) Options() *redis.Options {
	if c.topology != TopologyStandalone {
		return nil
	}
	return c.simple()
}

// simple derives standalone options whatever the topology.
func (c *Config) simple() *redis.Options {
	u := c.universal()
	o := u.Simple()
	// UniversalOptions has no network; Simple drops FailingTimeoutSeconds.
	o.Network = c.network
	o.FailingTimeoutSeconds = u.FailingTimeoutSeconds
	return o
}

// ClusterOptions returns options for a cluster client: a fresh copy on
// every call, or nil unless the topology is cluster.
func (c *Config) ClusterOptions() *redis.ClusterOptions {
	if c.topology != TopologyCluster {
		return nil
	}
	return c.universal().Cluster()
}

// FailoverOptions returns options for a sentinel-backed client: a fresh
// copy on every call, or nil unless the topology is sentinel.
func (c *Config) FailoverOptions() *redis.FailoverOptions {
	if c.topology != TopologySentinel {
		return nil
	}
	u := c.universal()
	f := u.Failover()
	// UniversalOptions has no field for these two; go-redis's Failover
	// takes ReplicaOnly from ReadOnly (a cluster setting) and drops
	// FailingTimeoutSeconds.
	f.ReplicaOnly = c.vals[idReplicaOnly].bool()
	f.UseDisconnectedReplicas = c.vals[idUseDisconnectedReplicas].bool()
	f.FailingTimeoutSeconds = u.FailingTimeoutSeconds
	return f
}

// UniversalOptions returns options for redis.NewUniversalClient, for code
// that wants one client type whatever the topology: a fresh copy on every
// call. A standalone unix socket and the two sentinel replica settings have
// no field in it: use Options or FailoverOptions for those.
func (c *Config) UniversalOptions() *redis.UniversalOptions { return c.universal() }

// NewClient returns a client of the configured topology without checking
// it; Connect also checks it. A *redis.Client, *redis.ClusterClient or the
// failover *redis.Client behind the redis.UniversalClient interface.
func (c *Config) NewClient() redis.UniversalClient {
	switch c.topology {
	case TopologyCluster:
		return redis.NewClusterClient(c.ClusterOptions())
	case TopologySentinel:
		return redis.NewFailoverClient(c.FailoverOptions())
	}
	return redis.NewClient(c.simple())
}

// ConnectClient is Connect for a standalone configuration, returning the
// concrete *redis.Client that code migrated from redis.NewClient holds. It
// fails without dialling when the topology is another.
func (c *Config) ConnectClient(ctx context.Context) (*redis.Client, error) {
	if err := c.wantTopology(TopologyStandalone, "ConnectClient"); err != nil {
		return nil, err
	}
	client, err := c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return client.(*redis.Client), nil
}

// ConnectCluster is Connect for a cluster configuration, returning the
// concrete *redis.ClusterClient. It fails without dialling when the
// topology is another.
func (c *Config) ConnectCluster(ctx context.Context) (*redis.ClusterClient, error) {
	if err := c.wantTopology(TopologyCluster, "ConnectCluster"); err != nil {
		return nil, err
	}
	client, err := c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return client.(*redis.ClusterClient), nil
}

// ConnectFailover is Connect for a sentinel configuration, returning the
// failover *redis.Client that redis.NewFailoverClient makes. It fails
// without dialling when the topology is another.
func (c *Config) ConnectFailover(ctx context.Context) (*redis.Client, error) {
	if err := c.wantTopology(TopologySentinel, "ConnectFailover"); err != nil {
		return nil, err
	}
	client, err := c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return client.(*redis.Client), nil
}

// ErrTopology is matched by the error a typed connect (ConnectClient,
// ConnectCluster, ConnectFailover) returns for a configuration of another
// topology.
var ErrTopology = fmt.Errorf("redisconfig: wrong topology")

func (c *Config) wantTopology(want Topology, method string) error {
	if c.topology == want {
		return nil
	}
	right := map[Topology]string{TopologyStandalone: "ConnectClient", TopologyCluster: "ConnectCluster", TopologySentinel: "ConnectFailover"}[c.topology]
	return fmt.Errorf("%w: %s needs a %s configuration, but this one is %s; call %s or Connect", ErrTopology, method, want, c.topology, right)
}
