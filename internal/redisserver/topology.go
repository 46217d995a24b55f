package redisserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of masters without replicas, every slot
// assigned.
type Cluster struct {
	Nodes []*Server
}

// Addrs returns the nodes' addresses.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// StartCluster starts masters nodes (three make the smallest real
// cluster), splits the 16384 slots between them, introduces them to each
// other and waits until every node reports cluster_state:ok.
func StartCluster(t testing.TB, masters int, opts Options) *Cluster {
	t.Helper()
	c := &Cluster{}
	for i := 0; i < masters; i++ {
		o := opts
		o.Args = append([]string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + strconv.Itoa(i) + ".conf",
			"--cluster-node-timeout", "2000"}, opts.Args...)
		if opts.TLS != nil {
			o.Args = append(o.Args, "--tls-cluster", "yes")
		}
		c.Nodes = append(c.Nodes, Start(t, o))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clients := make([]*redis.Client, masters)
	for i, n := range c.Nodes {
		clients[i] = redis.NewClient(&redis.Options{Addr: n.Addr(), Password: opts.Password, Protocol: 2, TLSConfig: clientTLS(t, opts.TLS)})
		defer clients[i].Close()
	}
	const slots = 16384
	for i, cl := range clients {
		from, to := i*slots/masters, (i+1)*slots/masters-1
		if err := cl.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", from, to).Err(); err != nil {
			t.Fatalf("redisserver: assign slots %d-%d: %v", from, to, err)
		}
	}
	// Every node meets every other, so no node waits for gossip to learn
	// of the rest.
	for i, cl := range clients {
		for _, n := range c.Nodes[i+1:] {
			if err := cl.Do(ctx, "CLUSTER", "MEET", "127.0.0.1", n.Port).Err(); err != nil {
				t.Fatalf("redisserver: cluster meet: %v", err)
			}
		}
	}
	for _, cl := range clients {
		waitFor(t, ctx, "cluster_state:ok on "+cl.Options().Addr, func() bool {
			info, err := cl.ClusterInfo(ctx).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(masters)+"\r")
		})
	}
	return c
}

// SentinelGroup is a master, its replicas and the sentinels watching them.
type SentinelGroup struct {
	Master, Replica, Sentinel *Server // Replica and Sentinel: the first of each
	Replicas, Sentinels       []*Server
	MasterName                string
}

// SentinelAddrs returns the sentinels' addresses.
func (g *SentinelGroup) SentinelAddrs() []string {
	addrs := make([]string, len(g.Sentinels))
	for i, s := range g.Sentinels {
		addrs[i] = s.Addr()
	}
	return addrs
}

// StartSentinel starts a master, a replica of it and a sentinel (quorum 1)
// that fails over after half a second of silence. Password, when set,
// protects the data nodes; the sentinel itself is open.
func StartSentinel(t testing.TB, opts Options) *SentinelGroup {
	t.Helper()
	return StartSentinels(t, 1, 1, opts)
}

// StartSentinels starts a master, replicas replicas of it and sentinels
// sentinels (quorum: a majority of them) that fail over after half a
// second of silence.
func StartSentinels(t testing.TB, replicas, sentinels int, opts Options) *SentinelGroup {
	t.Helper()
	g := &SentinelGroup{MasterName: "mymaster"}
	mo := opts
	// Without this the master waits 5 seconds for more replicas before it
	// starts the first sync.
	mo.Args = append([]string{"--repl-diskless-sync-delay", "0"}, opts.Args...)
	g.Master = Start(t, mo)
	ro := opts
	ro.Args = append([]string{"--replicaof", "127.0.0.1", strconv.Itoa(g.Master.Port)}, opts.Args...)
	if opts.TLS != nil {
		ro.Args = append(ro.Args, "--tls-replication", "yes")
	}
	if opts.Password != "" {
		ro.Args = append(ro.Args, "--masterauth", opts.Password)
		g.Master.opts.Args = append(g.Master.opts.Args, "--masterauth", opts.Password)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range replicas {
		r := Start(t, ro)
		g.Replicas = append(g.Replicas, r)
		replica := redis.NewClient(&redis.Options{Addr: r.Addr(), Password: opts.Password, Protocol: 2, TLSConfig: clientTLS(t, opts.TLS)})
		waitFor(t, ctx, "the replica to sync", func() bool {
			info, err := replica.Info(ctx, "replication").Result()
			return err == nil && strings.Contains(info, "master_link_status:up")
		})
		_ = replica.Close()
	}
	if len(g.Replicas) > 0 {
		g.Replica = g.Replicas[0]
	}

	sentinelConf := []string{
		fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d %d", g.MasterName, g.Master.Port, sentinels/2+1),
		fmt.Sprintf("sentinel down-after-milliseconds %s 500", g.MasterName),
		fmt.Sprintf("sentinel failover-timeout %s 3000", g.MasterName),
	}
	if opts.Password != "" {
		sentinelConf = append(sentinelConf, fmt.Sprintf("sentinel auth-pass %s %s", g.MasterName, opts.Password))
	}
	if opts.TLS != nil {
		sentinelConf = append(sentinelConf, "tls-replication yes") // the sentinel talks TLS to the data nodes
	}
	for range sentinels {
		s := Start(t, Options{Sentinel: sentinelConf, TLS: opts.TLS})
		g.Sentinels = append(g.Sentinels, s)
		sentinel := redis.NewSentinelClient(&redis.Options{Addr: s.Addr(), Protocol: 2, TLSConfig: clientTLS(t, opts.TLS)})
		waitFor(t, ctx, "the sentinel to see the replicas", func() bool {
			got, err := sentinel.Replicas(ctx, g.MasterName).Result()
			return err == nil && len(got) >= replicas
		})
		_ = sentinel.Close()
	}
	if len(g.Sentinels) > 0 {
		g.Sentinel = g.Sentinels[0]
	}
	return g
}

func waitFor(t testing.TB, ctx context.Context, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("redisserver: gave up waiting for %s", what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// clientTLS is the harness's own client TLS for a server started with t, or
// nil without TLS.
func clientTLS(tb testing.TB, t *TLS) *tls.Config {
	if t == nil {
		return nil
	}
	pem, err := os.ReadFile(t.CAFile)
	if err != nil {
		tb.Fatalf("redisserver: read CA: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cfg := &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	if t.ClientCerts && t.ClientCertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.ClientCertFile, t.ClientKeyFile)
		if err != nil {
			tb.Fatalf("redisserver: load the client certificate: %v", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg
}
