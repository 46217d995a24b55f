package redisconfig

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The variables of the cloud identity methods (REDIS_AUTH and what each
// method needs). Like every REDIS_* variable, each is first looked up with
// the service prefix.
const (
	EnvAuth            = "REDIS_AUTH"
	EnvAuthReauth      = "REDIS_AUTH_REAUTH"
	EnvAWSUserID       = "REDIS_AWS_USER_ID"
	EnvAWSCacheName    = "REDIS_AWS_CACHE_NAME"
	EnvAWSRegion       = "REDIS_AWS_REGION"
	EnvAWSServerless   = "REDIS_AWS_SERVERLESS"
	EnvAWSService      = "REDIS_AWS_SERVICE"
	EnvAzureObjectID   = "REDIS_AZURE_OBJECT_ID"
	EnvGCPImpersonate  = "REDIS_GCP_IMPERSONATE_SERVICE_ACCOUNT"
	authMethodGCP      = "gcp-iam"
	authMethodAWS      = "aws-iam"
	authMethodAzure    = "azure-entra"
	tokenSourceDisplay = "token source"
)

// AuthMethod makes the TokenSource of a cloud identity method that
// REDIS_AUTH (or Connection().AuthMethod) selects. The adapter packages
// (auth/gcp, auth/aws, auth/azure) register theirs when imported, as
// database/sql drivers do:
//
//	import _ "github.com/redisconfig/redisconfig/auth/aws"
type AuthMethod interface {
	// TokenSource is called by Build with the resolved settings. It must
	// not fetch a token (Connect does, within its deadline); it may read
	// local configuration such as a credentials file.
	TokenSource(p AuthParams) (TokenSource, error)
}

// AuthMethodFunc makes a function an AuthMethod.
type AuthMethodFunc func(p AuthParams) (TokenSource, error)

// TokenSource calls f.
func (f AuthMethodFunc) TokenSource(p AuthParams) (TokenSource, error) { return f(p) }

// AuthParams is what Build resolved for an auth method.
type AuthParams struct {
	// Method is the method's registered name ("aws-iam").
	Method      string
	Environment Environment
	// Timeout bounds each token fetch (REDIS_CONNECT_TIMEOUT). An adapter
	// whose SDK does not honour contexts bounds its HTTP client with it.
	Timeout time.Duration
	// Host is the server's host ("" for a cluster or sentinel).
	Host string

	// AWS (aws-iam).
	AWSUserID     string // REDIS_AWS_USER_ID: the IAM-enabled user's id (= its name)
	AWSCacheName  string // REDIS_AWS_CACHE_NAME: the replication group, serverless cache or MemoryDB cluster
	AWSRegion     string // REDIS_AWS_REGION
	AWSServerless bool   // REDIS_AWS_SERVERLESS: an ElastiCache serverless cache
	AWSService    string // REDIS_AWS_SERVICE: "elasticache" (default) or "memorydb"

	// Azure (azure-entra).
	AzureObjectID string // REDIS_AZURE_OBJECT_ID; "" takes the token's oid claim

	// GCP (gcp-iam).
	GCPImpersonate string // REDIS_GCP_IMPERSONATE_SERVICE_ACCOUNT; "" uses the found identity
}

var authRegistry struct {
	sync.RWMutex
	methods map[string]AuthMethod
}

// RegisterAuthMethod makes an auth method selectable by name through
// REDIS_AUTH. The adapters register theirs from an init function. It
// panics if name is empty or registered twice, or m is nil: these are
// mistakes in the program, not in its configuration.
func RegisterAuthMethod(name string, m AuthMethod) {
	authRegistry.Lock()
	defer authRegistry.Unlock()
	switch {
	case name == "" || strings.TrimSpace(strings.ToLower(name)) != name:
		panic("redisconfig: RegisterAuthMethod: the name must be non-empty and lower-case, got " + quote(name))
	case m == nil:
		panic("redisconfig: RegisterAuthMethod: method " + quote(name) + " is nil")
	}
	if _, dup := authRegistry.methods[name]; dup {
		panic("redisconfig: RegisterAuthMethod: method " + quote(name) + " is registered twice")
	}
	if authRegistry.methods == nil {
		authRegistry.methods = map[string]AuthMethod{}
	}
	authRegistry.methods[name] = m
}

// AuthMethods returns the names of the registered auth methods, sorted.
func AuthMethods() []string {
	authRegistry.RLock()
	defer authRegistry.RUnlock()
	names := make([]string, 0, len(authRegistry.methods))
	for n := range authRegistry.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupAuthMethod(name string) (AuthMethod, bool) {
	authRegistry.RLock()
	defer authRegistry.RUnlock()
	m, ok := authRegistry.methods[name]
	return m, ok
}

// knownAuthMethods are the methods this project ships, with the import
// that links each and the settings each requires. The rules per method
// live here and in resolveTokenAuth only.
var knownAuthMethods = map[string]struct {
	importPath string
	requires   []settingID
	params     []settingID // the method's own settings
}{
	authMethodGCP:   {importPath: "github.com/redisconfig/redisconfig/auth/gcp", params: []settingID{idGCPImpersonate}},
	authMethodAWS:   {importPath: "github.com/redisconfig/redisconfig/auth/aws", requires: []settingID{idAWSUserID, idAWSCacheName, idAWSRegion}, params: []settingID{idAWSUserID, idAWSCacheName, idAWSRegion, idAWSServerless, idAWSService}},
	authMethodAzure: {importPath: "github.com/redisconfig/redisconfig/auth/azure", params: []settingID{idAzureObjectID}},
}

// awsMaxConnAge is how long ElastiCache keeps an IAM-authenticated
// connection that does not re-authenticate; awsConnLifetimeCap stays under
// it.
const (
	awsMaxConnAge      = 12 * time.Hour
	awsConnLifetimeCap = 11 * time.Hour
)

// AuthMethod selects a registered cloud identity method by name
// (REDIS_AUTH): "gcp-iam", "aws-iam" or "azure-entra", linked by importing
// its adapter package.
func (c *ConnectionBuilder) AuthMethod(name string) *ConnectionBuilder {
	c.setCode(idAuth, value{s: name})
	return c
}

// AWSUserID sets the IAM-enabled ElastiCache/MemoryDB user's id, which must
// equal its name (REDIS_AWS_USER_ID).
func (c *ConnectionBuilder) AWSUserID(id string) *ConnectionBuilder {
	c.setCode(idAWSUserID, value{s: id})
	return c
}

// AWSCacheName sets the replication group, serverless cache or MemoryDB
// cluster name (REDIS_AWS_CACHE_NAME); it is lower-cased, as AWS stores it.
func (c *ConnectionBuilder) AWSCacheName(name string) *ConnectionBuilder {
	c.setCode(idAWSCacheName, value{s: name})
	return c
}

// AWSRegion sets the cache's region (REDIS_AWS_REGION).
func (c *ConnectionBuilder) AWSRegion(region string) *ConnectionBuilder {
	c.setCode(idAWSRegion, value{s: region})
	return c
}

// AWSServerless marks an ElastiCache serverless cache (REDIS_AWS_SERVERLESS).
func (c *ConnectionBuilder) AWSServerless(on bool) *ConnectionBuilder {
	c.setCode(idAWSServerless, boolValue(on))
	return c
}

// AWSService sets the signing service, "elasticache" (default) or
// "memorydb" (REDIS_AWS_SERVICE).
func (c *ConnectionBuilder) AWSService(service string) *ConnectionBuilder {
	c.setCode(idAWSService, value{s: service})
	return c
}

// AzureObjectID sets the object id of the managed identity or service
// principal, the AUTH user (REDIS_AZURE_OBJECT_ID). Default: the token's
// oid claim.
func (c *ConnectionBuilder) AzureObjectID(id string) *ConnectionBuilder {
	c.setCode(idAzureObjectID, value{s: id})
	return c
}

// GCPImpersonate sets a service account to impersonate for the token
// (REDIS_GCP_IMPERSONATE_SERVICE_ACCOUNT).
func (c *ConnectionBuilder) GCPImpersonate(serviceAccount string) *ConnectionBuilder {
	c.setCode(idGCPImpersonate, value{s: serviceAccount})
	return c
}

// resolveTokenAuth settles token authentication before the credentials
// are: which token source (code, or the method REDIS_AUTH names), what each
// method needs and changes (AWS's lifetime cap, GCP's DisableIdentity), and
// the token form that settleCredentials weighs against the others (a
// second source of credentials is a conflict there; TLS is
// RuleTokenOverTLS). Every problem is recorded, none stops the others.
func (r *resolution) resolveTokenAuth(b *Builder, host string) {
	method, src := "", b.tokenSource
	if src != nil {
		method = tokenSourceDisplay
		if r.has(idAuth) && r.srcs[idAuth].Kind != SourceCode {
			r.warn("%s is overridden by code Connection().TokenSource", r.srcs[idAuth])
		}
		r.vals[idAuth], r.srcs[idAuth] = value{s: tokenSourceDisplay}, Source{Kind: SourceCode, Name: "Connection().TokenSource"}
	} else if r.has(idAuth) {
		method = r.vals[idAuth].s
	}
	r.checkAuthParams(method)
	if method == "" {
		return
	}
	authSrc := r.srcs[idAuth].String()

	// Memorystore keeps authenticated connections past token expiry, so
	// gcp-iam needs no re-authentication; re-authenticating under load
	// makes go-redis dial replacements for connections it has marked,
	// and IAM rate-limits new connections. Sentinel cannot have it at all
	// (sentinelNoStreaming).
	reauth, why := method != authMethodGCP, method+" default"
	if r.topology == TopologySentinel {
		reauth, why = false, "sentinel default"
	}
	if r.has(idAuthReauth) {
		reauth = r.vals[idAuthReauth].bool()
		if reauth && r.topology == TopologySentinel {
			r.fail(ErrInvalidValue, "auth_reauth", r.srcs[idAuthReauth].String(),
				"%s; set %s=false: each new connection still authenticates with the newest token, and %s below the token's lifetime replaces older ones",
				sentinelNoStreaming, EnvAuthReauth, EnvConnMaxLifetime)
			reauth = false
		}
	} else {
		r.vals[idAuthReauth], r.srcs[idAuthReauth] = boolValue(reauth), Source{Kind: SourceDefault, Name: why}
	}
	timeout := r.vals[idConnectTimeout].duration()
	if timeout <= 0 {
		timeout = 5 * time.Second
	}

	if src == nil {
		m, known := knownAuthMethods[method]
		for _, id := range m.requires {
			if !r.has(id) {
				r.fail(ErrMissing, settings[id].name, settings[id].env+" (unset)",
					"%s needs %s; set %s or call Connection().%s", method, strings.TrimSuffix(settings[id].doc, " ("+method+")"), settings[id].env,
					strings.TrimPrefix(settings[id].method, "Connection()."))
			}
		}
		reg, linked := lookupAuthMethod(method)
		switch {
		case !linked && known:
			r.fail(ErrMissing, "auth", authSrc,
				"method %s is not linked into this program; add import _ %q", method, m.importPath)
		case !linked:
			r.invalid[idAuth] = true // rules and conflicts leave it alone
			r.fail(ErrInvalidValue, "auth", authSrc, "names no auth method%s; use %s",
				suggestAuthMethod(method), strings.Join(allAuthMethods(), ", "))
		case len(r.errs) == 0:
			p := AuthParams{
				Method: method, Environment: r.env, Timeout: timeout, Host: host,
				AWSUserID: r.vals[idAWSUserID].s, AWSCacheName: strings.ToLower(r.vals[idAWSCacheName].s),
				AWSRegion: r.vals[idAWSRegion].s, AWSServerless: r.vals[idAWSServerless].bool(),
				AWSService: r.vals[idAWSService].s, AzureObjectID: r.vals[idAzureObjectID].s,
				GCPImpersonate: r.vals[idGCPImpersonate].s,
			}
			ts, err := reg.TokenSource(p)
			if err != nil {
				r.fail(ErrInvalidValue, "auth", authSrc, "%s: %v", method, err)
			}
			src = ts
		}
	}

	switch method {
	case authMethodGCP:
		// Memorystore refuses CLIENT SETINFO: an error per new connection.
		if !r.has(idDisableIdentity) {
			r.vals[idDisableIdentity], r.srcs[idDisableIdentity] = boolValue(true), Source{Kind: SourceDefault, Name: authMethodGCP + " default"}
		}
	case authMethodAWS:
		lt := r.vals[idConnMaxLifetime]
		switch {
		case reauth:
		case r.has(idConnMaxLifetime) && r.srcs[idConnMaxLifetime].Kind != SourceDefault && (lt.n <= 0 || lt.duration() >= awsMaxConnAge):
			r.fail(ErrRule, "conn_max_lifetime", r.srcs[idConnMaxLifetime].String(),
				"%s without re-authentication (%s=false) must close connections before ElastiCache drops them at 12h; set %s below 12h or turn re-authentication on",
				method, EnvAuthReauth, EnvConnMaxLifetime)
		case !r.has(idConnMaxLifetime) || lt.n <= 0 || lt.duration() >= awsMaxConnAge:
			r.vals[idConnMaxLifetime], r.srcs[idConnMaxLifetime] = value{n: int64(awsConnLifetimeCap)}, Source{Kind: SourceDefault, Name: authMethodAWS + " default"}
		}
	}
	if src == nil {
		// Still a form of credentials, so that a password next to an
		// unusable method is reported too, and staging does not add "no
		// credentials" to the method's own error.
		src = TokenSourceFunc(func(context.Context) (Token, error) {
			return Token{}, fmt.Errorf("auth method %s is not usable (see Build's errors)", method)
		})
	}
	r.token = &credentials{kind: credToken, token: true, source: r.srcs[idAuth], reauth: reauth,
		tokens: newTokenCache(src, method, timeout, b.onRefreshError)}
}

// checkAuthParams warns about a method's settings given without the method
// (an aws-iam variable next to REDIS_AUTH=gcp-iam is probably a mistake).
func (r *resolution) checkAuthParams(method string) {
	var own []settingID
	if m, ok := knownAuthMethods[method]; ok {
		own = m.params
	}
	for _, m := range knownAuthMethods {
		for _, id := range m.params {
			if r.has(id) && !slices.Contains(own, id) && method != tokenSourceDisplay {
				what := "no auth method"
				if method != "" {
					what = "auth method " + method
				}
				r.warn("%s is set but %s is in use; it is not read", r.srcs[id], what)
			}
		}
	}
	if r.has(idAWSService) {
		if s := r.vals[idAWSService].s; s != "elasticache" && s != "memorydb" {
			r.fail(ErrInvalidValue, "aws_service", r.srcs[idAWSService].String(), "must be elasticache or memorydb, got %s", quote(s))
		}
	}
}

func allAuthMethods() []string {
	names := AuthMethods()
	for n := range knownAuthMethods {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

func suggestAuthMethod(name string) string {
	if best, _ := newSuggester(allAuthMethods()).closest(strings.ToLower(name)); best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}
