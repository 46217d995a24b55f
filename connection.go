package redisconfig

import (
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
	c.setCodeBy(idHost, value{s: host}, "Connection().Addr")
	c.setCodeBy(idPort, value{n: int64(p)}, "Connection().Addr")
	return c
}

// Host sets the host name or IP address.
func (c *ConnectionBuilder) Host(host string) *ConnectionBuilder {
	c.setCode(idHost, value{s: host})
	return c
}

// Port sets the TCP port. Default: 6379.
func (c *ConnectionBuilder) Port(port int) *ConnectionBuilder {
	c.setCode(idPort, value{n: int64(port)})
	return c
}

// UnixSocket connects through a unix socket instead of TCP.
func (c *ConnectionBuilder) UnixSocket(path string) *ConnectionBuilder {
	c.setCode(idSocket, value{s: path})
	return c
}

// DB selects the database. Default: 0.
func (c *ConnectionBuilder) DB(db int) *ConnectionBuilder {
	c.setCode(idDB, value{n: int64(db)})
	return c
}

// Username sets the ACL user. Default: none (the default user).
func (c *ConnectionBuilder) Username(name string) *ConnectionBuilder {
	c.setCode(idUsername, value{s: name})
	return c
}

// Password sets the password. It is never printed.
// An empty password is no password: it is ignored with a warning (it is
// typically os.Getenv of an unset variable), and never counts as
// credentials.
func (c *ConnectionBuilder) Password(password string) *ConnectionBuilder {
	if password == "" {
		c.notes = append(c.notes, "code Connection().Password was given an empty password; it is ignored")
		return c
	}
	c.setCode(idPassword, value{sec: NewSecret(password)})
	return c
}

// PasswordFile reads the password from a file at Build, as
// REDIS_PASSWORD_FILE does (one trailing newline is dropped).
func (c *ConnectionBuilder) PasswordFile(path string) *ConnectionBuilder {
	if c.codeFiles == nil {
		c.codeFiles = map[settingID]string{}
	}
	c.codeFiles[idPassword] = path
	return c
}

// ClientName sets the name sent with CLIENT SETNAME. Default: the service
// name given to Service.
func (c *ConnectionBuilder) ClientName(name string) *ConnectionBuilder {
	c.setCode(idClientName, value{s: name})
	return c
}

// Protocol sets the RESP version, 2 or 3. Default: 3 (go-redis).
func (c *ConnectionBuilder) Protocol(version int) *ConnectionBuilder {
	c.setCode(idProtocol, value{n: int64(version)})
	return c
}

// DisableIdentity stops go-redis sending CLIENT SETINFO on connect.
func (c *ConnectionBuilder) DisableIdentity(on bool) *ConnectionBuilder {
	c.setCode(idDisableIdentity, boolValue(on))
	return c
}

// IdentitySuffix adds a suffix to the library name go-redis sends with
// CLIENT SETINFO.
func (c *ConnectionBuilder) IdentitySuffix(suffix string) *ConnectionBuilder {
	c.setCode(idIdentitySuffix, value{s: suffix})
	return c
}

// UnstableResp3 lets go-redis return RESP3 replies it marks unstable (the
// search commands' raw replies).
func (c *ConnectionBuilder) UnstableResp3(on bool) *ConnectionBuilder {
	c.setCode(idUnstableResp3, boolValue(on))
	return c
}

// urlSettings are the settings one URL gives, each as text to be parsed
// like a variable's, and the problems met while splitting it.
type urlSettings struct {
	parts []urlPart         // a handful: a slice beats three arrays of every setting
	index [numSettings]int8 // 1 + the setting's place in parts; 0 for none
	src   string            // the variable or setter that holds the URL
	code  bool
	errs  []error

	u *url.URL   // nil when the URL does not parse
	q url.Values // its query
}

// urlPart is one setting a URL gives, as text.
type urlPart struct {
	id    settingID
	param string // "" for the URL itself, else the query parameter
	raw   string
}

// appendCandidate parses the URL's value for id, if it has one; false when
// that value is invalid (its error is recorded).
func (u *urlSettings) appendCandidate(cands []candidate, id settingID) ([]candidate, bool) {
	if u == nil {
		return cands, true
	}
	i := u.index[id] - 1
	if i < 0 {
		return cands, true
	}
	part := u.parts[i]
	def := &settings[id]
	name := u.src
	if part.param != "" {
		name += " parameter " + part.param
	}
	v, problem := def.parse(part.raw)
	if def.kind == kindBool && !urlBool(part.raw) {
		// The variables' wider spelling (True, t) is no help here.
		problem = "must be true, false, 1 or 0 in a URL (go-redis's URL grammar)"
	}
	if problem != "" {
		u.errs = append(u.errs, &Error{Setting: def.name, Source: name, Problem: problem, Kind: ErrInvalidValue})
		return cands, false
	}
	kind := SourceURL
	if u.code {
		kind = SourceCode
	}
	return append(cands, candidate{v: v, src: Source{Kind: kind, Name: name}}), true
}

