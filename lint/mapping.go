package redisconfiglint

// This file is the one place that knows which redisconfig setter replaces
// which go-redis option field. TestSetterTable checks every entry against
// the builder types by reflection, so a renamed or retyped setter fails a
// test instead of generating code that does not compile.

// setter is the builder call that replaces one go-redis option field.
type setter struct {
	group  string   // the sub-builder: Connection, Pool, TLS, Cluster or Sentinel
	method string   // the setter on that sub-builder
	params []string // its parameter types as reflect prints them ("...string" when variadic)
	env    string   // the variable the builder reads for the same setting, "" if none
}

// Parameter types used by the table.
const (
	tString   = "string"
	tInt      = "int"
	tBool     = "bool"
	tDuration = "time.Duration"
)

// groups is the order in which a generated chain visits the sub-builders.
var groups = []string{"Connection", "Pool", "TLS", "Cluster", "Sentinel"}

// setters maps a go-redis option field to its setter. A key "Type.Field"
// applies to that options type only and wins over the plain field name.
var setters = map[string]setter{
	"Addr":                  {"Connection", "Addr", []string{tString}, ""},
	"DB":                    {"Connection", "DB", []string{tInt}, "REDIS_DB"},
	"Username":              {"Connection", "Username", []string{tString}, "REDIS_USERNAME"},
	"Password":              {"Connection", "Password", []string{tString}, "REDIS_PASSWORD"},
	"ClientName":            {"Connection", "ClientName", []string{tString}, "REDIS_CLIENT_NAME"},
	"Protocol":              {"Connection", "Protocol", []string{tInt}, "REDIS_PROTOCOL"},
	"DisableIdentity":       {"Connection", "DisableIdentity", []string{tBool}, "REDIS_DISABLE_IDENTITY"},
	"IdentitySuffix":        {"Connection", "IdentitySuffix", []string{tString}, "REDIS_IDENTITY_SUFFIX"},
	"UnstableResp3":         {"Connection", "UnstableResp3", []string{tBool}, ""},
	"PoolSize":              {"Pool", "Size", []string{tInt}, "REDIS_POOL_SIZE"},
	"MinIdleConns":          {"Pool", "MinIdleConns", []string{tInt}, "REDIS_MIN_IDLE_CONNS"},
	"MaxIdleConns":          {"Pool", "MaxIdleConns", []string{tInt}, "REDIS_MAX_IDLE_CONNS"},
	"MaxActiveConns":        {"Pool", "MaxActiveConns", []string{tInt}, "REDIS_MAX_ACTIVE_CONNS"},
	"MaxConcurrentDials":    {"Pool", "MaxConcurrentDials", []string{tInt}, "REDIS_MAX_CONCURRENT_DIALS"},
	"PoolFIFO":              {"Pool", "FIFO", []string{tBool}, "REDIS_POOL_FIFO"},
	"PoolTimeout":           {"Pool", "Timeout", []string{tDuration}, "REDIS_POOL_TIMEOUT"},
	"ConnMaxIdleTime":       {"Pool", "ConnMaxIdleTime", []string{tDuration}, "REDIS_CONN_MAX_IDLE_TIME"},
	"ConnMaxLifetime":       {"Pool", "ConnMaxLifetime", []string{tDuration}, "REDIS_CONN_MAX_LIFETIME"},
	"ConnMaxLifetimeJitter": {"Pool", "ConnMaxLifetimeJitter", []string{tDuration}, "REDIS_CONN_MAX_LIFETIME_JITTER"},
	"DialTimeout":           {"Pool", "DialTimeout", []string{tDuration}, "REDIS_DIAL_TIMEOUT"},
	"ReadTimeout":           {"Pool", "ReadTimeout", []string{tDuration}, "REDIS_READ_TIMEOUT"},
	"WriteTimeout":          {"Pool", "WriteTimeout", []string{tDuration}, "REDIS_WRITE_TIMEOUT"},
	"MaxRetries":            {"Pool", "MaxRetries", []string{tInt}, "REDIS_MAX_RETRIES"},
	"DialerRetries":         {"Pool", "DialerRetries", []string{tInt}, "REDIS_DIALER_RETRIES"},
	"DialerRetryTimeout":    {"Pool", "DialerRetryTimeout", []string{tDuration}, "REDIS_DIALER_RETRY_TIMEOUT"},
	"ContextTimeoutEnabled": {"Pool", "ContextTimeout", []string{tBool}, "REDIS_CONTEXT_TIMEOUT_ENABLED"},
	"MaxRedirects":          {"Cluster", "MaxRedirects", []string{tInt}, "REDIS_CLUSTER_MAX_REDIRECTS"},
	"ReadOnly":              {"Cluster", "ReadOnly", []string{tBool}, "REDIS_CLUSTER_READ_ONLY"},
	"RouteByLatency":        {"Cluster", "RouteByLatency", []string{tBool}, "REDIS_ROUTE_BY_LATENCY"},
	"RouteRandomly":         {"Cluster", "RouteRandomly", []string{tBool}, "REDIS_ROUTE_RANDOMLY"},
	"MasterName":            {"Sentinel", "Master", []string{tString}, "REDIS_SENTINEL_MASTER"},
	"SentinelUsername":      {"Sentinel", "Username", []string{tString}, "REDIS_SENTINEL_USERNAME"},
	"SentinelPassword":      {"Sentinel", "Password", []string{tString}, "REDIS_SENTINEL_PASSWORD"},
	"ReplicaOnly":           {"Sentinel", "ReplicaOnly", []string{tBool}, "REDIS_SENTINEL_REPLICA_ONLY"},
	"UseDisconnectedReplicas": {"Sentinel", "UseDisconnectedReplicas", []string{tBool},
		"REDIS_SENTINEL_USE_DISCONNECTED_REPLICAS"},

	"ClusterOptions.Addrs":          {"Cluster", "Nodes", []string{"..." + tString}, "REDIS_CLUSTER_NODES"},
	"FailoverOptions.SentinelAddrs": {"Sentinel", "Nodes", []string{"..." + tString}, "REDIS_SENTINEL_NODES"},

	// Set only together, from MinRetryBackoff and MaxRetryBackoff.
	"RetryBackoff": {"Pool", "RetryBackoff", []string{tDuration, tDuration}, ""},

	// Set from a literal &tls.Config{...}: TLSConfig itself turns TLS on.
	"TLSConfig":                     {"TLS", "Enable", []string{tBool}, "REDIS_TLS"},
	"tls.Config.ServerName":         {"TLS", "ServerName", []string{tString}, "REDIS_TLS_SERVER_NAME"},
	"tls.Config.MinVersion":         {"TLS", "MinVersion", []string{"uint16"}, "REDIS_TLS_MIN_VERSION"},
	"tls.Config.InsecureSkipVerify": {"TLS", "InsecureSkipVerify", []string{tBool}, "REDIS_TLS_INSECURE_SKIP_VERIFY"},
}

