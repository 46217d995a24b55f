// Code generated from ../rueidisconfig/table.go by TestGenerated (generate_test.go); DO NOT EDIT.

package valkeyconfig

import (
	"strings"
	"time"

	"github.com/redisconfig/redisconfig"
	"github.com/valkey-io/valkey-go"
)

// kind says how a setting reaches valkey-go.
type kind uint8

const (
	// kindField: apply puts the value into a field.
	kindField kind = iota
	// kindWhole: set from several settings or the Config as a whole
	// (options.go's whole): addresses, TLS, credentials, timeouts, retries.
	kindWhole
	// kindOwn: redisconfig's own (Build, Connect, the health check), not a
	// client option: fine whatever its source.
	kindOwn
	// kindMoot: means nothing to valkey-go, so nothing is lost: fine.
	kindMoot
	// kindNone: valkey-go has no equivalent; note says why.
	kindNone
)

var kindNames = [...]string{kindField: "field", kindWhole: "whole", kindOwn: "redisconfig", kindMoot: "moot", kindNone: "none"}

// row is one setting's mapping. The module's README table is this table
// (TestREADMETable).
type row struct {
	setting string // redisconfig's stable setting name
	field   string // the valkey-go field(s) it becomes; "" for none
	kind    kind
	note    string // how it maps, or (kindNone) why it cannot
	// apply sets the field (kindField). It returns "" or, for a value
	// valkey-go cannot carry out, the reason.
	apply func(o *valkey.ClientOption, s redisconfig.Setting) string
}

