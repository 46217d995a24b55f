package redisconfig

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/auth"
)

// This file is the one home of credentials. A Config has exactly one
// source of credentials: a password (from code, a variable, a _FILE, a URL
// or the secret source, settled by the precedence chain like any setting),
// a password or auth token the secret source rotates, a provider function,
// or a streaming provider. A second source is a conflict.

// CredentialsProvider sets a function that go-redis calls for every new
// connection to get the user name and password, for credentials that
// rotate. It counts as credentials in staging and production, and
// conflicts with a password or user name given in any other way.
func (c *ConnectionBuilder) CredentialsProvider(fn func(ctx context.Context) (username, password string, err error)) *ConnectionBuilder {
	c.credentials = fn
	return c
}

// StreamingCredentialsProvider sets a go-redis streaming credentials
// provider: go-redis subscribes to it and re-authenticates live
// connections when it publishes new credentials, which identity tokens that
// expire need. It counts as credentials in staging and production, and
// conflicts with a password, user name or provider given in any other way.
func (c *ConnectionBuilder) StreamingCredentialsProvider(p auth.StreamingCredentialsProvider) *ConnectionBuilder {
	c.streaming = p
	return c
}

// credKind says what form a Config's credentials take.
type credKind uint8

const (
	credNone      credKind = iota
	credPassword           // a static password (and user name, if any)
	credRotating           // a password or auth token the secret source rotates
	credProvider           // Connection().CredentialsProvider
	credStreaming          // Connection().StreamingCredentialsProvider
	credToken              // identity tokens: REDIS_AUTH or Connection().TokenSource (token.go)
)

var credKindNames = [...]string{"none", "password", "rotating secret", "provider", "streaming provider", "token"}

// credentials is a Config's one source of credentials. Everything secret in
// it sits behind a pointer (Secret, *rotator, funcs), so printing a Config
// by value shows none of it.
type credentials struct {
	kind     credKind
	source   Source
	token    bool // an auth token: sent only over TLS outside development
	username string
	password Secret
	provider func(ctx context.Context) (string, string, error)
	stream   auth.StreamingCredentialsProvider
	rotator  *rotator
	file     *filePassword // a password file, read again as it changes (reload.go)
	tokens   *tokenCache   // credToken (token.go)
	reauth   bool          // credToken: re-authenticate live connections
}

func (cr *credentials) present() bool { return cr.kind != credNone }

// needsTLS reports whether these credentials must not cross the network in
// clear outside development.
func (cr *credentials) needsTLS() bool { return cr.token }

// apply hands the credentials to go-redis.
func (cr *credentials) apply(u *redis.UniversalOptions) {
	u.Username = cr.username
	switch cr.kind {
	case credPassword:
		u.Password = cr.password.Reveal()
		if cr.file != nil {
			// Password keeps the value read at Build for code that copies
			// it; go-redis asks the provider first.
			u.CredentialsProviderContext = cr.file.credentials
		}
	case credRotating:
		u.CredentialsProviderContext = cr.rotator.credentials
	case credProvider:
		u.CredentialsProviderContext = cr.provider
	case credStreaming:
		u.StreamingCredentialsProvider = cr.stream
	case credToken:
		u.CredentialsProviderContext = cr.tokens.credentials
		if cr.reauth {
			u.StreamingCredentialsProvider = cr.tokens
		}
	}
}

// describe says how the credentials show in String: never a value.
func (cr *credentials) describe() string {
	switch cr.kind {
	case credPassword:
		return "password: " + redacted
	case credRotating:
		return "password: " + redacted + " (rotating secret " + cr.rotator.name + ")"
	case credNone:
		return ""
	case credToken:
		return "credentials: " + cr.tokens.describe()
	}
	return "credentials: " + credKindNames[cr.kind]
}

// current returns the credentials a new connection would use now.
func (cr *credentials) current(ctx context.Context) (string, string, error) {
	switch cr.kind {
	case credPassword:
		if cr.file != nil {
			return cr.file.credentials(ctx)
		}
		return cr.username, cr.password.Reveal(), nil
	case credRotating:
		return cr.rotator.credentials(ctx)
	case credProvider:
		return cr.provider(ctx)
	case credStreaming:
		return streamedCredentials(ctx, cr.stream)
	case credToken:
		return cr.tokens.credentials(ctx)
	}
	return cr.username, "", nil
}

