package redisconfig

import (
	"crypto/tls"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Adding a setting (CONTRIBUTING.md has the whole procedure):
//
//  1. its variable name as an exported constant in environment.go;
//  2. an id below, in the group it belongs to (the order is the debug
//     view's and the README table's);
//  3. its row in the settings table: name, variable, URL parameter and the
//     grammars that take it, topologies, setter, kind and range, and apply,
//     which puts the value into redis.UniversalOptions (every output is
//     derived from that, TestOutputsCarryEverySetting checks it);
//  4. its setter on the sub-builder the row names (TestEverySettingHasASetter);
//  5. a profile default in environment.go only if an environment needs one;
//  6. REDISCONFIG_UPDATE_README=1 go test -run TestREADME . and a test of
//     the behaviour.
//
// Nothing else needs to change: parsing, conflicts, provenance, the debug
// view, the typed view and the README table all read this table.

// settingID indexes the settings table. The order is the order of the debug
// view and of the README's variable table.
type settingID int

const (
	idHost settingID = iota
	idPort
	idSocket
	idDB
	idUsername
	idPassword
	idClientName
	idProtocol
	idProvider    // issue 14: presets.go
	idAddressFrom // issue 14: kubernetes.go

	idTLS
	idTLSCAFile
	idTLSCertFile
	idTLSKeyFile
	idTLSServerName
	idTLSMinVersion
	idTLSSkipVerify
	idTLSVerify // issue 14: tlsverify.go
	idTLSPins   // issue 14: tlsverify.go

	idPoolSize
	idMinIdleConns
	idMaxIdleConns
	idMaxActiveConns
	idMaxConcurrentDials
	idPoolFIFO
	idPoolTimeout
	idConnMaxIdleTime
	idConnMaxLifetime
	idConnMaxLifetimeJitter
	idDialTimeout
	idReadTimeout
	idWriteTimeout
	idMaxRetries
	idMinRetryBackoff
	idMaxRetryBackoff
	idDialerRetries
	idDialerRetryTimeout
	idContextTimeoutEnabled
	idReadBufferSize
	idWriteBufferSize
	idDisableIdentity
	idIdentitySuffix
	idUnstableResp3
	idFailingTimeoutSeconds

	// go-redis v9.23 (issue 13): the pipeline pool and maintenance
	// notifications. Their setters and rules are in platform.go.
	idPipelinePoolSize
	idPipelineReadBufferSize
	idPipelineWriteBufferSize
	idMaintNotifications
	idMaintEndpointType
	idMaintRelaxedTimeout
	idMaintHandoffTimeout

	idClusterNodes
	idMaxRedirects
	idReadOnly
	idRouteByLatency
	idRouteByLatencyTolerance // go-redis v9.23 (issue 13)
	idRouteRandomly
	idSentinelMaster
	idSentinelNodes
	idSentinelUsername
	idSentinelPassword
	idReplicaOnly
	idUseDisconnectedReplicas

	idPasswordSecret
	idAuthTokenSecret
	idCACertSecret
	idSecretsTimeout
	idSecretsRefresh

	// cloudauth: token authentication (authmethod.go, token.go)
	idAuth
	idAuthReauth
	idAWSUserID
	idAWSCacheName
	idAWSRegion
	idAWSServerless
	idAWSService
	idAzureObjectID
	idGCPImpersonate

	idConnectTimeout
	idCertExpiryWarning

	numSettings
)

// valueKind says how a setting's text parses and how its value prints.
type valueKind int

const (
	kindString valueKind = iota
	kindHost
	kindSecret
	kindPath
	kindInt
	kindBool
	kindDuration
	kindTLSVersion
	kindAddrList
)

// grammar is a set of URL grammars (go-redis's ParseURL, ParseClusterURL,
// ParseFailoverURL) that accept a query parameter. Zero means all three.
type grammar uint8

const (
	grammarStandalone grammar = 1 << iota
	grammarCluster
	grammarFailover
)

// settingDef declares one setting: every place it can come from and how it
// parses. Resolution, validation, the debug view and the README's variable
// table all read this one table.
type settingDef struct {
	name   string   // stable name in the debug view
	env    string   // generic variable; the service prefix is put in front of it
	alias  string   // second variable name for the same form (REDIS_SSL)
	file   bool     // env+"_FILE" names a file holding the value
	param  string   // REDIS_URL query parameter
	legacy string   // older name of param that go-redis's ParseURL still accepts
	urls   grammar  // the URL grammars that take param (zero: all)
	topos  topoMask // the topologies the setting means something in (zero: all)
	method string   // the code setter, for errors and provenance
	kind   valueKind
	// min and max bound ints; for durations, min 0 means "positive only".
	min, max int64
	// disable: for durations, zero or negative means "disabled" (-1 in
	// go-redis); for ints, -1 means disabled.
	disable bool
	// tlsOnly: the setting means nothing with TLS off (set anyway, it is a
	// conflict).
	tlsOnly bool
	// secret is the default name of the secret the setting names, for the
	// settings that name a secret in the secret source.
	secret string
	// validate checks what the kind's parse cannot: a rule of this one
	// setting. It returns the problem, or "".
	validate func(raw string, v value) string
	doc      string
	// apply puts the value into go-redis's options. UniversalOptions is the
	// one type that carries every field; Options, ClusterOptions and
	// FailoverOptions are derived from it (goredis.go). nil for settings
	// that land elsewhere (the address, TLS, credentials, Connect's
	// deadline) or nowhere in go-redis.
	apply func(*redis.UniversalOptions, value)
}

const maxInt32 = math.MaxInt32

var settings = [numSettings]settingDef{
	idHost:       {name: "host", env: EnvHost, topos: topoStandalone, method: "Connection().Host", kind: kindHost, doc: "host name or IP address"},
	idPort:       {name: "port", env: EnvPort, topos: topoStandalone, method: "Connection().Port", kind: kindInt, min: 1, max: 65535, validate: portDigits, doc: "TCP port (default 6379)"},
	idSocket:     {name: "socket", topos: topoStandalone, method: "Connection().UnixSocket", kind: kindPath, doc: "unix socket path (unix:// URL or code)"},
	idDB:         {name: "db", env: EnvDB, param: "db", urls: grammarStandalone | grammarFailover, topos: topoStandalone | topoSentinel, method: "Connection().DB", kind: kindInt, min: 0, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.DB = v.int() }, doc: "database number"},
	idUsername:   {name: "username", env: EnvUsername, param: "username", urls: grammarFailover, method: "Connection().Username", kind: kindString, apply: func(o *redis.UniversalOptions, v value) { o.Username = v.s }, doc: "ACL user name"},
	idPassword:   {name: "password", env: EnvPassword, file: true, param: "password", urls: grammarFailover, method: "Connection().Password", kind: kindSecret, doc: "password; REDIS_PASSWORD_FILE reads it from a file"},
	idClientName: {name: "client_name", env: EnvClientName, param: "client_name", method: "Connection().ClientName", kind: kindString, validate: clientNameChars, apply: func(o *redis.UniversalOptions, v value) { o.ClientName = v.s }, doc: "CLIENT SETNAME (default: the service name)"},
	idProtocol:   {name: "protocol", env: EnvProtocol, param: "protocol", method: "Connection().Protocol", kind: kindInt, min: 2, max: 3, apply: func(o *redis.UniversalOptions, v value) { o.Protocol = v.int() }, doc: "RESP version, 2 or 3 (go-redis default 3)"},

	// issue 14: presets.go and kubernetes.go validate these two.
	idProvider:    {name: "provider", env: EnvProvider, method: "Connection().Provider", kind: kindString, doc: "managed-service preset: oss (default), memorystore, elasticache, ... (see \"Provider presets\")"},
	idAddressFrom: {name: "address_from", env: EnvAddressFrom, topos: topoStandalone, method: "Connection().AddressFrom", kind: kindString, doc: "kubernetes (or kubernetes:SERVICE): take host and port from Kubernetes service links"},

	idTLS:           {name: "tls", env: EnvTLS, alias: EnvSSL, method: "TLS().Enable", kind: kindBool, doc: "connect over TLS (rediss:// sets it)"},
	idTLSCAFile:     {name: "tls_ca_file", env: EnvTLSCAFile, method: "TLS().CAFile", tlsOnly: true, kind: kindPath, doc: "PEM bundle of CAs to trust instead of the system roots"},
	idTLSCertFile:   {name: "tls_cert_file", env: EnvTLSCertFile, method: "TLS().ClientCertFile", tlsOnly: true, kind: kindPath, doc: "PEM client certificate (with REDIS_TLS_KEY_FILE)"},
	idTLSKeyFile:    {name: "tls_key_file", env: EnvTLSKeyFile, method: "TLS().ClientCertFile", tlsOnly: true, kind: kindPath, doc: "PEM client private key (with REDIS_TLS_CERT_FILE)"},
	idTLSServerName: {name: "tls_server_name", env: EnvTLSServerName, method: "TLS().ServerName", tlsOnly: true, kind: kindHost, doc: "name to verify the server certificate against (default: the host)"},
	idTLSMinVersion: {name: "tls_min_version", env: EnvTLSMinVersion, method: "TLS().MinVersion", tlsOnly: true, kind: kindTLSVersion, doc: "1.2 (default) or 1.3"},
	idTLSSkipVerify: {name: "tls_insecure_skip_verify", env: EnvTLSInsecureSkipVerify, param: "skip_verify", urls: grammarStandalone | grammarFailover, method: "TLS().InsecureSkipVerify", tlsOnly: true, kind: kindBool, doc: "skip certificate verification (never in staging or production)"},
	// issue 14: tlsverify.go validates these two.
	idTLSVerify: {name: "tls_verify", env: EnvTLSVerify, method: "TLS().Verify", tlsOnly: true, kind: kindString, doc: "full (default), ca-only (chain, not the host name) or pinned (see \"TLS verification modes\")"},
	idTLSPins:   {name: "tls_pin_sha256", env: EnvTLSPinSHA256, method: "TLS().Pins", tlsOnly: true, kind: kindString, doc: "comma-separated SHA-256 (hex) of the server certificate or its public key, for pinned"},

	idPoolSize:              {name: "pool_size", env: EnvPoolSize, param: "pool_size", method: "Pool().Size", kind: kindInt, min: 0, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.PoolSize = v.int() }, doc: "connections per node (go-redis default 10 per CPU)"},
	idMinIdleConns:          {name: "min_idle_conns", env: EnvMinIdleConns, param: "min_idle_conns", method: "Pool().MinIdleConns", kind: kindInt, min: 0, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.MinIdleConns = v.int() }, doc: "idle connections kept open"},
	idMaxIdleConns:          {name: "max_idle_conns", env: EnvMaxIdleConns, param: "max_idle_conns", method: "Pool().MaxIdleConns", kind: kindInt, min: 0, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.MaxIdleConns = v.int() }, doc: "idle connections at most (0: no limit)"},
	idMaxActiveConns:        {name: "max_active_conns", env: EnvMaxActiveConns, param: "max_active_conns", method: "Pool().MaxActiveConns", kind: kindInt, min: 0, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.MaxActiveConns = v.int() }, doc: "connections at most (0: no limit)"},
	idMaxConcurrentDials:    {name: "max_concurrent_dials", env: EnvMaxConcurrentDials, param: "max_concurrent_dials", method: "Pool().MaxConcurrentDials", kind: kindInt, min: 0, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.MaxConcurrentDials = v.int() }, doc: "dials in flight at most (default: the pool size)"},
	idPoolFIFO:              {name: "pool_fifo", env: EnvPoolFIFO, param: "pool_fifo", method: "Pool().FIFO", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.PoolFIFO = v.bool() }, doc: "hand out connections first-in first-out"},
	idPoolTimeout:           {name: "pool_timeout", env: EnvPoolTimeout, param: "pool_timeout", method: "Pool().Timeout", kind: kindDuration, apply: func(o *redis.UniversalOptions, v value) { o.PoolTimeout = v.duration() }, doc: "wait for a free connection at most"},
	idConnMaxIdleTime:       {name: "conn_max_idle_time", env: EnvConnMaxIdleTime, param: "conn_max_idle_time", legacy: "idle_timeout", method: "Pool().ConnMaxIdleTime", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.ConnMaxIdleTime = v.duration() }, doc: "close connections idle longer (0: never)"},
	idConnMaxLifetime:       {name: "conn_max_lifetime", env: EnvConnMaxLifetime, param: "conn_max_lifetime", legacy: "max_conn_age", method: "Pool().ConnMaxLifetime", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.ConnMaxLifetime = v.duration() }, doc: "close connections older (0: never)"},
	idConnMaxLifetimeJitter: {name: "conn_max_lifetime_jitter", env: EnvConnMaxLifetimeJitter, param: "conn_max_lifetime_jitter", method: "Pool().ConnMaxLifetimeJitter", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.ConnMaxLifetimeJitter = v.duration() }, doc: "random spread of conn_max_lifetime"},
	idDialTimeout:           {name: "dial_timeout", env: EnvDialTimeout, param: "dial_timeout", method: "Pool().DialTimeout", kind: kindDuration, apply: func(o *redis.UniversalOptions, v value) { o.DialTimeout = v.duration() }, doc: "establish a connection at most"},
	idReadTimeout:           {name: "read_timeout", env: EnvReadTimeout, param: "read_timeout", method: "Pool().ReadTimeout", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.ReadTimeout = v.duration() }, doc: "wait for a reply at most (0: no timeout)"},
	idWriteTimeout:          {name: "write_timeout", env: EnvWriteTimeout, param: "write_timeout", method: "Pool().WriteTimeout", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.WriteTimeout = v.duration() }, doc: "write a command at most (0: no timeout)"},
	idMaxRetries:            {name: "max_retries", env: EnvMaxRetries, param: "max_retries", method: "Pool().MaxRetries", kind: kindInt, min: -1, max: maxInt32, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.MaxRetries = v.int() }, doc: "retries of a failed command (-1: none; go-redis default 3)"},
	idMinRetryBackoff:       {name: "min_retry_backoff", env: EnvMinRetryBackoff, param: "min_retry_backoff", method: "Pool().RetryBackoff", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.MinRetryBackoff = v.duration() }, doc: "shortest wait between retries (0: none)"},
	idMaxRetryBackoff:       {name: "max_retry_backoff", env: EnvMaxRetryBackoff, param: "max_retry_backoff", method: "Pool().RetryBackoff", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.MaxRetryBackoff = v.duration() }, doc: "longest wait between retries (0: none)"},

	idDialerRetries:         {name: "dialer_retries", env: EnvDialerRetries, param: "dialer_retries", urls: grammarCluster | grammarFailover, method: "Pool().DialerRetries", kind: kindInt, min: 1, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.DialerRetries = v.int() }, doc: "dial attempts per connection (go-redis default 5)"},
	idDialerRetryTimeout:    {name: "dialer_retry_timeout", env: EnvDialerRetryTimeout, param: "dialer_retry_timeout", urls: grammarCluster | grammarFailover, method: "Pool().DialerRetryTimeout", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.DialerRetryTimeout = v.duration() }, doc: "wait between dial attempts (go-redis default 100ms)"},
	idContextTimeoutEnabled: {name: "context_timeout_enabled", env: EnvContextTimeoutEnabled, param: "context_timeout_enabled", urls: grammarFailover, method: "Pool().ContextTimeout", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.ContextTimeoutEnabled = v.bool() }, doc: "let context deadlines bound commands"},
	idReadBufferSize:        {name: "read_buffer_size", env: EnvReadBufferSize, method: "Pool().ReadBufferSize", kind: kindInt, min: 0, max: maxBufferSize, apply: func(o *redis.UniversalOptions, v value) { o.ReadBufferSize = v.int() }, doc: "bytes of each connection's read buffer (go-redis default 32 KiB)"},
	idWriteBufferSize:       {name: "write_buffer_size", env: EnvWriteBufferSize, method: "Pool().WriteBufferSize", kind: kindInt, min: 0, max: maxBufferSize, apply: func(o *redis.UniversalOptions, v value) { o.WriteBufferSize = v.int() }, doc: "bytes of each connection's write buffer (go-redis default 32 KiB)"},
	idDisableIdentity:       {name: "disable_identity", env: EnvDisableIdentity, param: "disableIdentity", urls: grammarFailover, method: "Connection().DisableIdentity", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.DisableIdentity = v.bool() }, doc: "skip CLIENT SETINFO on connect"},
	idIdentitySuffix:        {name: "identity_suffix", env: EnvIdentitySuffix, param: "identitySuffix", urls: grammarFailover, method: "Connection().IdentitySuffix", kind: kindString, apply: func(o *redis.UniversalOptions, v value) { o.IdentitySuffix = v.s }, doc: "suffix of the CLIENT SETINFO library name"},
	idUnstableResp3:         {name: "unstable_resp3", env: EnvUnstableResp3, param: "unstable_resp3", urls: grammarFailover, method: "Connection().UnstableResp3", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.UnstableResp3 = v.bool() }, doc: "allow RESP3 replies go-redis marks unstable"},
	idFailingTimeoutSeconds: {name: "failing_timeout_seconds", env: EnvFailingTimeoutSeconds, param: "failing_timeout_seconds", urls: grammarCluster, method: "Cluster().FailingTimeout", kind: kindInt, min: 1, max: maxInt32, apply: func(o *redis.UniversalOptions, v value) { o.FailingTimeoutSeconds = v.int() }, doc: "seconds a failing cluster node is avoided (go-redis default 15)"},

	// go-redis v9.23 (issue 13): the dedicated pipeline pool and
	// maintenance notifications. Setters, value checks and rules: platform.go.
	idPipelinePoolSize:        {name: "pipeline_pool_size", env: EnvPipelinePoolSize, param: "pipeline_pool_size", method: "Pool().PipelinePoolSize", kind: kindInt, min: -1, max: maxInt32, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.PipelinePoolSize = v.int() }, doc: "connections for pipelines, on top of max_active_conns (-1: pipelines share the command pool; go-redis default 10)"},
	idPipelineReadBufferSize:  {name: "pipeline_read_buffer_size", env: EnvPipelineReadBufferSize, param: "pipeline_read_buffer_size", method: "Pool().PipelineBufferSizes", kind: kindInt, min: 0, max: maxBufferSize, apply: func(o *redis.UniversalOptions, v value) { o.PipelineReadBufferSize = v.int() }, doc: "read buffer of each pipeline connection, bytes (go-redis default 128 KiB)"},
	idPipelineWriteBufferSize: {name: "pipeline_write_buffer_size", env: EnvPipelineWriteBufferSize, param: "pipeline_write_buffer_size", method: "Pool().PipelineBufferSizes", kind: kindInt, min: 0, max: maxBufferSize, apply: func(o *redis.UniversalOptions, v value) { o.PipelineWriteBufferSize = v.int() }, doc: "write buffer of each pipeline connection, bytes (go-redis default 128 KiB)"},
	idMaintNotifications:      {name: "maint_notifications", env: EnvMaintNotifications, method: "Connection().MaintNotifications", kind: kindString, validate: maintModeValue, apply: applyMaintMode, doc: "maintenance notifications (Redis Cloud / Enterprise): disabled, auto or enabled"},
	idMaintEndpointType:       {name: "maint_notifications_endpoint_type", env: EnvMaintNotificationsEndpoint, method: "Connection().MaintEndpointType", kind: kindString, validate: maintEndpointValue, apply: applyMaintEndpoint, doc: "endpoint a MOVING notification names: auto, internal-ip, internal-fqdn, external-ip, external-fqdn or none"},
	idMaintRelaxedTimeout:     {name: "maint_notifications_relaxed_timeout", env: EnvMaintNotificationsRelaxed, method: "Connection().MaintRelaxedTimeout", kind: kindDuration, apply: applyMaintRelaxed, doc: "read and write timeout while a node is migrating or failing over (go-redis default 10s)"},
	idMaintHandoffTimeout:     {name: "maint_notifications_handoff_timeout", env: EnvMaintNotificationsHandoff, method: "Connection().MaintHandoffTimeout", kind: kindDuration, apply: applyMaintHandoff, doc: "moving a connection to a node's new endpoint at most (go-redis default 15s)"},

	idClusterNodes:            {name: "cluster_nodes", env: EnvClusterNodes, topos: topoCluster, method: "Cluster().Nodes", kind: kindAddrList, doc: "comma-separated host:port seed nodes; selects cluster"},
	idMaxRedirects:            {name: "max_redirects", env: EnvClusterMaxRedirects, param: "max_redirects", urls: grammarCluster, topos: topoCluster, method: "Cluster().MaxRedirects", kind: kindInt, min: -1, max: maxInt32, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.MaxRedirects = v.int() }, doc: "MOVED/ASK redirects followed (-1: none; go-redis default 3)"},
	idReadOnly:                {name: "read_only", env: EnvClusterReadOnly, param: "read_only", urls: grammarCluster, topos: topoCluster, method: "Cluster().ReadOnly", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.ReadOnly = v.bool() }, doc: "send read-only commands to replicas"},
	idRouteByLatency:          {name: "route_by_latency", env: EnvRouteByLatency, param: "route_by_latency", urls: grammarCluster | grammarFailover, topos: topoCluster | topoSentinel, method: "Cluster().RouteByLatency", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.RouteByLatency = v.bool() }, doc: "read-only commands to the closest node"},
	idRouteByLatencyTolerance: {name: "route_by_latency_tolerance", env: EnvRouteByLatencyTolerance, param: "route_by_latency_tolerance", urls: grammarCluster | grammarFailover, topos: topoCluster | topoSentinel, method: "Cluster().RouteByLatencyTolerance", kind: kindDuration, disable: true, apply: func(o *redis.UniversalOptions, v value) { o.RouteByLatencyTolerance = v.duration() }, doc: "with route_by_latency, any node this close to the fastest (0: the fastest only)"},
	idRouteRandomly:           {name: "route_randomly", env: EnvRouteRandomly, param: "route_randomly", urls: grammarCluster | grammarFailover, topos: topoCluster | topoSentinel, method: "Cluster().RouteRandomly", kind: kindBool, apply: func(o *redis.UniversalOptions, v value) { o.RouteRandomly = v.bool() }, doc: "read-only commands to a random node"},
	idSentinelMaster:          {name: "sentinel_master", env: EnvSentinelMaster, param: "master_name", urls: grammarFailover, topos: topoSentinel, method: "Sentinel().Master", kind: kindString, apply: func(o *redis.UniversalOptions, v value) { o.MasterName = v.s }, doc: "master name the sentinels watch; selects sentinel"},
	idSentinelNodes:           {name: "sentinel_nodes", env: EnvSentinelNodes, topos: topoSentinel, method: "Sentinel().Nodes", kind: kindAddrList, doc: "comma-separated host:port sentinels"},
	idSentinelUsername:        {name: "sentinel_username", env: EnvSentinelUsername, topos: topoSentinel, method: "Sentinel().Username", kind: kindString, apply: func(o *redis.UniversalOptions, v value) { o.SentinelUsername = v.s }, doc: "ACL user for the sentinels"},
	idSentinelPassword:        {name: "sentinel_password", env: EnvSentinelPassword, file: true, topos: topoSentinel, method: "Sentinel().Password", kind: kindSecret, apply: func(o *redis.UniversalOptions, v value) { o.SentinelPassword = v.sec.Reveal() }, doc: "password for the sentinels; _FILE reads it from a file"},
	idReplicaOnly:             {name: "replica_only", env: EnvSentinelReplicaOnly, param: "replica_only", urls: grammarFailover, topos: topoSentinel, method: "Sentinel().ReplicaOnly", kind: kindBool, doc: "connect to replicas only"},
	idUseDisconnectedReplicas: {name: "use_disconnected_replicas", env: EnvSentinelUseDisconnected, param: "use_disconnected_replicas", urls: grammarFailover, topos: topoSentinel, method: "Sentinel().UseDisconnectedReplicas", kind: kindBool, doc: "also use replicas cut off from the master"},

	idPasswordSecret:  {name: "password_secret", env: EnvPasswordSecret, method: "Secrets().PasswordSecret", secret: "redis-password", kind: kindString, doc: "secret holding the password (default redis-password, with a source)"},
	idAuthTokenSecret: {name: "auth_token_secret", env: EnvAuthTokenSecret, method: "Secrets().AuthTokenSecret", secret: "redis-auth-token", kind: kindString, doc: "secret holding a rotating auth token (default redis-auth-token)"},
	idCACertSecret:    {name: "ca_cert_secret", env: EnvCACertSecret, method: "Secrets().CACertSecret", secret: "redis-ca-cert", kind: kindString, doc: "secret holding the CA bundle (default redis-ca-cert)"},
	idSecretsTimeout:  {name: "secrets_timeout", env: EnvSecretsTimeout, method: "Secrets().Timeout", kind: kindDuration, doc: "fetching all secrets at Build, and each refresh, at most"},
	idSecretsRefresh:  {name: "secrets_refresh", env: EnvSecretsRefresh, method: "Secrets().Refresh", kind: kindDuration, disable: true, doc: "read a rotating password, token or CA bundle again this often (0: never)"},

	// cloudauth: token authentication (authmethod.go, token.go)
	idAuth:           {name: "auth", env: EnvAuth, method: "Connection().AuthMethod", kind: kindString, doc: "cloud identity tokens instead of a password: gcp-iam, aws-iam or azure-entra (import the adapter)"},
	idAuthReauth:     {name: "auth_reauth", env: EnvAuthReauth, method: "Connection().TokenReauth", kind: kindBool, doc: "re-authenticate live connections when the token rotates (default: true, false for gcp-iam and with sentinel)"},
	idAWSUserID:      {name: "aws_user_id", env: EnvAWSUserID, method: "Connection().AWSUserID", kind: kindString, doc: "the IAM-enabled user's id, equal to its name (aws-iam)"},
	idAWSCacheName:   {name: "aws_cache_name", env: EnvAWSCacheName, method: "Connection().AWSCacheName", kind: kindString, doc: "the replication group, serverless cache or MemoryDB cluster name (aws-iam)"},
	idAWSRegion:      {name: "aws_region", env: EnvAWSRegion, method: "Connection().AWSRegion", kind: kindString, doc: "the cache's region (aws-iam)"},
	idAWSServerless:  {name: "aws_serverless", env: EnvAWSServerless, method: "Connection().AWSServerless", kind: kindBool, doc: "an ElastiCache serverless cache (aws-iam)"},
	idAWSService:     {name: "aws_service", env: EnvAWSService, method: "Connection().AWSService", kind: kindString, doc: "elasticache (default) or memorydb (aws-iam)"},
	idAzureObjectID:  {name: "azure_object_id", env: EnvAzureObjectID, method: "Connection().AzureObjectID", kind: kindString, doc: "the principal's object id, the AUTH user (azure-entra; default: the token's oid claim)"},
	idGCPImpersonate: {name: "gcp_impersonate", env: EnvGCPImpersonate, method: "Connection().GCPImpersonate", kind: kindString, doc: "service account to impersonate for the token (gcp-iam)"},

	idCertExpiryWarning: {name: "cert_expiry_warning", env: EnvCertExpiryWarning, method: "Monitoring().CertExpiryWarning", kind: kindDuration, disable: true, doc: "health warns when the server certificate expires sooner"},
	idConnectTimeout:    {name: "connect_timeout", env: EnvConnectTimeout, method: "Monitoring().ConnectTimeout", kind: kindDuration, doc: "Connect's start-up check (dial and PING) at most"},
}

