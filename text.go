package redisconfig

import (
	"strconv"
	"unicode"
)

// printable returns s as it is when every character prints on one line,
// and otherwise quoted with Go's escapes, so that no value (a user name
// with a newline, an ANSI escape) can break or forge a log line.
func printable(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '\u2028' || r == '\u2029' {
			return strconv.Quote(s)
		}
	}
	return s
}