// urlBool reports whether go-redis's URL grammar takes s as a boolean.
func urlBool(s string) bool { return s == "true" || s == "false" || s == "1" || s == "0" }

func (u *urlSettings) fail(format string, args ...any) {
	name := u.src
	if u.code {
		name = "code " + u.src
	}
	u.errs = append(u.errs, &Error{Setting: "url", Source: name, Problem: fmt.Sprintf(format, args...), Kind: ErrInvalidValue})
}

// put records what the URL gives for id; a later put for the same setting
// wins, as the last of repeated query parameters does in go-redis.
func (u *urlSettings) put(id settingID, param, text string) {
	if i := u.index[id] - 1; i >= 0 {
		u.parts[i] = urlPart{id, param, text}
		return
	}
	u.parts = append(u.parts, urlPart{id, param, text})
	u.index[id] = int8(len(u.parts))
}

// openURL parses a URL far enough to tell which topology it asks for; split
// then reads it in that topology's grammar. Errors never quote the URL:
// url.Parse's own errors do, password and all.
func openURL(raw, src string, code bool) *urlSettings {
	out := &urlSettings{src: src, code: code}
	if raw == "" {
		out.fail("is empty; unset it or give a redis://, rediss:// or unix:// URL")
		return out
	}
	if strings.TrimSpace(raw) != raw {
		// url.Parse would blame the port or the scheme for a pasted
		// newline or a space at either end.
		out.fail("has leading or trailing white space; remove it")
		return out
	}
	if strings.ContainsRune(raw, '#') {
		// url.Parse would cut the URL there: the rest of a password and
		// the host would become a fragment, which means nothing to Redis.
		out.fail("contains '#'; a Redis URL has no fragment: percent-encode # in a password or user name as %%23")
		return out
	}
	u, err := url.Parse(raw)
	if err != nil {
		out.fail("%s", urlParseProblem(err))
		return out
	}
	if u.Opaque != "" {
		out.fail("must be written redis://host:port/db, with two slashes after the scheme")
		return out
	}
	switch u.Scheme {
	case "redis", "rediss", "unix":
	default:
		out.fail("has an unsupported scheme; use redis://, rediss:// or unix://")
		return out
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		out.fail("has a malformed query string; percent-encode %% as %%25 and & as %%26")
		return out
	}
	out.u, out.q = u, q
	return out
}

// split reads the URL the way go-redis does for the topology: ParseURL for
// standalone, ParseClusterURL for a cluster, ParseFailoverURL for sentinel.
// It is stricter where go-redis is lax (see the README): a host on a unix
// URL, a database on a cluster URL, a cluster or sentinel URL without a
// host (go-redis would add localhost:6379) are errors, not ignored.
func (u *urlSettings) split(t Topology) {
	if u == nil || u.u == nil {
		return
	}
	unix := u.u.Scheme == "unix"
	if unix && t != TopologyStandalone {
		u.fail("is a unix:// URL, which only a standalone Redis takes; use redis:// or rediss://")
		return
	}
	if !unix {
		u.put(idTLS, "", strconv.FormatBool(u.u.Scheme == "rediss"))
	}
	u.splitUserinfo(t)
	first, ok := u.splitAddress(t, unix)
	if !ok {
		return
	}
	if !unix {
		u.splitPath(t)
	}
	u.splitQuery(t, first)
}

// splitUserinfo reads the user and password: the data nodes' for
// ParseURL and ParseClusterURL, the sentinels' for ParseFailoverURL.
func (u *urlSettings) splitUserinfo(t Topology) {
	if u.u.User == nil {
		return
	}
	userID, passwordID := idUsername, idPassword
	if t == TopologySentinel {
		userID, passwordID = idSentinelUsername, idSentinelPassword
	}
	if user := u.u.User.Username(); user != "" {
		u.put(userID, "", user)
	}
	if password, ok := u.u.User.Password(); ok && password != "" {
		u.put(passwordID, "", password)
	}
}

// splitAddress reads the socket, the host and port, or (cluster and
// sentinel) the first node, which it returns; false when the URL has no
// usable address.
func (u *urlSettings) splitAddress(t Topology, unix bool) (string, bool) {
	switch {
	case unix:
		if strings.TrimSpace(u.u.Path) == "" {
			u.fail("has no socket path; write unix:///path/to/redis.sock")
			return "", false
		}
		if u.u.Host != "" {
			u.fail("has a host; a unix URL names only the socket, as in unix:///path/to/redis.sock")
			return "", false
		}
		u.put(idSocket, "", u.u.Path)
	case t == TopologyStandalone:
		if h := u.u.Hostname(); h != "" {
			u.put(idHost, "", h)
		}
		if p := u.u.Port(); p != "" {
			u.put(idPort, "", p)
		}
	default:
		if u.u.Hostname() == "" {
			u.fail("has no host; name the first node, as in redis://node-1:6379?addr=node-2:6379")
			return "", false
		}
		port := u.u.Port()
		if port == "" {
			port = strconv.Itoa(defaultPort)
		}
		return net.JoinHostPort(u.u.Hostname(), port), true
	}
	return "", true
}

