package redisconfig

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"time"
)

// TLSBuilder sets TLS. It embeds the root Builder, so a chain can go on to
// Pool() or Build(ctx).
//
// With TLS on, the server certificate is checked against the system roots,
// or, when a CA file is given, against that file's certificates only (a
// fresh pool: the system roots are then not trusted). The minimum version is
// TLS 1.2.
type TLSBuilder struct {
	*Builder
}

// TLS returns the sub-builder for TLS.
func (b *Builder) TLS() *TLSBuilder { return &TLSBuilder{b} }

// Enable turns TLS on or off. Default: off, or as REDIS_URL's scheme says.
func (t *TLSBuilder) Enable(on bool) *TLSBuilder {
	t.setCode(idTLS, boolValue(on))
	return t
}

// CAFile trusts the PEM certificates in path instead of the system roots.
func (t *TLSBuilder) CAFile(path string) *TLSBuilder {
	t.setCode(idTLSCAFile, value{s: path})
	return t
}

// ClientCertFile presents the PEM certificate and key in certPath and
// keyPath (mutual TLS).
func (t *TLSBuilder) ClientCertFile(certPath, keyPath string) *TLSBuilder {
	t.setCode(idTLSCertFile, value{s: certPath})
	t.setCode(idTLSKeyFile, value{s: keyPath})
	return t
}

// ServerName sets the name the server certificate must carry. Default: the
// host connected to.
func (t *TLSBuilder) ServerName(name string) *TLSBuilder {
	t.setCode(idTLSServerName, value{s: name})
	return t
}

// MinVersion sets the lowest TLS version, tls.VersionTLS12 (default) or
// tls.VersionTLS13.
func (t *TLSBuilder) MinVersion(version uint16) *TLSBuilder {
	t.setCode(idTLSMinVersion, value{n: int64(version)})
	return t
}

// InsecureSkipVerify skips the server certificate check. Development warns,
// test allows it, and staging and production refuse it whatever code says.
func (t *TLSBuilder) InsecureSkipVerify(skip bool) *TLSBuilder {
	t.setCode(idTLSSkipVerify, boolValue(skip))
	return t
}

// tlsConfig builds the tls.Config from the resolved settings, reading and
// checking every file it names. It returns nil with TLS off.
func (r *resolution) tlsConfig(host string) *tls.Config {
	if !r.vals[idTLS].bool() {
		for id := range settingID(numSettings) {
			if settings[id].tlsOnly && r.has(id) && !(id == idTLSSkipVerify && !r.vals[id].bool()) {
				r.fail(ErrConflict, settings[id].name, r.srcs[id].String(),
					"is set but TLS is off; set %s=true (or use a rediss:// URL), or remove it", EnvTLS)
			}
		}
		return nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if r.has(idTLSMinVersion) {
		cfg.MinVersion = uint16(r.vals[idTLSMinVersion].n)
	}
	if r.has(idTLSServerName) {
		cfg.ServerName = r.vals[idTLSServerName].s
	}
	cfg.InsecureSkipVerify = r.vals[idTLSSkipVerify].bool()

	switch {
	case r.caPEM != nil:
		pool, problem := parseCAs(r.caPEM) // reload.go
		if problem != "" {
			r.fail(ErrInvalidValue, "ca_cert_secret", r.caSource, "%s", problem)
		} else {
			cfg.RootCAs = pool
		}
	case r.has(idTLSCAFile):
		if pool := r.readCAFile(); pool != nil {
			cfg.RootCAs = pool
		}
	}

	certSet, keySet := r.has(idTLSCertFile), r.has(idTLSKeyFile)
	switch {
	case certSet && keySet:
		if cert, ok := r.readKeyPair(); ok {
			reload := newCertReloader(r.vals[idTLSCertFile].s, r.vals[idTLSKeyFile].s, cert) // reload.go
			cfg.GetClientCertificate = getClientCertificate(reload)
		}
	case certSet:
		r.fail(ErrMissing, "tls_key_file", r.srcs[idTLSCertFile].String(),
			"a client certificate needs its key; set %s too", EnvTLSKeyFile)
	case keySet:
		r.fail(ErrMissing, "tls_cert_file", r.srcs[idTLSKeyFile].String(),
			"a client key needs its certificate; set %s too", EnvTLSCertFile)
	}
	r.applyVerifyMode(cfg) // issue 14: tlsverify.go
	return cfg
}

func (r *resolution) readCAFile() *x509.CertPool {
	src := r.srcs[idTLSCAFile].String()
	data, problem := readFile(r.ctx, r.vals[idTLSCAFile].s, fileKindCA)
	if problem != "" {
		r.fail(ErrInvalidValue, "tls_ca_file", src, "%s", problem)
		return nil
	}
	pool, problem := parseCAs(data) // reload.go
	if problem != "" {
		r.fail(ErrInvalidValue, "tls_ca_file", src, "%s", problem)
		return nil
	}
	return pool
}

// appendCertificates adds every CERTIFICATE block of a PEM bundle to pool.
// Unlike x509.CertPool.AppendCertsFromPEM it refuses a bundle with a broken
// certificate instead of skipping it, and names other block types.
func appendCertificates(pool *x509.CertPool, data []byte) (int, string) {
	n := 0
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return n, "holds a PEM block of type " + quote(block.Type) + " where only certificates belong"
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return n, "holds a certificate that does not parse: " + err.Error()
		}
		pool.AddCert(cert)
		n++
	}
	if strings.Contains(string(data), "-----BEGIN") {
		return n, "holds a truncated PEM block"
	}
	if strings.TrimSpace(string(data)) != "" && n == 0 {
		return 0, "holds no PEM certificate (the file is not PEM, or is truncated)"
	}
	return n, ""
}

func (r *resolution) readKeyPair() (tls.Certificate, bool) {
	certSrc, keySrc := r.srcs[idTLSCertFile].String(), r.srcs[idTLSKeyFile].String()
	certPEM, problem := readFile(r.ctx, r.vals[idTLSCertFile].s, fileKindClientCert)
	if problem != "" {
		r.fail(ErrInvalidValue, "tls_cert_file", certSrc, "%s", problem)
	}
	keyPEM, keyProblem := readFile(r.ctx, r.vals[idTLSKeyFile].s, fileKindClientKey)
	if keyProblem != "" {
		r.fail(ErrInvalidValue, "tls_key_file", keySrc, "%s", keyProblem)
	}
	if problem != "" || keyProblem != "" {
		return tls.Certificate{}, false
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// crypto/tls's messages name block types and mismatches, never
		// key material.
		r.fail(ErrInvalidValue, "tls_cert_file", certSrc+" and "+keySrc, "are not a usable key pair: %v", err)
		return tls.Certificate{}, false
	}
	leaf := cert.Leaf // X509KeyPair fills it in since Go 1.23
	if leaf == nil {
		leaf, _ = x509.ParseCertificate(cert.Certificate[0])
	}
	if leaf != nil && time.Now().After(leaf.NotAfter) {
		r.fail(ErrInvalidValue, "tls_cert_file", certSrc, "the client certificate expired on %s; renew it", leaf.NotAfter.UTC().Format(time.DateOnly))
		return tls.Certificate{}, false
	}
	return cert, true
}
