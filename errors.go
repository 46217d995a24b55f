package redisconfig

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidConfig is matched (errors.Is) by every validation error that
// Build returns, whatever its finer kind.
var ErrInvalidConfig = errors.New("redisconfig: invalid configuration")

// The finer kinds of validation error. Each also matches ErrInvalidConfig.
var (
	// ErrInvalidValue: a value does not parse or is out of range.
	ErrInvalidValue = fmt.Errorf("%w: invalid value", ErrInvalidConfig)
	// ErrConflict: one setting is given in two forms with different values
	// (REDIS_URL's host and REDIS_HOST, REDIS_PASSWORD and
	// REDIS_PASSWORD_FILE), or settings contradict each other.
	ErrConflict = fmt.Errorf("%w: conflicting settings", ErrInvalidConfig)
	// ErrMissing: something the environment requires is not configured.
	ErrMissing = fmt.Errorf("%w: missing setting", ErrInvalidConfig)
	// ErrRule: an environment rule (TLS, credentials, no loopback, no
	// skipped certificate checks) is broken.
	ErrRule = fmt.Errorf("%w: environment rule broken", ErrInvalidConfig)
)

// ErrConnect is matched by the errors Connect returns when the client
// cannot reach Redis or Redis refuses it.
var ErrConnect = errors.New("redisconfig: connect failed")

// Error is one problem found by Build. It names the setting and where its
// value came from, never the value of a secret. Use errors.As to get it
// from the joined error Build returns.
type Error struct {
	// Setting is the setting's stable name ("pool_size", "host"), or
	// "environment", or "url" for a URL that does not parse.
	Setting string
	// Source is where the offending value came from: a variable's name
	// ("REDIS_POOL_SIZE"), a URL parameter ("REDIS_URL parameter
	// pool_size"), a file variable, or a code setter ("code
	// Pool().Size").
	Source string
	// Problem says what is wrong and how to fix it.
	Problem string
	// Kind is ErrInvalidValue, ErrConflict, ErrMissing or ErrRule.
	Kind error
	// Origin is Source in typed form, where the problem has one source
	// (a conflict names two in Source and leaves Origin zero).
	Origin Source
}

// Error returns "redisconfig: SOURCE: PROBLEM".
func (e *Error) Error() string {
	if e.Source == "" {
		return oneLine("redisconfig: " + e.Problem)
	}
	return oneLine("redisconfig: " + e.Source + ": " + e.Problem)
}

// Unwrap returns the error's kind, so errors.Is matches both the kind and
// ErrInvalidConfig.
func (e *Error) Unwrap() error { return e.Kind }

// ConnectError is returned by Connect. It says what was tried (address,
// TLS, user), never a secret: a cause whose text quoted a secret the Config
// knows (a server reply echoing the AUTH arguments) is replaced by its
// scrubbed text.
type ConnectError struct {
	Addr     string // the address or addresses dialled
	TLS      bool
	Username string
	Err      error // the cause, from go-redis or the deadline
	// Diagnosis explains the cause in one line, with the fix.
	Diagnosis Diagnosis
}

// Error describes the attempt and its cause.
func (e *ConnectError) Error() string {
	tlsText := "tls off"
	if e.TLS {
		tlsText = "tls on"
	}
	user := "no user"
	if e.Username != "" {
		user = "user " + quote(e.Username)
	}
	if e.Diagnosis.Category == "" || e.Diagnosis.Category == CategoryUnknown {
		return oneLine(fmt.Sprintf("redisconfig: connect to %s (%s, %s): %v", e.Addr, tlsText, user, e.Err))
	}
	return oneLine(fmt.Sprintf("redisconfig: connect to %s (%s, %s): %s (%v)", e.Addr, tlsText, user, e.Diagnosis, e.Err))
}

// Unwrap returns the cause.
func (e *ConnectError) Unwrap() error { return e.Err }

// Cause returns the cause's text alone, scrubbed and on one line, for
// output that shows the diagnosis on lines of its own.
func (e *ConnectError) Cause() string {
	if e.Err == nil {
		return ""
	}
	return oneLine(e.Err.Error())
}

// Is reports whether target is ErrConnect.
func (e *ConnectError) Is(target error) bool { return target == ErrConnect }

// BuildError is what Build returns when the configuration is invalid: every
// problem, and the warnings met on the way, which often explain a problem
// (a misspelt variable behind "production requires credentials"). It
// matches ErrInvalidConfig and each problem's kind through errors.Is, and
// gives each *Error through errors.As.
type BuildError struct {
	Errors   []error
	Warnings []string
}

// Error lists the problems, one a line, then the warnings.
func (e *BuildError) Error() string {
	var sb strings.Builder
	for i, err := range e.Errors {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(err.Error())
	}
	for _, w := range e.Warnings {
		sb.WriteString("\nredisconfig: warning: " + w)
	}
	return sb.String()
}

// Unwrap returns the problems.
func (e *BuildError) Unwrap() []error { return e.Errors }

// Errors returns every *Error in err (a Build error, or one that wraps it),
// in the order Build found them.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *Error:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