// fromURL reports whether a URL can give the setting: its parameter, or
// a part of the URL itself (address, user, password, database, scheme).
func (d *settingDef) fromURL() bool {
	if d.param != "" {
		return true
	}
	switch d.name {
	case "host", "port", "socket", "tls", "cluster_nodes", "sentinel_nodes", "sentinel_username", "sentinel_password":
		return true
	}
	return false
}

// value is a resolved setting: text for strings and paths; a number for
// ints, bools (0/1), durations (nanoseconds, -1 disabled) and TLS versions;
// a Secret for secrets, so that no way of printing a Config reaches one.
type value struct {
	s   string
	n   int64
	sec Secret
}

// equal compares two values of one setting (secrets by their text).
func (v value) equal(w value) bool {
	return v.s == w.s && v.n == w.n && v.sec.Reveal() == w.sec.Reveal()
}

func (v value) bool() bool              { return v.n != 0 }
func (v value) int() int                { return int(v.n) }
func (v value) duration() time.Duration { return time.Duration(v.n) }

func boolValue(b bool) value {
	if b {
		return value{n: 1}
	}
	return value{}
}

// display renders v for the debug view and String; secrets never show.
func (d *settingDef) display(v value) string {
	switch d.kind {
	case kindSecret:
		return redacted
	case kindInt:
		return strconv.FormatInt(v.n, 10)
	case kindBool:
		return strconv.FormatBool(v.bool())
	case kindDuration:
		if v.n < 0 {
			return "disabled"
		}
		return formatDuration(v.duration())
	case kindTLSVersion:
		return tlsVersionName(uint16(v.n))
	}
	return v.s
}

