// Command sentinel finds the master through Redis Sentinel, configured by
// variables alone, writes through it and says which server answered.
//
//	REDIS_SENTINEL_MASTER=mymaster REDIS_SENTINEL_NODES=10.0.0.1:26379 go run ./examples/sentinel
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/redisconfig/redisconfig"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sentinel:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	cfg, err := redisconfig.New().Service("sentinel-example").Build(ctx)
	if err != nil {
		return err
	}
	if cfg.Topology() != redisconfig.TopologySentinel {
		return fmt.Errorf("set %s and %s", redisconfig.EnvSentinelMaster, redisconfig.EnvSentinelNodes)
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	if err := client.Set(ctx, "example:sentinel", "ok", 0).Err(); err != nil {
		return err
	}
	port, err := client.ConfigGet(ctx, "port").Result()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote through the master on port %s\n", port["port"])
	return nil
}