// splitPath reads the database from the path.
func (u *urlSettings) splitPath(t Topology) {
	f := strings.FieldsFunc(u.u.Path, func(r rune) bool { return r == '/' })
	switch {
	case len(f) > 1:
		u.fail("has a path of several parts; the path is only the database number, as in redis://host:6379/2")
	case len(f) == 1 && t == TopologyCluster:
		u.fail("has a database in its path; a cluster has only database 0")
	case len(f) == 1:
		u.put(idDB, "", f[0])
	}
}

// splitQuery reads the query parameters in the topology's grammar, and the
// node list (first, then every addr parameter) for cluster and sentinel.
func (u *urlSettings) splitQuery(t Topology, first string) {
	g := map[Topology]grammar{TopologyStandalone: grammarStandalone, TopologyCluster: grammarCluster, TopologySentinel: grammarFailover}[t]
	var addrs []string
	if first != "" {
		addrs = append(addrs, first)
	}
	keys := make([]string, 0, len(u.q))
	for k := range u.q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	saidSuspect := false // a query that may be a piece of the password is reported once
	for _, k := range keys {
		vs := u.q[k]
		last := vs[len(vs)-1] // go-redis: the last one counts, empty is unset
		if k == "addr" && t != TopologyStandalone {
			addrs = append(addrs, vs...)
			continue
		}
		id, legacy, ok := urlParam(k, g)
		switch {
		case !ok:
			suspect := strings.Contains(u.u.RawQuery, "@")
			if !suspect || !saidSuspect {
				u.fail("%s", unknownParam(k, g, suspect))
			}
			saidSuspect = saidSuspect || suspect
		case id == idTLSSkipVerify && u.u.Scheme != "rediss":
			u.fail("has parameter skip_verify, which only a rediss:// URL takes")
		case legacy && u.q.Has(settings[id].param):
			u.fail("has both %s and its old name %s; keep %s", settings[id].param, k, settings[id].param)
		case last != "":
			u.put(id, k, last) // an old name (legacy) reads like the new one
		}
	}
	if len(addrs) > 0 {
		id, part := idClusterNodes, ""
		if t == TopologySentinel {
			id = idSentinelNodes
		}
		if len(addrs) > 1 {
			part = "addr"
		}
		u.put(id, part, strings.Join(addrs, ","))
	}
}

// urlParam finds the setting a URL query parameter sets in grammar g.
func urlParam(name string, g grammar) (id settingID, legacy, ok bool) {
	for i := range settings {
		d := &settings[i]
		if d.urls != 0 && d.urls&g == 0 {
			continue
		}
		switch name {
		case "":
		case d.param:
			return settingID(i), false, true
		case d.legacy:
			if g == grammarStandalone {
				return settingID(i), true, true
			}
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

// unknownParam explains a query parameter the grammar does not take: it
// names the key (never its value), says which grammar takes it when another
// does, and names the known parameter closest to a typo. A key with
// characters no parameter name has is not printed, nor is any key of a query
// that holds '@': in a malformed URL ("redis://:pa?s=s@host") the query is a
// piece of the password and the host.
func unknownParam(key string, g grammar, suspect bool) string {
	if suspect {
		return "has an unknown query parameter, and its query holds '@': if the password holds ? & = or #, percent-encode them (%3F %26 %3D %23)"
	}
	if !paramName(key) {
		return "has a query parameter whose name is not a parameter name (it has characters other than letters, digits and _); " +
			"if the password holds ? & or =, percent-encode them (%3F %26 %3D)"
	}
	for _, other := range []grammar{grammarStandalone, grammarCluster, grammarFailover} {
		if other == g {
			continue
		}
		if id, _, ok := urlParam(key, other); ok {
			return "has parameter " + key + ", which only a " + grammarList(settings[id].urls) + " URL takes"
		}
	}
	return "has an unknown parameter " + key + suggestParam(key, g)
}

// paramName reports whether s could be a parameter name: go-redis's are
// letters, digits and underscores, at most 64 of them.
func paramName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// grammarList names the URL grammars in g: "cluster or sentinel".
func grammarList(g grammar) string {
	var names []string
	for _, n := range []struct {
		g    grammar
		name string
	}{{grammarStandalone, "standalone"}, {grammarCluster, "cluster"}, {grammarFailover, "sentinel"}} {
		if g == 0 || g&n.g != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, " or ")
}

// suggestParam names the known parameter closest to an unknown one, so a
// typo like pool_szie gets its fix.
func suggestParam(unknown string, g grammar) string {
	if best, _ := paramSuggesters()[g].closest(unknown); best != "" {
		return " (did you mean " + best + "?)"
	}
	return "; see the README for the parameters a URL takes"
}
