// Command auth is a small HTTP service that issues sessions and keeps them
// in Redis. It shares nothing with the backend but the variables it is
// deployed with: its own redisconfig builder, Service("auth"), reads
// AUTH_REDIS_* before REDIS_*.
//
//	REDIS_URL=redis://localhost:6379/0 AUTH_LISTEN=127.0.0.1:8081 go run ./examples/auth
//
// Endpoints: POST /sessions?user=NAME, GET /sessions/{token},
// GET /debug/redis/health and /debug/redis/config.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
)

const sessionTTL = time.Hour

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	listen := os.Getenv("AUTH_LISTEN")
	if listen == "" {
		listen = "127.0.0.1:8081"
	}
	if err := run(ctx, listen, func(addr string) { fmt.Println("auth listening on", addr) }); err != nil {
		fmt.Fprintln(os.Stderr, "auth:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, listen string, ready func(addr string)) error {
	cfg, err := redisconfig.New().Service("auth").Build(ctx)
	if err != nil {
		return err
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()

	mux := http.NewServeMux()
	mux.Handle("/debug/redis/", http.StripPrefix("/debug/redis", cfg.Handler(client)))
	mux.HandleFunc("POST /sessions", func(w http.ResponseWriter, r *http.Request) {
		user := r.URL.Query().Get("user")
		if user == "" {
			http.Error(w, "user is required", http.StatusBadRequest)
			return
		}
		raw := make([]byte, 16)
		_, _ = rand.Read(raw)
		token := hex.EncodeToString(raw)
		if err := client.Set(r.Context(), "session:"+token, user, sessionTTL).Err(); err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = fmt.Fprint(w, token)
	})
	mux.HandleFunc("GET /sessions/{token}", func(w http.ResponseWriter, r *http.Request) {
		user, err := client.Get(r.Context(), "session:"+r.PathValue("token")).Result()
		switch {
		case errors.Is(err, redis.Nil):
			http.Error(w, "no such session", http.StatusUnauthorized)
		case err != nil:
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
		default:
			_, _ = fmt.Fprint(w, user)
		}
	})

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	ready(ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
