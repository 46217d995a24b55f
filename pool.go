package redisconfig

import (
	"runtime"
	"strconv"
	"time"
)

// PoolBuilder sets the connection pool, the timeouts and the retries. It
// embeds the root Builder, so a chain can go on to TLS() or Build(ctx).
//
// Durations follow go-redis: a zero or negative duration disables the
// timeout where go-redis can disable it (read, write, idle time, lifetime,
// back-off) and is an error where it cannot (dial, pool).
type PoolBuilder struct {
	*Builder
}

// Pool returns the sub-builder for the pool, timeouts and retries.
func (b *Builder) Pool() *PoolBuilder { return &PoolBuilder{b} }

// Size sets the connections per node. Default: 10 per CPU (go-redis).
func (p *PoolBuilder) Size(n int) *PoolBuilder { return p.int(setPoolSize, n) }

// MinIdleConns sets the idle connections kept open. Default: 0.
func (p *PoolBuilder) MinIdleConns(n int) *PoolBuilder { return p.int(setMinIdleConns, n) }

// MaxIdleConns sets the idle connections kept at most. Default: no limit.
func (p *PoolBuilder) MaxIdleConns(n int) *PoolBuilder { return p.int(setMaxIdleConns, n) }

// MaxActiveConns sets the connections open at most. Default: no limit.
func (p *PoolBuilder) MaxActiveConns(n int) *PoolBuilder { return p.int(setMaxActiveConns, n) }

// MaxConcurrentDials sets the dials in flight at most. Default: the pool size.
func (p *PoolBuilder) MaxConcurrentDials(n int) *PoolBuilder { return p.int(setMaxConcurrentDials, n) }

// FIFO hands out connections first-in first-out instead of last-in
// first-out. Default: false.
func (p *PoolBuilder) FIFO(on bool) *PoolBuilder {
	p.setCode(setPoolFIFO, boolValue(on))
	return p
}

// Timeout sets how long a command waits for a free connection. Default:
// the read timeout plus one second (go-redis); see the profiles.
func (p *PoolBuilder) Timeout(d time.Duration) *PoolBuilder { return p.dur(setPoolTimeout, d) }

// ConnMaxIdleTime closes connections idle longer than d; zero or negative
// never does. Default: 30 minutes (go-redis); see the profiles.
func (p *PoolBuilder) ConnMaxIdleTime(d time.Duration) *PoolBuilder {
	return p.dur(setConnMaxIdleTime, d)
}

// ConnMaxLifetime closes connections older than d; zero or negative never
// does. Default: never.
func (p *PoolBuilder) ConnMaxLifetime(d time.Duration) *PoolBuilder {
	return p.dur(setConnMaxLifetime, d)
}

// ConnMaxLifetimeJitter spreads ConnMaxLifetime by up to d so that
// connections opened together do not all close together.
func (p *PoolBuilder) ConnMaxLifetimeJitter(d time.Duration) *PoolBuilder {
	return p.dur(setConnMaxLifetimeJitter, d)
}

// DialTimeout sets how long establishing a connection may take. Default:
// 5 seconds (go-redis); see the profiles.
func (p *PoolBuilder) DialTimeout(d time.Duration) *PoolBuilder { return p.dur(setDialTimeout, d) }

// ReadTimeout sets how long a reply may take; zero or negative waits
// forever. Default: go-redis's; see the profiles.
func (p *PoolBuilder) ReadTimeout(d time.Duration) *PoolBuilder { return p.dur(setReadTimeout, d) }

// WriteTimeout sets how long writing a command may take; zero or negative
// waits forever. Default: the read timeout.
func (p *PoolBuilder) WriteTimeout(d time.Duration) *PoolBuilder { return p.dur(setWriteTimeout, d) }

// MaxRetries sets the retries of a failed command; -1 disables them.
// Default: 3 (go-redis).
func (p *PoolBuilder) MaxRetries(n int) *PoolBuilder { return p.int(setMaxRetries, n) }

// RetryBackoff sets the shortest and longest wait between retries; zero or
// negative means no wait. Defaults: 10ms and 1s (go-redis).
func (p *PoolBuilder) RetryBackoff(minBackoff, maxBackoff time.Duration) *PoolBuilder {
	p.dur(setMinRetryBackoff, minBackoff)
	return p.dur(setMaxRetryBackoff, maxBackoff)
}

// DialerRetries sets the dial attempts for one connection. Default: 5
// (go-redis).
func (p *PoolBuilder) DialerRetries(n int) *PoolBuilder { return p.int(setDialerRetries, n) }

