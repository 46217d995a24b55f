// Package redisconfigtest gives tests of services that use redisconfig an
// in-memory Redis (miniredis) to point their configuration at, ways to make
// that Redis fail, and builders under each environment's rules that never
// touch the process environment.
//
//	func TestCache(t *testing.T) {
//		client, srv := redisconfigtest.Client(t) // connected; closed when the test ends
//		srv.SetError("LOADING")                  // or Outage / Restore
//		...
//	}
//
// For tests that need the real thing, StartRedis, StartCluster and
// StartSentinel start real redis-server (or valkey-server) processes: a
// password, ACL users, TLS or mutual TLS with certificates generated for
// the test, a cluster of N masters, a master with replicas and sentinels.
// Each runs in the test's temporary directory on free loopback ports, stops
// when the test ends, and gives the variables (Vars) that point a builder at
// it. Without a server binary the test is skipped, or fails under
// REDISCONFIG_INTEGRATION=1.
package redisconfigtest

import (
	"context"
	"maps"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
)

// Server is an in-memory Redis for one test.
type Server struct {
	*miniredis.Miniredis
}

// NewServer starts an in-memory Redis that stops when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	return &Server{miniredis.RunT(t)}
}

// Vars returns the variables that point a configuration at the server, in
// the test environment: ENVIRONMENT=test and REDIS_URL. Add to the map to
// test more settings.
func (s *Server) Vars() map[string]string {
	return map[string]string{redisconfig.EnvEnvironment: "test", redisconfig.EnvURL: "redis://" + s.Addr()}
}

// Builder returns a builder reading only s.Vars() plus extra (never the
// process environment), for the test environment.
func (s *Server) Builder(extra map[string]string) *redisconfig.Builder {
	vars := s.Vars()
	maps.Copy(vars, extra)
	return redisconfig.New().WithEnv(vars)
}

// Outage makes the server refuse every connection until Restore: a Redis
// that went away.
func (s *Server) Outage() { s.Miniredis.Close() }

// Restore brings the server back after Outage, on the same address and with
// its data.
func (s *Server) Restore(t testing.TB) {
	t.Helper()
	if err := s.Miniredis.Restart(); err != nil {
		t.Fatalf("redisconfigtest: restart the in-memory Redis: %v", err)
	}
}

// FailCommands makes every command answer with the error msg (for example
// "LOADING Redis is loading the dataset in memory") until FailCommands("").
func (s *Server) FailCommands(msg string) { s.Miniredis.SetError(msg) }

// Builder starts an in-memory Redis and returns a builder pointed at it,
// in the test environment.
func Builder(t testing.TB) (*redisconfig.Builder, *Server) {
	t.Helper()
	s := NewServer(t)
	return s.Builder(nil), s
}

// Client starts an in-memory Redis, builds and connects a client to it, and
// closes the client when the test ends.
func Client(t testing.TB) (redis.UniversalClient, *Server) {
	t.Helper()
	b, s := Builder(t)
	cfg, err := b.Build(context.Background())
	if err != nil {
		t.Fatalf("redisconfigtest: build: %v", err)
	}
	client, err := cfg.Connect(context.Background())
	if err != nil {
		t.Fatalf("redisconfigtest: connect: %v", err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return client, s
}

// InEnvironment returns a builder for env that reads only vars, so a test
// can check what a configuration does under staging or production rules
// without setting ENVIRONMENT in the process.
func InEnvironment(env redisconfig.Environment, vars map[string]string) *redisconfig.Builder {
	return redisconfig.New().WithEnv(vars).Environment(env)
}
