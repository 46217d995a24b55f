package main

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	srv := miniredis.RunT(t)
	t.Setenv("ENVIRONMENT", "test")
	t.Setenv("REDIS_URL", "redis://"+srv.Addr())
	_, err := srv.Lpush("jobs", "job-1")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	doneJobs := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, func(job string) { doneJobs <- job }) }()
	select {
	case job := <-doneJobs:
		assert.Equal(t, "job-1", job)
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not take the job")
	}
	assert.True(t, srv.Exists("done:job-1"))
	cancel()
	require.NoError(t, <-errc, "a stop is a clean exit")
}
