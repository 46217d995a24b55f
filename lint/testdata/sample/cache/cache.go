// Package cache is a hand-written standalone set-up that maps completely.
package cache

import (
	"context"
	"os"
	"time"

	"github.com/redis/go-redis/v9"
)

// New connects the cache.
func New(ctx context.Context) (*redis.Client, error) {
	rdb := redis.NewClient(&redis.Options{
		Addr:         os.Getenv("CACHE_ADDR"),
		Password:     os.Getenv("REDIS_PASSWORD"),
		DB:           2,
		PoolSize:     20,
		MinIdleConns: 5,
		ReadTimeout:  500 * time.Millisecond,
	})
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, err
	}
	return rdb, nil
}
