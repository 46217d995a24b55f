package redisconfig

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file reads .env files for development and test. A .env file is
// parsed here, never loaded into the process environment, and sits below
// every real variable and lookup source: a setting it gives counts only
// when no real source gives that setting in any form (two rungs of its
// own, service-prefixed then generic). In staging and production a .env
// file is an error and is never opened.

// maxDotEnvSize bounds a .env file: a development file holds a few dozen
// lines, so anything larger is a mistake (a binary, a log) to refuse
// before reading it.
const maxDotEnvSize = 1 << 20

// DotEnv reads variables from .env files, in development and test only.
// Later files override earlier ones, as docker compose's --env-file does;
// every real variable (the environment, WithEnv, Lookup) overrides them
// all. Provenance names the file and line: "REDIS_HOST (.env:3)".
//
// The dialect is the common one: KEY=value lines, blank lines and # comment
// lines, an optional "export " in front, single quotes (literal text),
// double quotes (with \n, \t, \\ and \" escapes), either of which may span
// lines, and a " #" comment after an unquoted value. ${VAR} is not
// expanded. A file may set ENVIRONMENT to development or test, and only
// when the real environment and code do not set it.
//
// In staging and production every .env file is an error naming it and no
// file is read. A syntax error names the file and the line, never a value.
func (b *Builder) DotEnv(paths ...string) *Builder {
	b.extra.dotenv = append(b.extra.dotenv, paths...)
	return b
}

// scanDotEnv reads the .env files once the environment is known and files
// their variables on the .env rungs.
func (b *Builder) scanDotEnv(r *resolution, vs *varScan) {
	if len(b.extra.dotenv) == 0 || !r.envOK {
		return
	}
	if r.env == Staging || r.env == Production {
		for _, path := range b.extra.dotenv {
			r.fail(ErrRule, "dotenv", "code DotEnv("+strconv.Quote(path)+")",
				"a .env file configures development and test only, and %s never reads one; set real variables, or remove the DotEnv call (or --env-file) for %s", r.env, r.env)
		}
		return
	}
	type entry struct {
		value, label string
	}
	merged := map[string]entry{}
	var order []string
	for _, path := range b.extra.dotenv {
		entries, err := readDotEnv(path)
		if err != nil {
			r.errs = append(r.errs, err)
			continue
		}
		for _, e := range entries {
			if _, seen := merged[e.key]; !seen {
				order = append(order, e.key)
			}
			merged[e.key] = entry{e.value, path + ":" + strconv.Itoa(e.line)}
		}
	}
	sc := b.scanner()
	for _, k := range order {
		e := merged[k]
		if slices.Contains(sc.envVars, k) {
			b.dotEnvEnvironment(r, vs, e.value, k+" ("+e.label+")")
			continue
		}
		sc.visit(vs, k, e.value, variableOrigin{label: e.label, dotenv: true})
	}
	vs.sort()
}

// dotEnvEnvironment takes the environment from a .env file when nothing
// real sets it; a .env file can only select development or test.
func (b *Builder) dotEnvEnvironment(r *resolution, vs *varScan, raw, name string) {
	if b.envSet || vs.hasEnv {
		return // the real environment decides; the file's line is below it
	}
	e, err := b.parseEnvironment(raw)
	switch {
	case err != nil:
		r.fail(ErrInvalidValue, "environment", name, "%v", err)
	case e == Staging || e == Production:
		r.fail(ErrRule, "environment", name,
			"a .env file cannot select %s; set the environment in the real environment, where no .env file is read", e)
	default:
		r.env = e
		vs.env, vs.envName, vs.hasEnv = raw, name, true
	}
}

// dotEnvEntry is one KEY=value of a .env file.
type dotEnvEntry struct {
	key, value string
	line       int
}

// readDotEnv reads and parses one .env file, refusing anything but a
// regular file of bounded size (a FIFO would block Build).
func readDotEnv(path string) ([]dotEnvEntry, error) {
	fail := func(line int, format string, args ...any) error {
		src := "code DotEnv(" + strconv.Quote(path) + ")"
		if line > 0 {
			src = path + ":" + strconv.Itoa(line)
		}
		return &Error{Setting: "dotenv", Source: src, Problem: fmt.Sprintf(format, args...), Kind: ErrInvalidValue}
	}
	if path == "" {
		return nil, fail(0, "the path is empty; name a .env file")
	}
	data, problem := readFile(context.Background(), path, fileKindDotEnv) // files.go: refuses pipes, devices, directories; bounded
	if problem != "" {
		return nil, fail(0, "%s", problem)
	}
	entries, line, problem := parseDotEnv(string(data))
	if problem != "" {
		return nil, fail(line, "%s", problem)
	}
	return entries, nil
}

