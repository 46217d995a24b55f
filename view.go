package redisconfig

import (
	"crypto/tls"
	"strings"
	"time"
)

// Setting is one resolved setting in typed form, for packages that turn a
// Config into options of another client library (rueidis, valkey-go) or
// report on it. It never holds a secret in clear: secrets are Secret
// values, which print as [redacted].
type Setting struct {
	// Name is the setting's stable name ("pool_size"), as in the debug
	// view and in errors.
	Name string
	// Variable is the generic variable that sets it ("REDIS_POOL_SIZE"),
	// or "" when only code sets it.
	Variable string
	// Method is the builder method that sets it ("Pool().Size").
	Method string
	// Value is the effective value: string, int, bool, time.Duration
	// (-1 for disabled), Secret, []string (node lists) or uint16 (a TLS
	// version); nil when unset, where the client's own default applies.
	Value any
	// Set reports whether a value was given or defaulted by the
	// environment's profile (false: the client library's default).
	Set bool
	// Secret reports whether Value is a Secret.
	Secret bool
	// Source is where the value came from.
	Source Source
}

// Setting returns the resolved setting with the given stable name.
func (c *Config) Setting(name string) (Setting, bool) {
	for id := range settings {
		if settings[id].name == name {
			return c.setting(settingID(id)), true
		}
	}
	return Setting{}, false
}

// Settings returns every setting, in the debug view's order.
func (c *Config) Settings() []Setting {
	out := make([]Setting, len(settings))
	for id := range settings {
		out[id] = c.setting(settingID(id))
	}
	return out
}

func (c *Config) setting(id settingID) Setting {
	def := &settings[id]
	s := Setting{Name: def.name, Variable: def.env, Method: def.method, Secret: def.kind == kindSecret, Source: c.srcs[id]}
	if c.srcs[id].Kind == SourceUnset {
		return s
	}
	s.Set = true
	v := c.vals[id]
	switch def.kind {
	case kindSecret:
		s.Value = v.sec
	case kindInt:
		s.Value = v.int()
	case kindBool:
		s.Value = v.bool()
	case kindDuration:
		s.Value = time.Duration(v.n)
	case kindTLSVersion:
		s.Value = uint16(v.n)
	case kindAddrList:
		s.Value = strings.Split(v.s, ",")
	default:
		s.Value = v.s
	}
	return s
}

// Addrs returns what a client dials: the one address of a standalone
// configuration ("host:port", or the socket path when Network is "unix"),
// the seed nodes of a cluster, or the sentinels.
func (c *Config) Addrs() []string { return c.addrList() }

// Network returns "tcp" or "unix" for a standalone configuration, "" for
// the others (which are always TCP).
func (c *Config) Network() string { return c.network }

// TLSConfig returns a fresh copy of the TLS configuration, or nil when TLS
// is off.
func (c *Config) TLSConfig() *tls.Config {
	if c.tlsConfig == nil {
		return nil
	}
	return c.tlsConfig.Clone()
}
