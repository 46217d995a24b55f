package redisconfigtest

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redisconfig/redisconfig"
	"github.com/redisconfig/redisconfig/internal/redisserver"
	"github.com/redisconfig/redisconfig/internal/testpki"
)

// This file starts real servers: redis-server, or valkey-server when only
// that is on PATH, each in the test's temporary directory on a free
// loopback port, stopped when the test ends. Where neither is installed the
// test is skipped with a message, unless REDISCONFIG_INTEGRATION=1 (the
// switch the project's own tests use), when it fails: set it in CI so that
// a missing server never passes as green.

// EnvIntegration makes a missing server binary fail the test instead of
// skipping it.
const EnvIntegration = redisserver.EnvIntegration

// RealOptions says how to start real servers. The zero value is a plain
// server without a password.
type RealOptions struct {
	// Password protects the default user (requirepass).
	Password string
	// Users are ACL users. With users, Vars authenticates as the first.
	Users []User
	// TLS serves TLS only, with a CA and certificates generated for the
	// test (ECDSA P-256, valid for a day, for 127.0.0.1).
	TLS bool
	// MutualTLS also requires clients to present a certificate from that
	// CA; Vars then holds one. It implies TLS.
	MutualTLS bool
	// Args are extra redis-server arguments ("--maxmemory", "10mb").
	Args []string
}

// User is an ACL user.
type User struct {
	Name, Password string
	// Rules are the ACL rules after the password; default "~* &* +@all".
	Rules string
}

// TLSFiles are the PEM files a TLS fixture generated.
type TLSFiles struct {
	CAFile                        string // the CA that signed everything
	ClientCertFile, ClientKeyFile string // a client certificate from that CA
}

// fixture is what every real fixture shares: its variables and TLS files.
type fixture struct {
	vars map[string]string
	tls  *TLSFiles
}

// Vars returns the variables that point a builder at the fixture, in the
// test environment: ENVIRONMENT=test, the address (REDIS_URL,
// REDIS_CLUSTER_NODES or the sentinel variables), the credentials and the
// TLS files. The map is a fresh copy each time.
func (f *fixture) Vars() map[string]string { return maps.Clone(f.vars) }

// Builder returns a builder reading only Vars plus extra (never the process
// environment).
func (f *fixture) Builder(extra map[string]string) *redisconfig.Builder {
	vars := f.Vars()
	maps.Copy(vars, extra)
	return redisconfig.New().WithEnv(vars)
}

// TLSFiles returns the generated CA and client certificate, or nil without
// TLS.
func (f *fixture) TLSFiles() *TLSFiles { return f.tls }

