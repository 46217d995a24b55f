// Command goredisonly is the same service with go-redis alone, the baseline
// for rootonly's weight (see BENCHMARKS.md).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/redis/go-redis/v9"
)

func main() {
	opts, err := redis.ParseURL(os.Getenv("REDIS_URL"))
	if err != nil {
		fmt.Println(err)
		return
	}
	client := redis.NewClient(opts)
	defer client.Close()
	fmt.Println(client.Ping(context.Background()).Val())
}
