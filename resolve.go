package redisconfig

import (
	"fmt"
	"strings"
	"sync"
)

// SourceKind says what kind of place a setting's value came from.
type SourceKind int

// The kinds of source, in the order of precedence (highest first), then the
// defaults.
const (
	SourceUnset    SourceKind = iota // not set: go-redis applies its default
	SourceCode                       // a setter called by the program
	SourceVariable                   // an environment variable
	SourceFile                       // a file named by a *_FILE variable
	SourceURL                        // a component of REDIS_URL (or Connection().URL)
	SourceSecret                     // a secret from the configured SecretSource
	SourceDefault                    // the environment's profile
)

var sourceKindNames = [...]string{"go-redis default", "code", "variable", "file", "url", "secret", "default"}

// String returns the kind's stable name, as the debug view's JSON shows it.
func (k SourceKind) String() string {
	if k < 0 || int(k) >= len(sourceKindNames) {
		return fmt.Sprintf("SourceKind(%d)", int(k))
	}
	return sourceKindNames[k]
}

// Source is where a setting's value came from.
type Source struct {
	Kind SourceKind
	// Name is the variable ("AUTH_REDIS_PORT"), the URL variable and part
	// ("REDIS_URL", "REDIS_URL parameter pool_size"), the file variable
	// ("REDIS_PASSWORD_FILE"), the setter ("Pool().Size") or the profile
	// ("production default").
	Name string
	// Path is the file read, for SourceFile.
	Path string
}

// String names the source for people: "REDIS_HOST", "code Pool().Size",
// "REDIS_PASSWORD_FILE (/run/secrets/redis)", "production default".
func (s Source) String() string {
	switch s.Kind {
	case SourceUnset:
		return "go-redis default"
	case SourceCode:
		return "code " + s.Name
	case SourceFile:
		return s.Name + " (" + s.Path + ")"
	}
	return s.Name
}

// candidate is one form in which a setting was given.
type candidate struct {
	v   value
	src Source
}

// resolution is the settings table after the precedence chain has run: one
// value and one source per setting, plus every problem met on the way.
type resolution struct {
	env      Environment
	envOK    bool
	prof     *profile
	topology Topology
	cfg      *Config             // being built
	vals     *[numSettings]value // the Config's own arrays: no copy at the end
	srcs     *[numSettings]Source
	errs     []error
	warnings []string

	// From the secret source (secrets.go).
	tokenAuth bool           // the password is an auth token
	rotating  *fetchedSecret // the password's secret, read again as it rotates
	caPEM     []byte         // the CA bundle from a secret
	caSource  string
}

func (r *resolution) has(id settingID) bool { return r.srcs[id].Kind != SourceUnset }

func (r *resolution) fail(kind error, setting, source, format string, args ...any) {
	r.errs = append(r.errs, &Error{Setting: setting, Source: source, Problem: fmt.Sprintf(format, args...), Kind: kind})
}

func (r *resolution) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// strict reports whether conflicts are errors. With an unknown environment
// the answer errs on the strict side so that every problem is listed.
func (r *resolution) strict() bool { return !r.envOK || r.prof.strict }

// rung collects the forms in which one rung of the precedence chain gives a
// setting. It reports false when a form was given but is invalid (the error
// is recorded): that still decides the setting, since a broken value must
// never fall through to a lower rung.
type rung func(id settingID, cands []candidate) ([]candidate, bool)

// resolve runs the precedence chain for every setting:
//
//  1. code (setters, Connection().PasswordFile, Connection().URL's parts),
//  2. service-prefixed variables (AUTH_REDIS_X, AUTH_REDIS_X_FILE, AUTH_REDIS_URL's parts),
//  3. generic variables (REDIS_X, REDIS_X_FILE, REDIS_URL's parts),
//  4. the environment profile's default,
//  5. go-redis's default (the field is left zero).
//
// The first rung that gives a setting in any form decides it; two forms on
// one rung with different values are a conflict. Only the highest URL is
// read: AUTH_REDIS_URL hides REDIS_URL as a whole, so two URLs never mix.
func (b *Builder) resolve(r *resolution) {
	prefixes := []string{""}
	names := []*varNames{genericNames()}
	if b.service != "" {
		prefixes = []string{b.envPrefix(), ""}
		names = []*varNames{b.prefixedNames, genericNames()}
	}

	// The one URL that counts, and the rung it belongs to.
	var u *urlSettings
	urlRung := -1
	if b.codeURL != nil {
		u, urlRung = openURL(*b.codeURL, "Connection().URL", true), 0
	} else {
		for i, p := range prefixes {
			if raw, ok := b.lookup(p + EnvURL); ok {
				u, urlRung = openURL(raw, p+EnvURL, false), i+1
				break
			}
		}
	}
	r.topology = b.selectTopology(r, names, u)
	u.split(r.topology)

	rungs := []rung{func(id settingID, cands []candidate) ([]candidate, bool) {
		return r.codeCandidates(b, id, cands)
	}}
	for _, n := range names {
		rungs = append(rungs, func(id settingID, cands []candidate) ([]candidate, bool) {
			return r.variableCandidates(b, id, n, cands)
		})
	}

	var cands []candidate
	for id := range settingID(numSettings) {
		decided := false
		for i, collect := range rungs {
			var ok bool
			cands, ok = collect(id, cands[:0])
			if ok && i == urlRung {
				cands = u.appendCandidate(cands, id)
			}
			if !ok || len(cands) > 0 {
				if ok {
					r.decide(id, cands)
				}
				decided = true
				break
			}
		}
		if !decided {
			r.profileDefault(id)
		}
	}
	if u != nil {
		r.errs = append(r.errs, u.errs...)
	}
}