// parseDotEnv parses the text of a .env file. On a problem it returns the
// line it starts on; the problem never holds a value (a .env file holds
// passwords), only a key.
func parseDotEnv(text string) ([]dotEnvEntry, int, string) {
	if !utf8.ValidString(text) {
		// Find the line for the message.
		for i, l := range strings.Split(text, "\n") {
			if !utf8.ValidString(l) {
				return nil, i + 1, "is not valid UTF-8; save the file as UTF-8 text"
			}
		}
	}
	text = strings.TrimPrefix(text, "\uFEFF") // a byte order mark some editors write
	var out []dotEnvEntry
	p := dotEnvParser{text: text, line: 1}
	for !p.done() {
		p.skipBlank()
		if p.done() {
			break
		}
		start := p.line
		if p.peek() == '#' {
			p.skipLine()
			continue
		}
		key, problem := p.key()
		if problem != "" {
			return nil, start, problem
		}
		start = p.line
		val, problem := p.value()
		if problem != "" {
			return nil, start, key + ": " + problem
		}
		if strings.ContainsRune(val, 0) {
			return nil, start, key + ": the value holds a NUL byte"
		}
		out = append(out, dotEnvEntry{key: key, value: val, line: start})
	}
	return out, 0, ""
}

type dotEnvParser struct {
	text string
	pos  int
	line int
}

func (p *dotEnvParser) done() bool { return p.pos >= len(p.text) }
func (p *dotEnvParser) peek() byte { return p.text[p.pos] }

func (p *dotEnvParser) next() byte {
	c := p.text[p.pos]
	p.pos++
	if c == '\n' {
		p.line++
	}
	return c
}

// skipBlank skips white space, newlines included.
func (p *dotEnvParser) skipBlank() {
	for !p.done() && strings.IndexByte(" \t\r\n", p.peek()) >= 0 {
		p.next()
	}
}

// skipSpace skips spaces and tabs on the current line.
func (p *dotEnvParser) skipSpace() {
	for !p.done() && (p.peek() == ' ' || p.peek() == '\t') {
		p.next()
	}
}

func (p *dotEnvParser) skipLine() {
	for !p.done() && p.next() != '\n' {
	}
}

// key reads "export KEY =" up to the value.
func (p *dotEnvParser) key() (string, string) {
	word := func() string {
		start := p.pos
		for !p.done() && isKeyByte(p.peek(), p.pos == start) {
			p.pos++
		}
		return p.text[start:p.pos]
	}
	k := word()
	if k == "export" && !p.done() && (p.peek() == ' ' || p.peek() == '\t') {
		p.skipSpace()
		k = word()
	}
	if k == "" {
		return "", "expected KEY=value: a name of letters, digits and _ that does not start with a digit"
	}
	p.skipSpace()
	if p.done() || p.peek() != '=' {
		// The word is not quoted back: a line without = may be a stray
		// password.
		return "", "expected KEY=value: no = after a name of letters, digits and _"
	}
	p.next() // '='
	return k, ""
}

func isKeyByte(c byte, first bool) bool {
	switch {
	case c == '_', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
		return true
	case c >= '0' && c <= '9', c == '.':
		return !first
	}
	return false
}

// value reads the value after '=' to the end of its line (or its closing
// quote's line) and consumes that line's end.
func (p *dotEnvParser) value() (string, string) {
	p.skipSpace()
	if p.done() {
		return "", ""
	}
	switch q := p.peek(); q {
	case '\'', '"':
		p.next()
		v, problem := p.quoted(q)
		if problem != "" {
			return "", problem
		}
		p.skipSpace()
		if !p.done() && p.peek() == '#' {
			p.skipLine()
			return v, ""
		}
		if !p.done() && p.peek() == '\r' {
			p.next()
		}
		if !p.done() && p.next() != '\n' {
			return "", "text follows the closing quote; put a # before a comment, or quote the whole value"
		}
		return v, ""
	}
	start := p.pos
	end := strings.IndexByte(p.text[start:], '\n')
	if end < 0 {
		end = len(p.text) - start
	}
	raw := p.text[start : start+end]
	p.pos = start + end
	if !p.done() {
		p.next()
	}
	// A comment starts at " #" (so "a#b" is a value); trailing space and a
	// CR are not part of the value.
	for i := 1; i < len(raw); i++ {
		if raw[i] == '#' && (raw[i-1] == ' ' || raw[i-1] == '\t') {
			raw = raw[:i]
			break
		}
	}
	return strings.TrimRight(raw, " \t\r"), ""
}

// quoted reads up to the closing quote q; double quotes take escapes.
func (p *dotEnvParser) quoted(q byte) (string, string) {
	opened := p.line
	var sb strings.Builder
	for !p.done() {
		c := p.next()
		switch {
		case c == q:
			return sb.String(), ""
		case c == '\\' && q == '"' && !p.done():
			e := p.next()
			switch e {
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			case '\\', '"', '$', '\'':
				sb.WriteByte(e)
			case '\n':
				// A backslash at a line's end continues the line.
			default:
				sb.WriteByte('\\')
				sb.WriteByte(e)
			}
		case c == '\r' && !p.done() && p.peek() == '\n':
			// CRLF inside a multi-line value is a newline.
		default:
			sb.WriteByte(c)
		}
	}
	return "", fmt.Sprintf("the quote opened on line %d is never closed; close it with %c", opened, q)
}

// ReadEnvFile reads a file in the .env dialect (see DotEnv) into a map for
// WithEnv, for tools and tests that check a deployment's variables offline,
// as the command's compare does. Unlike DotEnv it works for any environment:
// the map is the whole configuration, not a layer under real variables. A
// later line overrides an earlier one. Errors name the file and line, never
// a value.
func ReadEnvFile(path string) (map[string]string, error) {
	entries, err := readDotEnv(path)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		out[e.key] = e.value
	}
	return out, nil
}
