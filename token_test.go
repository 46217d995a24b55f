package redisconfig

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// countingSource mints numbered tokens valid for life from clock's now.
type countingSource struct {
	clock *fakeClock
	life  time.Duration
	calls atomic.Int64
	fail  atomic.Bool
	gate  chan struct{} // when set, each call waits for it
}

func (s *countingSource) Token(ctx context.Context) (Token, error) {
	n := s.calls.Add(1)
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return Token{}, ctx.Err()
		}
	}
	if s.fail.Load() {
		return Token{}, fmt.Errorf("identity provider down: %w", ErrTokenUnreachable)
	}
	return Token{Username: "default", Password: NewSecret(fmt.Sprintf("%s-%d", canary, n)), Expiry: s.clock.Now().Add(s.life)}, nil
}

func newTestCache(src TokenSource, clock *fakeClock, onErr func(string, error)) *tokenCache {
	tc := newTokenCache(src, "test-iam", 2*time.Second, onErr)
	tc.now = clock.Now
	return tc
}

func TestTokenCacheSingleFlight(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	src := &countingSource{clock: clock, life: time.Hour, gate: make(chan struct{})}
	tc := newTestCache(src, clock, nil)

	var wg sync.WaitGroup
	got := make([]string, 64)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, pw, err := tc.credentials(context.Background())
			assert.NoError(t, err)
			got[i] = pw
		}()
	}
	close(src.gate)
	wg.Wait()
	assert.Equal(t, int64(1), src.calls.Load(), "64 callers at once must cause one fetch")
	for _, pw := range got {
		assert.Equal(t, canary+"-1", pw)
	}
}

func TestTokenCacheRefreshesEarlyAndKeepsLastGood(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	src := &countingSource{clock: clock, life: 90 * time.Second}
	var reported []error
	var mu sync.Mutex
	tc := newTestCache(src, clock, func(name string, err error) {
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, "auth test-iam", name)
		reported = append(reported, err)
	})
	ctx := context.Background()
	wait := func() { // for a background refresh to finish
		tc.mu.Lock()
		f := tc.flight
		tc.mu.Unlock()
		if f != nil {
			<-f.done
		}
	}

	_, pw, err := tc.credentials(ctx)
	require.NoError(t, err)
	assert.Equal(t, canary+"-1", pw)

	clock.Add(59 * time.Second) // margin is 30s: not due before 60s
	_, pw, _ = tc.credentials(ctx)
	wait()
	assert.Equal(t, canary+"-1", pw)
	assert.Equal(t, int64(1), src.calls.Load())

	clock.Add(2 * time.Second) // due: the caller gets the cached token, a refresh starts
	_, pw, _ = tc.credentials(ctx)
	assert.Equal(t, canary+"-1", pw)
	wait()
	_, pw, _ = tc.credentials(ctx)
	assert.Equal(t, canary+"-2", pw)
	assert.Equal(t, int64(2), src.calls.Load())

	// The source fails: the last good token stays in use until it expires,
	// and the failure goes to the hook without the token.
	src.fail.Store(true)
	clock.Add(61 * time.Second)
	_, pw, err = tc.credentials(ctx)
	require.NoError(t, err)
	assert.Equal(t, canary+"-2", pw)
	wait()
	mu.Lock()
	require.Len(t, reported, 1)
	assert.ErrorIs(t, reported[0], ErrTokenUnreachable)
	assert.NotContains(t, reported[0].Error(), canary)
	mu.Unlock()
	n, lastErr := tc.status()
	assert.Equal(t, 1, n)
	assert.Error(t, lastErr)

	clock.Add(30 * time.Second) // past expiry: no token to give
	_, _, err = tc.credentials(ctx)
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "test-iam", te.Method)
	assert.ErrorIs(t, err, ErrTokenUnreachable)
}

func TestTokenCacheRefusesBadTokens(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	tests := []struct {
		name string
		give Token
		want string
	}{
		{"empty", Token{Username: "u", Expiry: clock.Now().Add(time.Hour)}, "empty token"},
		{"expired", Token{Username: "u", Password: NewSecret(canary), Expiry: clock.Now().Add(-time.Second)}, "already expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tc := newTestCache(TokenSourceFunc(func(context.Context) (Token, error) { return tt.give, nil }), clock, nil)
			_, _, err := tc.credentials(context.Background())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), canary)
		})
	}
}

