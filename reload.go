package redisconfig

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"
)

// This file makes files that change apply without a restart: the password
// file (REDIS_PASSWORD_FILE, Connection().PasswordFile), the CA bundle
// (REDIS_TLS_CA_FILE), the client certificate and key, and the secrets of
// DirSecrets. Each is checked with a stat when a new connection needs it
// (no fsnotify, no goroutine), so Kubernetes's swap of the ..data symlink
// under a mounted secret is seen: the stat follows the symlinks to a new
// file. A file that becomes unreadable or invalid keeps the last good value
// in use and is reported once per change through the refresh-error hook
// (Secrets().OnRefreshError; default a slog warning).

// fileStamp identifies a version of a file: modification time, size and,
// where the system has one, the inode (a swapped symlink points at a new
// file even when size and time agree).
type fileStamp struct {
	mod  time.Time
	size int64
	id   uint64
	ok   bool
}

// stamp stats path, following symlinks; a file that cannot be stat'ed has
// the zero stamp.
func stamp(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size(), id: fileID(fi), ok: true}
}

// reloading holds a value loaded from files and loads it again when any of
// them changes. It is the one helper for every file that may change under a
// running client.
type reloading[T any] struct {
	paths   []string
	load    func() (T, error)
	onError func(error)

	mu     sync.Mutex
	stamps []fileStamp
	val    T
}

// newReloading starts from a value already loaded (at Build) from paths.
func newReloading[T any](val T, load func() (T, error), onError func(error), paths ...string) *reloading[T] {
	r := &reloading[T]{paths: paths, load: load, onError: onError, val: val}
	r.stamps = r.stampAll()
	return r
}

func (r *reloading[T]) stampAll() []fileStamp {
	out := make([]fileStamp, len(r.paths))
	for i, p := range r.paths {
		out[i] = stamp(p)
	}
	return out
}

// get returns the current value, loading the files again when one of them
// changed since the last look. A failed load keeps the last good value and
// is reported once; the next change of any file tries again (a pair caught
// between writing the certificate and the key loads on the next change).
func (r *reloading[T]) get() T {
	now := r.stampAll()
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.Equal(now, r.stamps) {
		return r.val
	}
	r.stamps = now
	v, err := r.load()
	if err != nil {
		r.onError(err)
		return r.val
	}
	r.val = v
	return v
}

// refreshErrorHook returns the function that reports a failed reload of
// name: the builder's OnRefreshError, or a slog warning.
func refreshErrorHook(b *Builder, name string) func(error) {
	if fn := b.onRefreshError; fn != nil {
		return func(err error) { fn(name, err) }
	}
	return func(err error) {
		slog.Warn("redisconfig: reading a changed file failed; keeping the last good value", "file", name, "error", err)
	}
}

// filePassword is a password read from a file, read again when the file
// changes; go-redis asks it for every new connection.
type filePassword struct {
	username string
	pw       *reloading[string]
}

func (f *filePassword) credentials(context.Context) (string, string, error) {
	return f.username, f.pw.get(), nil
}

// passwordFile returns the reloading password when the password came from
// a file (a _FILE variable or Connection().PasswordFile), or nil.
func (r *resolution) passwordFile(b *Builder, username string, first Secret) *filePassword {
	src := r.srcs[idPassword]
	if src.Kind != SourceFile || src.Path == "" {
		return nil
	}
	path := src.Path
	def := &settings[idPassword]
	load := func() (string, error) {
		text, problem := readSecretFile(context.Background(), path, fileKindPassword)
		if problem == "" {
			if _, problem = def.parse(text); problem != "" {
				problem = "the file's content " + problem
			}
		}
		if problem != "" {
			return "", errors.New("redisconfig: " + src.String() + ": " + problem)
		}
		return text, nil
	}
	return &filePassword{username: username, pw: newReloading(first.Reveal(), load, refreshErrorHook(b, src.String()), path)}
}

