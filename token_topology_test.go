package redisconfig_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/auth"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/load"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// revokingTokens is a TokenSource whose k-th token is the ACL password
// "tok-k" of the user "app" on every node; each fetch revokes the token
// two before the one it hands out (the one before may still be in a dial
// that took it a moment ago), so a connection that dials or
// re-authenticates with a stale token fails.
type revokingTokens struct {
	t        *testing.T
	nodes    []*redis.Client // admin connections, one per data node
	lifetime time.Duration
	n        atomic.Int64
}

const revokingTokenCount = 8

func (s *revokingTokens) Token(ctx context.Context) (redisconfig.Token, error) {
	k := s.n.Add(1)
	if k > revokingTokenCount {
		return redisconfig.Token{}, fmt.Errorf("no token after tok-%d", revokingTokenCount)
	}
	if k > 2 {
		for _, n := range s.nodes {
			if err := n.Do(ctx, "ACL", "SETUSER", "app", "<tok-"+strconv.FormatInt(k-2, 10)).Err(); err != nil {
				return redisconfig.Token{}, err
			}
		}
	}
	return redisconfig.Token{Username: "app", Password: redisconfig.NewSecret("tok-" + strconv.FormatInt(k, 10)),
		Expiry: time.Now().Add(s.lifetime)}, nil
}

// tokenUsers is the ACL user every node of these tests knows.
func tokenUsers() []string {
	rule := "app on ~* &* +@all"
	for k := 1; k <= revokingTokenCount; k++ {
		rule += " >tok-" + strconv.Itoa(k)
	}
	return []string{rule}
}

// authCalls reads how many AUTH commands a node has served: go-redis dials
// with HELLO and re-authenticates a pooled connection with AUTH.
func authCalls(t *testing.T, n *redis.Client) int64 {
	t.Helper()
	info, err := n.Info(context.Background(), "commandstats").Result()
	require.NoError(t, err)
	for _, line := range strings.Split(info, "\r\n") {
		if rest, ok := strings.CutPrefix(line, "cmdstat_auth:calls="); ok {
			calls, _, _ := strings.Cut(rest, ",")
			v, err := strconv.ParseInt(calls, 10, 64)
			require.NoError(t, err)
			return v
		}
	}
	return 0
}

// driveRotations runs 16 goroutines of SET/GET over many keys until the
// source has handed out rotations+1 tokens, and returns the failed
// commands and the first error.
func driveRotations(t *testing.T, client redis.UniversalClient, src *revokingTokens, rotations int64) (int64, error) {
	ctx := context.Background()
	work := load.Start(16, func(g, i int) error {
		key := fmt.Sprintf("key-%d-%d", g, i%64) // spread over every slot range
		if err := client.Set(ctx, key, i, 0).Err(); err != nil {
			return err
		}
		return client.Get(ctx, key).Err()
	})
	deadline := time.Now().Add(time.Minute)
	for src.n.Load() < rotations+1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	_, failed, first := work.Stop()
	return failed, first
}

// newRevokingTokens makes the source with an admin connection to each
// data node.
func newRevokingTokens(t *testing.T, nodes ...*redisserver.Server) *revokingTokens {
	src := &revokingTokens{t: t, lifetime: 3 * time.Second}
	for _, n := range nodes {
		admin := redis.NewClient(&redis.Options{Addr: n.Addr(), Password: "admin", Protocol: 2})
		t.Cleanup(func() { _ = admin.Close() })
		src.nodes = append(src.nodes, admin)
	}
	return src
}

// TestIntegrationTokenAuthCluster authenticates to every master of a real
// cluster with rotating tokens, each revoking an older one: new
// connections use the newest token and pooled ones are re-authenticated on
// every node.
func TestIntegrationTokenAuthCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("token rotation takes seconds")
	}
	t.Parallel()
	cluster := redisserver.StartCluster(t, 3, redisserver.Options{Password: "admin", Users: tokenUsers()})
	src := newRevokingTokens(t, cluster.Nodes...)
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		redisconfig.EnvEnvironment:  "development",
		redisconfig.EnvClusterNodes: strings.Join(cluster.Addrs(), ","),
	}).Connection().TokenSource(src).Build(ctx)
	require.NoError(t, err)
	require.Equal(t, redisconfig.TopologyCluster, cfg.Topology())
	require.NotNil(t, cfg.ClusterOptions().StreamingCredentialsProvider, "pooled connections are re-authenticated")

	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	failed, first := driveRotations(t, client, src, 4)
	assert.GreaterOrEqual(t, src.n.Load(), int64(5), "four rotations")
	assert.Zero(t, failed, "failed commands (first: %v)", first)
	for i, n := range src.nodes {
		assert.Positive(t, authCalls(t, n), "node %d re-authenticated pooled connections with AUTH", i)
	}
	// A connection dialled now authenticates with the newest token.
	require.NoError(t, client.(*redis.ClusterClient).ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		return node.Ping(ctx).Err()
	}))
}