func TestTokenCacheBoundsAHangingSource(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	defer close(hang)
	src := TokenSourceFunc(func(context.Context) (Token, error) { <-hang; return Token{}, nil }) // ignores ctx
	tc := newTokenCache(src, "test-iam", 50*time.Millisecond, nil)
	_, _, err := tc.credentials(context.Background())
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, 50*time.Millisecond, te.Timeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

type recordingListener struct {
	mu   sync.Mutex
	got  []string
	next chan struct{}
}

func (l *recordingListener) OnNext(c auth.Credentials) {
	_, pw := c.BasicAuth()
	l.mu.Lock()
	l.got = append(l.got, pw)
	l.mu.Unlock()
	select {
	case l.next <- struct{}{}:
	default:
	}
}
func (l *recordingListener) OnError(error) {}

func TestTokenCacheStreamsNewTokensAndStopsWithTheLastListener(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	src := &countingSource{clock: clock, life: 90 * time.Second}
	tc := newTestCache(src, clock, nil)

	l := &recordingListener{next: make(chan struct{}, 1)}
	creds, unsubscribe, err := tc.Subscribe(l)
	require.NoError(t, err)
	_, pw := creds.BasicAuth()
	assert.Equal(t, canary+"-1", pw)
	_, _, err = tc.Subscribe(l) // the same listener twice is one subscription
	require.NoError(t, err)

	clock.Add(61 * time.Second)
	tc.mu.Lock()
	tc.wake <- struct{}{} // the refresher's timer runs on the real clock
	done := tc.done
	tc.mu.Unlock()
	<-l.next
	l.mu.Lock()
	assert.Equal(t, []string{canary + "-2"}, l.got)
	l.mu.Unlock()

	require.NoError(t, unsubscribe())
	require.NoError(t, unsubscribe()) // a no-op
	<-done                            // the refresher has returned
	tc.mu.Lock()
	assert.Empty(t, tc.listeners)
	assert.Nil(t, tc.stop)
	tc.mu.Unlock()
}

func TestTokenPrintsRedacted(t *testing.T) {
	t.Parallel()
	tok := Token{Username: "default", Password: NewSecret(canary), Expiry: time.Unix(1_800_000_000, 0)}
	out := everyOutput(t, tok)
	assert.NotContains(t, out, canary)
	assert.Contains(t, out, "default")
}

// fakeMethod is an auth method for the tests: its tokens are a fixed
// password, so miniredis accepts them.
var fakeTokenCalls atomic.Int64

func init() {
	RegisterAuthMethod("test-fake", AuthMethodFunc(func(p AuthParams) (TokenSource, error) {
		return TokenSourceFunc(func(context.Context) (Token, error) {
			fakeTokenCalls.Add(1)
			return Token{Username: "default", Password: NewSecret(canary), Expiry: time.Now().Add(time.Hour)}, nil
		}), nil
	}))
}

func TestRegisterAuthMethodRefusesMistakes(t *testing.T) {
	t.Parallel()
	m := AuthMethodFunc(func(AuthParams) (TokenSource, error) { return nil, nil })
	assert.Panics(t, func() { RegisterAuthMethod("test-fake", m) }, "twice")
	assert.Panics(t, func() { RegisterAuthMethod("", m) })
	assert.Panics(t, func() { RegisterAuthMethod("Upper", m) })
	assert.Panics(t, func() { RegisterAuthMethod("test-nil", nil) })
	assert.Contains(t, AuthMethods(), "test-fake")
}

func TestAuthVariableRules(t *testing.T) {
	t.Parallel()
	prod := map[string]string{EnvEnvironment: "production", EnvHost: "redis.internal", EnvTLS: "true"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		give     map[string]string
		relax    bool
		wantKind error
		want     []string // every one in the error
	}{
		{"not linked names the import", with(prod, EnvAuth, "aws-iam", EnvAWSUserID, "app", EnvAWSCacheName, "c", EnvAWSRegion, "eu-west-1"), false, ErrMissing,
			[]string{`import _ "github.com/redisconfig/redisconfig/auth/aws"`}},
		{"gcp not linked", with(prod, EnvAuth, "gcp-iam"), false, ErrMissing, []string{"github.com/redisconfig/redisconfig/auth/gcp"}},
		{"unknown method suggests", with(prod, EnvAuth, "aws-iamm"), false, ErrInvalidValue, []string{"did you mean aws-iam?"}},
		{"aws needs every piece at once", with(prod, EnvAuth, "aws-iam"), false, ErrMissing,
			[]string{EnvAWSUserID, EnvAWSCacheName, EnvAWSRegion}},
		{"token without TLS in production, relaxed or not", with(prod, EnvAuth, "test-fake", EnvTLS, "false"), true, ErrRule,
			[]string{"cannot be relaxed", EnvTLS}},
		{"password next to a token", with(prod, EnvAuth, "test-fake", EnvPassword, canary), false, ErrConflict, []string{EnvPassword, EnvAuth}},
		{"user next to a token", with(prod, EnvAuth, "test-fake", EnvUsername, "app"), false, ErrConflict, []string{EnvUsername}},
		{"bad aws service", with(prod, EnvAuth, "test-fake", EnvAWSService, "s3"), false, ErrInvalidValue, []string{"elasticache or memorydb"}},
		{"aws without reauth and a 24h lifetime", with(prod, EnvAuth, "aws-iam", EnvAuthReauth, "false", EnvConnMaxLifetime, "24h"), false, ErrRule, []string{EnvConnMaxLifetime}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := New().WithEnv(tt.give)
			if tt.relax {
				b.Relax(RuleTLSRequired, "test")
			}
			_, err := b.Build(context.Background())
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantKind)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), canary)
		})
	}
}

