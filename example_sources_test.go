package redisconfig_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/redisconfig/redisconfig"
)

// A lookup source reads variables from wherever the service keeps its
// configuration (koanf, viper, a struct); provenance names it.
func ExampleBuilder_Lookup() {
	fromKoanf := map[string]string{"REDIS_URL": "redis://cache.internal:6379/2", "REDIS_POOL_SIZE": "20"}
	lookup := func(name string) (string, bool) { v, ok := fromKoanf[name]; return v, ok }
	// WithEnv(nil): the lookup source alone, not the process environment.
	cfg, err := redisconfig.New().WithEnv(nil).Lookup("koanf", lookup).Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range cfg.DebugInfo().Settings {
		if s.Name == "db" || s.Name == "pool_size" {
			fmt.Printf("%s=%s from %s\n", s.Name, s.Value, s.Source)
		}
	}
	// Output:
	// db=2 from REDIS_URL (koanf)
	// pool_size=20 from REDIS_POOL_SIZE (koanf)
}

// A .env file configures development and test, below every real variable;
// production refuses it without reading it.
func ExampleBuilder_DotEnv() {
	dir, _ := os.MkdirTemp("", "dotenv-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, ".env")
	_ = os.WriteFile(path, []byte("# local Redis\nREDIS_HOST=cache.local\nexport REDIS_POOL_SIZE=5\n"), 0o600)

	cfg, err := redisconfig.New().WithEnv(map[string]string{"REDIS_POOL_SIZE": "8"}).DotEnv(path).Build(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Options().Addr, cfg.Options().PoolSize)

	_, err = redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "production"}).DotEnv(path).Build(context.Background())
	for _, e := range redisconfig.Errors(err) {
		if e.Setting == "dotenv" {
			fmt.Println("production:", e.Problem[:strings.Index(e.Problem, ",")])
		}
	}
	// Output:
	// cache.local:6379 8
	// production: a .env file configures development and test only
}
