package redisconfig

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9/auth"
)

// Token is a short-lived credential from a cloud identity: the user name
// and the password to send with AUTH (or HELLO), and when the server stops
// accepting it. It prints with its password redacted.
type Token struct {
	// Username is the AUTH user: "default" for Memorystore, the IAM-enabled
	// user's id for ElastiCache and MemoryDB, the principal's object id for
	// Azure.
	Username string
	// Password is the token itself.
	Password Secret
	// Expiry is when the token stops being accepted. Zero means it does not
	// expire (it is then fetched once).
	Expiry time.Time
}

// String describes the token without its value.
func (t Token) String() string {
	exp := "no expiry"
	if !t.Expiry.IsZero() {
		exp = "expires " + t.Expiry.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("redisconfig.Token{username: %q, password: %s, %s}", t.Username, redacted, exp)
}

// GoString returns String.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb.
func (t Token) Format(f fmt.State, _ rune) { fmt.Fprint(f, t.String()) }

// LogValue logs String.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// TokenSource fetches identity tokens: the adapters in auth/gcp, auth/aws
// and auth/azure, or a function (TokenSourceFunc). redisconfig caches the
// token and calls Token again only shortly before it expires, one call at a
// time; Token must honour ctx where it can (redisconfig gives up on it at
// the connect deadline either way) and never put the token in an error.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenSourceFunc makes a function a TokenSource.
type TokenSourceFunc func(ctx context.Context) (Token, error)

// Token calls f.
func (f TokenSourceFunc) Token(ctx context.Context) (Token, error) { return f(ctx) }

// The causes of a failed token fetch that Diagnose tells apart. A
// TokenSource wraps one of them (fmt.Errorf("...: %w", ...)) when it knows
// the cause.
var (
	// ErrTokenNoCredentials: no cloud identity was found to ask for a token
	// (no service account, no workload identity, no AWS credentials).
	ErrTokenNoCredentials = errors.New("redisconfig: no cloud credentials found")
	// ErrTokenAudience: the identity provider refused the scope or audience
	// asked for, or the token is for another audience.
	ErrTokenAudience = errors.New("redisconfig: token refused for this scope or audience")
	// ErrTokenUnreachable: the token endpoint could not be reached.
	ErrTokenUnreachable = errors.New("redisconfig: token endpoint unreachable")
)

// TokenError is a failed token fetch. It names the method, never the
// token.
type TokenError struct {
	// Method is the auth method ("aws-iam") or "token source" for
	// Connection().TokenSource.
	Method string
	// Timeout is set when the fetch ran out of time: the bound it had.
	Timeout time.Duration
	Err     error
}

// Error describes the failure.
func (e *TokenError) Error() string {
	if e.Timeout > 0 {
		return fmt.Sprintf("redisconfig: %s: no token within %s (%s bounds the fetch): %v", e.Method, e.Timeout, EnvConnectTimeout, e.Err)
	}
	return "redisconfig: " + e.Method + ": fetching a token: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *TokenError) Unwrap() error { return e.Err }

// TokenSource authenticates with short-lived identity tokens from ts
// instead of a password: each new connection sends the current token, and
// live connections re-authenticate when it rotates (see TokenReauth). It
// counts as credentials in staging and production, needs TLS there, and
// conflicts with a password or user name given in any other way. Code
// overrides REDIS_AUTH.
func (c *ConnectionBuilder) TokenSource(ts TokenSource) *ConnectionBuilder {
	c.tokenSource = ts // cloudauth: Builder field (builder.go)
	return c
}

// TokenReauth turns the re-authentication of live connections on or off
// when the token rotates (REDIS_AUTH_REAUTH). Default: on, except for
// gcp-iam (Memorystore keeps authenticated connections). Off, aws-iam
// caps ConnMaxLifetime under the 12 hours after which ElastiCache drops a
// connection that has not re-authenticated.
func (c *ConnectionBuilder) TokenReauth(on bool) *ConnectionBuilder {
	c.setCode(idAuthReauth, boolValue(on))
	return c
}

// refreshMargin is how long before expiry a token is fetched again: a third
// of its lifetime, at most maxRefreshMargin. Microsoft asks for re-AUTH at
// least 3 minutes before an Entra token expires; 5 minutes leaves room for
// one failed fetch and its retry, and for connections busy when the new
// token arrives to return to the pool, where go-redis re-authenticates
// them. A third keeps short tokens (AWS's 15 minutes: fetched again after
// 10) in use for most of their life, and scales down for tests.
func refreshMargin(lifetime time.Duration) time.Duration {
	return min(lifetime/3, maxRefreshMargin)
}

const maxRefreshMargin = 5 * time.Minute

// tokenCache hands go-redis the current token: for every new connection
// (CredentialsProviderContext, and the first credentials of Subscribe) and,
// while connections are subscribed, each new token as it is fetched
// (auth.StreamingCredentialsProvider), so that go-redis re-authenticates
// live connections. One fetch runs at a time however many callers want a
// token; the last good token stays in use until it expires; failures go to
// the refresh-error hook.
type tokenCache struct {
	src     TokenSource
	method  string        // for errors and the debug view
	timeout time.Duration // bounds each fetch: the connect deadline
	onError func(string, error)
	now     func() time.Time

	mu        sync.Mutex
	cur       Token
	gen       uint64 // counts tokens taken; 0: none yet
	fetchedAt time.Time
	flight    *tokenFlight
	retryAt   time.Time // after a failed refresh, not before
	listeners map[auth.CredentialsListener]struct{}
	stop      chan struct{} // closes the refresher; nil when it is not running
	wake      chan struct{} // tells the refresher a new token came
	done      chan struct{} // closed when the refresher has returned
	failures  int
	lastErr   error

	fetches atomic.Int64 // Token calls made, for tests and benchmarks
}

// tokenFlight is one fetch in progress; waiters read tok and err once done
// is closed.
type tokenFlight struct {
	done chan struct{}
	tok  Token
	err  error
}

// namedTokenSource is a TokenSource that names its auth method ("aws-iam"),
// so that a source given in code gets the method's diagnosis.
type namedTokenSource interface {
	AuthMethodName() string
}

func newTokenCache(src TokenSource, method string, timeout time.Duration, onError func(string, error)) *tokenCache {
	if n, ok := src.(namedTokenSource); ok && method == tokenSourceDisplay {
		method = n.AuthMethodName()
	}
	return &tokenCache{src: src, method: method, timeout: timeout, onError: onError, now: time.Now}
}

// refreshAt is when the current token should be replaced.
func (tc *tokenCache) refreshAtLocked() time.Time {
	if tc.gen == 0 || tc.cur.Expiry.IsZero() {
		return time.Time{}
	}
	return tc.cur.Expiry.Add(-refreshMargin(tc.cur.Expiry.Sub(tc.fetchedAt)))
}

// validLocked reports whether the current token may still be sent.
func (tc *tokenCache) validLocked(now time.Time) bool {
	return tc.gen > 0 && (tc.cur.Expiry.IsZero() || now.Before(tc.cur.Expiry))
}

// dueLocked reports whether a refresh should start now.
func (tc *tokenCache) dueLocked(now time.Time) bool {
	at := tc.refreshAtLocked()
	return !at.IsZero() && !now.Before(at) && !now.Before(tc.retryAt)
}

// token returns a token to send now. A valid cached token is returned at
// once (starting a background refresh when one is due); without one, the
// caller waits for the fetch, at most until ctx ends. When the cached token
// is close to expiry (within half the margin) and a fetch runs, the caller
// waits for the fresh one rather than send a token about to lapse.
func (tc *tokenCache) token(ctx context.Context) (Token, uint64, error) {
	tc.mu.Lock()
	now := tc.now()
	if tc.validLocked(now) {
		tok, gen := tc.cur, tc.gen
		if tc.dueLocked(now) {
			tc.startLocked()
		}
		closing := tc.flight != nil && !tok.Expiry.IsZero() &&
			tok.Expiry.Sub(now) < refreshMargin(tok.Expiry.Sub(tc.fetchedAt))/2
		f := tc.flight
		tc.mu.Unlock()
		if closing {
			select {
			case <-f.done:
				if f.err == nil {
					return tc.latest()
				}
			case <-ctx.Done():
			}
		}
		return tok, gen, nil
	}
	f := tc.startLocked()
	tc.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil {
			return Token{}, 0, f.err
		}
		return tc.latest()
	case <-ctx.Done():
		return Token{}, 0, &TokenError{Method: tc.method, Err: ctx.Err()}
	}
}

// latest returns the cached token.
func (tc *tokenCache) latest() (Token, uint64, error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.cur, tc.gen, nil
}

// startLocked starts a fetch unless one runs, and returns it.
func (tc *tokenCache) startLocked() *tokenFlight {
	if tc.flight != nil {
		return tc.flight
	}
	f := &tokenFlight{done: make(chan struct{})}
	tc.flight = f
	go tc.fetch(f)
	return f
}

// fetch asks the source for a token within the timeout, takes it if it is
// good, and tells the subscribed connections.
func (tc *tokenCache) fetch(f *tokenFlight) {
	tc.fetches.Add(1)
	tok, err := tc.fetchBounded()
	var listeners []auth.CredentialsListener
	tc.mu.Lock()
	now := tc.now()
	if err == nil {
		switch {
		case tok.Password.IsZero():
			err = errors.New("the token source returned an empty token")
		case !tok.Expiry.IsZero() && !tok.Expiry.After(now):
			err = errors.New("the token source returned a token that has already expired (check this machine's clock)")
		case tc.gen > 0 && !tc.cur.Expiry.IsZero() && !tok.Expiry.After(tc.cur.Expiry):
			// The source handed back the token it had (its own cache):
			// keep ours, and ask again after a pause rather than at once.
			err = errors.New("the token source returned no newer token")
		}
	}
	if err != nil {
		tc.failures++
		tc.lastErr = err
		tc.retryAt = now.Add(tc.retryDelayLocked(now))
		te := &TokenError{Method: tc.method, Err: err}
		if errors.Is(err, context.DeadlineExceeded) {
			te.Timeout = tc.timeout
		}
		err = te
	} else {
		tc.cur, tc.fetchedAt = tok, now
		tc.gen++
		tc.retryAt = time.Time{}
		for l := range tc.listeners {
			listeners = append(listeners, l)
		}
		if tc.wake != nil {
			select {
			case tc.wake <- struct{}{}:
			default:
			}
		}
	}
	f.tok, f.err = tok, err
	tc.flight = nil
	hadToken := tc.gen > 0
	tc.mu.Unlock()
	close(f.done)

	if err != nil && hadToken {
		// Only a refresh is reported here; a first fetch fails the caller.
		tc.reportError(err)
	}
	if len(listeners) > 0 {
		creds := auth.NewBasicCredentials(tok.Username, tok.Password.Reveal())
		for _, l := range listeners {
			l.OnNext(creds)
		}
	}
}

// retryDelayLocked spaces retries after a failed refresh: an eighth of the
// margin, at least 50ms, and never past the token's expiry.
func (tc *tokenCache) retryDelayLocked(now time.Time) time.Duration {
	if tc.gen == 0 {
		return 0 // no token: the next caller tries again
	}
	d := max(refreshMargin(tc.cur.Expiry.Sub(tc.fetchedAt))/8, 50*time.Millisecond)
	if left := tc.cur.Expiry.Sub(now) / 2; left > 0 && left < d {
		d = left
	}
	return d
}

// fetchBounded calls the source within the timeout, and gives up on it
// when the timeout passes even if the source ignores its context (as
// golang.org/x/oauth2's fetch does).
func (tc *tokenCache) fetchBounded() (Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
	defer cancel()
	type result struct {
		tok Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: errors.New("the token source panicked")}
			}
		}()
		tok, err := tc.src.Token(ctx)
		done <- result{tok, err}
	}()
	select {
	case res := <-done:
		return res.tok, res.err
	case <-ctx.Done():
		return Token{}, ctx.Err()
	}
}

