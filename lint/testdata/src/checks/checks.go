package checks

import (
	"crypto/tls"
	"os"

	v8 "github.com/go-redis/redis/v8"
	goredis "github.com/redis/go-redis/v9"
)

type settings struct{ Addr, Password string }

// RCL002: a hard-coded address; RCL003: a hard-coded password.
func hardCoded() *goredis.Client {
	return goredis.NewClient(&goredis.Options{ // want `RCL001: redis.NewClient sets up go-redis by hand`
		Addr:     "redis.internal:6379", // want `RCL002: hard-coded Redis address in Addr`
		Password: "hunter2",             // want `RCL003: hard-coded password in Password`
	})
}

// Near miss for RCL002 and RCL003: values from the environment and a struct.
func fromElsewhere(s settings) *goredis.Client {
	return goredis.NewClient(&goredis.Options{ // want `RCL001`
		Addr:     s.Addr,
		Password: os.Getenv("REDIS_PASSWORD"),
	})
}

// Near miss for RCL003: an empty password is no secret.
var emptyPassword = &goredis.Options{Addr: os.Getenv("A"), Password: ""} // want `RCL001: Options literal`

func urls() {
	goredis.ParseURL("redis://:secret@cache:6379/0")                 // want `RCL001` `RCL002: hard-coded Redis URL` `RCL003: hard-coded password in the URL`
	goredis.ParseURL("rediss://cache:6380/0?skip_verify=true")       // want `RCL001` `RCL002` `RCL004: skip_verify=true`
	goredis.ParseURL(os.Getenv("REDIS_URL"))                         // want `RCL001`
	goredis.ParseURL("rediss://user@cache:6380/0?skip_verify=false") // want `RCL001` `RCL002`
	goredis.ParseClusterURL(os.Getenv("REDIS_CLUSTER_URL"))          // want `RCL001`
	goredis.ParseFailoverURL(os.Getenv("REDIS_FAILOVER_URL"))        // want `RCL001`
}

// RCL004 in a TLS config; near miss: verification on.
func skipVerify() {
	goredis.NewClient(&goredis.Options{ // want `RCL001`
		Addr:      os.Getenv("REDIS_ADDR"),
		TLSConfig: &tls.Config{InsecureSkipVerify: true}, // want `RCL004: InsecureSkipVerify: true`
	})
	goredis.NewClient(&goredis.Options{ // want `RCL001`
		Addr:      os.Getenv("REDIS_ADDR"),
		TLSConfig: &tls.Config{InsecureSkipVerify: false, ServerName: "cache"},
	})
}

// RCL005 with NewFailoverClient; near miss: NewFailoverClusterClient uses them.
func routes() {
	goredis.NewFailoverClient(&goredis.FailoverOptions{ // want `RCL001`
		MasterName:     "mymaster",
		SentinelAddrs:  []string{os.Getenv("SENTINEL")},
		RouteByLatency: true, // want `RCL005: RouteByLatency does nothing with NewFailoverClient`
		RouteRandomly:  true, // want `RCL005: RouteRandomly`
	})
	goredis.NewFailoverClusterClient(&goredis.FailoverOptions{ // want `RCL001: redis.NewFailoverClusterClient .* no builder`
		MasterName:     "mymaster",
		SentinelAddrs:  []string{os.Getenv("SENTINEL")},
		RouteByLatency: true,
	})
}

// RCL006; near misses: equal values, and PoolSize left to go-redis.
func pools() {
	goredis.NewClient(&goredis.Options{Addr: os.Getenv("A"), PoolSize: 5, MinIdleConns: 10})  // want `RCL001` `RCL006: MinIdleConns 10 is above PoolSize 5`
	goredis.NewClient(&goredis.Options{Addr: os.Getenv("A"), PoolSize: 10, MinIdleConns: 10}) // want `RCL001`
	goredis.NewClient(&goredis.Options{Addr: os.Getenv("A"), MinIdleConns: 50})               // want `RCL001`
}

// RCL007 on v8; near miss: v9 whose version the build does not show.
func clusterTimeouts() {
	v8.NewClusterClient(&v8.ClusterOptions{ // want `RCL001: .*move this code to github.com/redis/go-redis/v9`
		Addrs:       []string{os.Getenv("N1")},
		ReadTimeout: -1, // want `RCL007: ReadTimeout: -1 on a cluster client`
	})
	goredis.NewClusterClient(&goredis.ClusterOptions{ // want `RCL001`
		Addrs:       []string{os.Getenv("N1")},
		ReadTimeout: -1,
	})
}

// RCL008; near misses: a non-local fallback, and a fallback for a flag.
func fallbacks(flagAddr string) {
	addr := os.Getenv("REDIS_ADDR")
	if addr == "" {
		addr = "localhost:6379" // want `RCL008: falling back to "localhost:6379" when REDIS_ADDR is unset`
	}
	host, ok := os.LookupEnv("CACHE_HOST")
	if !ok {
		host = "127.0.0.1:6379" // want `RCL008`
	}
	other := os.Getenv("REDIS_ADDR")
	if other == "" {
		other = "redis.internal:6379"
	}
	if flagAddr == "" {
		flagAddr = "localhost:6379"
	}
	db := os.Getenv("DATABASE_URL")
	if db == "" {
		db = "localhost:5432"
	}
	_, _, _, _, _ = addr, host, other, flagAddr, db
}

// Near miss for RCL001: redis types used without building a client.
func notASite(c *goredis.Client) *goredis.Options { return nil }