func TestAuthVariableResolves(t *testing.T) {
	t.Parallel()
	m := miniredis.RunT(t)
	m.RequireAuth(canary)
	cfg, err := New().WithEnv(map[string]string{
		EnvEnvironment: "development", EnvHost: m.Host(), EnvPort: m.Port(), "APP_" + EnvAuth: "test-fake",
		EnvAWSUserID: "stray",
	}).Service("app").Build(context.Background())
	require.NoError(t, err)
	assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), "without TLS")
	assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), EnvAWSUserID+" is set but auth method test-fake is in use")

	o := cfg.Options()
	require.NotNil(t, o.CredentialsProviderContext)
	require.NotNil(t, o.StreamingCredentialsProvider)
	assert.Empty(t, o.Password)
	assert.Contains(t, cfg.String(), "credentials: token (test-fake)")
	for _, s := range cfg.DebugInfo().Settings {
		if s.Name == "auth" {
			assert.Equal(t, "test-fake", s.Value)
			assert.Equal(t, "APP_"+EnvAuth, s.Source)
		}
	}
	assert.NotContains(t, everyOutput(t, cfg), canary)

	before := fakeTokenCalls.Load()
	client, err := cfg.Connect(context.Background())
	require.NoError(t, err)
	require.NoError(t, client.Set(context.Background(), "k", "v", 0).Err())
	require.NoError(t, client.Close())
	assert.GreaterOrEqual(t, fakeTokenCalls.Load()-before, int64(1))
}

func TestTokenSourceFromCodeCountsAsCredentials(t *testing.T) {
	t.Parallel()
	src := TokenSourceFunc(func(context.Context) (Token, error) {
		return Token{Username: "default", Password: NewSecret(canary)}, nil
	})
	cfg, err := New().WithEnv(map[string]string{EnvEnvironment: "production", EnvHost: "redis.internal", EnvTLS: "true", EnvAuth: "gcp-iam"}).
		Connection().TokenSource(src).Build(context.Background())
	require.NoError(t, err, "code overrides REDIS_AUTH; the token counts as credentials")
	assert.Contains(t, strings.Join(cfg.Warnings(), "\n"), "overridden by code Connection().TokenSource")
	assert.NotNil(t, cfg.Options().CredentialsProviderContext)

	_, err = New().WithEnv(map[string]string{EnvEnvironment: "production", EnvHost: "redis.internal", EnvTLS: "true"}).
		Connection().TokenSource(src).
		Connection().CredentialsProvider(func(context.Context) (string, string, error) { return "", "", nil }).
		Build(context.Background())
	assert.ErrorIs(t, err, ErrConflict)
}

