package redisconfig_test

import (
	"context"
	"fmt"

	"github.com/redisconfig/redisconfig"
)

// A preset supplies what a managed service needs; variables still win.
func ExampleBuilder_Provider() {
	cfg, err := redisconfig.New().
		WithEnv(map[string]string{
			"ENVIRONMENT":              "test",
			"REDIS_URL":                "redis://app:s3cret@10.124.0.3:6379",
			"REDIS_CONN_MAX_IDLE_TIME": "2m",
		}).
		Provider(redisconfig.ProviderMemorystore).
		Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"disable_identity", "conn_max_idle_time"} {
		s, _ := cfg.Setting(name)
		fmt.Println(name, s.Value, "from", s.Source)
	}
	// Output:
	// disable_identity true from memorystore preset
	// conn_max_idle_time 2m0s from REDIS_CONN_MAX_IDLE_TIME
}

// Kubernetes service links are set aside unless the address is asked for.
func ExampleConnectionBuilder_AddressFrom() {
	cfg, err := redisconfig.New().
		WithEnv(map[string]string{
			"ENVIRONMENT":        "test",
			"REDIS_PORT":         "tcp://10.96.0.10:6379", // injected by Kubernetes for the Service "redis"
			"REDIS_SERVICE_HOST": "10.96.0.10",
			"REDIS_SERVICE_PORT": "6379",
		}).
		Connection().AddressFrom("kubernetes").
		Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := cfg.Setting("host")
	fmt.Println(cfg.Options().Addr, "from", s.Source)
	// Output: 10.96.0.10:6379 from Kubernetes service link REDIS_SERVICE_HOST
}
