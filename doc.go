// Package redisconfig turns what a service is given at start-up (code,
// environment variables, mounted files) into one validated go-redis v9
// client configuration, with rules that make staging and production fail
// fast instead of falling back to something that "works".
//
// # Use
//
//	cfg, err := redisconfig.New().Service("backend").Build(ctx)
//	if err != nil {
//		log.Fatal(err) // every problem, one per line, no secret in it
//	}
//	client, err := cfg.Connect(ctx) // PING within the environment's deadline
//
// # Environments
//
// ENVIRONMENT selects Development (the default), Test, Staging or
// Production. Development and Test fall back to localhost:6379 and warn
// about conflicting settings; Staging and Production require an address,
// TLS and credentials, refuse loopback addresses and skipped certificate
// checks, and treat conflicts as errors. Only code can relax a rule, with a
// reason (Builder.Relax).
//
// # Precedence
//
// Each setting comes from the first of: code (and secrets code names);
// service-prefixed variables (AUTH_REDIS_PORT for Service("auth")),
// AUTH_REDIS_URL's parts and secrets those variables name; generic variables
// (REDIS_PORT), REDIS_URL's parts and secrets named there or by their default
// names; the environment's profile; go-redis's default. A value set in code
// beats every secret. Two forms of one setting on the same rung with
// different values (REDIS_URL's host and REDIS_HOST, REDIS_PASSWORD and
// REDIS_PASSWORD_FILE, REDIS_PASSWORD and a secret) are a conflict.
//
// Builder.Lookup adds sources with the signature of os.LookupEnv (koanf,
// viper, your own map) on the variables' rungs, named in provenance
// ("REDIS_URL (koanf)"); the same variable from two sources with different
// values is a conflict. Builder.DotEnv reads .env files, in development and
// test only, on two rungs of their own below every real variable
// ("REDIS_HOST (.env:3)"); in staging and production a .env file is an error
// and is never read.
//
// # Files that change
//
// A password file, a CA file and the client certificate are read again, by
// stat, when a new connection needs them and the file changed (Kubernetes's
// ..data swap included); a broken new file keeps the last good value and is
// reported through Secrets().OnRefreshError. Watch builds again when a file
// or .env changes, and LiveClient swaps clients.
//
// # Inside
//
// The resolved settings (a value and a source each) are a Config's only
// truth; every go-redis type is derived from them on request, through one
// mapping per setting (the settings table). Config.Setting and
// Config.Settings give other packages a typed read-only view (the rueidis
// adapters use it). Rules live in one table (rules.go), credentials in one
// place (auth.go).
//
// # Topologies
//
// REDIS_SENTINEL_MASTER or REDIS_SENTINEL_NODES (or master_name in
// REDIS_URL) select a sentinel-backed master; REDIS_CLUSTER_NODES (or addr in
// REDIS_URL) a Redis Cluster; otherwise the configuration is standalone.
// Config.Options, Config.ClusterOptions and Config.FailoverOptions return
// fresh go-redis options for their topology; Config.Connect returns the
// matching client, checked with a PING, and ConnectClient, ConnectCluster and
// ConnectFailover return the concrete client types.
//
// # Secrets
//
// Secrets().Source reads the password, an auth token and a CA bundle from a
// SecretSource (Google Cloud Secret Manager in package gcpsecrets, mounted
// files with DirSecrets), concurrently and within a deadline; a password or
// CA bundle from a source rotates without a restart (read again every
// REDIS_SECRETS_REFRESH). In staging and production a source
// that fails fails Build.
//
// Passwords never appear in errors, in String, in any fmt verb, in JSON or in
// slog output of a Builder or Config; the debug view (Config.DebugInfo)
// shows them as "[redacted]" with their source. Errors about REDIS_URL never
// quote the URL.
package redisconfig
