package redisconfig

import "time"

// redacted stands in for every secret in every output.
const redacted = "[redacted]"

// MonitoringBuilder sets the start-up check. It embeds the root Builder, so
// a chain can go on to Build(ctx).
type MonitoringBuilder struct {
	*Builder
}

// Monitoring returns the sub-builder for the start-up check.
func (b *Builder) Monitoring() *MonitoringBuilder { return &MonitoringBuilder{b} }

// ConnectTimeout bounds Connect's start-up check (dial, handshake, PING).
// Default: the environment's profile (REDIS_CONNECT_TIMEOUT).
func (m *MonitoringBuilder) ConnectTimeout(d time.Duration) *MonitoringBuilder {
	m.setCode(idConnectTimeout, durationValue(d))
	return m
}

// CertExpiryWarning makes the health check warn when the server
// certificate expires within d. Default: 14 days.
func (m *MonitoringBuilder) CertExpiryWarning(d time.Duration) *MonitoringBuilder {
	m.setCode(idCertExpiryWarning, durationValue(d))
	return m
}

// DebugInfo is the redacted view of a Config: every setting with its
// effective value and where it came from, the warnings and the relaxed
// rules. Its JSON field names are stable.
type DebugInfo struct {
	Environment string        `json:"environment"`
	Service     string        `json:"service,omitempty"`
	Topology    string        `json:"topology"`
	Network     string        `json:"network"`
	Addr        string        `json:"addr"`
	Settings    []SettingInfo `json:"settings"`
	// ConnectionCeiling is the most connections the client can hold to
	// one node, both pools together: "12 (max_active_conns 2 + pipeline
	// pool 10)", or the pools' sizes when max_active_conns is unset.
	ConnectionCeiling string       `json:"connection_ceiling"`
	Warnings          []string     `json:"warnings"`
	Relaxed           []Relaxation `json:"relaxed_rules"`
	// Notes say what was seen and deliberately not used (Kubernetes service
	// links) and which provider preset applied.
	Notes []string `json:"notes,omitempty"`
}

// SettingInfo is one row of the debug view.
type SettingInfo struct {
	// Name is the setting's stable name ("pool_size").
	Name string `json:"name"`
	// Variable is the generic variable that sets it ("REDIS_POOL_SIZE").
	Variable string `json:"variable,omitempty"`
	// Value is the effective value as text; "[redacted]" for a secret, ""
	// when unset (go-redis applies its default).
	Value string `json:"value"`
	// Set reports whether a value was given or defaulted by the profile.
	Set bool `json:"set"`
	// Secret reports whether the value is a secret, never shown.
	Secret bool `json:"secret,omitempty"`
	// Source names where the value came from ("REDIS_URL parameter
	// pool_size", "production default", "go-redis default").
	Source string `json:"source"`
	// SourceKind is the kind of source: code, variable, file, url,
	// default or "go-redis default".
	SourceKind string `json:"source_kind"`
	// Origin is Source in typed form.
	Origin Source `json:"-"`
}

// DebugInfo returns the redacted debug view. A Config built without
// problems has no secret in it, whatever its sources were.
func (c *Config) DebugInfo() DebugInfo {
	d := DebugInfo{
		Environment: c.env.String(),
		Service:     oneLine(c.service),
		Topology:    c.topology.String(),
		Network:     c.network,
		Addr:        oneLine(c.describeTarget()),
		Settings:    make([]SettingInfo, 0, len(settings)),
		Warnings:    oneLines(c.warnings),
		Relaxed:     make([]Relaxation, 0, len(c.relaxed)),

		ConnectionCeiling: c.ceilingText(),
		Notes:             oneLines(c.debugNotes()), // kubernetes.go, presets.go
	}
	for _, r := range c.relaxed {
		d.Relaxed = append(d.Relaxed, Relaxation{Rule: oneLine(r.Rule), Reason: oneLine(r.Reason)})
	}
	for id := range settings {
		def := &settings[id]
		src := c.srcs[id]
		row := SettingInfo{
			Name: def.name, Variable: def.env, Set: src.Kind != SourceUnset,
			Secret: def.kind == kindSecret, Source: oneLine(src.String()), SourceKind: src.Kind.String(), Origin: src,
		}
		if row.Set {
			row.Value = oneLine(def.display(c.vals[id]))
		}
		d.Settings = append(d.Settings, row)
	}
	return d
}