// streamedCredentials takes the first credentials a streaming provider
// publishes.
func streamedCredentials(ctx context.Context, p auth.StreamingCredentialsProvider) (string, string, error) {
	got := make(chan struct{ user, pass string }, 1)
	fail := make(chan error, 1)
	l := streamListener{
		next: func(c auth.Credentials) {
			user, pass := c.BasicAuth()
			select {
			case got <- struct{ user, pass string }{user, pass}:
			default:
			}
		},
		err: func(err error) {
			select {
			case fail <- err:
			default:
			}
		},
	}
	creds, unsubscribe, err := p.Subscribe(l)
	if err != nil {
		return "", "", err
	}
	defer func() { _ = unsubscribe() }()
	if creds != nil {
		user, pass := creds.BasicAuth()
		return user, pass, nil
	}
	select {
	case c := <-got:
		return c.user, c.pass, nil
	case err := <-fail:
		return "", "", err
	case <-ctx.Done():
		return "", "", ctx.Err()
	}
}

type streamListener struct {
	next func(auth.Credentials)
	err  func(error)
}

func (l streamListener) OnNext(c auth.Credentials) { l.next(c) }
func (l streamListener) OnError(err error)         { l.err(err) }

// Credentials returns the user name and password a new connection would
// authenticate with now, whatever their source (static, rotating secret,
// provider, streaming provider), for client libraries other than go-redis.
// The password is a Secret: it prints as [redacted].
func (c *Config) Credentials(ctx context.Context) (username string, password Secret, err error) {
	user, pass, err := c.creds.current(ctx)
	return user, NewSecret(pass), err
}

// sentinelNoStreaming is why a sentinel configuration takes no streaming
// credentials: go-redis v9.23's NewFailoverClient never creates the
// manager that re-authenticates connections, and dereferences it at the
// first connection (a nil-pointer panic).
const sentinelNoStreaming = "go-redis's sentinel (failover) client cannot re-authenticate live connections: v9.23 panics at the first connection given a streaming credentials provider"

// settleCredentials gathers every source of credentials the resolution and
// the builder hold and keeps one: two sources are a conflict (an error in
// staging and production; in development and test a warning, and the
// first in go-redis's own order wins: streaming provider, provider,
// password).
func (r *resolution) settleCredentials(b *Builder) {
	var buf [4]credentials // on the stack: at most one of each kind
	forms := buf[:0]
	if r.token != nil { // cloudauth: first, as go-redis takes a streaming provider first
		forms = append(forms, *r.token)
	}
	if b.streaming != nil {
		forms = append(forms, credentials{kind: credStreaming, stream: b.streaming,
			source: Source{Kind: SourceCode, Name: "Connection().StreamingCredentialsProvider"}})
	}
	if b.credentials != nil {
		forms = append(forms, credentials{kind: credProvider, provider: b.credentials,
			source: Source{Kind: SourceCode, Name: "Connection().CredentialsProvider"}})
	}
	if r.has(idPassword) {
		pw := credentials{kind: credPassword, source: r.srcs[idPassword], password: r.vals[idPassword].sec,
			username: r.vals[idUsername].s, token: r.tokenAuth}
		if r.rotating != nil && r.vals[idSecretsRefresh].n > 0 {
			pw.kind = credRotating
			pw.rotator = &rotator{
				src: b.secretSource, name: r.rotating.name, username: pw.username,
				every: r.vals[idSecretsRefresh].duration(), timeout: r.vals[idSecretsTimeout].duration(),
				onError: b.onRefreshError, value: r.rotating.value.Reveal(), fetchedAt: time.Now(),
			}
		}
		if pw.kind == credPassword {
			pw.file = r.passwordFile(b, pw.username, pw.password) // reload.go
		}
		forms = append(forms, pw)
	}
	if len(forms) == 0 {
		r.creds = credentials{username: r.vals[idUsername].s}
		return
	}
	win := forms[0]
	if win.kind == credStreaming && r.topology == TopologySentinel {
		r.fail(ErrInvalidValue, "credentials", win.source.String(),
			"%s; use Connection().CredentialsProvider, which every new connection asks", sentinelNoStreaming)
	}
	// A method REDIS_AUTH names but nothing knows (a typo) has its own
	// error; it stands in for credentials so that no "requires
	// credentials" follows, but a conflict with it would be about a value
	// that did not parse.
	unknownMethod := win.kind == credToken && r.broken(idAuth)
	for _, other := range forms[1:] {
		if !unknownMethod {
			r.conflict("credentials", win.source, other.source, "give credentials twice")
		}
	}
	if win.kind == credProvider || win.kind == credStreaming || win.kind == credToken {
		if r.has(idUsername) && !unknownMethod {
			r.conflict("username", win.source, r.srcs[idUsername], "give a user name twice (the provider returns one)")
		}
		win.username = ""
	}
	r.creds = win
}