func (tc *tokenCache) reportError(err error) {
	if tc.onError != nil {
		tc.onError("auth "+tc.method, err)
		return
	}
	slog.Warn("redisconfig: refreshing the auth token failed; keeping the last good token until it expires", "method", tc.method, "error", err)
}

// credentials is go-redis's CredentialsProviderContext.
func (tc *tokenCache) credentials(ctx context.Context) (string, string, error) {
	tok, _, err := tc.token(ctx)
	if err != nil {
		return "", "", err
	}
	return tok.Username, tok.Password.Reveal(), nil
}

// Subscribe is auth.StreamingCredentialsProvider's: go-redis calls it for
// every new connection with that connection's listener. It returns the
// current token and, from then on, tells the listener each new token, so
// that go-redis re-authenticates the connection. A background refresher
// runs while any listener is subscribed and stops with the last one (when
// the client is closed).
func (tc *tokenCache) Subscribe(l auth.CredentialsListener) (auth.Credentials, auth.UnsubscribeFunc, error) {
	if l == nil {
		return nil, nil, errors.New("redisconfig: Subscribe needs a listener")
	}
	ctx, cancel := context.WithTimeout(context.Background(), tc.timeout)
	defer cancel()
	tok, gen, err := tc.token(ctx)
	if err != nil {
		return nil, nil, err
	}
	tc.mu.Lock()
	if tc.listeners == nil {
		tc.listeners = map[auth.CredentialsListener]struct{}{}
	}
	tc.listeners[l] = struct{}{}
	if tc.gen != gen && tc.validLocked(tc.now()) {
		tok = tc.cur // a newer token came while this one was fetched
	}
	if tc.stop == nil {
		tc.stop, tc.wake, tc.done = make(chan struct{}), make(chan struct{}, 1), make(chan struct{})
		go tc.refresher(tc.stop, tc.wake, tc.done)
	}
	tc.mu.Unlock()
	return auth.NewBasicCredentials(tok.Username, tok.Password.Reveal()), func() error { tc.unsubscribe(l); return nil }, nil
}

