package redisconfig

import (
	"encoding/base64"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// A server's error reply can quote the arguments of the command it refused:
// Redis 6.2 and later answer an unknown command with "ERR unknown command
// 'AUTH', with args beginning with: 'default' '<password>'", cut at 128
// bytes, and some proxies echo whole commands. The library knows every
// secret it configured, so every text from outside that it passes on
// (ConnectError, Diagnose's summary, Health.Error, /health, the health
// checker's log line, the command's output) goes through one scrubber that
// replaces each secret, in every form it can foresee, with [redacted].

// scrubMinPrefix is the shortest start of a secret that is scrubbed on its
// own, for replies that cut an argument short. Shorter starts are too
// likely to be ordinary words.
const scrubMinPrefix = 6

// scrubber replaces known secrets in text.
type scrubber struct {
	forms []string // every form of every secret, longest first
	raw   []string // the secrets as they are, also matched by their start
}

// newScrubber prepares the forms of secrets; empty ones are skipped.
func newScrubber(secrets ...string) *scrubber {
	s := &scrubber{}
	seen := map[string]bool{}
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			s.forms = append(s.forms, f)
		}
	}
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s.raw = append(s.raw, sec, redisRepr(sec), strings.NewReplacer("\r", " ", "\n", " ").Replace(sec))
		for _, f := range secretForms(sec) {
			add(f)
		}
	}
	sort.SliceStable(s.forms, func(i, j int) bool { return len(s.forms[i]) > len(s.forms[j]) })
	return s
}

// secretForms are the encodings in which a secret can come back: as it
// is; quoted or escaped by Go, JSON or Redis; with CR and LF as spaces (a
// Redis error reply); percent-encoded for a URL's
// user information, path or query; base64 (standard and URL alphabets,
// padded or not).
func secretForms(sec string) []string {
	q := strconv.Quote(sec)
	qa := strconv.QuoteToASCII(sec)
	forms := []string{
		sec,
		q[1 : len(q)-1],
		qa[1 : len(qa)-1],
		redisRepr(sec),
		url.QueryEscape(sec),
		url.PathEscape(sec),
		strings.TrimPrefix(url.UserPassword("", sec).String(), ":"),
		base64.StdEncoding.EncodeToString([]byte(sec)),
		base64.URLEncoding.EncodeToString([]byte(sec)),
		base64.RawStdEncoding.EncodeToString([]byte(sec)),
		base64.RawURLEncoding.EncodeToString([]byte(sec)),
	}
	// Redis turns CR and LF into spaces in an error reply.
	forms = append(forms, strings.NewReplacer("\r", " ", "\n", " ").Replace(sec))
	// Percent-encoding's hex digits may come in either case.
	forms = append(forms, strings.ToLower(url.QueryEscape(sec)), strings.ToLower(url.PathEscape(sec)))
	return forms
}

// redisRepr is the form Redis's sdscatrepr gives a string in replies and
// logs, without the surrounding quotes.
func redisRepr(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\a':
			sb.WriteString(`\a`)
		case '\b':
			sb.WriteString(`\b`)
		default:
			if c < 0x20 || c >= 0x7f {
				sb.WriteString(`\x` + strconv.FormatUint(uint64(c)|0x100, 16)[1:])
			} else {
				sb.WriteByte(c)
			}
		}
	}
	return sb.String()
}

// text scrubs s: every form of every secret, then what is left of a secret
// cut short (scrubMinPrefix bytes of its start or more, whatever follows:
// Redis cuts quoted arguments at 128 bytes, a proxy may cut anywhere).
func (s *scrubber) text(in string) string {
	if s == nil || len(s.forms) == 0 || in == "" {
		return in
	}
	out := in
	for _, f := range s.forms {
		if strings.Contains(out, f) {
			out = strings.ReplaceAll(out, f, redacted)
		}
	}
	for _, sec := range s.raw {
		out = scrubPrefixes(out, sec)
	}
	return out
}

