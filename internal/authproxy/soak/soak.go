// Package soak drives the token rotation soak: 64 goroutines of SET/GET, a
// subscriber and a publisher through an authproxy.Proxy, until the token
// has rotated enough times. The root package and each adapter module run
// it with their own token source.
package soak

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/authproxy"
)

// Lifetime is the token lifetime the soaks use: refreshed a third before
// expiry, 20 rotations take about 40 seconds. Shorter lifetimes leave the
// hand-overs too little time under -race on a loaded machine (a
// subscribed connection's dial, AUTH, two SUBSCRIBEs and a PUBLISH, a
// pool connection's re-AUTH): the old token then expires first, which is
// a test artefact (real margins are minutes) but fails the soak. One
// second failed once in CI; two seconds failed once at load 25 here (a
// token refused at the proxy 667 ms after the cache handed it out).
const Lifetime = 3 * time.Second

// MaxAge is the scaled stand-in for ElastiCache's 12-hour limit on a
// connection that does not re-authenticate: twice the token lifetime.
const MaxAge = 2 * Lifetime

// Options says how to run one soak.
type Options struct {
	// Proxy is the running proxy to connect through.
	Proxy *authproxy.Proxy
	// Config is the configuration to connect with (pointing at Proxy).
	Config *redisconfig.Config
	// Rotations is how many token rotations to wait for.
	Rotations int64
	// Plain subscribes with go-redis's own PubSub instead of a
	// redisconfig.Subscription, to measure what it loses.
	Plain bool
	// Pattern, when set, subscribes to it (PSUBSCRIBE) instead of the
	// channel "soak".
	Pattern string
}

// Result is what a soak measured.
type Result struct {
	Options                         Options
	Rotations, Fetches, Failures    int64
	Commands, Failed                int64
	Published, Received, Duplicates int64
	Foreign                         int64 // messages on a channel other than "soak" (a control channel leaking)
	Proxy                           authproxy.Stats
	Sub                             redisconfig.SubscriptionStats
	Elapsed                         time.Duration
	FirstError                      error
}

func (r Result) String() string {
	return fmt.Sprintf("%.1fs: %d rotations, %d fetches (%d failed), %d commands, %d failed, %d published, %d received, %d duplicates; proxy: %d conns, %d auths, %d re-auths (max %d per conn), %d refused, %d closed for expiry or age; subscription: %d hand-overs (%d recovered), %d fallbacks, %d receive errors",
		r.Elapsed.Seconds(), r.Rotations, r.Fetches, r.Failures, r.Commands, r.Failed, r.Published, r.Received, r.Duplicates,
		r.Proxy.Conns, r.Proxy.Auths, r.Proxy.ReAuths, r.Proxy.MaxReAuths, r.Proxy.Refused, r.Proxy.ClosedExpiry,
		r.Sub.Handovers, r.Sub.Recovered, r.Sub.Fallbacks, r.Sub.ReceiveErrors)
}

