// Package authproxy plays a managed Redis service's part in tests of token
// authentication: a loopback proxy in front of a real redis-server that
// accepts AUTH and HELLO ... AUTH only with a token its issuer minted and
// that has not expired, closes connections whose token expired (Azure's
// behaviour) or that went longer than a maximum age without re-AUTH (AWS's,
// scaled down), and forwards everything else.
//
// The proxy never answers a command itself: it rewrites an accepted AUTH
// to the backend's own password and a refused one to a password the
// backend refuses, so replies stay in order under pipelining and the
// backend's own rules (NOAUTH before AUTH, no AUTH in a RESP2 subscribed
// connection) apply as they would on the real service.
package authproxy

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redisconfig/redisconfig/internal/redisserver"
)

// Verifier checks a token presented as AUTH user password and returns when
// it expires.
type Verifier interface {
	Verify(user, password string) (expiry time.Time, err error)
}

// VerifierFunc makes a function a Verifier.
type VerifierFunc func(user, password string) (time.Time, error)

// Verify calls f.
func (f VerifierFunc) Verify(user, password string) (time.Time, error) { return f(user, password) }

// Options says how the proxy behaves.
type Options struct {
	// CloseOnExpiry closes a connection when its token expires without a
	// new AUTH (Azure).
	CloseOnExpiry bool
	// MaxAge closes a connection this long after its last AUTH (AWS's 12
	// hours, scaled down). Zero: no limit.
	MaxAge time.Duration
	// Backend configures the redis-server behind the proxy; Start sets its
	// password.
	Backend redisserver.Options
}

// Stats counts what the proxy saw.
type Stats struct {
	Conns        int64 // connections accepted
	Auths        int64 // AUTH/HELLO AUTH accepted, first or again
	ReAuths      int64 // of which on a connection already authenticated
	Refused      int64 // AUTH/HELLO AUTH refused
	ClosedExpiry int64 // connections closed for an expired token or age
	MaxReAuths   int64 // the most re-AUTHs one connection did
}

// Proxy is a running proxy.
type Proxy struct {
	// Addr is the proxy's "127.0.0.1:port".
	Addr string
	// Backend is the redis-server behind it.
	Backend *redisserver.Server

	ln        net.Listener
	verifier  Verifier
	opts      Options
	password  string // the backend's requirepass
	wg        sync.WaitGroup
	mu        sync.Mutex
	conns     map[*proxyConn]struct{}
	closed    bool
	conns64   atomic.Int64
	auths     atomic.Int64
	reauths   atomic.Int64
	refused   atomic.Int64
	expired   atomic.Int64
	maxReAuth atomic.Int64
}

// Start starts a redis-server with a random password and the proxy in
// front of it; both stop when the test ends.
func Start(t testing.TB, v Verifier, opts Options) *Proxy {
	t.Helper()
	pw := RandomHex(16)
	bo := opts.Backend
	bo.Password = pw
	backend := redisserver.Start(t, bo)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("authproxy: %v", err)
	}
	p := &Proxy{Addr: ln.Addr().String(), Backend: backend, ln: ln, verifier: v, opts: opts, password: pw, conns: map[*proxyConn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// Stats returns the counts so far.
func (p *Proxy) Stats() Stats {
	return Stats{Conns: p.conns64.Load(), Auths: p.auths.Load(), ReAuths: p.reauths.Load(), Refused: p.refused.Load(),
		ClosedExpiry: p.expired.Load(), MaxReAuths: p.maxReAuth.Load()}
}

// Close stops accepting, closes every connection and waits for them.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	_ = p.ln.Close()
	for c := range p.conns {
		c.close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.Backend.Addr())
		if err != nil {
			_ = client.Close()
			continue
		}
		c := &proxyConn{p: p, client: client, server: server}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.close()
			return
		}
		p.conns[c] = struct{}{}
		p.mu.Unlock()
		p.conns64.Add(1)
		p.wg.Add(2)
		go c.fromClient()
		go c.fromServer()
	}
}

// proxyConn is one client connection and its backend connection.
type proxyConn struct {
	p              *Proxy
	client, server net.Conn
	once           sync.Once

	mu      sync.Mutex
	timer   *time.Timer
	authed  bool
	reauths int64
}

func (c *proxyConn) close() {
	c.once.Do(func() {
		_ = c.client.Close()
		_ = c.server.Close()
		c.mu.Lock()
		if c.timer != nil {
			c.timer.Stop()
		}
		c.mu.Unlock()
	})
}

func (c *proxyConn) fromServer() {
	defer c.p.wg.Done()
	_, _ = io.Copy(c.client, c.server)
	c.close()
}