// parse turns a variable's (or a URL component's) text into a value and
// checks it. Problems are phrased to follow the name of where the text came
// from and never hold the text: withValue adds it where that is safe.
func (d *settingDef) parse(raw string) (value, string) {
	if raw == "" {
		return value{}, "is empty; unset it or give a value"
	}
	if strings.TrimSpace(raw) != raw {
		return value{}, "has leading or trailing white space"
	}
	var v value
	switch d.kind {
	case kindInt:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return value{}, "must be a whole number" + d.rangeText()
		}
		v.n = int64(n)
	case kindBool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return value{}, "must be true or false (or 1, 0, t, f, True, FALSE: what Go's strconv.ParseBool takes)" + boolHint(raw)
		}
		v = boolValue(b)
	case kindDuration:
		d, ok := parseDuration(raw)
		if !ok {
			return value{}, "must be a duration such as 250ms or 2s, or a whole number of seconds"
		}
		v.n = int64(d)
	case kindSecret:
		v.sec = NewSecret(raw)
	case kindAddrList:
		list, problem := parseAddrList(raw)
		if problem != "" {
			return value{}, problem
		}
		v.s = list
	case kindTLSVersion:
		ver, problem := parseTLSVersion(raw)
		if problem != "" {
			return value{}, problem
		}
		v.n = int64(ver)
	default:
		v.s = raw
	}
	if d.validate != nil {
		if problem := d.validate(raw, v); problem != "" {
			return value{}, problem
		}
	}
	if d.kind == kindAddrList {
		return v, "" // parseAddrList has just checked every entry
	}
	return v, d.check(v)
}