// Run runs the soak and closes the client it made.
func Run(t testing.TB, o Options) Result {
	t.Helper()
	ctx := context.Background()
	cfg := o.Config
	client, err := cfg.Connect(ctx)
	if err != nil {
		t.Fatalf("soak: connect: %v", err)
	}

	var messages <-chan *redis.Message
	var closeSub func() error
	var sub *redisconfig.Subscription
	if o.Plain {
		ps := client.Subscribe(ctx, "soak")
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatalf("soak: subscribe: %v", err)
		}
		messages, closeSub = ps.Channel(), ps.Close
	} else if o.Pattern != "" {
		sub, err = cfg.PSubscribe(ctx, client, o.Pattern)
		if err != nil {
			t.Fatalf("soak: psubscribe: %v", err)
		}
		messages, closeSub = sub.Channel(), sub.Close
	} else {
		sub, err = cfg.Subscribe(ctx, client, "soak")
		if err != nil {
			t.Fatalf("soak: subscribe: %v", err)
		}
		messages, closeSub = sub.Channel(), sub.Close
	}
	seen := map[int]int{}
	var foreign atomic.Int64
	var seenMu sync.Mutex
	recvDone := make(chan struct{})
	go func() {
		defer close(recvDone)
		for m := range messages {
			if m.Channel != "soak" {
				foreign.Add(1)
				continue
			}
			if n, err := strconv.Atoi(m.Payload); err == nil {
				seenMu.Lock()
				seen[n]++
				seenMu.Unlock()
			}
		}
	}()

	res := Result{Options: o}
	start := time.Now()
	stop := make(chan struct{})
	var commands, failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "k" + strconv.Itoa(i)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				err := client.Set(ctx, key, n, 0).Err()
				if err == nil {
					err = client.Get(ctx, key).Err()
				}
				commands.Add(2)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	published := 0
	deadline := time.Now().Add(2 * time.Minute) // a broken rotation must not hang CI
	// A rotation's hand-over trails the fetch that caused it: the soak ends
	// once the subscription has caught up with the last one, so what it
	// counts is the subscription's doing, not the race with the stop.
	finished := func() bool {
		if cfg.TokenStats().Fetches < o.Rotations+1 {
			return false
		}
		if sub == nil {
			return true
		}
		st := sub.Stats()
		return st.Handovers+st.Fallbacks >= o.Rotations
	}
	for !finished() && time.Now().Before(deadline) {
		if err := client.Publish(ctx, "soak", strconv.Itoa(published)).Err(); err != nil {
			failed.Add(1)
			firstErr.CompareAndSwap(nil, err)
		}
		published++
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	for range 200 { // let the last message arrive
		seenMu.Lock()
		_, ok := seen[published-1]
		seenMu.Unlock()
		if ok {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	res.Elapsed = time.Since(start)
	if sub != nil {
		res.Sub = sub.Stats()
	}
	_ = closeSub()
	<-recvDone
	_ = client.Close()

	st := cfg.TokenStats()
	res.Fetches, res.Failures = st.Fetches, st.Failures
	res.Rotations = st.Fetches - st.Failures - 1
	res.Commands, res.Failed = commands.Load(), failed.Load()
	if e, ok := firstErr.Load().(error); ok {
		res.FirstError = e
	}
	res.Published, res.Foreign = int64(published), foreign.Load()
	for _, c := range seen {
		res.Received++
		if c > 1 {
			res.Duplicates += int64(c - 1)
		}
	}
	res.Proxy = o.Proxy.Stats()
	return res
}

// LeftGoroutines lists the goroutines of redisconfig's token machinery
// still running, after waiting up to two seconds for them to end.
func LeftGoroutines() []string {
	var left []string
	for range 100 {
		buf := make([]byte, 1<<20)
		stacks := strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n")
		left = left[:0]
		for _, s := range stacks {
			if strings.Contains(s, "redisconfig.(*tokenCache)") || strings.Contains(s, "redisconfig.(*Subscription)") ||
				strings.Contains(s, "redisconfig.startFeed") {
				left = append(left, s)
			}
		}
		if len(left) == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return left
}

// MaxFetches is the most fetches a soak of this length may make: one per
// refresh window (two thirds of the lifetime), plus the first and one for
// the window in progress.
func MaxFetches(elapsed, lifetime time.Duration) int64 {
	window := lifetime - lifetime/3
	return int64(elapsed/window) + 2
}

// Verify fails t unless the soak kept every promise: the rotations
// happened, no command failed, no token was refused, at most one fetch per
// refresh window (fetched is what the token source itself counted, to
// check against the cache's own count; -1 when it has no counter), every
// published message arrived once, the subscription moved at every
// rotation, and nothing is left running.
func Verify(t testing.TB, r Result, fetched int64) {
	t.Helper()
	o := r.Options
	check := func(ok bool, format string, args ...any) {
		t.Helper()
		if !ok {
			t.Errorf(format, args...)
		}
	}
	check(r.Rotations >= o.Rotations, "%d rotations, want at least %d", r.Rotations, o.Rotations)
	check(r.Failed == 0, "%d failed commands (first: %v)", r.Failed, r.FirstError)
	check(r.Proxy.Refused == 0, "%d tokens refused", r.Proxy.Refused)
	check(r.Fetches <= MaxFetches(r.Elapsed, Lifetime), "%d fetches in %s, more than one per refresh window", r.Fetches, r.Elapsed)
	check(fetched < 0 || fetched == r.Fetches, "the source counted %d fetches, the cache %d", fetched, r.Fetches)
	check(r.Duplicates == 0, "%d messages received twice", r.Duplicates)
	check(r.Foreign == 0, "%d messages from channels nobody published to (hand-over control channels?)", r.Foreign)
	if !o.Plain {
		check(r.Published == r.Received, "%d published, %d received", r.Published, r.Received)
		check(r.Sub.Handovers >= o.Rotations, "the subscription moved %d times in %d rotations", r.Sub.Handovers, o.Rotations)
		check(r.Sub.Fallbacks == 0, "%d hand-overs fell back without the marker", r.Sub.Fallbacks)
	}
	left := LeftGoroutines()
	check(len(left) == 0, "goroutines left after Close:\n%s", strings.Join(left, "\n\n"))
}
