package gcpsecrets_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/gcpsecrets"
	"github.com/redisconfig/redisconfig/gcpsecrets/gcpsecretstest"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
)

const project = "test-project"

func newSource(t *testing.T, srv *gcpsecretstest.Server) *gcpsecrets.Source {
	t.Helper()
	src, err := gcpsecrets.New(context.Background(), project, srv.ClientOptions()...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	return src
}

func TestFetch(t *testing.T) {
	t.Parallel()
	srv := gcpsecretstest.Start(t)
	srv.AddVersion(project, "redis-password", "first")
	srv.AddVersion(project, "redis-password", "second")
	srv.Fail(project, "denied", codes.PermissionDenied)
	srv.Fail(project, "down", codes.Unavailable)
	srv.Slow(project, "slow")
	src := newSource(t, srv)
	ctx := context.Background()

	s, err := src.Fetch(ctx, "redis-password")
	require.NoError(t, err)
	assert.Equal(t, "second", s.Reveal(), "a short name reads the latest version")

	s, err = src.Fetch(ctx, "projects/"+project+"/secrets/redis-password/versions/1")
	require.NoError(t, err)
	assert.Equal(t, "first", s.Reveal(), "a full name with a version reads that version")

	s, err = src.Fetch(ctx, "projects/"+project+"/secrets/redis-password")
	require.NoError(t, err)
	assert.Equal(t, "second", s.Reveal())

	_, err = src.Fetch(ctx, "missing")
	require.ErrorIs(t, err, redisconfig.ErrSecretNotFound)
	assert.Contains(t, err.Error(), "projects/test-project/secrets/missing/versions/latest")

	_, err = src.Fetch(ctx, "denied")
	require.Error(t, err)
	assert.NotErrorIs(t, err, redisconfig.ErrSecretNotFound)
	assert.Contains(t, err.Error(), "permission denied")

	_, err = src.Fetch(ctx, "down")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unavailable")

	sctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = src.Fetch(sctx, "slow")
	require.ErrorIs(t, err, context.DeadlineExceeded)

	_, err = src.Fetch(ctx, "bad/name")
	require.Error(t, err)
}

func TestShortNameNeedsProject(t *testing.T) {
	t.Parallel()
	srv := gcpsecretstest.Start(t)
	src, err := gcpsecrets.New(context.Background(), "", srv.ClientOptions()...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	_, err = src.Fetch(context.Background(), "redis-password")
	require.Error(t, err)
	assert.Contains(t, err.Error(), redisconfig.EnvSecretsProject)

	assert.Equal(t, "p2", gcpsecrets.ProjectFromEnv(func(k string) (string, bool) {
		return map[string]string{"GOOGLE_CLOUD_PROJECT": "p2"}[k], k == "GOOGLE_CLOUD_PROJECT"
	}))
	assert.Equal(t, "p1", gcpsecrets.ProjectFromEnv(func(k string) (string, bool) {
		v, ok := map[string]string{"GOOGLE_CLOUD_PROJECT": "p2", "REDIS_SECRETS_PROJECT": "p1"}[k]
		return v, ok
	}))
}

// TestBuildRulesPerEnvironment: a source that fails fails Build in staging
// and production, naming the secret; development and test fall back to the
// variables with a warning.
func TestBuildRulesPerEnvironment(t *testing.T) {
	t.Parallel()
	srv := gcpsecretstest.Start(t)
	srv.Fail(project, "down", codes.Unavailable)
	srv.Slow(project, "slow")
	src := newSource(t, srv)
	for _, secret := range []string{"down", "slow", "absent"} {
		for _, env := range []string{"development", "test", "staging", "production"} {
			t.Run(secret+"/"+env, func(t *testing.T) {
				t.Parallel()
				vars := map[string]string{
					"ENVIRONMENT": env, "REDIS_URL": "rediss://redis.internal:6380",
					"REDIS_PASSWORD": "from-variable", "REDIS_PASSWORD_SECRET": secret, "REDIS_SECRETS_TIMEOUT": "300ms",
				}
				cfg, err := redisconfig.New().WithEnv(vars).Secrets().Source(src).Build(context.Background())
				if env == "staging" || env == "production" {
					require.ErrorIs(t, err, redisconfig.ErrInvalidConfig)
					assert.Contains(t, err.Error(), `secret "`+secret+`"`)
					assert.Contains(t, err.Error(), "never falls back")
					return
				}
				require.NoError(t, err)
				require.NotEmpty(t, cfg.Warnings())
				assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), "falling back to the variables")
				assert.Equal(t, "from-variable", cfg.Options().Password)
			})
		}
	}
}

// TestSecretsAreFetchedConcurrently: three secrets from a source with 50ms
// latency each take about one latency, not three. The ratio is reported,
// not asserted (timing belongs in benchmarks); the concurrency itself is
// asserted by counting calls in flight.
func TestSecretsAreFetchedConcurrently(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	inFlight, most := 0, 0
	slow := redisconfig.SecretSourceFunc(func(ctx context.Context, name string) (redisconfig.Secret, error) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return redisconfig.Secret{}, ctx.Err()
		}
		if name != "redis-password" {
			return redisconfig.Secret{}, redisconfig.ErrSecretNotFound // defaults may be missing
		}
		return redisconfig.NewSecret("v-" + name), nil
	})
	cfg, err := redisconfig.New().WithEnv(nil).Secrets().Source(slow).Build(context.Background())
	require.NoError(t, err)
	_, pw, err := cfg.Options().CredentialsProviderContext(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "v-redis-password", pw, "a secret password rotates, so it comes through the provider")
	assert.Equal(t, 3, most, "the three secrets were in flight together")
}

