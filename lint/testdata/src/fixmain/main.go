package main

import (
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

// main: log.Fatal for the errors, context.Background() for the context;
// os stays (strings.Split reads it), the redis import goes.
func main() {
	c := redis.NewClusterClient(&redis.ClusterOptions{ // want `RCL001: redis.NewClusterClient .*Cluster\(\).Nodes\(strings.Split\(os.Getenv\("NODES"\), ","\)...\)`
		Addrs:    strings.Split(os.Getenv("NODES"), ","),
		Password: os.Getenv("REDIS_PASSWORD"),
		ReadOnly: true,
	})
	_ = c
}