// table has one row per redisconfig setting, in redisconfig's order.
// TestTableCoversEverySetting fails when redisconfig gains a setting
// without a row.
var table = []row{
	{setting: "host", field: "InitAddress", kind: kindWhole, note: "with port, the one address; ForceSingleClient is set, so a standalone server is never probed for cluster mode"},
	{setting: "port", field: "InitAddress", kind: kindWhole, note: "see host"},
	{setting: "socket", field: "InitAddress, DialCtxFn", kind: kindWhole, note: "the socket path, dialled as unix"},
	{setting: "db", field: "SelectDB", kind: kindField, apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.SelectDB = s.Value.(int)
		return ""
	}},
	{setting: "username", field: "AuthCredentialsFn", kind: kindWhole, note: "asked of Config.Credentials for every new connection"},
	{setting: "password", field: "AuthCredentialsFn", kind: kindWhole, note: "asked of Config.Credentials for every new connection; RefreshAfter re-authenticates live connections when the credentials rotate"},
	{setting: "client_name", field: "ClientName", kind: kindField, apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.ClientName = s.Value.(string)
		return ""
	}},
	{setting: "protocol", field: "AlwaysRESP2, DisableCache", kind: kindField, note: "2: RESP2 without client-side caching (which needs RESP3); 3: valkey-go's default", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		if s.Value.(int) == 2 {
			o.AlwaysRESP2, o.DisableCache = true, true
		}
		return ""
	}},

	{setting: "provider", kind: kindOwn, note: "a preset Build applies; the values it sets are mapped (or left out) like the profile's"},
	{setting: "address_from", kind: kindOwn, note: "Build takes host and port from it"},
	{setting: "tls", field: "TLSConfig, Sentinel.TLSConfig", kind: kindWhole, note: "Config.TLSConfig, a fresh copy; the sentinels get their own copy"},
	{setting: "tls_ca_file", field: "TLSConfig", kind: kindWhole, note: "see tls"},
	{setting: "tls_cert_file", field: "TLSConfig", kind: kindWhole, note: "see tls"},
	{setting: "tls_key_file", field: "TLSConfig", kind: kindWhole, note: "see tls"},
	{setting: "tls_server_name", field: "TLSConfig", kind: kindWhole, note: "see tls"},
	{setting: "tls_min_version", field: "TLSConfig", kind: kindWhole, note: "see tls"},
	{setting: "tls_insecure_skip_verify", field: "TLSConfig", kind: kindWhole, note: "see tls"},

	{setting: "tls_verify", field: "TLSConfig", kind: kindWhole, note: "see tls: the verification is part of the tls.Config"},
	{setting: "tls_pin_sha256", field: "TLSConfig", kind: kindWhole, note: "see tls_verify"},
	{setting: "pool_size", field: "BlockingPoolSize", kind: kindField, note: "valkey-go pipelines ordinary commands over a few connections; its pool serves blocking commands, Dedicated and DoStream", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.BlockingPoolSize = s.Value.(int)
		return ""
	}},
	{setting: "min_idle_conns", kind: kindNone, note: "valkey-go opens pooled connections only on demand"},
	{setting: "max_idle_conns", kind: kindNone, note: "valkey-go keeps every returned pooled connection until BlockingPoolCleanup"},
	{setting: "max_active_conns", kind: kindNone, note: "valkey-go's pipelined connections sit outside its pool; use pool_size for the pool"},
	{setting: "max_concurrent_dials", kind: kindNone, note: "valkey-go does not limit concurrent dials"},
	{setting: "pool_fifo", kind: kindNone, note: "valkey-go's pool order is fixed"},
	{setting: "pool_timeout", kind: kindNone, note: "valkey-go waits for a pooled connection until the command's context ends; give the context a deadline"},
	{setting: "conn_max_idle_time", field: "BlockingPoolCleanup", kind: kindField, note: "idle pooled connections are closed after about this long; disabled: never", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.BlockingPoolCleanup = max(s.Value.(time.Duration), 0)
		return ""
	}},
	{setting: "conn_max_lifetime", field: "ConnLifetime", kind: kindField, note: "disabled: never", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.ConnLifetime = max(s.Value.(time.Duration), 0)
		return ""
	}},
	{setting: "conn_max_lifetime_jitter", kind: kindNone, note: "valkey-go closes connections exactly at ConnLifetime"},
	{setting: "dial_timeout", field: "Dialer.Timeout, Sentinel.Dialer.Timeout", kind: kindField, note: "valkey-go also bounds the connection's hand-shake (HELLO, AUTH, SELECT) by it", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.Dialer.Timeout = s.Value.(time.Duration)
		return ""
	}},
	{setting: "read_timeout", field: "ConnWriteTimeout", kind: kindWhole, note: "valkey-go has one timeout for writing a command and waiting for its reply: the longer of read_timeout and write_timeout; disabled when either is"},
	{setting: "write_timeout", field: "ConnWriteTimeout", kind: kindWhole, note: "see read_timeout"},
	{setting: "max_retries", field: "DisableRetry, RetryDelay", kind: kindWhole, note: "-1: DisableRetry; n: RetryDelay stops after n retries (valkey-go retries read-only commands after network errors)"},
	{setting: "min_retry_backoff", field: "RetryDelay", kind: kindWhole, note: "the first delay, doubled each retry"},
	{setting: "max_retry_backoff", field: "RetryDelay", kind: kindWhole, note: "the longest delay"},
	{setting: "dialer_retries", kind: kindNone, note: "valkey-go dials once per attempt and retries the command instead"},
	{setting: "dialer_retry_timeout", kind: kindNone, note: "see dialer_retries"},
	{setting: "context_timeout_enabled", field: "", kind: kindField, note: "true: valkey-go always honours a context's deadline; false cannot be carried out (an error when chosen)", apply: func(_ *valkey.ClientOption, s redisconfig.Setting) string {
		if !s.Value.(bool) {
			return "valkey-go always honours a context's deadline"
		}
		return ""
	}},
	{setting: "read_buffer_size", field: "ReadBufferEachConn", kind: kindField, note: "0: valkey-go's default (512 KiB, where go-redis's is 32 KiB); valkey-go takes at least 32 bytes (an error when fewer are chosen)", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		return bufferSize(&o.ReadBufferEachConn, s.Value.(int))
	}},
	{setting: "write_buffer_size", field: "WriteBufferEachConn", kind: kindField, note: "as read_buffer_size", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		return bufferSize(&o.WriteBufferEachConn, s.Value.(int))
	}},
	{setting: "disable_identity", field: "ClientSetInfo", kind: kindWhole, note: "true: DisableClientSetInfo, no CLIENT SETINFO"},
	{setting: "identity_suffix", field: "ClientSetInfo", kind: kindWhole, note: "the library name with the suffix in brackets, as go-redis sends it"},
	{setting: "unstable_resp3", kind: kindMoot, note: "every RESP3 reply is stable in valkey-go"},
	{setting: "failing_timeout_seconds", kind: kindNone, note: "valkey-go does not set failing cluster nodes aside"},

	{setting: "pipeline_pool_size", kind: kindNone, note: "valkey-go pipelines over its multiplexed connections, without a pool of its own for pipelines"},
	{setting: "pipeline_read_buffer_size", kind: kindNone, note: "see pipeline_pool_size; read_buffer_size sizes every valkey-go connection"},
	{setting: "pipeline_write_buffer_size", kind: kindNone, note: "see pipeline_pool_size; write_buffer_size sizes every valkey-go connection"},
	{setting: "maint_notifications", field: "", kind: kindField, note: "disabled: nothing to carry (valkey-go has none); auto or enabled cannot be carried out (an error when chosen)", apply: func(_ *valkey.ClientOption, s redisconfig.Setting) string {
		if !strings.EqualFold(s.Value.(string), "disabled") {
			return "valkey-go does not handle maintenance notifications"
		}
		return ""
	}},
	{setting: "maint_notifications_endpoint_type", kind: kindNone, note: "valkey-go does not handle maintenance notifications"},
	{setting: "maint_notifications_relaxed_timeout", kind: kindNone, note: "valkey-go does not handle maintenance notifications"},
	{setting: "maint_notifications_handoff_timeout", kind: kindNone, note: "valkey-go does not handle maintenance notifications"},
	{setting: "cluster_nodes", field: "InitAddress", kind: kindWhole, note: "the seed nodes; Connect checks that valkey-go made a cluster client"},
	{setting: "max_redirects", field: "ClusterOption.MaxMovedRedirections", kind: kindField, note: "-1 (follow none) cannot be carried out: valkey-go always follows redirects (an error when chosen)", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		n := s.Value.(int)
		if n < 0 {
			return "valkey-go always follows MOVED and ASK redirects"
		}
		o.ClusterOption.MaxMovedRedirections = n
		return ""
	}},
	{setting: "read_only", field: "SendToReplicas", kind: kindField, note: "true: read-only commands go to replicas", apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		if s.Value.(bool) {
			o.SendToReplicas = func(cmd valkey.Completed) bool { return cmd.IsReadOnly() }
		}
		return ""
	}},
	{setting: "route_by_latency", kind: kindNone, note: "valkey-go does not measure node latency; read_only sends reads to replicas"},
	{setting: "route_by_latency_tolerance", kind: kindNone, note: "see route_by_latency"},
	{setting: "route_randomly", kind: kindNone, note: "valkey-go picks among replicas only; read_only sends reads to replicas"},
	{setting: "sentinel_master", field: "Sentinel.MasterSet", kind: kindField, apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.Sentinel.MasterSet = s.Value.(string)
		return ""
	}},
	{setting: "sentinel_nodes", field: "InitAddress", kind: kindWhole, note: "the sentinels"},
	{setting: "sentinel_username", field: "Sentinel.Username", kind: kindField, apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.Sentinel.Username = s.Value.(string)
		return ""
	}},
	{setting: "sentinel_password", field: "Sentinel.Password", kind: kindField, apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.Sentinel.Password = s.Value.(redisconfig.Secret).Reveal()
		return ""
	}},
	{setting: "replica_only", field: "ReplicaOnly", kind: kindField, apply: func(o *valkey.ClientOption, s redisconfig.Setting) string {
		o.ReplicaOnly = s.Value.(bool)
		return ""
	}},
	{setting: "use_disconnected_replicas", kind: kindNone, note: "valkey-go uses only replicas linked to their master"},

	{setting: "password_secret", kind: kindOwn, note: "read by Build"},
	{setting: "auth_token_secret", kind: kindOwn, note: "read by Build"},
	{setting: "ca_cert_secret", kind: kindOwn, note: "read by Build"},
	{setting: "secrets_timeout", kind: kindOwn, note: "used by Build and each refresh"},
	{setting: "secrets_refresh", kind: kindOwn, note: "the rotation; also AuthCredentials.RefreshAfter"},
	{setting: "auth", kind: kindOwn, note: "the identity-token method; its tokens reach valkey-go through AuthCredentialsFn"},
	{setting: "auth_reauth", kind: kindOwn, note: "true: AuthCredentials.RefreshAfter, so live connections authenticate again every minute with the current token"},
	{setting: "aws_user_id", kind: kindOwn, note: "used by the token source"},
	{setting: "aws_cache_name", kind: kindOwn, note: "used by the token source"},
	{setting: "aws_region", kind: kindOwn, note: "used by the token source"},
	{setting: "aws_serverless", kind: kindOwn, note: "used by the token source"},
	{setting: "aws_service", kind: kindOwn, note: "used by the token source"},
	{setting: "azure_object_id", kind: kindOwn, note: "used by the token source"},
	{setting: "gcp_impersonate", kind: kindOwn, note: "used by the token source"},
	{setting: "connect_timeout", kind: kindOwn, note: "bounds Connect's start-up check"},
	{setting: "cert_expiry_warning", kind: kindOwn, note: "used by Check"},
}

// bufferSize sets a buffer size: valkey-go replaces one under 32 bytes with
// its default, which would change the size silently.
func bufferSize(field *int, n int) string {
	if n > 0 && n < 32 {
		return "valkey-go takes buffers of at least 32 bytes"
	}
	*field = n
	return ""
}
