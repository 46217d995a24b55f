package redisconfig

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/auth"
)

// Subscription is a pub/sub subscription that stays authenticated while
// identity tokens rotate. go-redis re-authenticates a connection when it
// returns to the pool, which a subscribed connection never does, so a
// server that closes connections at token expiry (Azure) or after a
// maximum age (ElastiCache) would cut it, and the messages published until
// go-redis reconnects would be lost.
//
// On every new token a Subscription hands over to a new connection (which
// authenticates with the new token) before the old token expires, without
// losing or repeating a message: the new connection subscribes to the same
// channels and to a private control channel, the old one subscribes to the
// control channel too, and one marker published there splits the two
// streams at the same point of the server's order. Messages before the
// marker come from the old connection, messages after it from the new.
//
// Without token authentication it is a plain subscription.
type Subscription struct {
	client   redis.UniversalClient
	channels []string
	patterns []string
	bound    time.Duration // a hand-over gives up after this long
	out      chan *redis.Message
	rotate   chan struct{}
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	unsub    auth.UnsubscribeFunc

	handovers atomic.Int64 // completed without loss
	recovered atomic.Int64 // of which after the old connection failed first
	fallbacks atomic.Int64 // gave up on the marker; messages may repeat or be lost
	reconnect atomic.Int64 // receive errors (go-redis then reconnects)
}

// Subscribe subscribes client (made from this Config) to channels and
// returns once the server has confirmed them. Read messages from Channel;
// Close ends the subscription.
func (c *Config) Subscribe(ctx context.Context, client redis.UniversalClient, channels ...string) (*Subscription, error) {
	if len(channels) == 0 {
		return nil, errors.New("redisconfig: Subscribe needs at least one channel")
	}
	return c.subscribe(ctx, client, channels, nil)
}

// PSubscribe is Subscribe for patterns (PSUBSCRIBE): messages carry the
// pattern that matched in Message.Pattern. A pattern that also matches the
// hand-overs' private control channels (such as "*") never delivers them.
func (c *Config) PSubscribe(ctx context.Context, client redis.UniversalClient, patterns ...string) (*Subscription, error) {
	if len(patterns) == 0 {
		return nil, errors.New("redisconfig: PSubscribe needs at least one pattern")
	}
	return c.subscribe(ctx, client, nil, patterns)
}