// Client builds from Vars and connects (Config.Connect, with its start-up
// check); the client is closed when the test ends.
func (f *fixture) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	cfg, err := f.Builder(nil).Build(context.Background())
	if err != nil {
		t.Fatalf("redisconfigtest: build: %v", err)
	}
	c, err := cfg.Connect(context.Background())
	if err != nil {
		t.Fatalf("redisconfigtest: connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// RealServer is one real redis-server.
type RealServer struct {
	fixture
	srv *redisserver.Server
}

// Addr returns "127.0.0.1:PORT".
func (s *RealServer) Addr() string { return s.srv.Addr() }

// Stop stops the server (a Redis that went away); Restart starts it again
// on the same port, with the same configuration.
func (s *RealServer) Stop() { s.srv.Stop() }

// Restart starts a stopped server again on the same port.
func (s *RealServer) Restart(t testing.TB) {
	t.Helper()
	s.srv.Restart(t)
}

// StartRedis starts a real redis-server (or valkey-server) for the test.
func StartRedis(t testing.TB, opts RealOptions) *RealServer {
	t.Helper()
	o, files := serverOptions(t, opts)
	srv := redisserver.Start(t, o)
	s := &RealServer{srv: srv, fixture: fixture{tls: files}}
	s.vars = baseVars(opts, files)
	s.vars[redisconfig.EnvURL] = scheme(opts) + srv.Addr()
	return s
}

// RealCluster is a real Redis Cluster of masters, every slot assigned.
type RealCluster struct {
	fixture
	c *redisserver.Cluster
}

// Addrs returns the nodes' addresses.
func (c *RealCluster) Addrs() []string { return c.c.Addrs() }

// StartCluster starts a Redis Cluster of masters nodes (three make the
// smallest real one), splits the slots between them and waits until every
// node reports cluster_state:ok. ACL users are set on every node; the
// cluster is set up through the default user (Password).
func StartCluster(t testing.TB, masters int, opts RealOptions) *RealCluster {
	t.Helper()
	if masters < 1 {
		t.Fatalf("redisconfigtest: a cluster needs at least one master, got %d", masters)
	}
	o, files := serverOptions(t, opts)
	c := &RealCluster{c: redisserver.StartCluster(t, masters, o), fixture: fixture{tls: files}}
	c.vars = baseVars(opts, files)
	c.vars[redisconfig.EnvClusterNodes] = strings.Join(c.c.Addrs(), ",")
	if files != nil {
		c.vars[redisconfig.EnvTLS] = "true"
		c.vars[redisconfig.EnvTLSServerName] = "127.0.0.1"
	}
	return c
}

// RealSentinel is a master, its replicas and the sentinels watching them
// (master name "mymaster").
type RealSentinel struct {
	fixture
	g *redisserver.SentinelGroup
}

// MasterName returns the name the sentinels know the master by.
func (s *RealSentinel) MasterName() string { return s.g.MasterName }

// MasterAddr returns the address of the master as started (a failover
// moves it).
func (s *RealSentinel) MasterAddr() string { return s.g.Master.Addr() }

// SentinelAddrs returns the sentinels' addresses.
func (s *RealSentinel) SentinelAddrs() []string { return s.g.SentinelAddrs() }

// StopMaster stops the master, so that the sentinels fail over to a
// replica (within a few seconds: they give up on it after half a second).
func (s *RealSentinel) StopMaster() { s.g.Master.Stop() }

// StartSentinel starts a master, replicas replicas of it and sentinels
// sentinels (quorum: a majority of them) that fail over after half a second
// of silence. Password protects the data nodes; the sentinels are open.
func StartSentinel(t testing.TB, replicas, sentinels int, opts RealOptions) *RealSentinel {
	t.Helper()
	if sentinels < 1 {
		t.Fatalf("redisconfigtest: sentinel mode needs at least one sentinel, got %d", sentinels)
	}
	o, files := serverOptions(t, opts)
	g := redisserver.StartSentinels(t, replicas, sentinels, o)
	s := &RealSentinel{g: g, fixture: fixture{tls: files}}
	s.vars = baseVars(opts, files)
	s.vars[redisconfig.EnvSentinelMaster] = g.MasterName
	s.vars[redisconfig.EnvSentinelNodes] = strings.Join(g.SentinelAddrs(), ",")
	if files != nil {
		s.vars[redisconfig.EnvTLS] = "true"
		s.vars[redisconfig.EnvTLSServerName] = "127.0.0.1"
	}
	return s
}

// serverOptions turns RealOptions into the harness's, generating the
// certificates TLS needs.
func serverOptions(t testing.TB, opts RealOptions) (redisserver.Options, *TLSFiles) {
	o := redisserver.Options{Password: opts.Password, Args: opts.Args}
	for _, u := range opts.Users {
		rules := u.Rules
		if rules == "" {
			rules = "~* &* +@all"
		}
		o.Users = append(o.Users, u.Name+" on >"+u.Password+" "+rules)
	}
	if !opts.TLS && !opts.MutualTLS {
		return o, nil
	}
	ca := testpki.NewCA(t, "redisconfigtest")
	node := ca.Node(t, "redis", "127.0.0.1", "localhost")
	client := ca.Client(t, "client")
	o.TLS = &redisserver.TLS{CertFile: node.CertFile, KeyFile: node.KeyFile, CAFile: ca.CertFile}
	files := &TLSFiles{CAFile: ca.CertFile}
	if opts.MutualTLS {
		o.TLS.ClientCerts = true
		o.TLS.ClientCertFile, o.TLS.ClientKeyFile = node.CertFile, node.KeyFile
		files.ClientCertFile, files.ClientKeyFile = client.CertFile, client.KeyFile
	}
	return o, files
}

// baseVars are the variables every fixture shares: the environment, the
// credentials and the TLS files.
func baseVars(opts RealOptions, files *TLSFiles) map[string]string {
	vars := map[string]string{redisconfig.EnvEnvironment: "test"}
	switch {
	case len(opts.Users) > 0:
		vars[redisconfig.EnvUsername] = opts.Users[0].Name
		vars[redisconfig.EnvPassword] = opts.Users[0].Password
	case opts.Password != "":
		vars[redisconfig.EnvPassword] = opts.Password
	}
	if files != nil {
		vars[redisconfig.EnvTLSCAFile] = files.CAFile
		if files.ClientCertFile != "" {
			vars[redisconfig.EnvTLSCertFile] = files.ClientCertFile
			vars[redisconfig.EnvTLSKeyFile] = files.ClientKeyFile
		}
	}
	return vars
}

func scheme(opts RealOptions) string {
	if opts.TLS || opts.MutualTLS {
		return "rediss://"
	}
	return "redis://"
}
