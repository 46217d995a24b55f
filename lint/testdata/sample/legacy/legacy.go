// Package legacy holds the set-ups a fix cannot complete.
package legacy

import (
	"crypto/tls"
	"os"

	"github.com/redis/go-redis/v9"
)

// Client has no error result, a hard-coded password and a localhost fallback.
func Client() *redis.Client {
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		addr = "localhost:6379"
	}
	return redis.NewClient(&redis.Options{
		Addr:      addr,
		Password:  "s3cret",
		TLSConfig: &tls.Config{InsecureSkipVerify: true},
	})
}

// FromURL parses a URL.
func FromURL() (*redis.Options, error) {
	return redis.ParseURL(os.Getenv("REDIS_URL"))
}

// Other is the same shape as Client with other values.
func Other() *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr:      os.Getenv("OTHER_ADDR"),
		Password:  "other",
		TLSConfig: &tls.Config{InsecureSkipVerify: false},
	})
}
