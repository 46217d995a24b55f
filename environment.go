package redisconfig

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// Environment is the deployment environment a configuration is built for.
// It selects the defaults (the profile) and the rules that Build enforces.
type Environment int

// The environments, from the most forgiving to the strictest.
const (
	// Development is a developer's machine: localhost fallback, TLS and
	// credentials optional, conflicts are warnings. The zero value.
	Development Environment = iota
	// Test is an automated test run: like Development, with short timeouts
	// so that a suite without Redis fails in seconds.
	Test
	// Staging is a pre-production deployment: it obeys every production rule.
	Staging
	// Production is a production deployment: an address, TLS and credentials
	// are required, loopback addresses and skipped certificate checks are
	// errors, and conflicting settings are errors.
	Production
)

var environmentNames = [...]string{"development", "test", "staging", "production"}

// String returns the canonical lower-case name: "development", "test",
// "staging" or "production".
func (e Environment) String() string {
	if e < 0 || int(e) >= len(environmentNames) {
		return fmt.Sprintf("Environment(%d)", int(e))
	}
	return environmentNames[e]
}

func (e Environment) valid() bool { return e >= Development && e <= Production }

// ParseEnvironment parses an environment name as the ENVIRONMENT variable
// takes it, case-insensitively: development (dev, local), test (testing),
// staging (stage) or production (prod).
func ParseEnvironment(s string) (Environment, error) {
	switch strings.ToLower(s) {
	case "development", "dev", "local":
		return Development, nil
	case "test", "testing":
		return Test, nil
	case "staging", "stage":
		return Staging, nil
	case "production", "prod":
		return Production, nil
	}
	if strings.TrimSpace(s) == "" {
		return 0, errors.New("is set but empty (a compose file's ${ENVIRONMENT} with nothing behind it?); unset it for development, or give development, test, staging or production")
	}
	return 0, fmt.Errorf("unknown environment %s; use development, test, staging or production, or map it in code with EnvironmentAlias", quote(s))
}