// TestRootPackageLinksNoGRPC keeps the weight of the Google client out of
// services that do not import this package.
func TestRootPackageLinksNoGRPC(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "github.com/redisconfig/redisconfig").CombinedOutput()
	require.NoError(t, err, string(out))
	deps := string(out)
	assert.Contains(t, deps, "github.com/redis/go-redis/v9", "the list is real")
	for _, heavy := range []string{"google.golang.org/grpc", "cloud.google.com/go/secretmanager", "google.golang.org/protobuf"} {
		assert.NotContains(t, deps, heavy+"\n")
	}
}

// TestProductionSecretManagerEndToEnd: a production service configured only
// with variables naming its secrets builds, connects over TLS with the
// password from Secret Manager, survives a password rotation without being
// rebuilt, and reads the secret at most once per refresh interval however
// many connections it opens.
func TestProductionSecretManagerEndToEnd(t *testing.T) {
	t.Parallel()
	ca := testpki.NewCA(t, "e2e")
	cert := ca.Server(t, "redis", "127.0.0.1")
	redisSrv := redisserver.Start(t, redisserver.Options{
		Password: "pw-v1",
		TLS:      &redisserver.TLS{CertFile: cert.CertFile, KeyFile: cert.KeyFile, CAFile: ca.CertFile},
	})
	sm := gcpsecretstest.Start(t)
	sm.AddVersion(project, "backend-redis-password", "pw-v1")
	sm.AddVersion(project, "redis-ca-cert", string(ca.CertPEM))
	src := newSource(t, sm)
	ctx := context.Background()

	const refresh = 300 * time.Millisecond
	cfg, err := redisconfig.New().WithEnv(map[string]string{
		"ENVIRONMENT":           "production",
		"REDIS_URL":             "rediss://" + redisSrv.Addr(),
		"REDIS_PASSWORD_SECRET": "backend-redis-password",
		"REDIS_SECRETS_REFRESH": refresh.String(),
		"REDIS_POOL_SIZE":       "4",
	}).Relax(redisconfig.RuleNoLoopback, "the test's Redis listens on loopback").
		Secrets().Source(src).Build(ctx)
	require.NoError(t, err)
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), "pw-v1")

	client, err := cfg.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	require.NoError(t, client.Set(ctx, "k", "v1", 0).Err())

	// Rotate: the server takes the new password, the secret gets a new
	// version, and existing connections are dropped.
	rotate(t, redisSrv.Addr(), ca.CertPEM, "pw-v1", "pw-v2")
	sm.AddVersion(project, "backend-redis-password", "pw-v2")

	before := sm.CallsFor(project, "backend-redis-password")
	start := time.Now()
	deadline := start.Add(20 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		// Churn: many new connections at once.
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- client.Set(ctx, "k", "v2", 0).Err()
			}()
		}
		wg.Wait()
		close(errs)
		lastErr = nil
		for e := range errs {
			if e != nil {
				lastErr = e
			}
		}
		if lastErr == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.NoError(t, lastErr, "new connections authenticate with the rotated password without a rebuild")
	elapsed := time.Since(start)
	calls := sm.CallsFor(project, "backend-redis-password") - before
	allowed := int64(elapsed/refresh) + 1
	t.Logf("rotation picked up after %s with %d Secret Manager calls (at most %d allowed)", elapsed.Round(time.Millisecond), calls, allowed)
	assert.LessOrEqual(t, calls, allowed, "at most one fetch per refresh interval under churn")
	assert.GreaterOrEqual(t, calls, int64(1))
}

func TestCanaryNeverLeaksFromSecretManager(t *testing.T) {
	t.Parallel()
	const canary = "CANARY-gcp-4411"
	sm := gcpsecretstest.Start(t)
	sm.AddVersion(project, "redis-password", canary)
	src := newSource(t, sm)
	cfg, err := redisconfig.New().WithEnv(map[string]string{"REDIS_URL": "redis://h:6379", "REDIS_PASSWORD": "other"}).
		Secrets().Source(src).Build(context.Background())
	require.NoError(t, err)
	info, err := cfg.MarshalJSON()
	require.NoError(t, err)
	out := fmt.Sprintf("%v %+v %#v %s %v", cfg, cfg, cfg, info, cfg.Warnings())
	assert.NotContains(t, out, canary)
	assert.Contains(t, out, "secret redis-password")

	_, err = redisconfig.New().WithEnv(map[string]string{"ENVIRONMENT": "production", "REDIS_URL": "rediss://h:6379", "REDIS_PASSWORD": "other"}).
		Secrets().Source(src).Build(context.Background())
	require.ErrorIs(t, err, redisconfig.ErrConflict)
	assert.NotContains(t, err.Error(), canary)
	assert.False(t, errors.Is(err, redisconfig.ErrSecretNotFound))
}

// rotate changes the server's password and drops every other connection,
// so the client has to authenticate again.
func rotate(t *testing.T, addr string, caPEM []byte, oldPW, newPW string) {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	admin := redis.NewClient(&redis.Options{Addr: addr, Password: oldPW, TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}})
	defer admin.Close()
	ctx := context.Background()
	require.NoError(t, admin.ConfigSet(ctx, "requirepass", newPW).Err())
	require.NoError(t, admin.Do(ctx, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes").Err())
}
