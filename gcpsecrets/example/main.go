// Command secretmanager reads the Redis password (and, when present, the CA
// bundle) from Google Cloud Secret Manager and connects.
//
//	REDIS_SECRETS_PROJECT=my-project REDIS_URL=rediss://10.0.0.7:6378 \
//	REDIS_PASSWORD_SECRET=redis-password go run ./gcpsecrets/example
//
// The service account needs roles/secretmanager.secretAccessor on the
// secrets. The password is read again every REDIS_SECRETS_REFRESH, so a
// rotation needs no restart.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/gcpsecrets"
	"google.golang.org/api/option"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "secretmanager:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, opts ...option.ClientOption) error {
	src, err := gcpsecrets.NewFromEnv(ctx, opts...)
	if err != nil {
		return err
	}
	defer src.Close()
	cfg, err := redisconfig.New().Service("secretmanager-example").Secrets().Source(src).Build(ctx)
	if err != nil {
		return err
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Fprintln(out, "connected:", cfg)
	return client.Ping(ctx).Err()
}