// scrubPrefixes replaces every start of sec that is scrubMinPrefix bytes
// or longer: a reply that cut sec short. It errs on the side of hiding: a
// word that happens to begin like the secret is hidden too.
func scrubPrefixes(s, sec string) string {
	if len(sec) <= scrubMinPrefix {
		return s
	}
	head := sec[:scrubMinPrefix]
	// Mark every byte covered by a match (matches may overlap: "0000000x"
	// holds "000000x" from its second byte), then hide each marked run.
	var hide []bool
	for from := 0; ; {
		k := strings.Index(s[from:], head)
		if k < 0 {
			break
		}
		i := from + k
		n := scrubMinPrefix
		for n < len(sec) && i+n < len(s) && s[i+n] == sec[n] {
			n++
		}
		if hide == nil {
			hide = make([]bool, len(s))
		}
		for j := i; j < i+n; j++ {
			hide[j] = true
		}
		from = i + 1
	}
	if hide == nil {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if !hide[i] {
			sb.WriteByte(s[i])
			continue
		}
		if i == 0 || !hide[i-1] {
			sb.WriteString(redacted)
		}
	}
	return sb.String()
}

// scrubbedError stands in for an error whose text held a secret. It keeps
// the text (scrubbed) and whether it was a server's reply, and drops the
// chain under it, whose texts hold the secret.
type scrubbedError struct {
	msg    string
	server bool
}

func (e *scrubbedError) Error() string { return e.msg }

// RedisError marks a scrubbed server reply, as go-redis's redis.Error does.
func (e *scrubbedError) RedisError() {}

// error scrubs err: unchanged when its text holds no secret (so its chain
// stays intact for errors.Is and errors.As), else replaced.
func (s *scrubber) error(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := s.text(msg)
	if clean == msg {
		return err
	}
	var re interface{ RedisError() }
	return &scrubbedError{msg: clean, server: errors.As(err, &re)}
}

// knownSecrets lists every secret this Config holds: the password (and the
// rotating secret's current value), the sentinel password. A new kind of
// secret (a token) belongs here, so that the scrubber knows it.
func (c *Config) knownSecrets() []string {
	secrets := []string{c.creds.password.Reveal(), c.vals[idPassword].sec.Reveal(), c.vals[idSentinelPassword].sec.Reveal()}
	if rt := c.creds.rotator; rt != nil {
		rt.mu.Lock()
		secrets = append(secrets, rt.value)
		rt.mu.Unlock()
	}
	if f := c.creds.file; f != nil {
		secrets = append(secrets, f.pw.get()) // the file as it is now, rotated or not
	}
	if tc := c.creds.tokens; tc != nil {
		tok, _, _ := tc.latest()
		secrets = append(secrets, tok.Password.Reveal())
	}
	return secrets
}

// scrubber returns the scrubber for every secret this Config knows, and
// for each one joined to the user name as HTTP basic authentication
// encodes the pair (base64 of "user:password").
func (c *Config) scrubber() *scrubber {
	secrets := c.knownSecrets()
	s := newScrubber(secrets...)
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		for _, user := range []string{c.creds.username, c.vals[idSentinelUsername].s} {
			pair := []byte(user + ":" + sec)
			s.forms = append(s.forms, base64.StdEncoding.EncodeToString(pair), base64.RawStdEncoding.EncodeToString(pair))
		}
	}
	sort.SliceStable(s.forms, func(i, j int) bool { return len(s.forms[i]) > len(s.forms[j]) })
	return s
}

// scrubText makes text from outside fit to print: secrets scrubbed, one
// line.
func (c *Config) scrubText(s string) string { return oneLine(c.scrubber().text(s)) }

// scrubDiagnosis scrubs the parts of a diagnosis that may quote a reply.
func (c *Config) scrubDiagnosis(d Diagnosis) Diagnosis {
	sc := c.scrubber()
	d.Summary = oneLine(sc.text(d.Summary))
	d.Fix = oneLine(sc.text(d.Fix))
	return d
}
