package redisconfig

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// go-redis (v9.23) has one logger for the whole process, set with
// redis.SetLogger, and no per-client logger: its pool logs every failed
// dial ("redis: connection pool: failed to dial after 5 attempts: ...")
// from goroutines detached from the caller's context. A service whose
// Redis is down at start-up so prints several go-redis lines before
// Connect's one diagnosed error. GoRedisLogger is the redisconfig side of
// that: install it once, and go-redis's lines go through slog, scrubbed,
// one line each, without the dial failures Connect is diagnosing, and with
// repeats folded.

// GoRedisLogger is a go-redis logger (for redis.SetLogger) that writes
// go-redis's lines to a slog.Logger:
//
//   - every secret of the Configs it is given is scrubbed, and each line
//     is one line;
//   - a dial failure for an address that Connect is checking, or failed to
//     reach within the last FoldWindow, is dropped: Connect's error (a
//     *ConnectError with its Diagnosis) says it once, with the fix;
//   - a line that repeats within FoldWindow is logged once; the next one
//     after the window carries the count of those folded.
//
// Use it as
//
//	redis.SetLogger(redisconfig.NewGoRedisLogger(slog.Default(), cfg))
//
// go-redis's logger is process-wide: set it once, in main, before Connect.
type GoRedisLogger struct {
	logger *slog.Logger
	cfgs   []*Config
	// FoldWindow is how long a repeated line stays folded (default one
	// minute).
	FoldWindow time.Duration

	mu   sync.Mutex
	seen map[string]*foldedLine
}

type foldedLine struct {
	first  time.Time
	folded int
}

// NewGoRedisLogger returns a GoRedisLogger writing to logger
// (slog.Default() if nil) and scrubbing the secrets of cfgs.
func NewGoRedisLogger(logger *slog.Logger, cfgs ...*Config) *GoRedisLogger {
	if logger == nil {
		logger = slog.Default()
	}
	return &GoRedisLogger{logger: logger, cfgs: cfgs, FoldWindow: time.Minute, seen: map[string]*foldedLine{}}
}

// Printf implements go-redis's internal Logging interface.
func (g *GoRedisLogger) Printf(ctx context.Context, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	for _, c := range g.cfgs {
		msg = c.scrubber().text(msg)
	}
	msg = oneLine(strings.TrimSpace(msg))
	if isDialFailure(msg) && connectsFor(msg) {
		return
	}
	now := time.Now()
	key := foldKey(msg)
	g.mu.Lock()
	f := g.seen[key]
	switch {
	case f != nil && now.Sub(f.first) < g.FoldWindow:
		f.folded++
		g.mu.Unlock()
		return
	case f != nil:
		folded := f.folded
		g.seen[key] = &foldedLine{first: now}
		g.mu.Unlock()
		g.logger.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("source", "go-redis"), slog.Int("repeated", folded))
		return
	}
	if len(g.seen) > 1000 { // bounded: old keys go
		for k, v := range g.seen {
			if now.Sub(v.first) >= g.FoldWindow {
				delete(g.seen, k)
			}
		}
	}
	g.seen[key] = &foldedLine{first: now}
	g.mu.Unlock()
	g.logger.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("source", "go-redis"))
}

// foldKey is a line with its digits dropped, so "conn[12]" and "conn[13]",
// or "after 3 attempts" and "after 5 attempts", fold together.
func foldKey(msg string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, msg)
}

func isDialFailure(msg string) bool {
	return strings.Contains(msg, "failed to dial") || strings.Contains(msg, "dial tcp") || strings.Contains(msg, "dial unix")
}

// checking holds the addresses Connect is checking, or failed to reach,
// each with the time until which go-redis's dial failures for it are left
// to Connect's diagnosis.
var checking struct {
	sync.Mutex
	until map[string]time.Time
}

// markChecking leaves the dial failures for addrs to Connect until until.
func markChecking(addrs []string, until time.Time) {
	checking.Lock()
	defer checking.Unlock()
	if checking.until == nil {
		checking.until = map[string]time.Time{}
	}
	now := time.Now()
	for a, t := range checking.until {
		if now.After(t) {
			delete(checking.until, a)
		}
	}
	for _, a := range addrs {
		if a != "" {
			checking.until[a] = until
		}
	}
}

// connectsFor reports whether msg names an address Connect answers for.
func connectsFor(msg string) bool {
	checking.Lock()
	defer checking.Unlock()
	now := time.Now()
	for a, t := range checking.until {
		if now.Before(t) && strings.Contains(msg, a) {
			return true
		}
	}
	return false
}

// foldWindow is how long after a failed Connect go-redis's dial failures
// for its addresses are left to Connect's error.
const foldWindow = time.Minute