// reloadingCA verifies the server's certificate against the CA bundle as
// it is now, so a CA rotation reaches new connections: the CA file, read
// again when it changes, or the CA bundle from a secret, read again from
// the source every REDIS_SECRETS_REFRESH as the password is (at once when
// DirSecrets sees its file change). crypto/tls reads RootCAs once per
// tls.Config, so the check moves into VerifyConnection, as crypto/tls's
// documentation shows for custom verification: InsecureSkipVerify only
// turns off the built-in check, which VerifyConnection then does in full
// (chain to the current pool, the server name, the validity period).
//
// Full verification needs the name to verify (the host of a standalone
// address, or TLS().ServerName): for cluster and sentinel nodes without a
// server name go-redis fills the name in per node, out of reach, and the
// bundle is then read once, at Build. ca-only checks no name, so it
// follows the bundle in every topology.
func (r *resolution) reloadingCA(b *Builder, cfg *tls.Config) {
	if cfg == nil || cfg.RootCAs == nil || r.vals[idTLSSkipVerify].bool() {
		return
	}
	name := cfg.ServerName
	switch r.verifyMode() {
	case VerifyCAOnly:
		name = "" // the chain only, whatever the node (tlsverify.go)
	case VerifyFull:
		if name == "" {
			return
		}
	default:
		return // pinned trusts no CA
	}
	var current func() *x509.CertPool
	switch {
	case r.caPEM != nil:
		if b.secretSource == nil || r.vals[idSecretsRefresh].n <= 0 {
			return // read once, at Build
		}
		current = r.secretCA(b, cfg.RootCAs).get
	case r.has(idTLSCAFile):
		current = r.fileCA(b, cfg.RootCAs).get
	default:
		return
	}
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		return verifyServer(cs, current(), name)
	}
}

// parseCAs reads a PEM bundle into a pool; problem is "" when it holds at
// least one certificate and nothing broken.
func parseCAs(data []byte) (*x509.CertPool, string) {
	p := x509.NewCertPool()
	n, problem := appendCertificates(p, data)
	if problem == "" && n == 0 {
		problem = "holds no PEM certificate"
	}
	if problem != "" {
		return nil, problem
	}
	return p, ""
}

// fileCA is the CA file, read again when it changes.
func (r *resolution) fileCA(b *Builder, pool *x509.CertPool) *reloading[*x509.CertPool] {
	src := r.srcs[idTLSCAFile]
	path := r.vals[idTLSCAFile].s
	load := func() (*x509.CertPool, error) {
		data, problem := readFile(context.Background(), path, fileKindCA)
		if problem == "" {
			var p *x509.CertPool
			if p, problem = parseCAs(data); problem == "" {
				return p, nil
			}
		}
		return nil, errors.New("redisconfig: " + src.String() + ": " + problem)
	}
	return newReloading(pool, load, refreshErrorHook(b, src.String()), path)
}

// rotatingCA is the CA bundle from a secret: its text comes from a rotator
// (the password's mechanism: at most one fetch per interval, the last good
// value kept when the source fails), and is parsed again when it changes.
// A bundle that does not parse keeps the last good pool and is reported
// once, until the secret changes again.
type rotatingCA struct {
	rt      *rotator
	onError func(error)
	source  string // `secret "name"`

	mu   sync.Mutex
	text string // the bundle last seen, good or not
	pool *x509.CertPool
}

// secretCA starts the rotating bundle from the one read at Build.
func (r *resolution) secretCA(b *Builder, pool *x509.CertPool) *rotatingCA {
	rt := &rotator{src: b.secretSource, name: r.caSecret,
		every: r.vals[idSecretsRefresh].duration(), timeout: r.vals[idSecretsTimeout].duration(),
		onError: b.onRefreshError, value: string(r.caPEM), fetchedAt: time.Now()}
	name := r.caSecret
	onError := func(err error) {
		slog.Warn("redisconfig: a refreshed CA bundle secret is not usable; keeping the last good bundle", "secret", name, "error", err)
	}
	if fn := b.onRefreshError; fn != nil {
		onError = func(err error) { fn(name, err) } // as the rotator reports a failed fetch
	}
	return &rotatingCA{rt: rt, onError: onError, source: r.caSource, text: string(r.caPEM), pool: pool}
}

