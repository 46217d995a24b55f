// Command rootonly is the smallest service that uses redisconfig: it
// measures what importing the root package weighs (see BENCHMARKS.md).
package main

import (
	"context"
	"fmt"

	"github.com/redisconfig/redisconfig"
)

func main() {
	cfg, err := redisconfig.New().Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := cfg.Connect(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	fmt.Println(client.Ping(context.Background()).Val())
}