// The names of the environment variables redisconfig reads. Every REDIS_*
// name is first looked up with the service prefix (AUTH_REDIS_HOST for
// Service("auth")), then as written here.
const (
	EnvEnvironment = "ENVIRONMENT"

	EnvURL        = "REDIS_URL"
	EnvHost       = "REDIS_HOST"
	EnvPort       = "REDIS_PORT"
	EnvDB         = "REDIS_DB"
	EnvUsername   = "REDIS_USERNAME"
	EnvPassword   = "REDIS_PASSWORD"
	EnvClientName = "REDIS_CLIENT_NAME"
	EnvProtocol   = "REDIS_PROTOCOL"

	EnvTLS                   = "REDIS_TLS"
	EnvSSL                   = "REDIS_SSL" // alias of REDIS_TLS
	EnvTLSCAFile             = "REDIS_TLS_CA_FILE"
	EnvTLSCertFile           = "REDIS_TLS_CERT_FILE"
	EnvTLSKeyFile            = "REDIS_TLS_KEY_FILE"
	EnvTLSServerName         = "REDIS_TLS_SERVER_NAME"
	EnvTLSMinVersion         = "REDIS_TLS_MIN_VERSION"
	EnvTLSInsecureSkipVerify = "REDIS_TLS_INSECURE_SKIP_VERIFY"

	EnvPoolSize              = "REDIS_POOL_SIZE"
	EnvMinIdleConns          = "REDIS_MIN_IDLE_CONNS"
	EnvMaxIdleConns          = "REDIS_MAX_IDLE_CONNS"
	EnvMaxActiveConns        = "REDIS_MAX_ACTIVE_CONNS"
	EnvMaxConcurrentDials    = "REDIS_MAX_CONCURRENT_DIALS"
	EnvPoolFIFO              = "REDIS_POOL_FIFO"
	EnvPoolTimeout           = "REDIS_POOL_TIMEOUT"
	EnvConnMaxIdleTime       = "REDIS_CONN_MAX_IDLE_TIME"
	EnvConnMaxLifetime       = "REDIS_CONN_MAX_LIFETIME"
	EnvConnMaxLifetimeJitter = "REDIS_CONN_MAX_LIFETIME_JITTER"
	EnvDialTimeout           = "REDIS_DIAL_TIMEOUT"
	EnvReadTimeout           = "REDIS_READ_TIMEOUT"
	EnvWriteTimeout          = "REDIS_WRITE_TIMEOUT"
	EnvMaxRetries            = "REDIS_MAX_RETRIES"
	EnvMinRetryBackoff       = "REDIS_MIN_RETRY_BACKOFF"
	EnvMaxRetryBackoff       = "REDIS_MAX_RETRY_BACKOFF"
	EnvConnectTimeout        = "REDIS_CONNECT_TIMEOUT"
	EnvCertExpiryWarning     = "REDIS_CERT_EXPIRY_WARNING"
	EnvDialerRetries         = "REDIS_DIALER_RETRIES"
	EnvDialerRetryTimeout    = "REDIS_DIALER_RETRY_TIMEOUT"
	EnvContextTimeoutEnabled = "REDIS_CONTEXT_TIMEOUT_ENABLED"
	EnvReadBufferSize        = "REDIS_READ_BUFFER_SIZE"
	EnvWriteBufferSize       = "REDIS_WRITE_BUFFER_SIZE"
	EnvDisableIdentity       = "REDIS_DISABLE_IDENTITY"
	EnvIdentitySuffix        = "REDIS_IDENTITY_SUFFIX"
	EnvUnstableResp3         = "REDIS_UNSTABLE_RESP3"
	EnvFailingTimeoutSeconds = "REDIS_FAILING_TIMEOUT_SECONDS"

	// go-redis v9.23's pipeline pool, latency band and maintenance
	// notifications (issue 13).
	EnvPipelinePoolSize           = "REDIS_PIPELINE_POOL_SIZE"
	EnvPipelineReadBufferSize     = "REDIS_PIPELINE_READ_BUFFER_SIZE"
	EnvPipelineWriteBufferSize    = "REDIS_PIPELINE_WRITE_BUFFER_SIZE"
	EnvRouteByLatencyTolerance    = "REDIS_ROUTE_BY_LATENCY_TOLERANCE"
	EnvMaintNotifications         = "REDIS_MAINT_NOTIFICATIONS"
	EnvMaintNotificationsEndpoint = "REDIS_MAINT_NOTIFICATIONS_ENDPOINT_TYPE"
	EnvMaintNotificationsRelaxed  = "REDIS_MAINT_NOTIFICATIONS_RELAXED_TIMEOUT"
	EnvMaintNotificationsHandoff  = "REDIS_MAINT_NOTIFICATIONS_HANDOFF_TIMEOUT"

	EnvClusterNodes            = "REDIS_CLUSTER_NODES"
	EnvClusterMaxRedirects     = "REDIS_CLUSTER_MAX_REDIRECTS"
	EnvClusterReadOnly         = "REDIS_CLUSTER_READ_ONLY"
	EnvRouteByLatency          = "REDIS_ROUTE_BY_LATENCY"
	EnvRouteRandomly           = "REDIS_ROUTE_RANDOMLY"
	EnvSentinelReplicaOnly     = "REDIS_SENTINEL_REPLICA_ONLY"
	EnvSentinelUseDisconnected = "REDIS_SENTINEL_USE_DISCONNECTED_REPLICAS"
	EnvSentinelMaster          = "REDIS_SENTINEL_MASTER"
	EnvSentinelNodes           = "REDIS_SENTINEL_NODES"
	EnvSentinelUsername        = "REDIS_SENTINEL_USERNAME"
	EnvSentinelPassword        = "REDIS_SENTINEL_PASSWORD"
	EnvPasswordSecret          = "REDIS_PASSWORD_SECRET"
	EnvAuthTokenSecret         = "REDIS_AUTH_TOKEN_SECRET"
	EnvCACertSecret            = "REDIS_CA_CERT_SECRET"
	EnvSecretsTimeout          = "REDIS_SECRETS_TIMEOUT"
	EnvSecretsRefresh          = "REDIS_SECRETS_REFRESH"
	EnvSecretsProject          = "REDIS_SECRETS_PROJECT"
	EnvGoogleCloudProject      = "GOOGLE_CLOUD_PROJECT"
	EnvPasswordFile            = EnvPassword + fileSuffix
	EnvSentinelPasswordFile    = EnvSentinelPassword + fileSuffix

	// issue 14: presets.go, kubernetes.go, tlsverify.go.
	EnvProvider     = "REDIS_PROVIDER"
	EnvAddressFrom  = "REDIS_ADDRESS_FROM"
	EnvTLSVerify    = "REDIS_TLS_VERIFY"
	EnvTLSPinSHA256 = "REDIS_TLS_PIN_SHA256"
)

