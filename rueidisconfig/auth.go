package rueidisconfig

import (
	"context"
	"net"
	"slices"
	"time"

	"github.com/redis/rueidis"
	"github.com/redisconfig/redisconfig"
)

// authFn hands rueidis the credentials cfg holds now, for every new
// connection: static, a rotating secret, a provider or a streaming
// provider alike. When they change by themselves (cfg.CredentialsRefresh)
// RefreshAfter makes rueidis ask again and re-authenticate the live
// connection.
//
// rueidis gives its sentinel connections the same AuthCredentialsFn as the
// data nodes, so a connection to one of the configured sentinels gets the
// sentinel credentials (Sentinel.Username and Sentinel.Password, or none),
// as go-redis gives them.
func authFn(cfg *redisconfig.Config, isSentinel func(net.Addr) bool) func(rueidis.AuthCredentialsContext) (rueidis.AuthCredentials, error) {
	refresh := cfg.CredentialsRefresh()
	timeout := cfg.ConnectTimeout()
	var sentinelUser, sentinelPassword string
	if s, ok := cfg.Setting("sentinel_username"); ok && s.Set {
		sentinelUser = s.Value.(string)
	}
	if s, ok := cfg.Setting("sentinel_password"); ok && s.Set {
		sentinelPassword = s.Value.(redisconfig.Secret).Reveal()
	}
	return func(ac rueidis.AuthCredentialsContext) (rueidis.AuthCredentials, error) {
		if isSentinel != nil && isSentinel(ac.Address) {
			return rueidis.AuthCredentials{Username: sentinelUser, Password: sentinelPassword}, nil
		}
		// rueidis gives no context: bound a provider by the connect timeout.
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		user, pw, err := cfg.Credentials(ctx)
		if err != nil {
			return rueidis.AuthCredentials{}, err
		}
		creds := rueidis.AuthCredentials{Username: user, Password: pw.Reveal()}
		if refresh > 0 {
			creds.RefreshAfter = time.Now().Add(refresh)
		}
		return creds, nil
	}
}

// sentinelMatcher reports whether a connection's remote address (ip:port)
// is one of the configured sentinels, resolving a sentinel's host name
// (bounded by the connect timeout) only when its port matches; nil unless
// the topology is sentinel.
func sentinelMatcher(cfg *redisconfig.Config) func(net.Addr) bool {
	if cfg.Topology() != redisconfig.TopologySentinel {
		return nil
	}
	nodes := cfg.Addrs()
	timeout := cfg.ConnectTimeout()
	return func(remote net.Addr) bool {
		if remote == nil {
			return false
		}
		rhost, rport, err := net.SplitHostPort(remote.String())
		if err != nil {
			return false
		}
		rip := net.ParseIP(rhost)
		for _, a := range nodes {
			host, port, err := net.SplitHostPort(a)
			if err != nil || port != rport {
				continue
			}
			if ip := net.ParseIP(host); ip != nil {
				if ip.Equal(rip) {
					return true
				}
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			ips, _ := net.DefaultResolver.LookupIP(ctx, "ip", host)
			cancel()
			if slices.ContainsFunc(ips, rip.Equal) {
				return true
			}
		}
		return false
	}
}
