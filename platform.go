package redisconfig

// go-redis v9.23's new settings (issue 13): the dedicated pipeline pool, the
// latency band of RouteByLatency, and maintenance notifications. Their rows
// are in the settings table (settings.go, marked "issue 13"); their setters,
// value checks and cross-field rules are here, in one place, so that they
// move together.

import (
	"runtime"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// maxBufferSize bounds every connection buffer size (read and write, of
// the command and the pipeline pools): each connection allocates one of
// each, so a size past 64 MiB is a typo that would exhaust memory at the
// pool's first connections (go-redis measures no gain past 128 KiB).
const maxBufferSize = 64 << 20

// defaultPipelinePoolSize is go-redis's pipeline pool when none is given.
const defaultPipelinePoolSize = redis.DefaultPipelinePoolSize

// PipelinePoolSize sets the dedicated pipeline pool of each node: the
// connections Pipeline, TxPipeline and AutoPipeline use first, on top of
// the command pool (MaxActiveConns does not count them). -1 removes the
// pool: pipelines then share the command pool, and MaxActiveConns bounds
// every connection. Default: 10 (go-redis).
func (p *PoolBuilder) PipelinePoolSize(n int) *PoolBuilder { return p.int(idPipelinePoolSize, n) }

// PipelineBufferSizes sets the read and write buffer, in bytes, of each
// pipeline connection; 0 leaves one to go-redis (the larger of the command
// buffers and 128 KiB).
func (p *PoolBuilder) PipelineBufferSizes(read, write int) *PoolBuilder {
	p.int(idPipelineReadBufferSize, read)
	return p.int(idPipelineWriteBufferSize, write)
}

// RouteByLatencyTolerance widens RouteByLatency from the fastest node to
// every node within d of it, taken in turn; zero or negative keeps the
// fastest only. Cluster and sentinel configurations only.
func (c *ClusterBuilder) RouteByLatencyTolerance(d time.Duration) *ClusterBuilder {
	c.setCode(idRouteByLatencyTolerance, durationValue(d))
	return c
}

// MaintNotifications sets go-redis's maintenance notifications: the
// Redis Cloud / Redis Enterprise push messages that announce a node's
// migration or failover so that the client relaxes its timeouts and moves
// its connections in time. Default: disabled (go-redis's is auto; see the
// README). ModeEnabled needs RESP3 and refuses to connect to a server
// without the feature; ModeAuto tries and falls back quietly.
func (c *ConnectionBuilder) MaintNotifications(mode maintnotifications.Mode) *ConnectionBuilder {
	c.setCode(idMaintNotifications, value{s: string(mode)})
	return c
}

// MaintEndpointType sets which endpoint a MOVING notification names
// (internal or external, IP or name, or none). Default: auto (go-redis
// picks from the address and TLS).
func (c *ConnectionBuilder) MaintEndpointType(t maintnotifications.EndpointType) *ConnectionBuilder {
	c.setCode(idMaintEndpointType, value{s: string(t)})
	return c
}

// MaintRelaxedTimeout sets the read and write timeout used while a node
// migrates or fails over. Default: 10 seconds (go-redis).
func (c *ConnectionBuilder) MaintRelaxedTimeout(d time.Duration) *ConnectionBuilder {
	c.setCode(idMaintRelaxedTimeout, durationValue(d))
	return c
}

// MaintHandoffTimeout bounds moving a connection to a node's new endpoint.
// Default: 15 seconds (go-redis).
func (c *ConnectionBuilder) MaintHandoffTimeout(d time.Duration) *ConnectionBuilder {
	c.setCode(idMaintHandoffTimeout, durationValue(d))
	return c
}

// maintModeValue: the modes go-redis knows, spelt as it spells them.
func maintModeValue(_ string, v value) string {
	if !maintnotifications.Mode(v.s).IsValid() {
		return "must be disabled, auto or enabled"
	}
	return ""
}

// maintEndpointValue: the endpoint types go-redis knows.
func maintEndpointValue(_ string, v value) string {
	if !maintnotifications.EndpointType(v.s).IsValid() {
		return "must be auto, internal-ip, internal-fqdn, external-ip, external-fqdn or none"
	}
	return ""
}

// maint returns the options' maintenance notifications configuration,
// creating it: each of the four settings fills one field, and the rest
// stays zero for go-redis's defaults.
func maint(o *redis.UniversalOptions) *maintnotifications.Config {
	if o.MaintNotificationsConfig == nil {
		o.MaintNotificationsConfig = &maintnotifications.Config{}
	}
	return o.MaintNotificationsConfig
}

func applyMaintMode(o *redis.UniversalOptions, v value) {
	maint(o).Mode = maintnotifications.Mode(v.s)
}

func applyMaintEndpoint(o *redis.UniversalOptions, v value) {
	maint(o).EndpointType = maintnotifications.EndpointType(v.s)
}

func applyMaintRelaxed(o *redis.UniversalOptions, v value) {
	maint(o).RelaxedTimeout = v.duration()
}

func applyMaintHandoff(o *redis.UniversalOptions, v value) {
	maint(o).HandoffTimeout = v.duration()
}

// maintMode is the resolved mode ("" when unset: go-redis's auto).
func (r *resolution) maintMode() maintnotifications.Mode {
	return maintnotifications.Mode(r.vals[idMaintNotifications].s)
}

// given reports whether a setting was given (by code, a variable or a
// URL), not defaulted by a profile.
func (r *resolution) given(id settingID) bool {
	return r.has(id) && r.srcs[id].Kind != SourceDefault
}

// checkPlatform runs the rules of go-redis v9.23's settings:
//   - maintenance notifications enabled need RESP3, and a sentinel
//     configuration cannot have them (go-redis's failover client turns
//     them off);
//   - the maintenance settings mean nothing while the mode is disabled;
//   - RouteByLatencyTolerance means nothing without RouteByLatency;
//   - a pipeline pool larger than MaxActiveConns would more than double
//     the connection ceiling MaxActiveConns is read as.
func (r *resolution) checkPlatform() {
	mode := r.maintMode()
	modeSrc := r.srcs[idMaintNotifications]
	if mode == maintnotifications.ModeEnabled && !r.broken(idMaintNotifications) {
		if r.has(idProtocol) && r.vals[idProtocol].n != 3 && !r.broken(idProtocol) {
			r.fail(ErrConflict, "maint_notifications", modeSrc.String()+" and "+r.srcs[idProtocol].String(),
				"enabled needs RESP3, but the protocol is %d; set %s=3 or %s=auto", r.vals[idProtocol].n, EnvProtocol, EnvMaintNotifications)
		}
		if r.topology == TopologySentinel {
			r.failAt(ErrConflict, "maint_notifications", modeSrc,
				"a sentinel configuration cannot have maintenance notifications (go-redis's failover client turns them off); unset %s or set it to disabled", EnvMaintNotifications)
		}
	}
	if mode == maintnotifications.ModeAuto && r.topology == TopologySentinel && r.given(idMaintNotifications) {
		r.warn("%s is auto, but go-redis's failover client never uses maintenance notifications; it has no effect", modeSrc)
	}
	if mode == maintnotifications.ModeDisabled {
		for _, id := range []settingID{idMaintEndpointType, idMaintRelaxedTimeout, idMaintHandoffTimeout} {
			if r.given(id) {
				r.warn("%s has no effect while maintenance notifications are disabled (%s); set %s=enabled or auto to use it",
					r.srcs[id], modeSrc, EnvMaintNotifications)
			}
		}
	}
	if r.given(idRouteByLatencyTolerance) && r.vals[idRouteByLatencyTolerance].n > 0 && !r.vals[idRouteByLatency].bool() && !r.broken(idRouteByLatency) {
		r.warn("%s has no effect without route_by_latency; set %s=true", r.srcs[idRouteByLatencyTolerance], EnvRouteByLatency)
	}
	r.checkPipelineCeiling()
}

// checkPipelineCeiling: go-redis bounds the command pool by MaxActiveConns
// and adds the pipeline pool on top, so a node can hold MaxActiveConns +
// PipelinePoolSize connections. A pipeline pool given larger than
// MaxActiveConns is an error; go-redis's default pipeline pool (10) above a
// smaller MaxActiveConns is a warning naming the variable that keeps the
// ceiling where the user put it.
func (r *resolution) checkPipelineCeiling() {
	if !r.has(idMaxActiveConns) || r.vals[idMaxActiveConns].n <= 0 || r.broken(idPipelinePoolSize) {
		return
	}
	maxActive := r.vals[idMaxActiveConns].n
	switch {
	case r.has(idPipelinePoolSize) && r.vals[idPipelinePoolSize].n > maxActive:
		r.failAt(ErrConflict, "pipeline_pool_size", r.srcs[idPipelinePoolSize],
			"is above max_active_conns %d (%s): a node could hold %d connections, more than twice the ceiling; lower it, or set it to -1 so that pipelines share the command pool",
			maxActive, r.srcs[idMaxActiveConns], maxActive+r.vals[idPipelinePoolSize].n)
	case !r.has(idPipelinePoolSize) && maxActive < defaultPipelinePoolSize:
		r.warn("%s is %d, but go-redis adds a pipeline pool of %d on top of it: a node can hold %d connections; set %s=-1 to keep pipelines within %d, or a smaller pool",
			r.srcs[idMaxActiveConns], maxActive, defaultPipelinePoolSize, maxActive+defaultPipelinePoolSize, EnvPipelinePoolSize, maxActive)
	}
}

// MaxConnsPerNode returns the most connections the client can hold to one
// node: MaxActiveConns plus the pipeline pool, or 0 when MaxActiveConns is
// unset and the command pool has no hard ceiling (go-redis then holds up
// to PoolSize plus the pipeline pool, and more for blocking commands and
// Pub/Sub).
func (c *Config) MaxConnsPerNode() int {
	maxActive := c.vals[idMaxActiveConns].int()
	if c.srcs[idMaxActiveConns].Kind == SourceUnset || maxActive <= 0 {
		return 0
	}
	return maxActive + c.pipelinePoolSize()
}

// pipelinePoolSize is the pipeline pool go-redis makes per node: the
// setting, its default 10, or 0 when -1 removed it.
func (c *Config) pipelinePoolSize() int {
	if c.srcs[idPipelinePoolSize].Kind == SourceUnset || c.vals[idPipelinePoolSize].n == 0 {
		return defaultPipelinePoolSize
	}
	if c.vals[idPipelinePoolSize].n < 0 {
		return 0
	}
	return c.vals[idPipelinePoolSize].int()
}

// ceilingText describes the per-node connection ceiling for the debug view
// and the command: "12 (max_active_conns 2 + pipeline pool 10)".
func (c *Config) ceilingText() string {
	n := c.MaxConnsPerNode()
	if n == 0 {
		return "no hard ceiling (max_active_conns unset): pool_size + pipeline pool " + strconv.Itoa(c.pipelinePoolSize()) + " in normal use"
	}
	return strconv.Itoa(n) + " (max_active_conns " + strconv.Itoa(c.vals[idMaxActiveConns].int()) +
		" + pipeline pool " + strconv.Itoa(c.pipelinePoolSize()) + ")"
}

// maxclientsShareDivisor: one client may take at most a tenth of the
// server's maxclients per node, so that ten instances of a service (or a
// rolling deploy's old and new instances of five) fit beside each other.
// The README ("Pool sizing") gives the reasoning.
const maxclientsShareDivisor = 10

// connsInUse is the most connections the client opens to one node in
// normal use: the ceiling when max_active_conns is set, else the pool size
// (given, or go-redis's 10 per CPU) plus the pipeline pool.
func (c *Config) connsInUse() int {
	if n := c.MaxConnsPerNode(); n > 0 {
		return n
	}
	pool := 10 * runtime.GOMAXPROCS(0)
	if c.srcs[idPoolSize].Kind != SourceUnset && c.vals[idPoolSize].n > 0 {
		pool = c.vals[idPoolSize].int()
	}
	return pool + c.pipelinePoolSize()
}

// maxclientsShare warns when one client could take more than its share of
// the server's maxclients (from INFO clients; "" when the server does not
// say, as some managed services do not).
func (c *Config) maxclientsShare(maxclients string) string {
	most, err := strconv.Atoi(maxclients)
	if err != nil || most <= 0 {
		return ""
	}
	use := c.connsInUse()
	if use*maxclientsShareDivisor <= most {
		return ""
	}
	return "this client can open " + strconv.Itoa(use) + " connections to a node (pool and pipeline pool), more than a tenth of the server's maxclients " +
		strconv.Itoa(most) + "; lower " + EnvPoolSize + " or " + EnvPipelinePoolSize + ", or set " + EnvMaxActiveConns
}
