// Command cluster connects to a Redis Cluster configured by variables alone
// and shows how keys spread over the masters.
//
//	REDIS_CLUSTER_NODES=10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000 go run ./examples/cluster
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	cfg, err := redisconfig.New().Service("cluster-example").Build(ctx)
	if err != nil {
		return err
	}
	if cfg.Topology() != redisconfig.TopologyCluster {
		return fmt.Errorf("set %s to the cluster's seed nodes", redisconfig.EnvClusterNodes)
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	for i := range 30 {
		if err := client.Set(ctx, fmt.Sprintf("example:%d", i), i, 0).Err(); err != nil {
			return err
		}
	}
	var mu sync.Mutex
	counts := map[string]int64{}
	err = client.(*redis.ClusterClient).ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		keys, err := node.Keys(ctx, "example:*").Result()
		mu.Lock()
		defer mu.Unlock()
		counts[node.Options().Addr] = int64(len(keys))
		return err
	})
	if err != nil {
		return err
	}
	addrs := make([]string, 0, len(counts))
	for a := range counts {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		fmt.Fprintf(out, "%s holds %d keys\n", a, counts[a])
	}
	return nil
}