// universalFields maps a UniversalOptions field to the field of the options
// NewUniversalClient passes it on in (go-redis's Simple, Cluster and
// Failover methods), for each client it can make; a field not listed keeps
// its name. The fix then maps it as it maps that options type's field.
// TestUniversalFields checks that every target has a setter.
var universalFields = map[string]map[string]string{
	"Options":         {"Addrs": "Addr"},
	"ClusterOptions":  {},
	"FailoverOptions": {"Addrs": "SentinelAddrs", "ReadOnly": "ReplicaOnly"},
}

// noSetter says why a go-redis field has no builder equivalent; the
// diagnostic repeats it. Fields in neither map get a generic reason.
var noSetter = map[string]string{
	"Dialer":                       "a custom Dialer is code, not configuration",
	"OnConnect":                    "an OnConnect hook is code, not configuration",
	"Limiter":                      "a Limiter is code, not configuration",
	"NewClient":                    "a NewClient hook is code, not configuration",
	"ClusterSlots":                 "static ClusterSlots replace cluster discovery, which redisconfig keeps",
	"CredentialsProvider":          "go-redis's func() form differs from Connection().CredentialsProvider(ctx); move it by hand",
	"CredentialsProviderContext":   "move it to Connection().CredentialsProvider by hand",
	"StreamingCredentialsProvider": "move it to Connection().StreamingCredentialsProvider by hand",
	"FailingTimeoutSeconds":        "Cluster().FailingTimeout takes a time.Duration; convert it by hand",
	"RouteByLatencyTolerance":      "redisconfig has no setter for RouteByLatencyTolerance",
	"ReadBufferSize":               "redisconfig leaves buffer sizes at go-redis's defaults",
	"WriteBufferSize":              "redisconfig leaves buffer sizes at go-redis's defaults",
	"TLSConfig":                    "only a literal &tls.Config{} with ServerName, MinVersion and InsecureSkipVerify maps to TLS(); use TLS().CAFile and ClientCertFile for files",
	"MinRetryBackoff":              "Pool().RetryBackoff takes both bounds; set MaxRetryBackoff too",
	"MaxRetryBackoff":              "Pool().RetryBackoff takes both bounds; set MinRetryBackoff too",
	"Network":                      "only Network \"tcp\" or \"unix\" maps (unix to Connection().UnixSocket)",
	"IsClusterMode":                "redisconfig selects cluster mode from the nodes given",
	"Addrs":                        "NewUniversalClient picks the client from how many addresses arrive at run time; give them as a literal list, set IsClusterMode or MasterName, or use ClusterOptions, Options or FailoverOptions",
}
