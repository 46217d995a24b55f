package redisconfig

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// VerifyMode says how the server's TLS certificate is verified.
type VerifyMode string

// The verification modes (REDIS_TLS_VERIFY). In every mode the connection
// is encrypted and the server must prove it holds the certificate's key;
// they differ in which certificates they accept.
const (
	// VerifyFull checks the chain against the trusted CAs and that the
	// certificate is valid for the name dialled (or REDIS_TLS_SERVER_NAME).
	// For a cluster, each node is checked against the address it is dialled
	// at. The default.
	VerifyFull VerifyMode = "full"
	// VerifyCAOnly checks the chain against the trusted CAs and skips only
	// the host-name check: for certificates issued for IP addresses or for
	// a name other than the one dialled. Staging and production allow it
	// only with a private CA (REDIS_TLS_CA_FILE or REDIS_CA_CERT_SECRET),
	// never with the system roots.
	VerifyCAOnly VerifyMode = "ca-only"
	// VerifyPinned accepts exactly the certificates whose SHA-256, or whose
	// public key's SHA-256, is listed in REDIS_TLS_PIN_SHA256: for
	// self-signed server certificates. Expired certificates are refused.
	VerifyPinned VerifyMode = "pinned"
)

// Verify sets the verification mode. Default: VerifyFull.
//
// ca-only and pinned verify the certificate themselves, in
// tls.Config.VerifyConnection; crypto/tls then needs InsecureSkipVerify set
// on the tls.Config that Config.TLSConfig returns, although nothing is
// skipped. The debug view and the rules look at this setting and at
// tls_insecure_skip_verify, never at that field.
func (t *TLSBuilder) Verify(mode VerifyMode) *TLSBuilder {
	t.setCode(idTLSVerify, value{s: string(mode)})
	return t
}

// Pins sets the SHA-256 digests (hex, colons allowed) of the server
// certificates, or of their public keys (SubjectPublicKeyInfo), that
// VerifyPinned accepts. Give two during a rotation.
func (t *TLSBuilder) Pins(sha256Hex ...string) *TLSBuilder {
	t.setCode(idTLSPins, value{s: strings.Join(sha256Hex, ",")})
	return t
}

// ErrPinMismatch is the error a pinned connection fails with when the
// server's certificate matches no pin; it is wrapped in a *PinMismatchError.
var ErrPinMismatch = errors.New("redisconfig: the server's certificate matches no pin")

// PinMismatchError is the TLS handshake error of VerifyPinned when the
// server's certificate matches no pin. It carries the certificate's digests
// (public facts) so that the right pin can be checked and set.
type PinMismatchError struct {
	CertSHA256, PublicKeySHA256 string
}

// Error names the variable and the server's digests.
func (e *PinMismatchError) Error() string {
	return fmt.Sprintf("%v in %s (certificate sha256 %s, public key sha256 %s)",
		ErrPinMismatch, EnvTLSPinSHA256, e.CertSHA256, e.PublicKeySHA256)
}

// Unwrap returns ErrPinMismatch.
func (e *PinMismatchError) Unwrap() error { return ErrPinMismatch }

// CertificateDigests returns the hex SHA-256 of a certificate and of its
// public key, as REDIS_TLS_PIN_SHA256 takes them.
func CertificateDigests(cert *x509.Certificate) (certSHA256, publicKeySHA256 string) {
	c := sha256.Sum256(cert.Raw)
	k := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(c[:]), hex.EncodeToString(k[:])
}

// parsePins reads REDIS_TLS_PIN_SHA256: comma-separated hex digests.
func parsePins(raw string) ([][sha256.Size]byte, string) {
	var pins [][sha256.Size]byte
	for i, p := range strings.Split(raw, ",") {
		p = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(p), ":", ""))
		b, err := hex.DecodeString(p)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Sprintf("entry %d must be a SHA-256 digest: 64 hexadecimal digits (colons allowed)", i+1)
		}
		pins = append(pins, [sha256.Size]byte(b))
	}
	return pins, ""
}

// verifyMode returns the resolved mode, VerifyFull when unset or invalid.
func (r *resolution) verifyMode() VerifyMode {
	if !r.has(idTLSVerify) {
		return VerifyFull
	}
	return VerifyMode(r.vals[idTLSVerify].s)
}

// pinned reports whether the server certificate is trusted by pin, which
// makes a CA unnecessary (presets.go asks).
func (r *resolution) pinned() bool { return r.verifyMode() == VerifyPinned }

