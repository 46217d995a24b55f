// Command backend is a small HTTP service that keeps items in Redis and
// queues jobs for the worker. It builds its Redis configuration with
// redisconfig at start-up and refuses to start when Redis is not what its
// environment requires.
//
//	REDIS_URL=redis://localhost:6379/0 BACKEND_LISTEN=127.0.0.1:8080 go run ./examples/backend
//
// Endpoints: PUT/GET /items/{id}, POST /jobs, GET /debug/redis/health and
// /debug/redis/config.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	listen := os.Getenv("BACKEND_LISTEN")
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	if err := run(ctx, listen, func(addr string) { fmt.Println("backend listening on", addr) }); err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down cleanly.
func run(ctx context.Context, listen string, ready func(addr string)) error {
	cfg, err := redisconfig.New().Service("backend").Build(ctx)
	if err != nil {
		return err // every problem, listed; staging and production stop here
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()

	mux := http.NewServeMux()
	mux.Handle("/debug/redis/", http.StripPrefix("/debug/redis", cfg.Handler(client)))
	mux.HandleFunc("PUT /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := client.Set(r.Context(), "item:"+r.PathValue("id"), body, 0).Err(); err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		v, err := client.Get(r.Context(), "item:"+r.PathValue("id")).Bytes()
		switch {
		case errors.Is(err, redis.Nil):
			http.NotFound(w, r)
		case err != nil:
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
		default:
			_, _ = w.Write(v)
		}
	})
	mux.HandleFunc("POST /jobs", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := client.LPush(r.Context(), "jobs", body).Err(); err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	return serve(ctx, listen, mux, ready)
}

func serve(ctx context.Context, listen string, h http.Handler, ready func(string)) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready(ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