func TestAuthMethodDefaults(t *testing.T) {
	t.Parallel()
	base := map[string]string{EnvEnvironment: "production", EnvHost: "redis.internal", EnvTLS: "true"}
	tests := []struct {
		name         string
		give         map[string]string
		wantIdentity bool
		wantLifetime time.Duration
	}{
		{"gcp disables CLIENT SETINFO", map[string]string{EnvAuth: "gcp-iam"}, true, 0},
		{"gcp keeps an explicit choice", map[string]string{EnvAuth: "gcp-iam", EnvDisableIdentity: "false"}, false, 0},
		{"aws with reauth keeps go-redis's lifetime", map[string]string{EnvAuth: "aws-iam", EnvAWSUserID: "u", EnvAWSCacheName: "C", EnvAWSRegion: "r"}, false, 0},
		{"aws without reauth caps the lifetime", map[string]string{EnvAuth: "aws-iam", EnvAuthReauth: "false", EnvAWSUserID: "u", EnvAWSCacheName: "C", EnvAWSRegion: "r"}, false, awsConnLifetimeCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{}
			for k, v := range base {
				vars[k] = v
			}
			for k, v := range tt.give {
				vars[k] = v
			}
			r := &resolution{cfg: &Config{}}
			r.vals, r.srcs = &r.cfg.vals, &r.cfg.srcs
			b := New().WithEnv(vars)
			vs := b.scanVariables()
			b.detectEnvironment(r, vs)
			b.resolve(r, vs)
			b.assemble(r)
			assert.Equal(t, tt.wantIdentity, r.cfg.universal().DisableIdentity)
			assert.Equal(t, tt.wantLifetime, r.cfg.universal().ConnMaxLifetime)
			assert.Equal(t, tt.give[EnvAuth] != "gcp-iam" && tt.give[EnvAuthReauth] != "false", r.vals[idAuthReauth].bool(), "re-authentication")
		})
	}
}

func TestTokenCanaryNeverLeaks(t *testing.T) {
	t.Parallel()
	m := miniredis.RunT(t)
	m.RequireAuth("the-real-password")
	var hooked []string
	var mu sync.Mutex
	src := TokenSourceFunc(func(context.Context) (Token, error) {
		return Token{Username: "default", Password: NewSecret(canary), Expiry: time.Now().Add(time.Hour)}, nil
	})
	cfg, err := New().WithEnv(map[string]string{EnvHost: m.Host(), EnvPort: m.Port()}).
		Connection().TokenSource(src).
		Secrets().OnRefreshError(func(name string, err error) {
		mu.Lock()
		defer mu.Unlock()
		hooked = append(hooked, name+": "+err.Error())
	}).Build(context.Background())
	require.NoError(t, err)
	_, err = cfg.Connect(context.Background())
	require.Error(t, err, "the server refuses the token")
	var ce *ConnectError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, CategoryTokenRefused, ce.Diagnosis.Category)
	assert.NotContains(t, everyOutput(t, err), canary)
	assert.NotContains(t, everyOutput(t, cfg), canary)
	assert.NotContains(t, everyOutput(t, cfg.DebugInfo()), canary)
	st := cfg.TokenStats()
	assert.Equal(t, "token source", st.Method)
	assert.GreaterOrEqual(t, st.Fetches, int64(1))
	mu.Lock()
	assert.NotContains(t, strings.Join(hooked, "\n"), canary)
	mu.Unlock()
}

func TestSubscriptionOverlap(t *testing.T) {
	t.Parallel()
	msgs := func(payloads ...string) []*redis.Message {
		out := make([]*redis.Message, len(payloads))
		for i, p := range payloads {
			out[i] = &redis.Message{Channel: "c", Payload: p}
		}
		return out
	}
	tests := []struct {
		name            string
		delivered, next []string
		want            int
	}{
		{"none delivered", nil, []string{"1", "2"}, 0},
		{"no overlap", []string{"1", "2"}, []string{"3", "4"}, 0},
		{"tail of old starts new", []string{"1", "2", "3"}, []string{"2", "3", "4"}, 2},
		{"all of new already delivered", []string{"1", "2", "3"}, []string{"2", "3"}, 2},
		{"longest run wins", []string{"a", "a", "a"}, []string{"a", "a", "b"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, overlap(msgs(tt.delivered...), msgs(tt.next...)))
		})
	}
}
