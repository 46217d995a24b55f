package redisconfig

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkNewConnectionCredentials measures what a new connection pays to
// learn its password: a static one, and one from a file that is stat'ed
// each time (read again only when it changed).
func BenchmarkNewConnectionCredentials(b *testing.B) {
	path := filepath.Join(b.TempDir(), "pw")
	if err := os.WriteFile(path, []byte("bench-pw\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		vars map[string]string
	}{
		{"static", map[string]string{EnvPassword: "bench-pw"}},
		{"file", map[string]string{EnvPasswordFile: path}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cfg, err := New().WithEnv(bc.vars).Build(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := cfg.Credentials(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildSources measures Build reading the same three variables
// from a map, from a lookup source (asked for every name) and from a .env
// file.
func BenchmarkBuildSources(b *testing.B) {
	vars := map[string]string{EnvURL: "redis://cache.internal:6379/1", EnvPoolSize: "20", EnvReadTimeout: "2s"}
	env := filepath.Join(b.TempDir(), ".env")
	if err := os.WriteFile(env, []byte("REDIS_URL=redis://cache.internal:6379/1\nREDIS_POOL_SIZE=20\nREDIS_READ_TIMEOUT=2s\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		b    func() *Builder
	}{
		{"map", func() *Builder { return New().WithEnv(vars) }},
		{"lookup", func() *Builder { return New().WithEnv(nil).Lookup("koanf", mapLookup(vars)) }},
		{"dotenv", func() *Builder { return New().WithEnv(nil).DotEnv(env) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			builder := bc.b()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := builder.Build(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