// profileDefault is rung 4; rung 5 is leaving the setting unset.
func (r *resolution) profileDefault(id settingID) {
	p := &parsedProfiles()[r.env]
	if p.has[id] {
		r.vals[id], r.srcs[id] = p.vals[id], p.src
	}
}

// parsedProfile is a profile's defaults parsed once, by the same code that
// parses variables (TestProfilesParse keeps them valid).
type parsedProfile struct {
	vals [numSettings]value
	has  [numSettings]bool
	src  Source
}

var parsedProfiles = sync.OnceValue(func() *[len(profiles)]parsedProfile {
	var out [len(profiles)]parsedProfile
	for env := range profiles {
		p := &out[env]
		p.src = Source{Kind: SourceDefault, Name: Environment(env).String() + " default"}
		for id, raw := range profiles[env].defaults {
			if v, problem := settings[id].parse(raw); problem == "" {
				p.vals[id], p.has[id] = v, true
			}
		}
	}
	return &out
})

// varNames are every setting's variable names under one prefix: the
// variable, its alias and its _FILE twin ("" where there is none), worked
// out once rather than on every Build.
type varNames [numSettings][3]string

func namesFor(prefix string) *varNames {
	if n, ok := namesCache.Load(prefix); ok {
		return n.(*varNames)
	}
	var n varNames
	for id := range settings {
		d := &settings[id]
		if d.env == "" {
			continue
		}
		n[id][0] = prefix + d.env
		if d.alias != "" {
			n[id][1] = prefix + d.alias
		}
		if d.file {
			n[id][2] = prefix + d.env + fileSuffix
		}
	}
	namesCache.Store(prefix, &n)
	return &n
}

// namesCache keeps each prefix's names: a process has a handful of
// services, and their builders share the (read-only) tables.
var namesCache sync.Map

var genericNames = sync.OnceValue(func() *varNames { return namesFor("") })

// codeCandidates collects what setters gave.
func (r *resolution) codeCandidates(b *Builder, id settingID, cands []candidate) ([]candidate, bool) {
	def := &settings[id]
	if c := b.code[id]; c.set {
		if p := def.check(c.v); p != "" {
			r.fail(ErrInvalidValue, def.name, "code "+def.method, "%s", def.withValue(p, def.display(c.v)))
			return cands, false
		}
		cands = append(cands, candidate{v: c.v, src: Source{Kind: SourceCode, Name: def.method}})
	}
	if path := b.codeFiles[id]; path != nil {
		return r.fileCandidate(def, *path, "Connection().PasswordFile", SourceCode, cands)
	}
	return cands, true
}

// variableCandidates collects the forms in which a setting is given by the
// variables named in names: the variable, its alias, its _FILE twin.
func (r *resolution) variableCandidates(b *Builder, id settingID, names *varNames, cands []candidate) ([]candidate, bool) {
	def := &settings[id]
	if def.env == "" {
		return cands, true
	}
	ok := true
	for _, name := range names[id][:2] {
		if name == "" {
			continue
		}
		raw, set := b.lookup(name)
		if !set {
			continue
		}
		v, problem := def.parse(raw)
		if problem != "" {
			r.fail(ErrInvalidValue, def.name, name, "%s", def.withValue(problem, raw))
			ok = false
			continue
		}
		cands = append(cands, candidate{v: v, src: Source{Kind: SourceVariable, Name: name}})
	}
	if name := names[id][2]; name != "" {
		if path, set := b.lookup(name); set {
			var fileOK bool
			if cands, fileOK = r.fileCandidate(def, path, name, SourceFile, cands); !fileOK {
				ok = false
			}
		}
	}
	return cands, ok
}

// fileCandidate reads a secret file named by a variable or a setter and
// appends its value. It reports false, with the error recorded, when the
// file cannot be used.
func (r *resolution) fileCandidate(def *settingDef, path, name string, kind SourceKind, cands []candidate) ([]candidate, bool) {
	text, problem := readSecretFile(path)
	var v value
	if problem == "" {
		if v, problem = def.parse(text); problem != "" {
			problem = "the file's content " + problem
		}
	}
	if problem != "" {
		source := name
		if kind == SourceCode {
			source = "code " + name
		}
		r.fail(ErrInvalidValue, def.name, source, "%s", problem)
		return cands, false
	}
	return append(cands, candidate{v: v, src: Source{Kind: SourceFile, Name: name, Path: path}}), true
}

// decide takes the first candidate and checks the others against it.
func (r *resolution) decide(id settingID, cands []candidate) {
	def := &settings[id]
	win := cands[0]
	r.vals[id], r.srcs[id] = win.v, win.src
	for _, c := range cands[1:] {
		if c.v == win.v {
			continue
		}
		if r.strict() {
			r.fail(ErrConflict, def.name, win.src.String()+" and "+c.src.String(),
				"give different values for %s; remove one of them or make them equal", def.name)
			continue
		}
		r.warn("%s and %s give different values for %s; using %s", win.src, c.src, def.name, win.src)
	}
}

// readSecretFile reads a mounted secret. One trailing newline (as editors
// and `echo` leave it) is dropped; the problem never quotes the content.
func readSecretFile(path string) (string, string) {
	if path == "" {
		return "", "is empty; give the path of the file to read"
	}
	data, problem := readFile(path)
	if problem != "" {
		return "", problem
	}
	s := strings.TrimSuffix(string(data), "\n")
	s = strings.TrimSuffix(s, "\r")
	if s == "" {
		return "", "file " + quote(path) + " is empty"
	}
	return s, ""
}