// boolHint answers the spellings other tools take for a boolean.
func boolHint(raw string) string {
	switch strings.ToLower(raw) {
	case "yes", "on", "y", "enabled", "enable":
		return "; write true"
	case "no", "off", "n", "disabled", "disable":
		return "; write false"
	}
	return ""
}

// portDigits: go-redis keeps "06379" as written in Addr; a port is digits
// without a sign or leading zero, so both read it alike.
func portDigits(raw string, _ value) string {
	if raw != "" && (raw[0] < '1' || raw[0] > '9') {
		return "must be a port number from 1 to 65535, written without a sign or leading zero"
	}
	return ""
}

// clientNameChars: Redis refuses spaces and non-ASCII in CLIENT SETNAME.
func clientNameChars(_ string, v value) string {
	for _, r := range v.s {
		if r <= ' ' || r >= 0x7f {
			return "must be printable ASCII without spaces (Redis refuses others in CLIENT SETNAME)"
		}
	}
	return ""
}

// parseDuration reads a duration as go-redis's URLs do: a bare integer is
// seconds, anything else is Go syntax; zero or less means disabled (-1).
func parseDuration(s string) (time.Duration, bool) {
	if last := s[len(s)-1]; last >= '0' && last <= '9' {
		// Bare seconds. (Go syntax always ends in a unit, except "0",
		// which Atoi reads too.)
		i, err := strconv.Atoi(s)
		switch {
		case err != nil, int64(i) > math.MaxInt64/int64(time.Second):
			return 0, false
		case i <= 0:
			return -1, true
		}
		return time.Duration(i) * time.Second, true
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, false
	}
	if d <= 0 {
		return -1, true
	}
	return d, true
}

