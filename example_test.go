package redisconfig_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redisconfig/redisconfig"
)

// A service builds its configuration once at start-up, from variables.
func Example() {
	cfg, err := redisconfig.New().
		WithEnv(map[string]string{ // a service leaves this out and reads its process environment
			"ENVIRONMENT":    "production",
			"REDIS_URL":      "rediss://backend@redis.internal:6380/2",
			"REDIS_PASSWORD": "s3cret",
		}).
		Service("backend").
		Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	o := cfg.Options()
	fmt.Println(o.Addr, o.DB, o.Username, o.ClientName, o.TLSConfig.ServerName, o.ReadTimeout)
	fmt.Println(cfg)
	// Output:
	// redis.internal:6380 2 backend backend redis.internal 3s
	// redisconfig.Config{environment: production, service: backend, network: tcp, addr: redis.internal:6380, db: 2, tls: true, username: backend, password: [redacted]}
}

// Staging and production list every problem at once and never fall back to
// localhost.
func Example_productionFailsFast() {
	_, err := redisconfig.New().
		WithEnv(map[string]string{"ENVIRONMENT": "production", "REDIS_POOL_SIZE": "-5"}).
		Build(context.Background())
	fmt.Println(errors.Is(err, redisconfig.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// true
	// redisconfig: REDIS_POOL_SIZE: must be a whole number from 0 to 2147483647, got "-5"
	// redisconfig: REDIS_URL and REDIS_HOST (unset): production needs an address and never falls back to localhost; set REDIS_URL or REDIS_HOST, or call Connection().Addr
	// redisconfig: REDIS_TLS (unset): production requires TLS; set REDIS_TLS=true or use a rediss:// URL, or call Relax(RuleTLSRequired, reason)
	// redisconfig: REDIS_PASSWORD (unset): production requires credentials; set REDIS_PASSWORD or REDIS_PASSWORD_FILE (or a password in REDIS_URL), or call Relax(RuleCredentialsRequired, reason)
}

// Everything can be set from code in one chain; code wins over variables.
func ExampleBuilder_Build() {
	cfg, err := redisconfig.New().WithEnv(nil).
		Environment(redisconfig.Test).
		Connection().Addr("10.0.0.7:6379").DB(1).
		Pool().Size(20).ReadTimeout(500 * time.Millisecond).
		Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	o := cfg.Options()
	fmt.Println(o.Addr, o.DB, o.PoolSize, o.ReadTimeout, o.DialTimeout)
	// Output: 10.0.0.7:6379 1 20 500ms 1s
}

// Every setting can say where its value came from.
func ExampleConfig_DebugInfo() {
	cfg, _ := redisconfig.New().
		WithEnv(map[string]string{
			"REDIS_URL":       "redis://:pw@cache:6379?pool_size=30",
			"AUTH_REDIS_PORT": "6390",
		}).
		Service("auth").
		Build(context.Background())
	for _, s := range cfg.DebugInfo().Settings {
		switch s.Name {
		case "host", "port", "password", "pool_size", "read_timeout":
			fmt.Printf("%s=%s (%s)\n", s.Name, s.Value, s.Source)
		}
	}
	// Output:
	// host=cache (REDIS_URL)
	// port=6390 (AUTH_REDIS_PORT)
	// password=[redacted] (REDIS_URL)
	// pool_size=30 (REDIS_URL parameter pool_size)
	// read_timeout= (go-redis default)
}

// Two services deployed with one set of variables agree on every core
// parameter; a drifted service-prefixed variable is reported with its source.
func ExampleCompare() {
	vars := map[string]string{
		"REDIS_URL":     "redis://:pw@cache.internal:6379/1",
		"AUTH_REDIS_DB": "2",
	}
	backend, _ := redisconfig.New().WithEnv(vars).Service("backend").Build(context.Background())
	auth, _ := redisconfig.New().WithEnv(vars).Service("auth").Build(context.Background())
	for _, d := range redisconfig.Compare(backend, auth) {
		fmt.Printf("%s: %s (%s) vs %s (%s)\n", d.Setting, d.A, d.SourceA, d.B, d.SourceB)
	}
	// Output: db: 1 (REDIS_URL) vs 2 (AUTH_REDIS_DB)
}

// REDIS_CLUSTER_NODES selects a cluster; a disabled read timeout reaches
// every node as "no deadline".
func ExampleConfig_ClusterOptions() {
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"REDIS_CLUSTER_NODES": "node-0:7000,node-1:7000,node-2:7000",
		"REDIS_READ_TIMEOUT":  "0",
	}).Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	o := cfg.ClusterOptions()
	fmt.Println(cfg.Topology(), o.Addrs, o.ReadTimeout, cfg.Options() == nil)
	// Output: cluster [node-0:7000 node-1:7000 node-2:7000] -2ns true
}
