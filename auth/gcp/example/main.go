// Command example connects to Memorystore for Redis Cluster or Valkey with
// IAM authentication, configured by variables only:
//
//	REDIS_URL=rediss://10.0.0.5:6379 REDIS_TLS_CA_FILE=/etc/redis/server-ca.pem \
//	REDIS_AUTH=gcp-iam ENVIRONMENT=production go run ./example
//
// The identity is the one the program runs as (workload identity, the
// metadata server, GOOGLE_APPLICATION_CREDENTIALS).
// example_test.go runs it against the test harness.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/redisconfig/redisconfig"
	_ "github.com/redisconfig/redisconfig/auth/gcp" // registers gcp-iam
)

func main() {
	if err := run(context.Background(), redisconfig.New(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run builds the configuration, connects and round-trips a key.
func run(ctx context.Context, b *redisconfig.Builder, out io.Writer) error {
	cfg, err := b.Service("orders").Build(ctx)
	if err != nil {
		return err
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	if err := client.Set(ctx, "greeting", "hello with a token", 0).Err(); err != nil {
		return err
	}
	v, err := client.Get(ctx, "greeting").Result()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %s\n", cfg, v)
	return nil
}
