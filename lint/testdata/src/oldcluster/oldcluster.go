package oldcluster

import (
	"os"

	"github.com/redis/go-redis/v9"
)

// With -goredis-version v9.22.0 the v9 stub counts as older than v9.23.
func clusterTimeouts() {
	redis.NewClusterClient(&redis.ClusterOptions{ // want `RCL001`
		Addrs:        []string{os.Getenv("N1")},
		WriteTimeout: -1, // want `RCL007: WriteTimeout: -1`
	})
}
