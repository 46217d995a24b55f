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
func (p *PoolBuilder) Size(n int) *PoolBuilder { return p.int(idPoolSize, n) }

// MinIdleConns sets the idle connections kept open. Default: 0.
func (p *PoolBuilder) MinIdleConns(n int) *PoolBuilder { return p.int(idMinIdleConns, n) }

// MaxIdleConns sets the idle connections kept at most. Default: no limit.
func (p *PoolBuilder) MaxIdleConns(n int) *PoolBuilder { return p.int(idMaxIdleConns, n) }

// MaxActiveConns sets the connections open at most. Default: no limit.
func (p *PoolBuilder) MaxActiveConns(n int) *PoolBuilder { return p.int(idMaxActiveConns, n) }

// MaxConcurrentDials sets the dials in flight at most. Default: the pool size.
func (p *PoolBuilder) MaxConcurrentDials(n int) *PoolBuilder { return p.int(idMaxConcurrentDials, n) }

// FIFO hands out connections first-in first-out instead of last-in
// first-out. Default: false.
func (p *PoolBuilder) FIFO(on bool) *PoolBuilder {
	p.setCode(idPoolFIFO, boolValue(on))
	return p
}

// Timeout sets how long a command waits for a free connection. Default:
// the read timeout plus one second (go-redis); see the profiles.
func (p *PoolBuilder) Timeout(d time.Duration) *PoolBuilder { return p.dur(idPoolTimeout, d) }

// ConnMaxIdleTime closes connections idle longer than d; zero or negative
// never does. Default: 30 minutes (go-redis); see the profiles.
func (p *PoolBuilder) ConnMaxIdleTime(d time.Duration) *PoolBuilder {
	return p.dur(idConnMaxIdleTime, d)
}

// ConnMaxLifetime closes connections older than d; zero or negative never
// does. Default: never.
func (p *PoolBuilder) ConnMaxLifetime(d time.Duration) *PoolBuilder {
	return p.dur(idConnMaxLifetime, d)
}

// ConnMaxLifetimeJitter spreads ConnMaxLifetime by up to d so that
// connections opened together do not all close together.
func (p *PoolBuilder) ConnMaxLifetimeJitter(d time.Duration) *PoolBuilder {
	return p.dur(idConnMaxLifetimeJitter, d)
}

// DialTimeout sets how long establishing a connection may take. Default:
// 5 seconds (go-redis); see the profiles.
func (p *PoolBuilder) DialTimeout(d time.Duration) *PoolBuilder { return p.dur(idDialTimeout, d) }

// ReadTimeout sets how long a reply may take; zero or negative waits
// forever. Default: go-redis's; see the profiles.
func (p *PoolBuilder) ReadTimeout(d time.Duration) *PoolBuilder { return p.dur(idReadTimeout, d) }

// WriteTimeout sets how long writing a command may take; zero or negative
// waits forever. Default: the read timeout.
func (p *PoolBuilder) WriteTimeout(d time.Duration) *PoolBuilder { return p.dur(idWriteTimeout, d) }

// MaxRetries sets the retries of a failed command; -1 disables them.
// Default: 3 (go-redis).
func (p *PoolBuilder) MaxRetries(n int) *PoolBuilder { return p.int(idMaxRetries, n) }

// RetryBackoff sets the shortest and longest wait between retries; zero or
// negative means no wait. Defaults: 10ms and 1s (go-redis).
func (p *PoolBuilder) RetryBackoff(minBackoff, maxBackoff time.Duration) *PoolBuilder {
	p.dur(idMinRetryBackoff, minBackoff)
	return p.dur(idMaxRetryBackoff, maxBackoff)
}

// DialerRetries sets the dial attempts for one connection. Default: 5
// (go-redis).
func (p *PoolBuilder) DialerRetries(n int) *PoolBuilder { return p.int(idDialerRetries, n) }

// DialerRetryTimeout sets the wait between dial attempts; zero or negative
// means no wait. Default: 100ms (go-redis).
func (p *PoolBuilder) DialerRetryTimeout(d time.Duration) *PoolBuilder {
	return p.dur(idDialerRetryTimeout, d)
}

// ReadBufferSize sets the bytes of each connection's read buffer.
// Default: go-redis's 32 KiB.
func (p *PoolBuilder) ReadBufferSize(n int) *PoolBuilder { return p.int(idReadBufferSize, n) }

// WriteBufferSize sets the bytes of each connection's write buffer.
// Default: go-redis's 32 KiB.
func (p *PoolBuilder) WriteBufferSize(n int) *PoolBuilder { return p.int(idWriteBufferSize, n) }

// ContextTimeout lets the deadline of a command's context bound the
// command, besides the read and write timeouts. Default: false.
func (p *PoolBuilder) ContextTimeout(on bool) *PoolBuilder {
	p.setCode(idContextTimeoutEnabled, boolValue(on))
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
	if r.has(idPoolSize) && r.vals[idPoolSize].n > 0 {
		poolSize = r.vals[idPoolSize].int()
	}
	pair := func(small, big settingID, ok bool, problem string) {
		if ok || !r.has(small) {
			return
		}
		r.fail(ErrConflict, settings[small].name, r.srcs[small].String(), "%s (%s); %s", problem, r.srcs[big], "lower it or raise the other")
	}
	if r.has(idMinIdleConns) {
		pair(idMinIdleConns, idPoolSize, r.vals[idMinIdleConns].int() <= poolSize,
			"is above the pool size "+strconv.Itoa(poolSize))
	}
	if r.has(idMaxIdleConns) && r.has(idMinIdleConns) && r.vals[idMaxIdleConns].n > 0 {
		pair(idMinIdleConns, idMaxIdleConns, r.vals[idMinIdleConns].n <= r.vals[idMaxIdleConns].n,
			"is above max_idle_conns "+strconv.Itoa(r.vals[idMaxIdleConns].int()))
	}
	if r.has(idMaxActiveConns) && r.has(idPoolSize) && r.vals[idMaxActiveConns].n > 0 {
		pair(idPoolSize, idMaxActiveConns, r.vals[idPoolSize].n <= r.vals[idMaxActiveConns].n,
			"is above max_active_conns "+strconv.Itoa(r.vals[idMaxActiveConns].int()))
	}
	if r.has(idMaxConcurrentDials) && r.has(idPoolSize) && r.vals[idPoolSize].n > 0 {
		pair(idMaxConcurrentDials, idPoolSize, r.vals[idMaxConcurrentDials].n <= r.vals[idPoolSize].n,
			"is above the pool size "+strconv.Itoa(poolSize))
	}
	if r.has(idMinRetryBackoff) && r.has(idMaxRetryBackoff) && r.vals[idMaxRetryBackoff].n > 0 {
		pair(idMinRetryBackoff, idMaxRetryBackoff, r.vals[idMinRetryBackoff].n <= r.vals[idMaxRetryBackoff].n,
			"is above max_retry_backoff "+settings[idMaxRetryBackoff].display(r.vals[idMaxRetryBackoff]))
	}
	if r.has(idConnMaxLifetimeJitter) && r.vals[idConnMaxLifetimeJitter].n > 0 {
		pair(idConnMaxLifetimeJitter, idConnMaxLifetime,
			r.has(idConnMaxLifetime) && r.vals[idConnMaxLifetimeJitter].n <= r.vals[idConnMaxLifetime].n,
			"needs conn_max_lifetime at least as long")
	}
}