// unsubscribe forgets a listener (a second call is a no-op) and stops the
// refresher with the last one.
func (tc *tokenCache) unsubscribe(l auth.CredentialsListener) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if _, ok := tc.listeners[l]; !ok {
		return
	}
	delete(tc.listeners, l)
	if len(tc.listeners) == 0 && tc.stop != nil {
		close(tc.stop)
		tc.stop, tc.wake = nil, nil
	}
}

// refresher fetches a new token when the current one is due, so that
// subscribed connections get it before it expires even when no new
// connection asks.
func (tc *tokenCache) refresher(stop, wake <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		tc.mu.Lock()
		now := tc.now()
		next := tc.refreshAtLocked()
		if next.IsZero() {
			next = now.Add(time.Hour) // a token without expiry: nothing to do
		}
		if tc.retryAt.After(next) {
			next = tc.retryAt
		}
		var f *tokenFlight
		if !now.Before(next) {
			f = tc.startLocked()
		}
		tc.mu.Unlock()
		if f != nil {
			select {
			case <-f.done:
				continue
			case <-stop:
				return
			}
		}
		timer.Reset(next.Sub(now))
		select {
		case <-timer.C:
		case <-wake:
			if !timer.Stop() {
				<-timer.C
			}
		case <-stop:
			return
		}
	}
}

