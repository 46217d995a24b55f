package redisconfig_test

import (
	"context"
	"net"
	"testing"

	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/authproxy"
	"github.com/redisconfig/redisconfig/internal/authproxy/soak"
	"github.com/stretchr/testify/require"
)

// issuerConfig points a development Config at the proxy, with tokens the
// issuer mints.
func issuerConfig(t *testing.T, proxy *authproxy.Proxy, issuer *authproxy.Issuer) *redisconfig.Config {
	src := redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
		tok, exp := issuer.Mint()
		return redisconfig.Token{Username: issuer.User, Password: redisconfig.NewSecret(tok), Expiry: exp}, nil
	})
	host, port, _ := net.SplitHostPort(proxy.Addr)
	cfg, err := redisconfig.New().WithEnv(map[string]string{redisconfig.EnvEnvironment: "development", redisconfig.EnvHost: host, redisconfig.EnvPort: port}).
		Connection().TokenSource(src).Build(context.Background())
	require.NoError(t, err)
	return cfg
}

func TestTokenRotationSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the rotation soak takes seconds")
	}
	tests := []struct {
		name string
		give authproxy.Options
	}{
		{"server closes at token expiry (Azure)", authproxy.Options{CloseOnExpiry: true}},
		{"server closes after a max age without re-AUTH (AWS, scaled)", authproxy.Options{MaxAge: soak.MaxAge}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issuer := &authproxy.Issuer{User: "default", Lifetime: soak.Lifetime}
			proxy := authproxy.Start(t, issuer, tt.give)
			cfg := issuerConfig(t, proxy, issuer)
			res := soak.Run(t, soak.Options{Proxy: proxy, Config: cfg, Rotations: 20})
			t.Log(res)
			soak.Verify(t, res, issuer.Minted())
		})
	}
}

// TestPatternSubscriptionSoak hands a pattern subscription over at every
// rotation. The pattern "*" also matches the hand-overs' own control
// channels, which must never reach the subscriber.
func TestPatternSubscriptionSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the rotation soak takes seconds")
	}
	issuer := &authproxy.Issuer{User: "default", Lifetime: soak.Lifetime}
	proxy := authproxy.Start(t, issuer, authproxy.Options{CloseOnExpiry: true})
	res := soak.Run(t, soak.Options{Proxy: proxy, Config: issuerConfig(t, proxy, issuer), Rotations: 6, Pattern: "*"})
	t.Log(res)
	soak.Verify(t, res, issuer.Minted())
}

// TestPlainPubSubLosesMessagesAtExpiry measures what go-redis's own PubSub
// loses when the server closes its connection at token expiry: the reason
// Subscription exists. The loss is logged (and reported in BENCHMARKS.md),
// not asserted: it depends on timing.
func TestPlainPubSubLosesMessagesAtExpiry(t *testing.T) {
	if testing.Short() {
		t.Skip("the rotation soak takes seconds")
	}
	issuer := &authproxy.Issuer{User: "default", Lifetime: soak.Lifetime}
	proxy := authproxy.Start(t, issuer, authproxy.Options{CloseOnExpiry: true})
	res := soak.Run(t, soak.Options{Proxy: proxy, Config: issuerConfig(t, proxy, issuer), Rotations: 5, Plain: true})
	t.Logf("go-redis PubSub alone: %s; lost %d of %d messages", res, res.Published-res.Received, res.Published)
	soak.Verify(t, res, issuer.Minted())
}
