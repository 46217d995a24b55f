package redisconfigtest_test

import (
	"context"
	"testing"

	"github.com/redisconfig/redisconfig/redisconfigtest"
)

// A test of a service against a real Redis with TLS and an ACL user: one
// call starts it, Vars points the service's configuration at it.
func ExampleStartRedis() {
	testCache := func(t *testing.T) {
		srv := redisconfigtest.StartRedis(t, redisconfigtest.RealOptions{
			TLS:   true,
			Users: []redisconfigtest.User{{Name: "cache", Password: "cache-pw", Rules: "~cache:* +@all"}},
		})
		cfg, err := srv.Builder(nil).Service("cache").Build(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		_ = cfg // hand cfg (or srv.Vars()) to the code under test
	}
	_ = testCache
}

// A TLS cluster of three masters in one call; Client builds and connects.
func ExampleStartCluster() {
	testCluster := func(t *testing.T) {
		cluster := redisconfigtest.StartCluster(t, 3, redisconfigtest.RealOptions{TLS: true, Password: "pw"})
		client := cluster.Client(t) // closed when the test ends
		if err := client.Set(context.Background(), "k", "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	_ = testCluster
}

// A master with two replicas and three sentinels; StopMaster makes them
// fail over.
func ExampleStartSentinel() {
	testFailover := func(t *testing.T) {
		group := redisconfigtest.StartSentinel(t, 2, 3, redisconfigtest.RealOptions{Password: "pw"})
		client := group.Client(t)
		group.StopMaster()
		_ = client // the failover client follows the sentinels to the new master
	}
	_ = testFailover
}
