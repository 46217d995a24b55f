package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redisconfig/redisconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	srv := miniredis.RunT(t)
	t.Setenv("ENVIRONMENT", "test")
	t.Setenv("REDIS_URL", "redis://"+srv.Addr())
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	base := "http://" + <-addrc

	// No kept-alive connections, so that shutting down waits on none.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Post(base+"/sessions?user=ada", "", nil)
	require.NoError(t, err)
	token, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	resp, err = hc.Get(base + "/sessions/" + string(token))
	require.NoError(t, err)
	user, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "ada", string(user))
	assert.Len(t, token, 32)
	assert.Positive(t, srv.TTL("session:"+string(token)), "sessions expire")
	cancel()
	require.NoError(t, <-errc)
}

func TestFailsFastInStaging(t *testing.T) {
	t.Setenv("ENVIRONMENT", "staging")
	err := run(context.Background(), "127.0.0.1:0", func(string) { t.Error("must not start serving") })
	require.ErrorIs(t, err, redisconfig.ErrMissing, "no address in staging is an error, never localhost")
}
