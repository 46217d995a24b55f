// Command quickstart builds a Redis configuration the way a service does at
// start-up, connects, and prints the redacted result.
//
// It reads ENVIRONMENT and the REDIS_* variables. With neither REDIS_URL
// nor REDIS_HOST set it starts an in-memory Redis (miniredis) and says so,
// so that it runs on a machine with no Redis at all:
//
//	go run ./examples/quickstart
//	REDIS_URL=redis://localhost:6379/0 go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redisconfig/redisconfig"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	b := redisconfig.New().Service("quickstart")
	if os.Getenv(redisconfig.EnvURL) == "" && os.Getenv(redisconfig.EnvHost) == "" &&
		os.Getenv("QUICKSTART_"+redisconfig.EnvURL) == "" {
		srv, err := miniredis.Run()
		if err != nil {
			return fmt.Errorf("start the in-memory Redis: %w", err)
		}
		defer srv.Close()
		fmt.Fprintf(out, "REDIS_URL is not set: started an in-memory Redis (miniredis) at %s\n", srv.Addr())
		b.Connection().Addr(srv.Addr())
	}

	cfg, err := b.Build(ctx)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	fmt.Fprintln(out, "configuration:", cfg)
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(out, "warning:", w)
	}

	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()

	key := "redisconfig:quickstart"
	if err := client.Set(ctx, key, time.Now().Format(time.RFC3339), time.Minute).Err(); err != nil {
		return fmt.Errorf("SET %s: %w", key, err)
	}
	val, err := client.Get(ctx, key).Result()
	if err != nil {
		return fmt.Errorf("GET %s: %w", key, err)
	}
	fmt.Fprintf(out, "connected: SET and GET %s = %s\n\n", key, val)

	fmt.Fprintf(out, "%-26s %-24s %s\n", "SETTING", "VALUE", "SOURCE")
	for _, s := range cfg.DebugInfo().Settings {
		if s.Set {
			fmt.Fprintf(out, "%-26s %-24s %s\n", s.Name, s.Value, s.Source)
		}
	}
	return nil
}