// check validates a value however it arrived (code, variable, URL). It
// returns the problem, or "" when the value is fine.
func (d *settingDef) check(v value) string {
	switch d.kind {
	case kindInt:
		if v.n < d.min || v.n > d.max {
			return "must be a whole number" + d.rangeText()
		}
	case kindDuration:
		if v.n <= 0 && !d.disable {
			return "must be a positive duration; this timeout cannot be disabled"
		}
	case kindSecret:
		text := v.sec.Reveal()
		if text == "" {
			return "is empty; unset it or give a value"
		}
		if strings.TrimSpace(text) != text {
			return "has leading or trailing white space (a newline at the end of a file is dropped, nothing else)"
		}

	case kindString, kindPath:
		if v.s == "" {
			return "is empty; unset it or give a value"
		}
		if strings.TrimSpace(v.s) != v.s {
			// parse says so for variables; this is for code, which
			// must not make a blank user name (or a padded master
			// name) what no variable can be.
			return "has leading or trailing white space"
		}
		if d.validate != nil {
			if problem := d.validate(v.s, v); problem != "" {
				return problem
			}
		}
		if strings.ContainsRune(v.s, 0) {
			return "contains a NUL byte"
		}
	case kindHost:
		return checkHost(v.s)
	case kindAddrList:
		if _, problem := parseAddrList(v.s); problem != "" {
			return problem
		}
	case kindTLSVersion:
		if v.n != tls.VersionTLS12 && v.n != tls.VersionTLS13 {
			return "must be 1.2 or 1.3; TLS 1.0 and 1.1 are refused"
		}
	}
	return ""
}

