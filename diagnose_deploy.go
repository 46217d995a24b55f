package redisconfig

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
)

// diagnoseDeployment recognises the failures whose fix is a deployment
// choice: the topology (cluster-mode-mismatch), CLIENT SETINFO
// (setinfo-rejected) and the TLS verification mode (tls-verify-mode). It
// runs before Diagnose's general cases.
func (c *Config) diagnoseDeployment(err error, msg string) (Diagnosis, bool) {
	var pin *PinMismatchError
	var hostErr x509.HostnameError
	var unknownCA x509.UnknownAuthorityError
	var verifyErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &pin):
		return Diagnosis{CategoryTLSVerifyMode,
			"the server's certificate matches no pin in " + EnvTLSPinSHA256 + " (its certificate sha256 is " + pin.CertSHA256 + ", its public key sha256 " + pin.PublicKeySHA256 + ")",
			"if the server's certificate was rotated on purpose, add its digest to " + EnvTLSPinSHA256 + " (comma-separated, old and new during the change); otherwise do not connect: something else answers at this address"}, true
	case errors.As(err, &hostErr) && hostErr.Certificate != nil && nameKindMissing(hostErr.Certificate, hostErr.Host):
		cert := hostErr.Certificate
		what := "only IP addresses (" + joinIPs(cert.IPAddresses) + "), no host name"
		if net.ParseIP(hostErr.Host) != nil {
			what = "only host names (" + strings.Join(cert.DNSNames, ", ") + "), no IP address"
		}
		return Diagnosis{CategoryTLSVerifyMode,
			"the server's certificate carries " + what + ", and the client checked " + hostErr.Host,
			"connect by a name or address the certificate carries, or set " + EnvTLSServerName + " to one, or set " + EnvTLSVerify + "=ca-only with the server's CA in " + EnvTLSCAFile + " to check the chain without the name"}, true
	case errors.As(err, &unknownCA) && errors.As(err, &verifyErr) && len(verifyErr.UnverifiedCertificates) > 0 &&
		selfSigned(verifyErr.UnverifiedCertificates[0]):
		// The leaf signed itself; the error's own Cert may be a root the
		// server sent along.
		return Diagnosis{CategoryTLSVerifyMode,
			"the server's certificate is self-signed: no CA vouches for it",
			"set " + EnvTLSVerify + "=pinned and " + EnvTLSPinSHA256 + " to its digest (redisconfig check prints it), after checking it out of band"}, true
	case strings.HasPrefix(msg, "MOVED ") || strings.HasPrefix(msg, "ASK "):
		fix := "set " + EnvClusterNodes + " to the endpoint (host:port), or " + EnvProvider + "=memorystore-cluster (or memorydb) for a managed cluster"
		if c.topology == TopologyCluster {
			fix = "the cluster client followed more redirects than " + EnvClusterMaxRedirects + " allows; check that every node is reachable at the address it announces (for ElastiCache Serverless, seed with port 6379, not the read-replica port 6380)"
		}
		return Diagnosis{CategoryClusterModeMismatch, "the server answered " + strings.Fields(msg)[0] + ": it is a Redis Cluster and this client is not a cluster client", fix}, true
	case strings.Contains(msg, "cluster support disabled"):
		return Diagnosis{CategoryClusterModeMismatch, "the server is not in cluster mode, and this client is a cluster client",
			"unset " + EnvClusterNodes + " and give the address in " + EnvURL + " or " + EnvHost}, true
	case strings.Contains(strings.ToLower(msg), "setinfo"):
		return Diagnosis{CategorySetinfoRejected, "the server rejected CLIENT SETINFO (managed services such as Memorystore and ElastiCache up to 7.1 do)",
			"set " + EnvDisableIdentity + "=true, or the " + EnvProvider + " that matches the service (memorystore, elasticache, ...)"}, true
	}
	return Diagnosis{}, false
}

// nameKindMissing reports whether cert carries no name of host's kind: no
// DNS name when host is a name, no IP address when host is an IP. Full
// verification then cannot pass whatever the name, a matter of mode.
func nameKindMissing(cert *x509.Certificate, host string) bool {
	if net.ParseIP(host) != nil {
		return len(cert.IPAddresses) == 0 && len(cert.DNSNames) > 0
	}
	return len(cert.DNSNames) == 0 && len(cert.IPAddresses) > 0
}

func joinIPs(ips []net.IP) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}

// selfSigned reports whether cert signed itself.
func selfSigned(cert *x509.Certificate) bool {
	return bytes.Equal(cert.RawIssuer, cert.RawSubject) && cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature) == nil
}
