// Command backend is a small HTTP service that keeps items in Redis and
// queues jobs for the worker. It builds its Redis configuration with
// redisconfig at start-up and refuses to start when Redis is not what its
// environment requires.
//
//	REDIS_URL=redis://localhost:6379/0 BACKEND_LISTEN=:8080 BACKEND_DEBUG_LISTEN=127.0.0.1:8081 go run ./examples/backend
//
// Public endpoints (BACKEND_LISTEN): PUT/GET /items/{id}, POST /jobs.
// Internal endpoints (BACKEND_DEBUG_LISTEN, loopback by default, never the
// public listener): GET /debug/redis/health and /debug/redis/config, the
// redacted debug view, which still names hosts and users.
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
	debugListen := os.Getenv("BACKEND_DEBUG_LISTEN")
	if debugListen == "" {
		debugListen = "127.0.0.1:8081"
	}
	ready := func(public, debug string) {
		fmt.Println("backend listening on", public)
		fmt.Println("backend debug listening on", debug)
	}
	if err := run(ctx, listen, debugListen, ready); err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		os.Exit(1)
	}
}

// run serves the API on listen and the debug handler on debugListen until
// ctx ends, then shuts both down cleanly.
func run(ctx context.Context, listen, debugListen string, ready func(public, debug string)) error {
	cfg, err := redisconfig.New().Service("backend").Build(ctx)
	if err != nil {
		return err // every problem, listed; staging and production stop here
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()

	// The debug handler goes on an internal listener of its own, never on
	// the public one.
	debugMux := http.NewServeMux()
	debugMux.Handle("/debug/redis/", http.StripPrefix("/debug/redis", cfg.Handler(client)))

	mux := http.NewServeMux()
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
	return serve(ctx, []string{listen, debugListen}, []http.Handler{mux, debugMux}, func(addrs []string) { ready(addrs[0], addrs[1]) })
}

// serve serves each handler on its listener until ctx ends or one fails.
func serve(ctx context.Context, listens []string, hs []http.Handler, ready func([]string)) error {
	var srvs []*http.Server
	var addrs []string
	errc := make(chan error, len(listens))
	for i, listen := range listens {
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			for _, s := range srvs {
				_ = s.Close()
			}
			return err
		}
		srv := &http.Server{Handler: hs[i], ReadHeaderTimeout: 5 * time.Second}
		srvs = append(srvs, srv)
		addrs = append(addrs, ln.Addr().String())
		go func() { errc <- srv.Serve(ln) }()
	}
	ready(addrs)
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, s := range srvs {
		if e := s.Shutdown(shutdownCtx); err == nil {
			err = e
		}
	}
	return err
}