func (d *settingDef) rangeText() string {
	if d.min == -1 {
		return fmt.Sprintf(" from 0 to %d, or -1 to disable", d.max)
	}
	return fmt.Sprintf(" from %d to %d", d.min, d.max)
}

func checkHost(h string) string {
	switch {
	case h == "":
		return "is empty; unset it or give a value"
	case strings.Contains(h, "://"):
		return "looks like a URL; put URLs in " + EnvURL
	case net.ParseIP(h) != nil, isIPv6WithZone(h):
		return ""
	case strings.ContainsRune(h, ':'):
		return "must be a host name or IP address without a port; put the port in " + EnvPort
	case len(h) > 253:
		return "is longer than a host name can be (253 characters)"
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return "is not a valid host name (each dot-separated part has 1 to 63 characters)"
		}
	}
	for _, r := range h {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`/\@?#[]%"'`, r) {
			return "is not a valid host name"
		}
	}
	return ""
}

func parseTLSVersion(s string) (uint16, string) {
	switch strings.TrimPrefix(strings.ToLower(s), "tls") {
	case "1.2", "12":
		return tls.VersionTLS12, ""
	case "1.3", "13":
		return tls.VersionTLS13, ""
	case "1.0", "10", "1.1", "11":
		return 0, "must be 1.2 or 1.3; TLS 1.0 and 1.1 are refused"
	}
	return 0, "must be 1.2 or 1.3"
}

