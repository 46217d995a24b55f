// Package queue has the URL and universal shapes: a parsed REDIS_URL, a
// universal client over a literal list of nodes, and a cluster URL.
package queue

import (
	"context"
	"fmt"
	"os"

	"github.com/redis/go-redis/v9"
)

// Open parses the queue's URL.
func Open(ctx context.Context) (*redis.Client, error) {
	opt, err := redis.ParseURL(os.Getenv("QUEUE_REDIS_URL"))
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return redis.NewClient(opt), nil
}

// Shared makes a universal client; two nodes make it a cluster client.
func Shared(ctx context.Context) (redis.UniversalClient, error) {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:    []string{"node-1:6379", "node-2:6379"},
		Password: os.Getenv("REDIS_PASSWORD"),
		ReadOnly: true,
	})
	return rdb, nil
}

// Nodes parses a cluster URL.
func Nodes() (*redis.ClusterOptions, error) {
	opt, err := redis.ParseClusterURL("redis://node-1:6379?addr=node-2:6379")
	return opt, err
}