// TestIntegrationTokenAuthSentinel authenticates through sentinel with
// rotating tokens. go-redis's failover client cannot re-authenticate live
// connections (given a streaming provider it panics), so re-authentication
// is off by default there and connections are replaced instead: with a
// one-second maximum lifetime, every replacement dialled after a rotation
// must use a fresh token, since the older ones are revoked.
func TestIntegrationTokenAuthSentinel(t *testing.T) {
	if testing.Short() {
		t.Skip("token rotation takes seconds")
	}
	t.Parallel()
	group := redisserver.StartSentinel(t, redisserver.Options{Password: "admin", Users: tokenUsers()})
	src := newRevokingTokens(t, group.Master, group.Replica)
	ctx := context.Background()
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		redisconfig.EnvEnvironment:     "development",
		redisconfig.EnvSentinelNodes:   strings.Join(group.SentinelAddrs(), ","),
		redisconfig.EnvSentinelMaster:  group.MasterName,
		redisconfig.EnvConnMaxLifetime: "1s",
	}).Connection().TokenSource(src).Build(ctx)
	require.NoError(t, err)
	require.Equal(t, redisconfig.TopologySentinel, cfg.Topology())
	assert.Nil(t, cfg.FailoverOptions().StreamingCredentialsProvider)
	assert.NotNil(t, cfg.FailoverOptions().CredentialsProviderContext, "each new connection asks for the newest token")
	reauth, ok := cfg.Setting("auth_reauth")
	require.True(t, ok)
	assert.Equal(t, false, reauth.Value)
	assert.Equal(t, "sentinel default", reauth.Source.Name)

	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	failed, first := driveRotations(t, client, src, 4)
	assert.GreaterOrEqual(t, src.n.Load(), int64(5), "four rotations")
	assert.Zero(t, failed, "failed commands (first: %v)", first)
}

// TestSentinelRefusesStreamingCredentials: what go-redis's failover client
// would panic on is a Build error naming what to change, and the same
// streaming provider is fine for a cluster.
func TestSentinelRefusesStreamingCredentials(t *testing.T) {
	sentinel := map[string]string{
		redisconfig.EnvEnvironment:    "development",
		redisconfig.EnvSentinelNodes:  "10.0.0.1:26379",
		redisconfig.EnvSentinelMaster: "mymaster",
	}
	tokens := redisconfig.TokenSourceFunc(func(context.Context) (redisconfig.Token, error) {
		return redisconfig.Token{Username: "app", Password: redisconfig.NewSecret("t"), Expiry: time.Now().Add(time.Hour)}, nil
	})
	ctx := context.Background()

	_, err := redisconfig.New().WithEnv(withVar(sentinel, redisconfig.EnvAuthReauth, "true")).Connection().TokenSource(tokens).Build(ctx)
	require.ErrorIs(t, err, redisconfig.ErrInvalidValue)
	assert.Contains(t, err.Error(), redisconfig.EnvAuthReauth+"=false")

	_, err = redisconfig.New().WithEnv(sentinel).Connection().TokenSource(tokens).TokenReauth(true).Build(ctx)
	require.ErrorIs(t, err, redisconfig.ErrInvalidValue)
	assert.Contains(t, err.Error(), "Connection().TokenReauth")

	stream := &staticStream{}
	_, err = redisconfig.New().WithEnv(sentinel).Connection().StreamingCredentialsProvider(stream).Build(ctx)
	require.ErrorIs(t, err, redisconfig.ErrInvalidValue)
	assert.Contains(t, err.Error(), "Connection().CredentialsProvider")

	cluster := map[string]string{redisconfig.EnvEnvironment: "development", redisconfig.EnvClusterNodes: "10.0.0.1:7000,10.0.0.2:7000"}
	cfg, err := redisconfig.New().WithEnv(cluster).Connection().StreamingCredentialsProvider(stream).Build(ctx)
	require.NoError(t, err)
	assert.Same(t, stream, cfg.ClusterOptions().StreamingCredentialsProvider)
}

func withVar(vars map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for name, val := range vars {
		out[name] = val
	}
	return out
}

// staticStream is a streaming credentials provider that never rotates.
type staticStream struct{}

func (*staticStream) Subscribe(auth.CredentialsListener) (auth.Credentials, auth.UnsubscribeFunc, error) {
	return auth.NewBasicCredentials("app", "pw"), func() error { return nil }, nil
}