func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "1.2"
	case tls.VersionTLS13:
		return "1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// withValue adds the offending text to a problem, for variables and code
// only: never for a secret, and never for a part of a URL, which may be a
// piece of a password that a malformed URL put in the wrong place.
func (d *settingDef) withValue(problem, text string) string {
	if d.hidesValue() || problem == "" {
		return problem
	}
	return problem + ", got " + quote(text)
}

// quote prints a non-secret value in an error, cut short so that a huge
// value cannot flood a log.
func quote(s string) string {
	const most = 64
	if len(s) > most {
		return strconv.Quote(s[:most]) + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return strconv.Quote(s)
}

// isIPv6WithZone accepts a link-local address with its zone, "fe80::1%eth0".
func isIPv6WithZone(h string) bool {
	i := strings.IndexByte(h, '%')
	return i > 0 && i < len(h)-1 && net.ParseIP(h[:i]) != nil && strings.Contains(h[:i], ":")
}

// parseAddrList checks a comma-separated host:port list and returns it with
// the spaces around its commas removed.
func parseAddrList(raw string) (string, string) {
	parts := strings.Split(raw, ",")
	seen := make(map[string]bool, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		host, port, err := net.SplitHostPort(p)
		if err != nil || host == "" {
			return "", fmt.Sprintf("entry %d must be host:port ([::1]:6379 for IPv6)", i+1)
		}
		if problem := checkHost(host); problem != "" {
			return "", fmt.Sprintf("entry %d: host %s", i+1, problem)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] < '1' || port[0] > '9' {
			// Digits only, as REDIS_PORT (portDigits): "h:+5" and
			// "h:06379" dial the same node as "h:5" and "h:6379" but
			// name it otherwise than the cluster's own replies do, and
			// slip past the duplicate check.
			return "", fmt.Sprintf("entry %d: port must be a number from 1 to 65535, written without a sign or leading zero", i+1)
		}
		p = net.JoinHostPort(host, port)
		if seen[p] {
			return "", fmt.Sprintf("entry %d: %s is listed twice", i+1, p)
		}
		seen[p] = true
		parts[i] = p
	}
	return strings.Join(parts, ","), ""
}
