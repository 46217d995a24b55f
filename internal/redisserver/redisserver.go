// Package redisserver starts real redis-server processes for integration
// tests: on free loopback ports, in a test's temporary directory, stopped
// when the test ends.
//
// Where redis-server is not installed the tests that need it are skipped
// with a message, unless REDISCONFIG_INTEGRATION=1, when they fail: CI sets
// it so that a missing server can never pass as green.
package redisserver

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvIntegration makes missing servers a failure instead of a skip.
const EnvIntegration = "REDISCONFIG_INTEGRATION"

// Binary returns the path of redis-server, or of valkey-server when only
// that is installed, or skips (fails, under REDISCONFIG_INTEGRATION=1) the
// test when there is neither.
func Binary(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"redis-server", "valkey-server"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv(EnvIntegration) == "1" {
		t.Fatalf("neither redis-server nor valkey-server is installed, and %s=1 requires the integration tests to run", EnvIntegration)
	}
	t.Skipf("redis-server is not installed; install it (apt-get install redis-server, or valkey-server) to run this test")
	return ""
}

// TLS configures a TLS listener. With TLS set the server listens only on
// its TLS port.
type TLS struct {
	CertFile, KeyFile, CAFile string
	// ClientCerts requires clients to present a certificate signed by CAFile.
	ClientCerts bool
	// ClientCertFile and ClientKeyFile are the certificate the harness's
	// own clients present when ClientCerts is set.
	ClientCertFile, ClientKeyFile string
}

// Options says how to start one server.
type Options struct {
	// Password sets requirepass for the default user.
	Password string
	// Users are ACL rules, each a full "user ..." line's arguments, such as
	// "app on >pw ~* +@all".
	Users []string
	TLS   *TLS
	// Args are passed to redis-server as they are ("--cluster-enabled",
	// "yes").
	Args []string
	// Sentinel, when set, starts a sentinel with these config lines.
	Sentinel []string
	// Config are extra lines for the server's config file, as they are
	// ("rename-command CONFIG \"\"", "timeout 300").
	Config []string
}

// Server is a running redis-server.
type Server struct {
	Port int
	Dir  string
	cmd  *exec.Cmd
	done chan struct{}
	opts Options
	bin  string
	log  string
}

// Addr returns "127.0.0.1:PORT".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

// Start starts a server and registers its stop with t.Cleanup.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{Dir: t.TempDir(), opts: opts, bin: Binary(t)}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		s.Port = FreePort(t)
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
		if !strings.Contains(lastErr.Error(), "in use") {
			break
		}
	}
	t.Fatalf("redisserver: %v", lastErr)
	return nil
}

func (s *Server) start() error {
	s.log = filepath.Join(s.Dir, "redis-"+strconv.Itoa(s.Port)+".log")
	_ = os.Remove(s.log)
	conf := s.config()
	confPath := filepath.Join(s.Dir, "redis-"+strconv.Itoa(s.Port)+".conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return err
	}
	args := append([]string{confPath}, s.opts.Args...)
	if s.opts.Sentinel != nil {
		args = append(args, "--sentinel")
	}
	s.cmd = exec.Command(s.bin, args...)
	s.cmd.Dir = s.Dir
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	return s.waitReady()
}

func (s *Server) config() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("bind 127.0.0.1")
	line("dir %s", s.Dir)
	line("logfile %s", s.log)
	line(`save ""`)
	line("appendonly no")
	line("daemonize no")
	if s.opts.TLS != nil {
		line("port 0")
		line("tls-port %d", s.Port)
		line("tls-cert-file %s", s.opts.TLS.CertFile)
		line("tls-key-file %s", s.opts.TLS.KeyFile)
		if s.opts.TLS.CAFile != "" {
			line("tls-ca-cert-file %s", s.opts.TLS.CAFile)
		}
		if s.opts.TLS.ClientCerts {
			line("tls-auth-clients yes")
			if s.opts.TLS.ClientCertFile != "" {
				line("tls-client-cert-file %s", s.opts.TLS.ClientCertFile)
				line("tls-client-key-file %s", s.opts.TLS.ClientKeyFile)
			}
		} else {
			line("tls-auth-clients no")
		}
	} else {
		line("port %d", s.Port)
	}
	if s.opts.Password != "" {
		line("requirepass %s", s.opts.Password)
	}
	for _, u := range s.opts.Users {
		line("user %s", u)
	}
	for _, l := range s.opts.Sentinel {
		line("%s", l)
	}
	for _, l := range s.opts.Config {
		line("%s", l)
	}
	return b.String()
}

// waitReady waits for the log line redis-server writes once it accepts
// connections, or for the process to die.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(s.log)
		// A sentinel never says it is ready; it says it monitors its master.
		if bytes.Contains(data, []byte("Ready to accept connections")) || bytes.Contains(data, []byte("+monitor master")) {
			return nil
		}
		select {
		case <-s.done:
			// Read the log again: the last lines (a port taken since
			// FreePort looked, "Address already in use") may have been
			// written after the read above.
			data, _ = os.ReadFile(s.log)
			return fmt.Errorf("redis-server on port %d exited: %s", s.Port, lastLines(data))
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.Stop()
	data, _ := os.ReadFile(s.log)
	return fmt.Errorf("redis-server on port %d not ready in time: %s", s.Port, lastLines(data))
}

// Stop stops the server and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// Restart stops the server and starts it again on the same port.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		t.Fatalf("redisserver: restart: %v", err)
	}
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redisserver: free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func lastLines(data []byte) string {
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// Version returns the installed redis-server's version as major and minor
// numbers (7, 0 for 7.0.15), skipping (or failing) the test like Binary
// when there is none.
func Version(t testing.TB) (major, minor int) {
	t.Helper()
	out, err := exec.Command(Binary(t), "--version").Output()
	if err != nil {
		t.Fatalf("redisserver: redis-server --version: %v", err)
	}
	// "Redis server v=7.0.15 sha=..."
	for _, f := range strings.Fields(string(out)) {
		if v, ok := strings.CutPrefix(f, "v="); ok {
			parts := strings.Split(v, ".")
			if len(parts) >= 2 {
				major, _ = strconv.Atoi(parts[0])
				minor, _ = strconv.Atoi(parts[1])
				return major, minor
			}
		}
	}
	t.Fatalf("redisserver: cannot read the version in %q", out)
	return 0, 0
}

// RejectingSetinfo returns Options for a server that answers CLIENT
// SETINFO with an error, as Memorystore and ElastiCache up to 7.1 do:
// servers before 7.2 do not know the subcommand; from 7.2 on the default
// user is denied it by ACL. password is the default user's password.
func RejectingSetinfo(t testing.TB, password string) Options {
	t.Helper()
	if major, minor := Version(t); major < 7 || major == 7 && minor < 2 {
		return Options{Password: password}
	}
	return Options{Users: []string{"default on >" + password + " ~* &* +@all -client|setinfo"}}
}

// Silent starts a loopback listener that accepts connections and never
// answers (a server that hangs, or a firewall that swallows packets after
// the handshake) and returns its address. The listener and every accepted
// connection are closed by t.Cleanup.
func Silent(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redisserver: listen: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return ln.Addr().String()
}
