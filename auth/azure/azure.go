// Package azureauth authenticates redisconfig clients to Azure Cache for
// Redis and Azure Managed Redis with Microsoft Entra ID: the AUTH user is
// the object id of the managed identity or service principal, the password
// an Entra token for scope https://redis.azure.com/.default from an
// azcore.TokenCredential (azidentity's default, managed-identity or
// workload-identity credentials, or any other).
//
// Importing the package registers the method "azure-entra" for REDIS_AUTH:
//
//	import _ "github.com/redisconfig/redisconfig/auth/azure"
//
// REDIS_AZURE_OBJECT_ID sets the object id; without it the token's oid
// claim is used. The credential comes from SetCredential, or else
// azidentity.NewDefaultAzureCredential, made at the first token fetch.
// The server closes a connection whose token expired: redisconfig
// re-authenticates live connections (REDIS_AUTH_REAUTH, on by default)
// and moves a Subscription to a fresh connection at each new token.
package azureauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/redisconfig/redisconfig"
)

// Scope is the scope of Entra tokens for Azure's Redis services.
const Scope = "https://redis.azure.com/.default"

// Options say which identity to use.
type Options struct {
	// Credential issues the tokens; required.
	Credential azcore.TokenCredential
	// ObjectID is the AUTH user; "" takes the token's oid claim.
	ObjectID string
}

// NewTokenSource returns a redisconfig.TokenSource for Connection().TokenSource.
func NewTokenSource(o Options) (redisconfig.TokenSource, error) {
	if o.Credential == nil {
		return nil, errors.New("redisconfig/auth/azure: Options needs a Credential (an azcore.TokenCredential)")
	}
	return &tokenSource{o: o, cred: func() (azcore.TokenCredential, error) { return o.Credential, nil }}, nil
}

type tokenSource struct {
	o    Options
	cred func() (azcore.TokenCredential, error)
}

// AuthMethodName names the method for redisconfig's diagnosis.
func (s *tokenSource) AuthMethodName() string { return "azure-entra" }

// Token asks the credential for a token and takes the user from the
// options or the token.
func (s *tokenSource) Token(ctx context.Context) (redisconfig.Token, error) {
	cred, err := s.cred()
	if err != nil {
		return redisconfig.Token{}, err
	}
	at, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{Scope}})
	if err != nil {
		return redisconfig.Token{}, classify(err)
	}
	user := s.o.ObjectID
	if user == "" {
		if user, err = objectID(at.Token); err != nil {
			return redisconfig.Token{}, err
		}
	}
	return redisconfig.Token{Username: user, Password: redisconfig.NewSecret(at.Token), Expiry: at.ExpiresOn}, nil
}

// objectID reads the oid claim of a JWT without verifying it (the server
// does).
func objectID(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) == 3 {
		if payload, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var c struct {
				Oid string `json:"oid"`
			}
			if json.Unmarshal(payload, &c) == nil && c.Oid != "" {
				return c.Oid, nil
			}
		}
	}
	return "", fmt.Errorf("the token has no oid claim to use as the user; set %s", redisconfig.EnvAzureObjectID)
}

// classify wraps a credential's error with the cause redisconfig's
// Diagnose names. AADSTS70011 (invalid scope), AADSTS500011 (resource not
// found) and AADSTS50001 (resource not registered) mean the audience.
func classify(err error) error {
	var afe *azidentity.AuthenticationFailedError
	var opErr *net.OpError
	msg := err.Error()
	switch {
	case strings.Contains(msg, "AADSTS70011") || strings.Contains(msg, "AADSTS500011") || strings.Contains(msg, "AADSTS50001"):
		return fmt.Errorf("%w: %w", redisconfig.ErrTokenAudience, err)
	case errors.As(err, &afe):
		return err
	case errors.As(err, &opErr):
		return fmt.Errorf("%w: %w", redisconfig.ErrTokenUnreachable, err)
	case strings.Contains(msg, "DefaultAzureCredential") || strings.Contains(msg, "unavailable"):
		return fmt.Errorf("%w: %w", redisconfig.ErrTokenNoCredentials, err)
	}
	return err
}

var defaultCredential struct {
	sync.Mutex
	cred azcore.TokenCredential
}

// SetCredential sets the credential the registered azure-entra method
// uses. Call it before Build. Default: azidentity.NewDefaultAzureCredential.
func SetCredential(c azcore.TokenCredential) {
	defaultCredential.Lock()
	defer defaultCredential.Unlock()
	defaultCredential.cred = c
}

// credential returns the set credential or makes the default one.
func credential() (azcore.TokenCredential, error) {
	defaultCredential.Lock()
	defer defaultCredential.Unlock()
	if defaultCredential.cred != nil {
		return defaultCredential.cred, nil
	}
	c, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", redisconfig.ErrTokenNoCredentials, err)
	}
	defaultCredential.cred = c
	return c, nil
}

// Method is the azure-entra auth method, registered by this package's
// init.
var Method redisconfig.AuthMethod = redisconfig.AuthMethodFunc(func(p redisconfig.AuthParams) (redisconfig.TokenSource, error) {
	return &tokenSource{o: Options{ObjectID: p.AzureObjectID}, cred: credential}, nil
})

func init() { redisconfig.RegisterAuthMethod("azure-entra", Method) }
