package redisconfig

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// ConnectionBuilder sets where and as whom the client connects. It embeds
// the root Builder, so a chain can go on to Pool(), TLS() or Build(ctx).
type ConnectionBuilder struct {
	*Builder
}

// Connection returns the sub-builder for the address, database and
// credentials.
func (b *Builder) Connection() *ConnectionBuilder { return &ConnectionBuilder{b} }

// URL sets a redis://, rediss:// or unix:// URL, as go-redis's ParseURL
// reads it. Its parts count as code; a setter given next to it with a
// different value is a conflict.
func (c *ConnectionBuilder) URL(rawURL string) *ConnectionBuilder {
	c.codeURL = &rawURL
	return c
}

// Addr sets the host and port from "host:port" ("[::1]:6379" for IPv6).
func (c *ConnectionBuilder) Addr(hostPort string) *ConnectionBuilder {
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		c.record(&Error{Setting: "host", Source: "code Connection().Addr",
			Problem: "must be host:port, got " + quote(hostPort), Kind: ErrInvalidValue})
		return c
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		c.record(&Error{Setting: "port", Source: "code Connection().Addr",
			Problem: "port must be a whole number, got " + quote(port), Kind: ErrInvalidValue})
		return c
	}
	c.setCode(setHost, value{s: host})
	c.setCode(setPort, value{n: int64(p)})
	return c
}

// Host sets the host name or IP address.
func (c *ConnectionBuilder) Host(host string) *ConnectionBuilder {
	c.setCode(setHost, value{s: host})
	return c
}

// Port sets the TCP port. Default: 6379.
func (c *ConnectionBuilder) Port(port int) *ConnectionBuilder {
	c.setCode(setPort, value{n: int64(port)})
	return c
}

// UnixSocket connects through a unix socket instead of TCP.
func (c *ConnectionBuilder) UnixSocket(path string) *ConnectionBuilder {
	c.setCode(setSocket, value{s: path})
	return c
}

// DB selects the database. Default: 0.
func (c *ConnectionBuilder) DB(db int) *ConnectionBuilder {
	c.setCode(setDB, value{n: int64(db)})
	return c
}

// Username sets the ACL user. Default: none (the default user).
func (c *ConnectionBuilder) Username(name string) *ConnectionBuilder {
	c.setCode(setUsername, value{s: name})
	return c
}

// Password sets the password. It is never printed.
func (c *ConnectionBuilder) Password(password string) *ConnectionBuilder {
	c.setCode(setPassword, value{s: password})
	return c
}

// PasswordFile reads the password from a file at Build, as
// REDIS_PASSWORD_FILE does (one trailing newline is dropped).
func (c *ConnectionBuilder) PasswordFile(path string) *ConnectionBuilder {
	c.codeFiles[setPassword] = &path
	return c
}

// ClientName sets the name sent with CLIENT SETNAME. Default: the service
// name given to Service.
func (c *ConnectionBuilder) ClientName(name string) *ConnectionBuilder {
	c.setCode(setClientName, value{s: name})
	return c
}

// Protocol sets the RESP version, 2 or 3. Default: 3 (go-redis).
func (c *ConnectionBuilder) Protocol(version int) *ConnectionBuilder {
	c.setCode(setProtocol, value{n: int64(version)})
	return c
}

// CredentialsProvider sets a function that go-redis calls for every new
// connection to get the user name and password, for credentials that
// rotate. It counts as credentials in staging and production, and
// conflicts with a password or user name given in any other way.
func (c *ConnectionBuilder) CredentialsProvider(fn func(ctx context.Context) (username, password string, err error)) *ConnectionBuilder {
	c.credentials = fn
	return c
}

// urlSettings are the settings one URL gives, each as text to be parsed
// like a variable's, and the problems met while splitting it.
type urlSettings struct {
	raw  [numSettings]string
	set  [numSettings]bool
	part [numSettings]string // "" for the URL itself, else the query parameter
	src  string              // the variable or setter that holds the URL
	code bool
	errs []error
}

// appendCandidate parses the URL's value for id, if it has one.
func (u *urlSettings) appendCandidate(cands []candidate, id settingID) []candidate {
	if u == nil || !u.set[id] {
		return cands
	}
	def := &settings[id]
	name := u.src
	if u.part[id] != "" {
		name += " parameter " + u.part[id]
	}
	v, problem := def.parse(u.raw[id])
	if problem != "" {
		u.errs = append(u.errs, &Error{Setting: def.name, Source: name, Problem: problem, Kind: ErrInvalidValue})
		return cands
	}
	kind := SourceURL
	if u.code {
		kind = SourceCode
	}
	return append(cands, candidate{v: v, src: Source{Kind: kind, Name: name}})
}