// fileSuffix names the variable that holds a path to read a secret from:
// REDIS_PASSWORD_FILE for REDIS_PASSWORD.
const fileSuffix = "_FILE"

// profile is one environment's defaults and rules. The profiles table below
// is the only place they live; the README's tables describe it.
type profile struct {
	// defaults are raw values, parsed by the same code as variables.
	defaults map[settingID]string
}

// profiles holds each environment's defaults. The reasoning behind each
// number is in the README ("Defaults per environment"); only what differs
// from go-redis is listed, everything else is left zero for go-redis.
var profiles = [...]profile{
	Development: {
		defaults: map[settingID]string{
			idConnectTimeout:    "5s",
			idCertExpiryWarning: "336h",
			idSecretsTimeout:    "5s",
			idSecretsRefresh:    "5m",
			// go-redis's default is auto; see maintDefault.
			idMaintNotifications: maintDefault,
		},
	},
	Test: {
		defaults: map[settingID]string{
			idDialTimeout:       "1s",
			idReadTimeout:       "1s",
			idWriteTimeout:      "1s",
			idPoolTimeout:       "2s",
			idMaxRetries:        "1",
			idConnectTimeout:    "2s",
			idCertExpiryWarning: "336h",
			idSecretsTimeout:    "2s",
			idSecretsRefresh:    "5m",
			// go-redis's default is auto; see maintDefault.
			idMaintNotifications: maintDefault,
		},
	},
	Staging: {
		defaults: productionDefaults(),
	},
	Production: {
		defaults: productionDefaults(),
	},
}

func productionDefaults() map[settingID]string {
	return map[settingID]string{
		idDialTimeout:       "2s",
		idReadTimeout:       "3s",
		idWriteTimeout:      "3s",
		idPoolTimeout:       "4s",
		idConnMaxIdleTime:   "5m",
		idConnectTimeout:    "1s",
		idCertExpiryWarning: "336h",
		idSecretsTimeout:    "5s",
		idSecretsRefresh:    "5m",
		// go-redis's default is auto; see maintDefault.
		idMaintNotifications: maintDefault,
	}
}

// maintDefault is every environment's maintenance notifications mode:
// disabled, so that open-source Redis, Valkey and managed services without
// the feature get a clean start-up with no CLIENT MAINT_NOTIFICATIONS round
// trip and no endpoint detection; Redis Cloud and Enterprise users set
// REDIS_MAINT_NOTIFICATIONS=enabled (or auto). The README says why.
const maintDefault = "disabled"

// listHosts returns the hosts of a host:port list.
func listHosts(list string) []string {
	if list == "" {
		return nil
	}
	var hosts []string
	for _, a := range strings.Split(list, ",") {
		if h, _, err := net.SplitHostPort(a); err == nil {
			hosts = append(hosts, h)
		}
	}
	return hosts
}
