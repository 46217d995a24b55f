package main

import (
	"context"
	"io"
	"net/http"
	"strings"
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
	addrc := make(chan [2]string, 1)
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, "127.0.0.1:0", "127.0.0.1:0", func(a, d string) { addrc <- [2]string{a, d} }) }()
	addrs := <-addrc
	base, debug := "http://"+addrs[0], "http://"+addrs[1]
	// No kept-alive connections: shutting down must not wait on a client's
	// idle or half-opened ones (http.Server.Shutdown waits up to 5 s for a
	// connection that has sent nothing yet).
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

	req, _ := http.NewRequest(http.MethodPut, base+"/items/1", strings.NewReader("hello"))
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)

	resp, err = hc.Get(base + "/items/1")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "hello", string(body))

	resp, err = hc.Get(debug + "/debug/redis/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	// The public listener does not serve the debug view.
	for _, path := range []string{"/debug/redis/health", "/debug/redis/config"} {
		resp, err = hc.Get(base + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}

	cancel()
	require.NoError(t, <-errc, "shuts down cleanly")
}

func TestFailsFastInProduction(t *testing.T) {
	t.Setenv("ENVIRONMENT", "production")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379")
	err := run(context.Background(), "127.0.0.1:0", "127.0.0.1:0", func(string, string) { t.Error("must not start serving") })
	require.ErrorIs(t, err, redisconfig.ErrRule)
}
