package redisconfig

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// oneLine escapes what could break a line or fool a terminal: C0 and C1
// control characters (newline, carriage return, ANSI escape sequences),
// DEL, the Unicode line and paragraph separators, the bidirectional
// overrides, and bytes that are not UTF-8. Each becomes its Go escape
// (\n, \x1b, \u2028), so one value prints on one line and a log line
// cannot be forged. Everything the library prints goes through it: errors,
// String, warnings, the debug view, diagnoses and health results.
func oneLine(s string) string {
	if !needsEscape(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			sb.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case escapeRune(r):
			q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u2028'
			sb.WriteString(q[1 : len(q)-1])
		default:
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || escapeRune(r) {
			return true
		}
		i += size
	}
	return false
}

// escapeRune reports the runes oneLine escapes.
func escapeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == '\u2028', r == '\u2029', r == '\u0085':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u200e', r == '\u200f', r == '\u061c':
		return true // bidirectional controls reorder what a terminal shows
	}
	return false
}

// oneLines applies oneLine to each string.
func oneLines(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = oneLine(s)
	}
	return out
}

// formatDuration prints a duration for people, as Go parses it back
// (REDIS_* variables take it as it is printed): the zero units dropped,
// "336h" rather than "336h0m0s", "5m" rather than "5m0s", "1h30m",
// "1.5s", "250ms". It is the one duration format of every output.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