// get returns the pool for the bundle as the source holds it now. The
// handshake gives no context: the fetch is bounded by REDIS_SECRETS_TIMEOUT.
func (c *rotatingCA) get() *x509.CertPool {
	text := c.rt.current(context.Background())
	c.mu.Lock()
	defer c.mu.Unlock()
	if text == c.text {
		return c.pool
	}
	c.text = text
	p, problem := parseCAs([]byte(text))
	if problem != "" {
		c.onError(errors.New("redisconfig: " + c.source + " (" + EnvCACertSecret + "): " + problem))
		return c.pool
	}
	c.pool = p
	return p
}

// verifyServer does what crypto/tls does for a client with RootCAs set:
// the chain to roots (nil: the system roots), for server authentication,
// and the name unless it is "" (ca-only verification).
func verifyServer(cs tls.ConnectionState, roots *x509.CertPool, name string) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("redisconfig: the server presented no certificate")
	}
	opts := x509.VerifyOptions{Roots: roots, DNSName: name, Intermediates: x509.NewCertPool()}
	for _, c := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(c)
	}
	if _, err := cs.PeerCertificates[0].Verify(opts); err != nil {
		return &tls.CertificateVerificationError{UnverifiedCertificates: cs.PeerCertificates, Err: err}
	}
	return nil
}

// certReloader serves the client certificate to every new TLS connection
// and loads the pair again when either file changes.
type certReloader = reloading[*tls.Certificate]

func newCertReloader(certPath, keyPath string, cert tls.Certificate) *certReloader {
	load := func() (*tls.Certificate, error) {
		c, err := loadKeyPair(certPath, keyPath) // files.go: bounded like every read
		if err != nil {
			return nil, fmt.Errorf("redisconfig: reload the TLS client certificate %s and key %s: %w", quote(certPath), quote(keyPath), err)
		}
		return &c, nil
	}
	onError := func(err error) {
		// Likely caught between writing the certificate and the key: the
		// old pair stays until the next change.
		slog.Warn("redisconfig: reloading the TLS client certificate failed; keeping the previous one",
			"cert_file", certPath, "key_file", keyPath, "error", err)
	}
	return newReloading(&cert, load, onError, certPath, keyPath)
}

// getClientCertificate is tls.Config.GetClientCertificate.
func getClientCertificate(c *certReloader) func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
	return func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return c.get(), nil }
}

// changeAware is a SecretSource that can tell cheaply that a secret changed
// (DirSecrets, by stat), so the rotator reads it again at once instead of
// waiting for its refresh interval.
type changeAware interface {
	changed(name string) bool
}

// dirSecrets is DirSecrets: files in a directory, one per secret.
type dirSecrets struct {
	SecretSourceFunc
	dir string

	mu     sync.Mutex
	stamps map[string]fileStamp // as of the last Fetch
}

func (d *dirSecrets) Fetch(ctx context.Context, name string) (Secret, error) {
	st := stamp(d.path(name))
	s, err := d.SecretSourceFunc(ctx, name)
	if err == nil {
		d.mu.Lock()
		d.stamps[name] = st
		d.mu.Unlock()
	}
	return s, err
}

func (d *dirSecrets) path(name string) string { return d.dir + string(os.PathSeparator) + name }

func (d *dirSecrets) changed(name string) bool {
	d.mu.Lock()
	last, ok := d.stamps[name]
	d.mu.Unlock()
	return ok && stamp(d.path(name)) != last
}

// sourceChanged reports whether the rotator's source says its secret
// changed since it was last read.
func (rt *rotator) sourceChanged() bool {
	ca, ok := rt.src.(changeAware)
	return ok && ca.changed(rt.name)
}
