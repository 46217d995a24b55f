package fix

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// A define with a context parameter and an error result.
func newBackend(ctx context.Context) (*redis.Client, error) {
	client := redis.NewClient(&redis.Options{ // want `RCL001: .*fix: redisconfig.New\(\).Connection\(\).Addr\(os.Getenv\("CACHE_ADDR"\)\)`
		Addr:        os.Getenv("CACHE_ADDR"),
		Password:    os.Getenv("PASSWORD"),
		DB:          1,
		PoolSize:    50,
		DialTimeout: 2 * time.Second,
	})
	return client, nil
}

// Variables sharing a prefix become Service("auth") and are dropped.
func newAuth() (redis.UniversalClient, error) {
	return redis.NewClient(&redis.Options{ // want `RCL001: .*Service\("auth"\)`
		Addr:     os.Getenv("AUTH_REDIS_ADDR"),
		Username: os.Getenv("AUTH_REDIS_USERNAME"),
		Password: os.Getenv("AUTH_REDIS_PASSWORD"),
	}), nil
}

type store struct{ rdb *redis.Client }

// An assignment to a field, with err declared later in the same block.
func (s *store) open(ctx context.Context) error {
	s.rdb = redis.NewClient(&redis.Options{ // want `RCL001`
		Network:         "unix",
		Addr:            "/run/redis.sock", // want `RCL002`
		MinRetryBackoff: 8 * time.Millisecond,
		MaxRetryBackoff: time.Second,
	})
	err := s.rdb.Close()
	return err
}

// A sentinel set-up with a literal TLS config.
func newFailover(ctx context.Context) (*redis.Client, int, error) {
	rdb := redis.NewFailoverClient(&redis.FailoverOptions{ // want `RCL001: redis.NewFailoverClient .*fix:`
		MasterName:    os.Getenv("REDIS_SENTINEL_MASTER"),
		SentinelAddrs: []string{"s1:26379", "s2:26379"}, // want `RCL002` `RCL002`
		ReplicaOnly:   true,
	})
	return rdb, 0, nil
}

// No fix: no error result to return Connect's error through.
func noError() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: os.Getenv("A")}) // want `RCL001: .*no automatic fix: the function around it has no error result`
}

// No fix: a field with no builder equivalent.
func dialer(ctx context.Context) (*redis.Client, error) {
	d := &net.Dialer{}
	return redis.NewClient(&redis.Options{Addr: os.Getenv("A"), Dialer: d.DialContext}), nil // want `RCL001: .*no automatic fix: Dialer: a custom Dialer is code`
}

// No fix: one retry bound alone.
func oneBound(ctx context.Context) (*redis.Client, error) {
	return redis.NewClient(&redis.Options{Addr: os.Getenv("A"), MinRetryBackoff: time.Second}), nil // want `RCL001: .*MinRetryBackoff: Pool\(\).RetryBackoff takes both bounds`
}

// No fix: a universal client's topology depends on run-time values.
func universal(ctx context.Context, addrs []string) (redis.UniversalClient, error) {
	return redis.NewUniversalClient(&redis.UniversalOptions{Addrs: addrs}), nil // want `RCL001: .*Addrs: NewUniversalClient picks the client`
}

// No fix: a TLS config built in code.
func tlsFromCode(ctx context.Context, c *tls.Config) (*redis.Client, error) {
	return redis.NewClient(&redis.Options{Addr: os.Getenv("A"), TLSConfig: c}), nil // want `RCL001: .*TLSConfig: only a literal`
}

// A TLS literal maps to TLS().
func tlsLiteral(ctx context.Context) (*redis.Client, error) {
	c := redis.NewClient(&redis.Options{ // want `RCL001: .*TLS\(\).Enable\(true\).ServerName\("cache"\)`
		Addr:      os.Getenv("A"),
		TLSConfig: &tls.Config{ServerName: "cache", MinVersion: tls.VersionTLS12},
	})
	return c, nil
}

// A test helper: t.Fatal for the errors.
func helper(tb testing.TB, addr string) (r redis.UniversalClient) {
	if addr != "" {
		r = redis.NewClient(&redis.Options{Addr: addr, DB: 3, Password: ""}) // want `RCL001: .*\(fix:`
	}
	return r
}