// privateCA reports whether the trusted CAs are a private set rather than
// the system roots.
func (r *resolution) privateCA() bool { return r.has(idTLSCAFile) || r.caPEM != nil }

// applyVerifyMode installs the mode's verification into cfg and checks the
// settings it needs. It runs with TLS on.
func (r *resolution) applyVerifyMode(cfg *tls.Config) {
	mode := r.verifyMode()
	src := r.srcOf(idTLSVerify)
	switch mode {
	case VerifyFull, VerifyCAOnly, VerifyPinned:
	default:
		r.fail(ErrInvalidValue, "tls_verify", src, "must be full, ca-only or pinned, got %s", quote(string(mode)))
		return
	}
	if mode != VerifyFull && r.vals[idTLSSkipVerify].bool() {
		r.fail(ErrConflict, "tls_insecure_skip_verify", r.srcs[idTLSSkipVerify].String()+" and "+src,
			"skipping verification and verifying in mode %s contradict each other; remove %s", mode, EnvTLSInsecureSkipVerify)
		return
	}
	if mode != VerifyPinned {
		if r.has(idTLSPins) {
			r.fail(ErrConflict, "tls_pin_sha256", r.srcs[idTLSPins].String(),
				"is set but %s is %s, which does not read pins; set %s=pinned, or remove it", EnvTLSVerify, mode, EnvTLSVerify)
		}
		if mode == VerifyCAOnly {
			if !r.privateCA() {
				switch r.outcome(RuleCAOnlyPrivateCA) {
				case fail:
					r.fail(ErrRule, "tls_verify", src,
						"%s verifies %s only against a private CA: with the system roots any public certificate for any name would pass; set %s (or %s), or use %s=full",
						r.env, VerifyCAOnly, EnvTLSCAFile, EnvCACertSecret, EnvTLSVerify)
				case warn:
					r.warn("%s: %s with the system roots accepts any public certificate for any name; refused in staging and production", src, VerifyCAOnly)
				}
			}
			cfg.InsecureSkipVerify = true // verification runs in VerifyConnection
			cfg.VerifyConnection = verifyChain(cfg.RootCAs)
		}
		return
	}
	if !r.has(idTLSPins) {
		r.fail(ErrMissing, "tls_pin_sha256", EnvTLSPinSHA256+" (unset)",
			"%s=pinned needs the SHA-256 of the server's certificate or public key; set %s (redisconfig check prints both)", EnvTLSVerify, EnvTLSPinSHA256)
		return
	}
	pins, problem := parsePins(r.vals[idTLSPins].s)
	if problem != "" {
		r.fail(ErrInvalidValue, "tls_pin_sha256", r.srcs[idTLSPins].String(), "%s", problem)
		return
	}
	if r.privateCA() {
		r.fail(ErrConflict, "tls_ca_file", r.srcOf(idTLSCAFile)+" and "+src,
			"%s=pinned trusts only the pinned certificates, never a CA; remove the CA, or use %s=full", EnvTLSVerify, EnvTLSVerify)
		return
	}
	cfg.InsecureSkipVerify = true // verification runs in VerifyConnection
	cfg.VerifyConnection = verifyPins(pins)
}

// verifyChain checks the server's chain against roots (nil: the system
// roots) without looking at the host name. Its errors are crypto/x509's, so
// Diagnose classifies them as it does for full verification.
func verifyChain(roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error { return verifyServer(cs, roots, "") }
}

// verifyPins accepts a server certificate, in its validity period, whose
// digest or public key's digest is one of pins.
func verifyPins(pins [][sha256.Size]byte) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("redisconfig: the server sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		if now := time.Now(); now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
			return x509.CertificateInvalidError{Cert: leaf, Reason: x509.Expired,
				Detail: "the pinned certificate is valid from " + leaf.NotBefore.UTC().Format(time.RFC3339) + " to " + leaf.NotAfter.UTC().Format(time.RFC3339)}
		}
		c := sha256.Sum256(leaf.Raw)
		k := sha256.Sum256(leaf.RawSubjectPublicKeyInfo)
		for _, p := range pins {
			if p == c || p == k {
				return nil
			}
		}
		return &PinMismatchError{CertSHA256: hex.EncodeToString(c[:]), PublicKeySHA256: hex.EncodeToString(k[:])}
	}
}