func (c *proxyConn) fromClient() {
	defer c.p.wg.Done()
	defer func() {
		c.close()
		c.p.mu.Lock()
		delete(c.p.conns, c)
		c.p.mu.Unlock()
	}()
	r := bufio.NewReader(c.client)
	w := bufio.NewWriter(c.server)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		args = c.rewrite(args)
		writeCommand(w, args)
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return
			}
		}
	}
}

// rewrite replaces the credentials of AUTH and HELLO ... AUTH: the
// backend's password when the token verifies, a wrong one when not.
func (c *proxyConn) rewrite(args []string) []string {
	if len(args) == 0 {
		return args
	}
	switch strings.ToUpper(args[0]) {
	case "AUTH":
		user, pw := "default", ""
		switch len(args) {
		case 2:
			pw = args[1]
		case 3:
			user, pw = args[1], args[2]
		default:
			return args
		}
		return []string{"AUTH", "default", c.check(user, pw)}
	case "HELLO":
		out := append([]string(nil), args...)
		for i := 2; i+2 < len(out); i++ {
			if strings.EqualFold(out[i], "AUTH") {
				out[i+1], out[i+2] = "default", c.check(out[i+1], out[i+2])
				break
			}
		}
		return out
	}
	return args
}

// check verifies a token, arms the connection's deadline and returns the
// password to send to the backend.
func (c *proxyConn) check(user, pw string) string {
	expiry, err := c.p.verifier.Verify(user, pw)
	if err != nil {
		c.p.refused.Add(1)
		return "refused-" + RandomHex(8)
	}
	c.p.auths.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.authed {
		c.p.reauths.Add(1)
		c.reauths++
		for {
			cur := c.p.maxReAuth.Load()
			if c.reauths <= cur || c.p.maxReAuth.CompareAndSwap(cur, c.reauths) {
				break
			}
		}
	}
	c.authed = true
	var deadline time.Time
	if c.p.opts.CloseOnExpiry && !expiry.IsZero() {
		deadline = expiry
	}
	if c.p.opts.MaxAge > 0 {
		if age := time.Now().Add(c.p.opts.MaxAge); deadline.IsZero() || age.Before(deadline) {
			deadline = age
		}
	}
	if !deadline.IsZero() {
		if c.timer != nil {
			c.timer.Stop()
		}
		c.timer = time.AfterFunc(time.Until(deadline), func() {
			c.p.expired.Add(1)
			c.close()
		})
	}
	return c.p.password
}

// readCommand reads one command as a client sends it: a RESP array of
// bulk strings, or an inline command.
func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := readLine(r)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 || line[0] != '*' {
		return strings.Fields(line), nil
	}
	n, err := strconv.Atoi(line[1:])
	if err != nil || n < 0 || n > 1<<20 {
		return nil, errors.New("authproxy: bad array header")
	}
	args := make([]string, 0, n)
	for range n {
		h, err := readLine(r)
		if err != nil {
			return nil, err
		}
		if len(h) == 0 || h[0] != '$' {
			return nil, errors.New("authproxy: expected a bulk string")
		}
		size, err := strconv.Atoi(h[1:])
		if err != nil || size < 0 || size > 512<<20 {
			return nil, errors.New("authproxy: bad bulk length")
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		args = append(args, string(buf[:size]))
	}
	return args, nil
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func writeCommand(w *bufio.Writer, args []string) {
	fmt.Fprintf(w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(w, "$%d\r\n%s\r\n", len(a), a)
	}
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Issuer mints opaque tokens and verifies them: the fake identity provider
// for tests that need no particular token format (and for GCP's access
// tokens, which are opaque).
type Issuer struct {
	// User is the AUTH user every token is for ("default" for GCP).
	User string
	// Lifetime is how long a token lasts.
	Lifetime time.Duration

	mu     sync.Mutex
	tokens map[string]time.Time
	minted atomic.Int64
}

// Mint returns a new token and its expiry.
func (i *Issuer) Mint() (string, time.Time) {
	tok := "tok-" + RandomHex(16)
	exp := time.Now().Add(i.Lifetime)
	i.mu.Lock()
	if i.tokens == nil {
		i.tokens = map[string]time.Time{}
	}
	i.tokens[tok] = exp
	i.mu.Unlock()
	i.minted.Add(1)
	return tok, exp
}

// Minted counts the tokens minted.
func (i *Issuer) Minted() int64 { return i.minted.Load() }

// Verify accepts a token this issuer minted for its user, until it expires.
func (i *Issuer) Verify(user, password string) (time.Time, error) {
	i.mu.Lock()
	exp, ok := i.tokens[password]
	i.mu.Unlock()
	switch {
	case !ok:
		return time.Time{}, errors.New("unknown token")
	case user != i.User:
		return time.Time{}, errors.New("token for another user")
	case !time.Now().Before(exp):
		return time.Time{}, errors.New("token expired")
	}
	return exp, nil
}
