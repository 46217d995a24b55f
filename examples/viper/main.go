// Command viper configures Redis from a viper instance through
// Builder.Lookup: the service's YAML stays where it is, and redisconfig
// reads it with the same rules, errors and provenance as variables
// ("REDIS_URL (viper)").
//
// Keys map one to one: REDIS_POOL_SIZE is redis.pool_size, ENVIRONMENT is
// environment. The process environment is still read on top (a variable that
// disagrees with viper is a conflict); call WithEnv(nil) first to read viper
// alone.
//
//	go run ./examples/viper
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redisconfig/redisconfig"
	"github.com/spf13/viper"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// lookup answers redisconfig's variable names from viper: REDIS_POOL_SIZE
// is read as redis.pool_size.
func lookup(v *viper.Viper) func(string) (string, bool) {
	return func(name string) (string, bool) {
		key := strings.ToLower(name)
		if rest, ok := strings.CutPrefix(name, "REDIS_"); ok {
			key = "redis." + strings.ToLower(rest)
		}
		if !v.IsSet(key) {
			return "", false
		}
		return v.GetString(key), true
	}
}

func run(ctx context.Context, out io.Writer) error {
	srv, err := miniredis.Run() // stands in for the Redis the configuration names
	if err != nil {
		return err
	}
	defer srv.Close()

	// What the service's config.yaml holds (viper.ReadInConfig would read
	// the file).
	yaml := "environment: development\n" +
		"redis:\n" +
		"  host: " + srv.Host() + "\n" +
		"  port: " + srv.Port() + "\n" +
		"  read_timeout: 3s\n"
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(strings.NewReader(yaml)); err != nil {
		return err
	}

	cfg, err := redisconfig.New().WithEnv(nil).Service("viper-example").
		Lookup("viper", lookup(v)).
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