// DialerRetryTimeout sets the wait between dial attempts; zero or negative
// means no wait. Default: 100ms (go-redis).
func (p *PoolBuilder) DialerRetryTimeout(d time.Duration) *PoolBuilder {
	return p.dur(setDialerRetryTimeout, d)
}

// ReadBufferSize sets the bytes of each connection's read buffer.
// Default: go-redis's 32 KiB.
func (p *PoolBuilder) ReadBufferSize(n int) *PoolBuilder { return p.int(setReadBufferSize, n) }

// WriteBufferSize sets the bytes of each connection's write buffer.
// Default: go-redis's 32 KiB.
func (p *PoolBuilder) WriteBufferSize(n int) *PoolBuilder { return p.int(setWriteBufferSize, n) }

// ContextTimeout lets the deadline of a command's context bound the
// command, besides the read and write timeouts. Default: false.
func (p *PoolBuilder) ContextTimeout(on bool) *PoolBuilder {
	p.setCode(setContextTimeoutEnabled, boolValue(on))
	return p
}

func (p *PoolBuilder) int(id settingID, n int) *PoolBuilder {
	p.setCode(id, value{n: int64(n)})
	return p
}

func (p *PoolBuilder) dur(id settingID, d time.Duration) *PoolBuilder {
	p.setCode(id, durationValue(d))
	return p
}

// durationValue maps a code duration to the table's form: zero or less is
// "disabled" (-1), as in variables and URLs.
func durationValue(d time.Duration) value {
	if d <= 0 {
		return value{n: -1}
	}
	return value{n: int64(d)}
}

// checkPool runs the checks that span two pool settings. Each is checked
// only when both sides were given, except MinIdleConns, which go-redis
// would otherwise cap silently at its default pool size.
func (r *resolution) checkPool() {
	poolSize := 10 * runtime.GOMAXPROCS(0)
	if r.has(setPoolSize) && r.vals[setPoolSize].n > 0 {
		poolSize = r.vals[setPoolSize].int()
	}
	pair := func(small, big settingID, ok bool, problem string) {
		if ok || !r.has(small) {
			return
		}
		r.fail(ErrConflict, settings[small].name, r.srcs[small].String(), "%s (%s); %s", problem, r.srcs[big], "lower it or raise the other")
	}
	if r.has(setMinIdleConns) {
		pair(setMinIdleConns, setPoolSize, r.vals[setMinIdleConns].int() <= poolSize,
			"is above the pool size "+strconv.Itoa(poolSize))
	}
	if r.has(setMaxIdleConns) && r.has(setMinIdleConns) && r.vals[setMaxIdleConns].n > 0 {
		pair(setMinIdleConns, setMaxIdleConns, r.vals[setMinIdleConns].n <= r.vals[setMaxIdleConns].n,
			"is above max_idle_conns "+strconv.Itoa(r.vals[setMaxIdleConns].int()))
	}
	if r.has(setMaxActiveConns) && r.has(setPoolSize) && r.vals[setMaxActiveConns].n > 0 {
		pair(setPoolSize, setMaxActiveConns, r.vals[setPoolSize].n <= r.vals[setMaxActiveConns].n,
			"is above max_active_conns "+strconv.Itoa(r.vals[setMaxActiveConns].int()))
	}
	if r.has(setMaxConcurrentDials) && r.has(setPoolSize) && r.vals[setPoolSize].n > 0 {
		pair(setMaxConcurrentDials, setPoolSize, r.vals[setMaxConcurrentDials].n <= r.vals[setPoolSize].n,
			"is above the pool size "+strconv.Itoa(poolSize))
	}
	if r.has(setMinRetryBackoff) && r.has(setMaxRetryBackoff) && r.vals[setMaxRetryBackoff].n > 0 {
		pair(setMinRetryBackoff, setMaxRetryBackoff, r.vals[setMinRetryBackoff].n <= r.vals[setMaxRetryBackoff].n,
			"is above max_retry_backoff "+settings[setMaxRetryBackoff].display(r.vals[setMaxRetryBackoff]))
	}
	if r.has(setConnMaxLifetimeJitter) && r.vals[setConnMaxLifetimeJitter].n > 0 {
		pair(setConnMaxLifetimeJitter, setConnMaxLifetime,
			r.has(setConnMaxLifetime) && r.vals[setConnMaxLifetimeJitter].n <= r.vals[setConnMaxLifetime].n,
			"needs conn_max_lifetime at least as long")
	}
}
