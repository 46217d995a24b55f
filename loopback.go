package redisconfig

import (
	"net"
	"strconv"
	"strings"
)

// The loopback rule (RuleNoLoopback) looks at the host as written, at
// Build, which does no DNS. Its reach:
//
//   - "localhost" and any name under ".localhost" (RFC 6761), and the
//     names Linux distributions give the loopback address in /etc/hosts:
//     "localhost.localdomain", "ip6-localhost", "ip6-loopback";
//   - every IPv4 address in 127.0.0.0/8 and ::1, in any form the system
//     resolver accepts for an address: dotted ("127.0.0.1"), short
//     ("127.1"), hexadecimal or octal parts ("0x7f.1"), one number
//     ("2130706433"), IPv4-mapped IPv6 ("::ffff:127.0.0.1"), with an IPv6
//     zone;
//   - the unspecified addresses "0.0.0.0" and "::", which dial this
//     machine.
//
// A name that resolves to a loopback address through DNS or /etc/hosts
// (a "redis" alias for 127.0.0.1) is not caught: Build does no lookups.

// loopbackNames are the names that mean this machine.
var loopbackNames = map[string]bool{
	"localhost": true, "localhost.localdomain": true, "ip6-localhost": true, "ip6-loopback": true,
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if loopbackNames[h] || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if i := strings.IndexByte(h, '%'); i >= 0 {
		h = h[:i]
	}
	ip := net.ParseIP(h)
	if ip == nil {
		ip = parseInetAton(h)
	}
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// parseInetAton reads an IPv4 address in the forms the C library's
// inet_aton accepts, which getaddrinfo (and so many Redis clients) take as
// an address: one to four parts, each decimal, octal (leading 0) or
// hexadecimal (0x), the last filling the remaining bytes. It returns nil
// for anything else.
func parseInetAton(s string) net.IP {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return nil // a name: every form starts with a digit (no split, no parse)
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return nil
	}
	var nums []uint64
	for _, p := range parts {
		if p == "" {
			return nil
		}
		n, err := strconv.ParseUint(p, 0, 32)
		if err != nil {
			return nil
		}
		nums = append(nums, n)
	}
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return nil
		}
		v |= n << (24 - 8*i)
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return nil
	}
	v |= last
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}
