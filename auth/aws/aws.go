// Package awsauth authenticates redisconfig clients to Amazon ElastiCache
// (Valkey 7.2+, Redis OSS 7.0+, serverless included) and Amazon MemoryDB
// with IAM: the password is a SigV4 query-presigned
// "<cache>/?Action=connect&User=<user id>" URL, valid 15 minutes.
//
// Importing the package registers the method "aws-iam" for REDIS_AUTH:
//
//	import _ "github.com/redisconfig/redisconfig/auth/aws"
//
// with REDIS_AWS_USER_ID, REDIS_AWS_CACHE_NAME and REDIS_AWS_REGION (and
// REDIS_AWS_SERVERLESS=true for a serverless cache, REDIS_AWS_SERVICE=memorydb
// for MemoryDB). Credentials come from SetCredentials, or else from
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. The
// package signs with aws-sdk-go-v2's core signer and never imports the
// SDK's config loader (with its STS, SSO and IMDS clients): a program that
// has an aws.Config passes its Credentials.
package awsauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/redisconfig/redisconfig"
)

// Validity is how long ElastiCache and MemoryDB accept a token.
const Validity = 15 * time.Minute

// emptyPayloadHash is the SHA-256 of an empty body, which the presigned
// GET carries.
const emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Options describe the cache and the identity.
type Options struct {
	// UserID is the IAM-enabled user's id; ElastiCache requires it to equal
	// the user's name.
	UserID string
	// CacheName is the replication group, serverless cache or MemoryDB
	// cluster. It is lower-cased, as AWS stores it.
	CacheName string
	// Region is the cache's region.
	Region string
	// Serverless marks an ElastiCache serverless cache
	// (ResourceType=ServerlessCache is then signed in).
	Serverless bool
	// Service is "elasticache" (default) or "memorydb".
	Service string
	// Credentials signs the token; required. Wrapped in an
	// aws.CredentialsCache unless it is one.
	Credentials aws.CredentialsProvider
}

// NewTokenSource returns a redisconfig.TokenSource for Connection().TokenSource.
func NewTokenSource(o Options) (redisconfig.TokenSource, error) {
	if o.Service == "" {
		o.Service = "elasticache"
	}
	o.CacheName = strings.ToLower(o.CacheName)
	var missing []string
	for _, f := range []struct{ name, v string }{{"UserID", o.UserID}, {"CacheName", o.CacheName}, {"Region", o.Region}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	switch {
	case len(missing) > 0:
		return nil, fmt.Errorf("redisconfig/auth/aws: Options needs %s", strings.Join(missing, ", "))
	case o.Service != "elasticache" && o.Service != "memorydb":
		return nil, fmt.Errorf("redisconfig/auth/aws: Service must be elasticache or memorydb, got %q", o.Service)
	case o.Credentials == nil:
		return nil, errors.New("redisconfig/auth/aws: Options needs Credentials (an aws.CredentialsProvider)")
	}
	creds, ok := o.Credentials.(*aws.CredentialsCache)
	if !ok {
		creds = aws.NewCredentialsCache(o.Credentials)
	}
	return &tokenSource{o: o, creds: creds, signer: v4.NewSigner(), now: time.Now}, nil
}

// tokenSource signs a token per call.
type tokenSource struct {
	o      Options
	creds  *aws.CredentialsCache
	signer *v4.Signer
	now    func() time.Time
	// lifetime, when set, is the lifetime reported to redisconfig instead
	// of Validity: the soak scales rotation down to seconds.
	lifetime time.Duration
}

// AuthMethodName names the method for redisconfig's diagnosis.
func (s *tokenSource) AuthMethodName() string { return "aws-iam" }

// Token signs a new token.
func (s *tokenSource) Token(ctx context.Context) (redisconfig.Token, error) {
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return redisconfig.Token{}, fmt.Errorf("retrieving AWS credentials: %w: %w", redisconfig.ErrTokenNoCredentials, err)
	}
	q := url.Values{"Action": {"connect"}, "User": {s.o.UserID}, "X-Amz-Expires": {fmt.Sprint(int(Validity / time.Second))}}
	if s.o.Serverless {
		q.Set("ResourceType", "ServerlessCache")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.o.CacheName+"/?"+q.Encode(), nil)
	if err != nil {
		return redisconfig.Token{}, fmt.Errorf("cache name %q does not make a valid URL host", s.o.CacheName)
	}
	now := s.now().UTC()
	uri, _, err := s.signer.PresignHTTP(ctx, creds, req, emptyPayloadHash, s.o.Service, s.o.Region, now)
	if err != nil {
		return redisconfig.Token{}, errors.New("signing the token failed") // the signer's error may quote the URL
	}
	exp := now.Add(Validity)
	if creds.CanExpire && creds.Expires.Before(exp) {
		exp = creds.Expires
	}
	if s.lifetime > 0 {
		exp = now.Add(s.lifetime)
	}
	return redisconfig.Token{Username: s.o.UserID, Password: redisconfig.NewSecret(strings.TrimPrefix(uri, "http://")), Expiry: exp}, nil
}

var defaultCredentials struct {
	sync.Mutex
	p aws.CredentialsProvider
}

// SetCredentials sets the credentials the registered aws-iam method signs
// with, typically an aws.Config's Credentials. Call it before Build.
// Default: EnvCredentials.
func SetCredentials(p aws.CredentialsProvider) {
	defaultCredentials.Lock()
	defer defaultCredentials.Unlock()
	defaultCredentials.p = p
}

// EnvCredentials reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN when asked.
var EnvCredentials aws.CredentialsProvider = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Credentials{}, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set, and no provider was given to awsauth.SetCredentials")
	}
	return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: "environment"}, nil
})

// Method is the aws-iam auth method, registered by this package's init.
var Method redisconfig.AuthMethod = redisconfig.AuthMethodFunc(func(p redisconfig.AuthParams) (redisconfig.TokenSource, error) {
	defaultCredentials.Lock()
	creds := defaultCredentials.p
	defaultCredentials.Unlock()
	if creds == nil {
		creds = EnvCredentials
	}
	return NewTokenSource(Options{
		UserID: p.AWSUserID, CacheName: p.AWSCacheName, Region: p.AWSRegion,
		Serverless: p.AWSServerless, Service: p.AWSService, Credentials: creds,
	})
})

func init() { redisconfig.RegisterAuthMethod("aws-iam", Method) }