var _ auth.StreamingCredentialsProvider = (*tokenCache)(nil)

// tokens returns the token cache when tokens are the credentials.
func (c *Config) tokens() *tokenCache {
	if c.creds.kind == credToken {
		return c.creds.tokens
	}
	return nil
}

// TokenStats counts a Config's token fetches.
type TokenStats struct {
	// Method is the auth method, "" without token authentication.
	Method string
	// Fetches counts calls to the TokenSource; Failures those that failed.
	Fetches, Failures int64
	// LastError is the last failure (it never holds the token).
	LastError error
	// Listeners counts the connections subscribed to token rotation.
	Listeners int
	// Expiry is when the current token expires.
	Expiry time.Time
}

// TokenStats reports the token fetches so far, for monitoring and tests.
func (c *Config) TokenStats() TokenStats {
	tc := c.tokens()
	if tc == nil {
		return TokenStats{}
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return TokenStats{Method: tc.method, Fetches: tc.fetches.Load(), Failures: int64(tc.failures), LastError: tc.lastErr,
		Listeners: len(tc.listeners), Expiry: tc.cur.Expiry}
}

// tokenStatus reports the refresh failures so far and the last one.
func (tc *tokenCache) status() (int, error) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.failures, tc.lastErr
}

// describe names the token method for String and the debug view.
func (tc *tokenCache) describe() string {
	return "token (" + tc.method + ")"
}

