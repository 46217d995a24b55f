package redisconfig

import (
	"context"
	"fmt"
	"sync"
)

// SourceKind says what kind of place a setting's value came from.
type SourceKind int

// The kinds of source. Precedence goes by rung (code, service-prefixed,
// generic, profile), not by kind: a variable, a file, a URL part and a
// secret can all stand on one rung, where two of them that differ are a
// conflict.
const (
	SourceUnset    SourceKind = iota // not set: go-redis applies its default
	SourceCode                       // a setter called by the program
	SourceVariable                   // an environment variable
	SourceFile                       // a file named by a *_FILE variable
	SourceURL                        // a component of REDIS_URL (or Connection().URL)
	SourceSecret                     // a secret from the configured SecretSource
	SourceDefault                    // the environment's profile
	SourcePreset                     // issue 14: a provider preset (presets.go), above the profile
)

var sourceKindNames = [...]string{"go-redis default", "code", "variable", "file", "url", "secret", "default", "preset"}

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
	ctx      context.Context // Build's: file reads stop when it ends
	env      Environment
	envOK    bool
	relaxed  map[Rule]string
	topology Topology
	cfg      *Config             // being built
	vals     *[numSettings]value // the Config's own arrays: no copy at the end
	srcs     *[numSettings]Source
	errs     []error
	warnings []string

	// rung is the rung that decided each setting (rungCode to
	// rungDefault); invalid marks settings a form of which failed to
	// parse, so that no rule fires on them.
	rung    [numSettings]uint8
	invalid [numSettings]bool
	urlBad  bool // the URL did not parse: none of its parts are known

	// From the secret source (secrets.go).
	tokenAuth bool           // the password is an auth token
	rotating  *fetchedSecret // the password's secret, read again as it rotates

	token    *credentials // cloudauth: identity tokens, a form for settleCredentials (authmethod.go)
	caPEM    []byte       // the CA bundle from a secret
	caSource string       // `secret "name"`, for messages
	caSecret string       // the secret's name, read again as it rotates (reload.go)

	creds credentials // settled by settleCredentials (auth.go)

	notes     []string  // issue 14: what the debug view should mention (kubernetes.go)
	linksSeen bool      // issue 14: Kubernetes service links were set aside
	links     []linkVar // issue 14: and which
	preset    *preset   // issue 14: the provider preset in use (presets.go)
}

// The rungs of the precedence chain, highest first.
const (
	rungCode uint8 = iota
	rungPrefixed
	rungGeneric
	rungDotEnvPrefixed // .env files, development and test only (dotenv.go)
	rungDotEnvGeneric
	rungDefault
)

// broken reports whether a setting's value is unknown because a form of it
// (or the URL that may hold it) failed to parse.
func (r *resolution) broken(id settingID) bool {
	return r.invalid[id] || r.urlBad && settings[id].fromURL()
}

func (r *resolution) has(id settingID) bool { return r.srcs[id].Kind != SourceUnset }

func (r *resolution) fail(kind error, setting, source, format string, args ...any) {
	r.errs = append(r.errs, &Error{Setting: setting, Source: source, Problem: fmt.Sprintf(format, args...), Kind: kind})
}

// failAt is fail for a problem with one typed source.
func (r *resolution) failAt(kind error, setting string, src Source, format string, args ...any) {
	r.errs = append(r.errs, &Error{Setting: setting, Source: src.String(), Origin: src, Problem: fmt.Sprintf(format, args...), Kind: kind})
}

func (r *resolution) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

// strict reports whether conflicts are errors.
func (r *resolution) strict() bool { return r.outcome(RuleNoConflicts) == fail }

