// Command worker consumes the jobs the backend queues, from the same
// Redis: the list "jobs". For each job it records "done:<job>".
//
//	REDIS_URL=redis://localhost:6379/0 go run ./examples/worker
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, func(job string) { fmt.Println("done:", job) }); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

// run takes jobs until ctx ends. BRPOP waits at most a second so that a
// stop is noticed promptly; the read timeout must be longer than that wait.
func run(ctx context.Context, done func(job string)) error {
	cfg, err := redisconfig.New().Service("worker").
		Pool().ReadTimeout(5 * time.Second).
		Build(ctx)
	if err != nil {
		return err
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	for ctx.Err() == nil {
		res, err := client.BRPop(ctx, time.Second, "jobs").Result()
		switch {
		case errors.Is(err, redis.Nil), ctx.Err() != nil:
			continue
		case err != nil:
			fmt.Fprintln(os.Stderr, "worker: take a job:", err)
			time.Sleep(500 * time.Millisecond)
			continue
		}
		job := res[1]
		if err := client.Set(ctx, "done:"+job, time.Now().UTC().Format(time.RFC3339), time.Hour).Err(); err != nil {
			fmt.Fprintln(os.Stderr, "worker: record a job:", err)
			continue
		}
		done(job)
	}
	return nil
}
