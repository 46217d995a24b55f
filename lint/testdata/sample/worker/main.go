// Command worker runs on a cluster.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

func main() {
	ctx := context.Background()
	c := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs:    strings.Split(os.Getenv("WORKER_NODES"), ","),
		Password: os.Getenv("REDIS_PASSWORD"),
		PoolSize: 10,
	})
	fmt.Println(c.Ping(ctx).Err())
}