// parseURL splits a redis://, rediss:// or unix:// URL the way go-redis's
// ParseURL does, so that every URL means what it means there. It is stricter
// where go-redis is lax (see the README): a broken query, a host on a unix
// URL or an opaque URL are errors rather than ignored.
//
// Errors never quote the URL: url.Parse's own errors do, password and all.
func (r *resolution) parseURL(raw, src string, code bool) *urlSettings {
	out := &urlSettings{src: src, code: code}
	fail := func(format string, args ...any) {
		name := src
		if code {
			name = "code " + src
		}
		out.errs = append(out.errs, &Error{Setting: "url", Source: name, Problem: fmt.Sprintf(format, args...), Kind: ErrInvalidValue})
	}
	put := func(id settingID, part, text string) {
		out.raw[id], out.set[id], out.part[id] = text, true, part
	}

	if raw == "" {
		fail("is empty; unset it or give a redis://, rediss:// or unix:// URL")
		return out
	}
	u, err := url.Parse(raw)
	if err != nil {
		fail("%s", urlParseProblem(err))
		return out
	}
	if u.Opaque != "" {
		fail("must be written redis://host:port/db, with two slashes after the scheme")
		return out
	}
	tcp := false
	switch u.Scheme {
	case "redis":
		tcp = true
		put(setTLS, "", "false")
	case "rediss":
		tcp = true
		put(setTLS, "", "true")
	case "unix":
	default:
		fail("has an unsupported scheme; use redis://, rediss:// or unix://")
		return out
	}

	if u.User != nil {
		if name := u.User.Username(); name != "" {
			put(setUsername, "", name)
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			put(setPassword, "", pw)
		}
	}

	if tcp {
		if h := u.Hostname(); h != "" {
			put(setHost, "", h)
		}
		if p := u.Port(); p != "" {
			put(setPort, "", p)
		}
		f := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
		switch len(f) {
		case 0:
		case 1:
			put(setDB, "", f[0])
		default:
			fail("has a path of several parts; the path is only the database number, as in redis://host:6379/2")
		}
	} else {
		if strings.TrimSpace(u.Path) == "" {
			fail("has no socket path; write unix:///path/to/redis.sock")
			return out
		}
		if u.Host != "" {
			fail("has a host; a unix URL names only the socket, as in unix:///path/to/redis.sock")
			return out
		}
		put(setSocket, "", u.Path)
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		fail("has a malformed query string; percent-encode %% as %%25 and & as %%26")
		return out
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	legacyUsed := map[settingID]string{}
	for _, k := range keys {
		id, legacy, ok := urlParam(k)
		switch {
		case !ok:
			fail("has an unknown parameter%s", suggestParam(k))
			continue
		case id == setTLSSkipVerify && u.Scheme != "rediss":
			fail("has parameter skip_verify, which only a rediss:// URL takes")
			continue
		}
		if legacy {
			legacyUsed[id] = k
			if q.Has(settings[id].param) {
				fail("has both %s and its old name %s; keep %s", settings[id].param, k, settings[id].param)
			}
			continue
		}
		vs := q[k]
		if v := vs[len(vs)-1]; v != "" { // go-redis: the last one counts, empty is unset
			put(id, k, v)
		}
	}
	for id, k := range legacyUsed {
		if !out.set[id] && !q.Has(settings[id].param) {
			vs := q[k]
			if v := vs[len(vs)-1]; v != "" {
				put(id, k, v)
			}
		}
	}
	return out
}

// urlParam finds the setting a URL query parameter sets.
func urlParam(name string) (id settingID, legacy, ok bool) {
	for i := range settings {
		switch name {
		case "":
		case settings[i].param:
			return settingID(i), false, true
		case settings[i].legacy:
			return settingID(i), true, true
		}
	}
	return 0, false, false
}

// urlParseProblem explains a url.Parse error without its text, which quotes
// the URL and so the password.
func urlParseProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var esc url.EscapeError
	var host url.InvalidHostError
	msg := err.Error()
	switch {
	case errors.As(err, &esc):
		return "has a % not followed by two hex digits; percent-encode a literal % as %25"
	case errors.As(err, &host):
		return "has a character that is not allowed in a host"
	case strings.HasPrefix(msg, "invalid port"):
		return "has an invalid port; if the password holds / ? # or @, percent-encode them (%2F %3F %23 %40)"
	case strings.Contains(msg, "control character"):
		return "contains a control character"
	case strings.Contains(msg, "missing protocol scheme"):
		return "has no scheme; start it with redis://, rediss:// or unix://"
	case strings.Contains(msg, "userinfo"):
		return "has a user or password with a character that must be percent-encoded"
	}
	return "is not a valid URL; write redis://[user:password@]host:port/db"
}

// suggestParam names the known parameter closest to an unknown one, so a
// typo like pool_szie gets its fix. The unknown name itself is not shown:
// in a malformed URL it may be a piece of the password.
func suggestParam(unknown string) string {
	best, bestDist := "", 3
	for i := range settings {
		for _, p := range []string{settings[i].param, settings[i].legacy} {
			if p == "" {
				continue
			}
			if d := editDistance(unknown, p); d < bestDist {
				best, bestDist = p, d
			}
		}
	}
	if best == "" {
		return "; see the README for the parameters a URL takes"
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
