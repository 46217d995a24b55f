package redisconfig

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"
)

// fileKind says what a file a setting names holds: how large it may be and
// whether its path may be printed. Every file the library reads goes
// through readFile with one of these.
type fileKind struct {
	what  string // "password file", for problems
	limit int64  // the most bytes the file may hold
	// secretPath: the variable naming the file names a secret, so its value
	// is never printed (REDIS_PASSWORD_FILE may hold the password itself).
	secretPath bool
}

// The size limits, one per kind of file (the README's "Files" section lists
// them). A password or token is at most a few kilobytes (a cloud access
// token a few thousand bytes); a CA bundle can be the whole system bundle
// (about 200 KiB today).
var (
	fileKindPassword   = fileKind{what: "password file", limit: 64 << 10, secretPath: true}
	fileKindSecretDir  = fileKind{what: "secret file", limit: 1 << 20}
	fileKindCA         = fileKind{what: "CA file", limit: 1 << 20}
	fileKindClientCert = fileKind{what: "certificate file", limit: 1 << 20}
	fileKindClientKey  = fileKind{what: "key file", limit: 64 << 10, secretPath: true}
	fileKindDotEnv     = fileKind{what: ".env file", limit: maxDotEnvSize}
)

// readChunk is how much one read takes before the context is looked at
// again.
const readChunk = 32 << 10

// readFile reads a file a setting names, phrasing failures for people. It
// refuses, before opening the file for reading, anything that is not a
// regular file or a symbolic link to one (a named pipe, a device such as
// /dev/zero, a directory, a socket), and a file larger than kind's limit.
// The open cannot block (O_NONBLOCK), the file opened is checked to be the
// one looked at, at most limit+1 bytes are read, and the read stops when
// ctx ends. With kind.secretPath the problem never holds the path.
func readFile(ctx context.Context, path string, kind fileKind) ([]byte, string) {
	name := "file " + quote(path)
	if kind.secretPath {
		name = "the file it names"
	}
	if err := ctx.Err(); err != nil {
		return nil, name + " was not read: " + err.Error()
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fileProblem(name, err)
	}
	if problem := fileTypeProblem(name, fi, kind); problem != "" {
		return nil, problem
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fileProblem(name, err)
	}
	defer f.Close()
	// The path may have been swapped for something else since Stat.
	opened, err := f.Stat()
	if err != nil {
		return nil, fileProblem(name, err)
	}
	if !os.SameFile(fi, opened) {
		return nil, name + " changed while it was opened; try again"
	}
	if problem := fileTypeProblem(name, opened, kind); problem != "" {
		return nil, problem
	}
	data, err := readAtMost(ctx, f, kind.limit+1)
	if err != nil {
		if ctx.Err() != nil {
			return nil, name + " was not read: " + ctx.Err().Error()
		}
		return nil, fileProblem(name, err)
	}
	if int64(len(data)) > kind.limit {
		return nil, fmt.Sprintf("%s grew while it was read; a %s may hold at most %s", name, kind.what, formatBytes(kind.limit))
	}
	return data, ""
}

// readAtMost reads up to n bytes, a chunk at a time, looking at ctx
// between chunks.
func readAtMost(ctx context.Context, r io.Reader, n int64) ([]byte, error) {
	lr := io.LimitReader(r, n)
	var buf []byte
	chunk := make([]byte, readChunk)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k, err := lr.Read(chunk)
		buf = append(buf, chunk[:k]...)
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// fileTypeProblem refuses what is not a regular file, and a regular file
// over the limit.
func fileTypeProblem(name string, fi fs.FileInfo, kind fileKind) string {
	m := fi.Mode()
	var what string
	switch {
	case m.IsRegular():
		if fi.Size() > kind.limit {
			return fmt.Sprintf("%s holds %s; a %s may hold at most %s; check that it is the right file",
				name, formatBytes(fi.Size()), kind.what, formatBytes(kind.limit))
		}
		return ""
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	default:
		what = "not a regular file"
	}
	if what != "not a regular file" {
		what = "is " + what + ", not a regular file"
	} else {
		what = "is " + what
	}
	return name + " " + what + "; give the path of a regular file (or a link to one)"
}

// fileProblem phrases an error from Stat, Open or Read.
func fileProblem(name string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return name + " does not exist"
	case errors.Is(err, fs.ErrPermission):
		return name + " cannot be read: permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path, which the message may not hold, is left out
	}
	return name + " cannot be read: " + err.Error()
}

// formatBytes prints a size for people: "64 KiB", "1 MiB", "100 MiB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// readSecretFile reads a mounted secret. One trailing newline (as editors
// and `echo` leave it) is dropped; the problem never quotes the content.
func readSecretFile(ctx context.Context, path string, kind fileKind) (string, string) {
	if path == "" {
		return "", "is empty; give the path of the file to read"
	}
	data, problem := readFile(ctx, path, kind)
	if problem != "" {
		if kind.secretPath && strings.Contains(problem, "does not exist") {
			problem += " (its value is not shown, as it may be the secret itself: a value that is not a path belongs in the variable without _FILE)"
		}
		return "", problem
	}
	s := strings.TrimSuffix(string(data), "\n")
	s = strings.TrimSuffix(s, "\r")
	if s == "" {
		if kind.secretPath {
			return "", "the file it names is empty"
		}
		return "", "file " + quote(path) + " is empty"
	}
	if kind.secretPath {
		// A password file holds one line. Two ("password" then
		// "user", or key=value lines) or an editor's byte order mark
		// would reach AUTH whole and fail there with no visible cause.
		if strings.HasPrefix(s, "\ufeff") {
			return "", "the file it names starts with a byte order mark (U+FEFF) that an editor added; save it without one"
		}
		if strings.ContainsAny(strings.TrimSpace(s), "\r\n") {
			return "", "the file it names holds more than one line; a password file holds the password alone (one trailing newline is dropped)"
		}
	}
	return s, ""
}

// loadKeyPair reads a client certificate and key again for the reloader,
// through readFile, so a renewed pair obeys the same limits.
func loadKeyPair(certPath, keyPath string) (tls.Certificate, error) {
	ctx := context.Background()
	certPEM, problem := readFile(ctx, certPath, fileKindClientCert)
	if problem != "" {
		return tls.Certificate{}, errors.New("certificate: " + problem)
	}
	keyPEM, problem := readFile(ctx, keyPath, fileKindClientKey)
	if problem != "" {
		return tls.Certificate{}, errors.New("key: " + problem)
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// hidesValue reports whether a setting's text is never printed: a secret,
// and a path that names a secret (the key file), which may hold the secret
// itself when the variables were swapped.
func (d *settingDef) hidesValue() bool {
	return d.kind == kindSecret || d == &settings[idTLSKeyFile]
}
