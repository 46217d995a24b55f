package fixuniversal

import (
	"context"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Two addresses in a literal: NewUniversalClient makes a cluster client.
func cluster(ctx context.Context) (redis.UniversalClient, error) {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{ // want `RCL001: redis.NewUniversalClient .*fix: redisconfig.New\(\).Connection\(\).Password\(os.Getenv\("CACHE_PASSWORD"\)\).Cluster\(\).Nodes\("node-1:6379", "node-2:6379"\).ReadOnly\(true\).Build\(ctx\) and cfg.Connect\(ctx\)`
		Addrs:    []string{"node-1:6379", "node-2:6379"}, // want `RCL002` `RCL002`
		Password: os.Getenv("CACHE_PASSWORD"),
		ReadOnly: true,
		DB:       0,
	})
	return rdb, nil
}

// A constant MasterName: a sentinel client; ReadOnly means ReplicaOnly there.
func sentinel(ctx context.Context) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{ // want `RCL001: .*fix: redisconfig.New\(\).Sentinel\(\).Master\("main"\).Nodes\(strings.Split\(os.Getenv\("SENTINELS"\), ","\)...\).ReplicaOnly\(true\)`
		MasterName:       "main",
		Addrs:            strings.Split(os.Getenv("SENTINELS"), ","),
		SentinelPassword: os.Getenv("REDIS_SENTINEL_PASSWORD"),
		ReadOnly:         true,
	}), nil
}

// One address in a literal: a standalone client.
func standalone(ctx context.Context) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{ // want `RCL001: .*fix: redisconfig.New\(\).Connection\(\).Addr\(os.Getenv\("CACHE_ADDR"\)\).DB\(2\).Pool\(\).Size\(20\)`
		Addrs:    []string{os.Getenv("CACHE_ADDR")},
		DB:       2,
		PoolSize: 20,
	}), nil
}

// IsClusterMode: a cluster client whatever the number of addresses.
func clusterMode(ctx context.Context) (redis.UniversalClient, error) {
	c := redis.NewUniversalClient(&redis.UniversalOptions{ // want `RCL001: .*fix: redisconfig.New\(\).Cluster\(\).Nodes\(strings.Split\(os.Getenv\("NODES"\), ","\)...\)`
		Addrs:         strings.Split(os.Getenv("NODES"), ","),
		IsClusterMode: true,
	})
	return c, nil
}

// No fix: how many addresses arrive decides the client at run time.
func runTimeAddrs(ctx context.Context) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: strings.Split(os.Getenv("NODES"), ",")}), nil // want `RCL001: .*no automatic fix: Addrs: NewUniversalClient picks the client from how many addresses arrive at run time`
}

// No fix: a MasterName from the environment may be empty.
func runTimeMaster(ctx context.Context) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{MasterName: os.Getenv("MASTER"), Addrs: []string{"s:26379"}}), nil // want `RCL001: .*no automatic fix: MasterName: NewUniversalClient makes a sentinel client only when` `RCL002`
}

// No fix: MasterName with RouteByLatency makes a failover cluster client.
func failoverCluster(ctx context.Context) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{MasterName: "main", RouteByLatency: true}), nil // want `RCL001: .*no automatic fix: RouteByLatency: with MasterName, NewUniversalClient makes a NewFailoverClusterClient`
}

// No fix: a cluster client has no databases.
func clusterDB(ctx context.Context) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{IsClusterMode: true, Addrs: []string{os.Getenv("A")}, DB: 1}), nil // want `RCL001: .*no automatic fix: DB: NewUniversalClient makes a cluster client here, which ignores it`
}