// resolve runs the precedence chain for every setting:
//
//  1. code (setters, Connection().PasswordFile, Connection().URL's parts),
//  2. service-prefixed variables (AUTH_REDIS_X, AUTH_REDIS_X_FILE, AUTH_REDIS_URL's parts),
//     from the environment (or WithEnv) and every lookup source alike,
//  3. generic variables (REDIS_X, REDIS_X_FILE, REDIS_URL's parts), the same,
//     then the same two rungs again from .env files (development and test only),
//  4. the environment profile's default,
//  5. go-redis's default (the field is left zero).
//
// The first rung that gives a setting in any form decides it; two forms on
// one rung with different values are a conflict. A form that is given but
// invalid also decides the setting (its error is recorded): a broken value
// never falls through to a lower rung. Only the highest URL is read:
// AUTH_REDIS_URL hides REDIS_URL as a whole, so two URLs never mix.
func (b *Builder) resolve(r *resolution, vs *varScan) {
	// The one URL that counts, and the rung it belongs to (0 is code).
	var u *urlSettings
	urlRung := -1
	if b.codeURL != nil {
		u, urlRung = openURL(*b.codeURL, "Connection().URL", true), 0
	} else {
		for rung := range vs.url {
			if vs.hasURL[rung] {
				u, urlRung = openURL(vs.url[rung].raw, vs.url[rung].name, false), rung+1
				break
			}
		}
	}
	r.topology = b.selectTopology(r, vs, u)
	u.split(r.topology)

	if u != nil && len(u.errs) > 0 {
		r.urlBad = true // only URL-wide problems so far: none of its parts are known
	}
	var cands []candidate
	next := 0
	for id := range settingID(numSettings) {
		var hits []varHit
		hits, next = vs.forSetting(id, next)

		// Rung 1, code; rungs 2 and 3, the variables (rung 2 exists only
		// with a service prefix, and has no hits without one).
		var ok bool
		rung := rungCode
		cands, ok = r.codeCandidates(b, id, cands[:0])
		if ok && urlRung == 0 {
			cands, ok = u.appendCandidate(cands, id)
		}
		for vr := uint8(0); ok && len(cands) == 0 && vr < varRungs; vr++ {
			rung = rungPrefixed + vr
			cands, ok = r.variableCandidates(id, hits, vr, cands)
			if ok && int(vr)+1 == urlRung {
				cands, ok = u.appendCandidate(cands, id)
			}
		}
		switch {
		case !ok:
			r.invalid[id] = true
		case len(cands) > 0:
			r.decide(id, cands)
			r.rung[id] = rung
		default:
			r.profileDefault(id)
			r.rung[id] = rungDefault
		}
	}
	if u != nil {
		r.errs = append(r.errs, u.errs...)
	}
	r.applyPreset()           // issue 14: presets.go
	b.applyAddressFrom(r, vs) // issue 14: kubernetes.go
	r.warnUnknown(vs)
	r.reportTwins(vs) // lookup.go
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
			v, problem := settings[id].parse(raw)
			if problem != "" {
				// TestProfilesParse keeps this unreachable; never drop a
				// default silently.
				panic("redisconfig: the " + Environment(env).String() + " profile's " + settings[id].name + " " + problem)
			}
			p.vals[id], p.has[id] = v, true
		}
	}
	return &out
})

// codeCandidates collects what setters gave.
func (r *resolution) codeCandidates(b *Builder, id settingID, cands []candidate) ([]candidate, bool) {
	def := &settings[id]
	if v, set := b.code[id]; set {
		if p := def.check(v); p != "" {
			r.failAt(ErrInvalidValue, def.name, Source{Kind: SourceCode, Name: b.setter(id)}, "%s", def.withValue(p, def.display(v)))
			return cands, false
		}
		cands = append(cands, candidate{v: v, src: Source{Kind: SourceCode, Name: b.setter(id)}})
	}
	if path, set := b.codeFiles[id]; set {
		return r.fileCandidate(def, path, "Connection().PasswordFile", SourceCode, cands)
	}
	return cands, true
}

// variableCandidates collects the forms in which the variables of one rung
// give a setting: the variable, its alias, its _FILE twin, in that order.
func (r *resolution) variableCandidates(id settingID, hits []varHit, rung uint8, cands []candidate) ([]candidate, bool) {
	def := &settings[id]
	ok := true
	for _, h := range hits {
		if h.rung != rung {
			continue
		}
		if h.form == formFile {
			var fileOK bool
			if cands, fileOK = r.fileCandidate(def, h.raw, h.name, SourceFile, cands); !fileOK {
				ok = false
			}
			continue
		}
		v, problem := def.parse(h.raw)
		if problem != "" {
			r.failAt(ErrInvalidValue, def.name, Source{Kind: SourceVariable, Name: h.name}, "%s", def.withValue(problem, h.raw))
			ok = false
			continue
		}
		cands = append(cands, candidate{v: v, src: Source{Kind: SourceVariable, Name: h.name}})
	}
	return cands, ok
}

// fileCandidate reads a secret file named by a variable or a setter and
// appends its value. It reports false, with the error recorded, when the
// file cannot be used.
func (r *resolution) fileCandidate(def *settingDef, path, name string, kind SourceKind, cands []candidate) ([]candidate, bool) {
	text, problem := readSecretFile(r.ctx, path, fileKindPassword)
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
	win.v = def.canonical(win.v) // order.go: a node list's order is not a value
	r.vals[id], r.srcs[id] = win.v, win.src
	for _, c := range cands[1:] {
		if !def.canonical(c.v).equal(win.v) {
			r.conflict(def.name, win.src, c.src, "give different values for "+def.name)
		}
	}
}

// conflict applies the environment's rule for one setting given in two
// forms that disagree: an error in staging and production, a warning in
// development and test, where win (the more specific form) is used. It is
// the only place that rule lives.
func (r *resolution) conflict(setting string, win, other Source, what string) {
	if r.strict() {
		r.fail(ErrConflict, setting, win.String()+" and "+other.String(), "%s; remove one of them or make them equal", what)
		return
	}
	r.warn("%s and %s %s; using %s", win, other, what, win)
}