func (c *Config) subscribe(ctx context.Context, client redis.UniversalClient, channels, patterns []string) (*Subscription, error) {
	s := &Subscription{
		client: client, channels: slices.Clone(channels), patterns: slices.Clone(patterns), bound: c.ConnectTimeout(),
		out: make(chan *redis.Message, 256), rotate: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	ps := s.open(ctx)
	if err := waitSubscribed(ctx, ps, s.pending()); err != nil {
		_ = ps.Close()
		return nil, fmt.Errorf("redisconfig: subscribing to %d channels and %d patterns: %w", len(channels), len(patterns), err)
	}
	if tc := c.tokens(); tc != nil {
		_, unsub, err := tc.Subscribe(rotationListener{s.rotate})
		if err != nil {
			_ = ps.Close()
			return nil, err
		}
		s.unsub = unsub
	}
	go s.run(startFeed(ps))
	return s, nil
}

// open subscribes a new connection to the channels and patterns, and to
// extra channels (a hand-over's control channel).
func (s *Subscription) open(ctx context.Context, extra ...string) *redis.PubSub {
	ps := s.client.Subscribe(ctx, append(slices.Clone(s.channels), extra...)...)
	if len(s.patterns) > 0 {
		_ = ps.PSubscribe(ctx, s.patterns...) // a failure shows in Receive
	}
	return ps
}

// pending lists the confirmations a new connection waits for, by
// subscriptionKey.
func (s *Subscription) pending(extra ...string) map[string]bool {
	want := map[string]bool{}
	for _, ch := range append(slices.Clone(s.channels), extra...) {
		want[subscriptionKey("subscribe", ch)] = true
	}
	for _, p := range s.patterns {
		want[subscriptionKey("psubscribe", p)] = true
	}
	return want
}

// subscriptionKey names a confirmation: a channel and a pattern may be
// spelled alike.
func subscriptionKey(kind, name string) string { return kind + " " + name }

// Channel returns the messages, in the server's order. It is closed by
// Close.
func (s *Subscription) Channel() <-chan *redis.Message { return s.out }

// Close ends the subscription and waits for its goroutines.
func (s *Subscription) Close() error {
	s.once.Do(func() {
		if s.unsub != nil {
			_ = s.unsub()
		}
		close(s.stop)
	})
	<-s.done
	return nil
}

// SubscriptionStats counts hand-overs.
type SubscriptionStats struct {
	// Handovers moved to a new connection without loss or repetition.
	Handovers int64
	// Fallbacks gave up waiting for the marker and switched anyway.
	Fallbacks int64
	// Recovered hand-overs: the old connection failed before the marker
	// reached it, and the overlap of the two streams was matched by
	// content instead (exact unless identical messages repeat in it).
	Recovered int64
	// ReceiveErrors are errors reading a subscribed connection, after
	// which go-redis reconnects (messages published meanwhile are lost).
	ReceiveErrors int64
}

// Stats returns the hand-over counts so far.
func (s *Subscription) Stats() SubscriptionStats {
	return SubscriptionStats{Handovers: s.handovers.Load(), Fallbacks: s.fallbacks.Load(), Recovered: s.recovered.Load(), ReceiveErrors: s.reconnect.Load()}
}

// rotationListener turns a token rotation into a signal.
type rotationListener struct{ c chan struct{} }

func (l rotationListener) OnNext(auth.Credentials) {
	select {
	case l.c <- struct{}{}:
	default:
	}
}
func (l rotationListener) OnError(error) {}

// feed reads one PubSub into a channel.
type feed struct {
	ps   *redis.PubSub
	ch   chan any
	done chan struct{}
}

func startFeed(ps *redis.PubSub) *feed {
	f := &feed{ps: ps, ch: make(chan any, 1024), done: make(chan struct{})}
	go func() {
		defer close(f.done)
		for {
			msg, err := ps.Receive(context.Background())
			if errors.Is(err, redis.ErrClosed) {
				return
			}
			if err != nil {
				msg = err
			}
			select {
			case f.ch <- msg:
			case <-f.done:
			}
			if err != nil {
				time.Sleep(10 * time.Millisecond) // go-redis reconnects on the next Receive
			}
		}
	}()
	return f
}

func (f *feed) close() {
	_ = f.ps.Close()
	for { // drain until the reader has returned
		select {
		case <-f.ch:
		case <-f.done:
			return
		}
	}
}

// waitSubscribed reads confirmations until every channel and pattern in
// want is subscribed.
func waitSubscribed(ctx context.Context, ps *redis.PubSub, want map[string]bool) error {
	for len(want) > 0 {
		msg, err := ps.Receive(ctx)
		if err != nil {
			return err
		}
		if sub, ok := msg.(*redis.Subscription); ok {
			delete(want, subscriptionKey(sub.Kind, sub.Channel))
		}
	}
	return nil
}

// handover is one move to a new connection in progress.
type handover struct {
	next      *feed
	ctl       string // the private control channel
	marker    string
	confirmed map[string]bool  // confirmations the new connection still awaits (subscriptionKey)
	oldDone   bool             // the old stream reached the marker
	nextReady bool             // the new stream reached the marker
	oldDead   bool             // the old connection failed before its marker
	pre       []*redis.Message // the new stream before the marker
	buf       []*redis.Message // the new stream after the marker, until the old one reaches it
	delivered []*redis.Message // what the old stream delivered since the hand-over began
	deadline  *time.Timer
}

func (s *Subscription) run(cur *feed) {
	defer close(s.done)
	defer close(s.out)
	var h *handover
	pending := false
	deliver := func(m *redis.Message) bool {
		select {
		case s.out <- m:
			return true
		case <-s.stop:
			return false
		}
	}
	finish := func() {
		s.handovers.Add(1)
		h.deadline.Stop()
		old, next, ctl := cur, h.next, h.ctl
		cur, h = h.next, nil
		go old.close()
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), s.bound)
			defer cancel()
			_ = next.ps.Unsubscribe(ctx, ctl)
		}()
	}
	// recover switches to the new connection when the old one failed
	// before the marker reached it: the new stream from its subscription
	// on, less the messages the old stream delivered after that point
	// (found as the longest run that ends the old and starts the new).
	recover := func() bool {
		n := append(h.pre, h.buf...)
		for _, m := range n[overlap(h.delivered, n):] {
			if !deliver(m) {
				return false
			}
		}
		finish()
		s.recovered.Add(1)
		return true
	}
	for {
		var nextCh <-chan any
		var deadline <-chan time.Time
		curCh := cur.ch
		if h != nil {
			nextCh, deadline = h.next.ch, h.deadline.C
			if h.oldDead {
				curCh = nil
			}
		}
		select {
		case <-s.stop:
			cur.close()
			if h != nil {
				h.deadline.Stop()
				h.next.close()
			}
			return
		case <-s.rotate:
			if h != nil {
				pending = true
				continue
			}
			h = s.startHandover()
		case <-deadline:
			// The marker did not come through both streams in time: switch
			// anyway, and say so.
			for _, m := range h.buf {
				if !deliver(m) {
					return
				}
			}
			finish()
			s.handovers.Add(-1)
			s.fallbacks.Add(1)
		case v := <-curCh:
			switch m := v.(type) {
			case *redis.Message:
				if strings.HasPrefix(m.Channel, handoverPrefix) && (h == nil || m.Channel != h.ctl) {
					continue // an earlier hand-over's control channel
				}
				if h != nil && m.Channel == h.ctl {
					if m.Payload == h.marker {
						h.oldDone = true
						if h.nextReady {
							for _, bm := range h.buf {
								if !deliver(bm) {
									return
								}
							}
							finish()
						}
					}
					continue
				}
				if h != nil && h.oldDone {
					continue // after the marker: the new stream delivers it
				}
				if !deliver(m) {
					return
				}
				if h != nil {
					h.delivered = append(h.delivered, m)
				}
			case *redis.Subscription:
				if h != nil && m.Channel == h.ctl && m.Kind == "subscribe" {
					go func(ctl, marker string) {
						ctx, cancel := context.WithTimeout(context.Background(), s.bound)
						defer cancel()
						_ = s.client.Publish(ctx, ctl, marker).Err()
					}(h.ctl, h.marker)
				}
			case error:
				s.reconnect.Add(1)
				if h != nil && !h.oldDone {
					h.oldDead = true
					if h.confirmed == nil && !recover() {
						return
					}
				}
			}
		case v := <-nextCh:
			switch m := v.(type) {
			case *redis.Message:
				switch {
				case strings.HasPrefix(m.Channel, handoverPrefix) && m.Channel != h.ctl:
					// Another hand-over's control channel, seen through a
					// pattern.
				case m.Channel == h.ctl:
					if m.Payload == h.marker {
						h.nextReady = true
						if h.oldDone {
							finish()
						}
					}
				case !h.nextReady:
					// Before the marker the old stream delivers it; kept
					// in case the old connection fails first.
					h.pre = append(h.pre, m)
				case h.oldDone:
					if !deliver(m) {
						return
					}
				default:
					h.buf = append(h.buf, m)
				}
			case *redis.Subscription:
				if h.confirmed != nil {
					delete(h.confirmed, subscriptionKey(m.Kind, m.Channel))
					if len(h.confirmed) == 0 && h.oldDead {
						h.confirmed = nil
						if !recover() {
							return
						}
					} else if len(h.confirmed) == 0 {
						h.confirmed = nil
						old, ctl := cur.ps, h.ctl
						go func() {
							ctx, cancel := context.WithTimeout(context.Background(), s.bound)
							defer cancel()
							_ = old.Subscribe(ctx, ctl)
						}()
					}
				}
			case error:
				s.reconnect.Add(1)
			}
		}
		if h == nil && pending {
			pending = false
			h = s.startHandover()
		}
	}
}

// startHandover subscribes a new connection to the channels and patterns
// and a private control channel.
func (s *Subscription) startHandover() *handover {
	id := randomID()
	ctl := handoverPrefix + id
	h := &handover{ctl: ctl, marker: "marker-" + id, confirmed: s.pending(ctl), deadline: time.NewTimer(s.bound)}
	h.next = startFeed(s.open(context.Background(), ctl))
	return h
}

// handoverPrefix starts the private control channels of hand-overs.
const handoverPrefix = "__redisconfig:handover:"

// overlap returns the length of the longest run of messages that ends
// delivered and starts next.
func overlap(delivered, next []*redis.Message) int {
	for k := min(len(delivered), len(next)); k > 0; k-- {
		tail := delivered[len(delivered)-k:]
		same := true
		for i := range k {
			if tail[i].Channel != next[i].Channel || tail[i].Pattern != next[i].Pattern || tail[i].Payload != next[i].Payload {
				same = false
				break
			}
		}
		if same {
			return k
		}
	}
	return 0
}

// randomID names a hand-over's control channel and marker.
func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
