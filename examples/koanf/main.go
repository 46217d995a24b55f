// Command koanf configures Redis from a koanf instance: the service keeps its
// configuration where it already does, and redisconfig reads it through
// Builder.Lookup with the same rules, errors and provenance as variables
// ("REDIS_URL (koanf)").
//
// The koanf tree here comes from a map (koanf's confmap provider) so that the
// example needs no file; a file provider with a YAML or TOML parser fills
// the same tree. Keys map one to one: REDIS_POOL_SIZE is redis.pool_size,
// ENVIRONMENT is environment. The process environment is still read on top
// (a variable that disagrees with koanf is a conflict); call WithEnv(nil)
// first to read koanf alone.
//
//	go run ./examples/koanf
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/v2"
	"github.com/redisconfig/redisconfig"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// lookup answers redisconfig's variable names from a koanf tree:
// REDIS_POOL_SIZE is read as redis.pool_size.
func lookup(k *koanf.Koanf) func(string) (string, bool) {
	return func(name string) (string, bool) {
		key := strings.ToLower(name)
		if rest, ok := strings.CutPrefix(name, "REDIS_"); ok {
			key = "redis." + strings.ToLower(rest)
		}
		if !k.Exists(key) {
			return "", false
		}
		return k.String(key), true
	}
}

func run(ctx context.Context, out io.Writer) error {
	srv, err := miniredis.Run() // stands in for the Redis the configuration names
	if err != nil {
		return err
	}
	defer srv.Close()

	k := koanf.New(".")
	if err := k.Load(confmap.Provider(map[string]any{
		"environment":        "development",
		"redis.url":          "redis://" + srv.Addr() + "/2",
		"redis.pool_size":    20,
		"redis.dial_timeout": "2s",
	}, "."), nil); err != nil {
		return err
	}

	cfg, err := redisconfig.New().WithEnv(nil).Service("koanf-example").
		Lookup("koanf", lookup(k)).
		Build(ctx)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	for _, s := range cfg.DebugInfo().Settings {
		if s.Set && s.SourceKind != "default" {
			fmt.Fprintf(out, "%-14s %-10s from %s\n", s.Name, s.Value, s.Source)
		}
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()
	fmt.Fprintln(out, "connected:", client.Ping(ctx).Val())
	return nil
}
