// Package auth reads its own prefixed variables.
package auth

import (
	"context"
	"os"

	"github.com/redis/go-redis/v9"
)

// Store holds the session client.
type Store struct {
	rdb *redis.Client
}

// Open connects the session store.
func (s *Store) Open(ctx context.Context) error {
	s.rdb = redis.NewClient(&redis.Options{
		Username: os.Getenv("AUTH_REDIS_USERNAME"),
		Password: os.Getenv("AUTH_REDIS_PASSWORD"),
		DB:       1,
	})
	return nil
}
