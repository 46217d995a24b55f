// Package gcpauth authenticates redisconfig clients to Memorystore for
// Redis Cluster and Memorystore for Valkey with IAM: the client sends
// AUTH default <OAuth2 access token>, a token for scope
// https://www.googleapis.com/auth/cloud-platform from the identity the
// program runs as (cloud.google.com/go/auth's credentials detection:
// GOOGLE_APPLICATION_CREDENTIALS, workload identity, the metadata server).
//
// Importing the package registers the method "gcp-iam" for REDIS_AUTH:
//
//	import _ "github.com/redisconfig/redisconfig/auth/gcp"
//
// REDIS_GCP_IMPERSONATE_SERVICE_ACCOUNT optionally names a service account
// to impersonate. The identity is detected at the first token fetch, not at
// Build, so that Build makes no network call; each fetch is bounded by the
// connect deadline through the HTTP client's timeout, since the token
// fetch does not honour a context's deadline.
package gcpauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/auth"
	"cloud.google.com/go/auth/credentials"
	"cloud.google.com/go/auth/credentials/impersonate"
	"github.com/redisconfig/redisconfig"
)

// Scope is the OAuth2 scope Memorystore's IAM authentication needs.
const Scope = "https://www.googleapis.com/auth/cloud-platform"

// User is the AUTH user Memorystore expects with an IAM token.
const User = "default"

// earlyRefresh makes the library treat a token as stale more than
// redisconfig's 5-minute refresh margin before it expires, so that when
// redisconfig asks for a new token the library fetches one rather than
// hand back the one it cached.
const earlyRefresh = 6 * time.Minute

// Options say where the identity comes from. The zero value detects it.
type Options struct {
	// CredentialsJSON is a credentials file's content (a service-account
	// key, an external account); nil detects the identity.
	CredentialsJSON []byte
	// CredentialsFile is a credentials file's path; "" detects the identity.
	CredentialsFile string
	// Impersonate names a service account to impersonate (the caller needs
	// roles/iam.serviceAccountTokenCreator on it).
	Impersonate string
	// Timeout bounds each token fetch (the HTTP client's timeout). Default:
	// 5 seconds; through REDIS_AUTH, REDIS_CONNECT_TIMEOUT.
	Timeout time.Duration
}

// NewTokenSource returns a redisconfig.TokenSource for Connection().TokenSource.
func NewTokenSource(o Options) redisconfig.TokenSource {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	return &tokenSource{o: o}
}

type tokenSource struct {
	o     Options
	mu    sync.Mutex
	creds *auth.Credentials
}

// credentials detects the identity once it succeeds.
func (s *tokenSource) credentials() (*auth.Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.creds != nil {
		return s.creds, nil
	}
	client := &http.Client{Timeout: s.o.Timeout}
	creds, err := credentials.DetectDefault(&credentials.DetectOptions{
		Scopes: []string{Scope}, CredentialsJSON: s.o.CredentialsJSON, CredentialsFile: s.o.CredentialsFile,
		Client: client, EarlyTokenRefresh: earlyRefresh, DisableAsyncRefresh: true,
	})
	if err != nil {
		return nil, fmt.Errorf("detecting Google credentials: %w: %w", redisconfig.ErrTokenNoCredentials, err)
	}
	if s.o.Impersonate != "" {
		creds, err = impersonate.NewCredentials(&impersonate.CredentialsOptions{
			TargetPrincipal: s.o.Impersonate, Scopes: []string{Scope}, Credentials: creds, Client: client,
		})
		if err != nil {
			return nil, fmt.Errorf("impersonating %s: %w", s.o.Impersonate, err)
		}
	}
	s.creds = creds
	return creds, nil
}

// AuthMethodName names the method for redisconfig's diagnosis.
func (s *tokenSource) AuthMethodName() string { return "gcp-iam" }

// Token fetches an access token.
func (s *tokenSource) Token(ctx context.Context) (redisconfig.Token, error) {
	creds, err := s.credentials()
	if err != nil {
		return redisconfig.Token{}, err
	}
	tok, err := creds.Token(ctx)
	if err != nil {
		return redisconfig.Token{}, classify(err)
	}
	return redisconfig.Token{Username: User, Password: redisconfig.NewSecret(tok.Value), Expiry: tok.Expiry}, nil
}

// classify wraps a fetch error with the cause redisconfig's Diagnose names.
func classify(err error) error {
	var ae *auth.Error
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case errors.As(err, &ae) && ae.Response != nil && (strings.Contains(string(ae.Body), "invalid_scope") || ae.Response.StatusCode == http.StatusForbidden):
		return fmt.Errorf("%w: %w", redisconfig.ErrTokenAudience, err)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	case errors.As(err, &opErr):
		return fmt.Errorf("%w: %w", redisconfig.ErrTokenUnreachable, err)
	}
	return err
}

var defaultOptions struct {
	sync.Mutex
	o Options
}

// SetOptions sets where the registered gcp-iam method takes its identity
// from (a credentials file or JSON); call it before Build. The variables
// still set Impersonate (when given) and Timeout. Default: detection.
func SetOptions(o Options) {
	defaultOptions.Lock()
	defer defaultOptions.Unlock()
	defaultOptions.o = o
}

// Method is the gcp-iam auth method, registered by this package's init.
var Method redisconfig.AuthMethod = redisconfig.AuthMethodFunc(func(p redisconfig.AuthParams) (redisconfig.TokenSource, error) {
	defaultOptions.Lock()
	o := defaultOptions.o
	defaultOptions.Unlock()
	if p.GCPImpersonate != "" {
		o.Impersonate = p.GCPImpersonate
	}
	o.Timeout = p.Timeout
	return NewTokenSource(o), nil
})

func init() { redisconfig.RegisterAuthMethod("gcp-iam", Method) }
