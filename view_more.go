package redisconfig

import "time"

// streamingPoll is how often a client library that pulls credentials asks a
// streaming provider again: well inside the three minutes before expiry by
// which Microsoft Entra ID tokens must be renewed.
const streamingPoll = time.Minute

// CredentialsRefresh returns how often a client library that pulls
// credentials (rueidis and valkey-go call their AuthCredentialsFn for each
// connection and again at the RefreshAfter it returns) should ask
// Credentials again on a live connection: REDIS_SECRETS_REFRESH for a
// password or auth token the secret source rotates, a minute for a
// streaming provider and for identity tokens that re-authenticate live
// connections (REDIS_AUTH_REAUTH; go-redis re-authenticates on pushes, a
// pulling library has to poll), and 0 for credentials that a new
// connection reads afresh but a live one keeps (a static password, a
// password file, a provider called for each new connection, tokens
// without re-authentication), as go-redis uses them.
func (c *Config) CredentialsRefresh() time.Duration {
	switch c.creds.kind {
	case credRotating:
		return c.creds.rotator.every
	case credStreaming:
		return streamingPoll
	case credToken:
		if c.creds.reauth {
			return streamingPoll
		}
	}
	return 0
}
