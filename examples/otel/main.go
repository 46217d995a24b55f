// Command otel instruments a client built by redisconfig with OpenTelemetry
// tracing and metrics through go-redis's redisotel. It is a module of its
// own so that the redisconfig module does not pull in OpenTelemetry.
//
//	cd examples/otel && go run .
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redisconfig/redisconfig"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func main() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	mp := sdkmetric.NewMeterProvider()
	if err := run(context.Background(), tp, mp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, s := range spans.Ended() {
		fmt.Println("span:", s.Name())
	}
}

// run builds the configuration (an in-memory Redis when REDIS_URL is not
// set), connects, instruments the client and runs a few commands.
func run(ctx context.Context, tp *sdktrace.TracerProvider, mp *sdkmetric.MeterProvider) error {
	b := redisconfig.New().Service("otel-example")
	if os.Getenv(redisconfig.EnvURL) == "" {
		srv, err := miniredis.Run()
		if err != nil {
			return err
		}
		defer srv.Close()
		b.Connection().Addr(srv.Addr())
	}
	cfg, err := b.Build(ctx)
	if err != nil {
		return err
	}
	client, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	defer client.Close()

	// Instrument after Connect: the start-up PING is the library's, the
	// traffic after it is the service's. WithDBStatement(false) keeps
	// command arguments (values, and AUTH's password) out of the spans.
	if err := redisotel.InstrumentTracing(client, redisotel.WithTracerProvider(tp), redisotel.WithDBStatement(false)); err != nil {
		return fmt.Errorf("instrument tracing: %w", err)
	}
	if err := redisotel.InstrumentMetrics(client, redisotel.WithMeterProvider(mp)); err != nil {
		return fmt.Errorf("instrument metrics: %w", err)
	}
	if err := client.Set(ctx, "otel:key", "value", 0).Err(); err != nil {
		return err
	}
	return client.Get(ctx, "otel:key").Err()
}
