// Command example connects to Azure Cache for Redis or Azure Managed Redis
// with Microsoft Entra ID, configured by variables only:
//
//	REDIS_URL=rediss://orders.redis.cache.windows.net:6380 \
//	REDIS_AUTH=azure-entra ENVIRONMENT=production go run ./example
//
// The identity comes from azidentity.NewDefaultAzureCredential (managed
// or workload identity), or azureauth.SetCredential; the user is its oid.
// example_test.go runs it against the test harness.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/redisconfig/redisconfig"
	_ "github.com/redisconfig/redisconfig/auth/azure" // registers azure-entra
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