// diagnoseToken classifies a start-up failure of a configuration that
// authenticates with tokens. It reports false when err is not about the
// token.
func (c *Config) diagnoseToken(err error) (Diagnosis, bool) {
	if c.tokens() == nil {
		return Diagnosis{}, false
	}
	method := c.tokens().method
	var te *TokenError
	if errors.As(err, &te) {
		switch {
		case errors.Is(err, ErrTokenNoCredentials):
			return Diagnosis{CategoryTokenNoCredentials, method + " found no cloud identity to ask for a token", noCredentialsFix(method)}, true
		case errors.Is(err, ErrTokenAudience):
			return Diagnosis{CategoryTokenAudience, method + ": the identity provider refused the token's scope or audience", audienceFix(method)}, true
		case te.Timeout > 0 || errors.Is(err, context.DeadlineExceeded):
			return Diagnosis{CategoryTokenTimeout, method + ": the token endpoint did not answer within the connect deadline", "check that the metadata server or token endpoint is reachable from here, or raise " + EnvConnectTimeout}, true
		case errors.Is(err, ErrTokenUnreachable):
			return Diagnosis{CategoryTokenUnreachable, method + ": the token endpoint cannot be reached", "check the network path to the identity provider (proxy, firewall, metadata server)"}, true
		}
		return Diagnosis{CategoryTokenFailed, method + ": fetching a token failed", "see the cause that follows"}, true
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "WRONGPASS") || strings.Contains(msg, "invalid username-password") || strings.Contains(msg, "WRONGPASS") {
		return Diagnosis{CategoryTokenRefused, "the server refused the " + method + " token", refusedFix(method)}, true
	}
	return Diagnosis{}, false
}

func noCredentialsFix(method string) string {
	switch method {
	case "gcp-iam":
		return "run with a service account (workload identity, or GOOGLE_APPLICATION_CREDENTIALS naming a key file)"
	case "aws-iam":
		return "give the adapter an aws.CredentialsProvider (a role for the pod or instance, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
	case "azure-entra":
		return "run with a managed identity or workload identity, or give the adapter an azcore.TokenCredential"
	}
	return "check the token source's credentials"
}

func audienceFix(method string) string {
	switch method {
	case "gcp-iam":
		return "the token needs scope https://www.googleapis.com/auth/cloud-platform; with impersonation, grant roles/iam.serviceAccountTokenCreator"
	case "azure-entra":
		return "the token needs scope https://redis.azure.com/.default"
	}
	return "check the scope or audience the token source asks for"
}

func refusedFix(method string) string {
	switch method {
	case "aws-iam":
		return "likely causes: a serverless cache without " + EnvAWSServerless + "=true; a user id (" + EnvAWSUserID +
			") that differs from the user name or whose authentication mode is not IAM; a cache name (" + EnvAWSCacheName +
			") or region (" + EnvAWSRegion + ") that is not the cache's; a policy without elasticache:Connect on the cache and the user"
	case "gcp-iam":
		return "grant the service account roles/redis.dbConnectionUser (Redis Cluster) or roles/memorystore.dbConnectionUser (Valkey), and check that IAM authentication is on"
	case "azure-entra":
		return "add the principal as a Redis user (data access policy) with its object id as " + EnvAzureObjectID + ", and check that Entra authentication is on"
	}
	return "check that the server accepts tokens from this source for this user"
}
