// Command example connects to an ElastiCache or MemoryDB cache with IAM
// authentication, configured by variables only:
//
//	REDIS_URL=rediss://orders.xxxxxx.cache.amazonaws.com:6379 \
//	REDIS_AUTH=aws-iam REDIS_AWS_USER_ID=orders-app REDIS_AWS_CACHE_NAME=orders \
//	REDIS_AWS_REGION=eu-west-1 ENVIRONMENT=production go run ./example
//
// Credentials come from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or from
// awsauth.SetCredentials(cfg.Credentials) with an aws.Config you load.
// example_test.go runs it against the test harness.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/redisconfig/redisconfig"
	_ "github.com/redisconfig/redisconfig/auth/aws" // registers aws-iam
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
