package redisconfig

import (
	"fmt"
	"strings"
	"sync"
)

// This file holds lookup sources: functions with the signature of
// os.LookupEnv (go-envconfig lookupers, viper, koanf, Vault-backed maps)
// that give variables the way the environment does.
//
// Precedence: a lookup source sits on the same rungs as the environment
// (service-prefixed above generic), because it is the same kind of input
// under another name. The same variable from the environment and a lookup
// source (or from two lookup sources) is one setting given twice: equal
// values are fine; different values are a conflict, an error in staging
// and production and a warning in development and test, where the
// environment wins, then the lookup sources in the order Lookup was called.

// extraSources are the variable sources besides the environment (or
// WithEnv's map).
type extraSources struct {
	lookups []lookupSource
	dotenv  []string // DotEnv's paths, in order (dotenv.go)
}

type lookupSource struct {
	name string
	fn   func(key string) (string, bool)
}

// Lookup adds a source of variables: fn answers a variable's name (say
// "REDIS_URL") with its value and whether it is set, as os.LookupEnv does.
// name labels the source in provenance and errors ("REDIS_URL (koanf)").
//
// Lookup sources are read on top of the process environment (or WithEnv's
// map), on the same rungs: a variable that two sources give with different
// values is a conflict (see the package documentation). To read a lookup
// source instead of the environment, call WithEnv(nil) first.
//
// A lookup source cannot be listed, so Build asks it for every name
// redisconfig reads (REDIS_*, their _FILE forms and aliases, ENVIRONMENT,
// each with the service prefix too); a misspelt name in it goes unnoticed,
// where a misspelt variable is warned about. fn must not block; it is
// called from Build only.
func (b *Builder) Lookup(name string, fn func(key string) (string, bool)) *Builder {
	switch {
	case strings.TrimSpace(name) == "":
		b.record(&Error{Setting: "sources", Source: "code Lookup",
			Problem: "a lookup source needs a name for provenance, such as \"koanf\"", Kind: ErrInvalidValue})
		return b
	case fn == nil:
		b.record(&Error{Setting: "sources", Source: "code Lookup(" + quote(name) + ")",
			Problem: "the lookup function is nil; pass one such as os.LookupEnv", Kind: ErrInvalidValue})
		return b
	case len(b.extra.lookups) >= 250:
		b.record(&Error{Setting: "sources", Source: "code Lookup(" + quote(name) + ")",
			Problem: "too many lookup sources (250 at most); merge them", Kind: ErrInvalidValue})
		return b
	}
	b.extra.lookups = append(b.extra.lookups, lookupSource{name: name, fn: fn})
	return b
}

// lookupNames is every generic name a lookup source is asked for.
var lookupNames = sync.OnceValue(func() []string {
	names := []string{EnvURL, EnvSecretsProject}
	for k := range varIndex() {
		names = append(names, k)
	}
	return names
})

// scanLookups asks every lookup source for every name and files what it
// answers, as the environment's variables are.
func (b *Builder) scanLookups(s *varScan, sc scanner) {
	for i, src := range b.extra.lookups {
		o := variableOrigin{label: src.name, origin: uint8(i + 1)}
		dead := false // a source that panicked is not asked again
		ask := func(k string) {
			if dead {
				return
			}
			v, ok, panicked := callLookup(src.fn, k)
			switch {
			case panicked:
				dead = true
				s.problems = append(s.problems, &Error{Setting: "sources", Source: "lookup source " + quote(src.name),
					Problem: "panicked when asked for " + k + "; fix the lookup function", Kind: ErrInvalidValue})
			case ok:
				sc.visit(s, k, v, o)
			}
		}
		for _, k := range sc.envVars {
			ask(k)
		}
		for _, k := range lookupNames() {
			if sc.prefix != "" {
				ask(sc.prefix + k)
			}
			ask(k)
		}
	}
}

// callLookup calls a user's function; a panic in it is a missing value,
// not a crash of Build.
func callLookup(fn func(string) (string, bool), k string) (v string, ok, panicked bool) {
	defer func() {
		if recover() != nil {
			v, ok, panicked = "", false, true
		}
	}()
	v, ok = fn(k)
	return v, ok, false
}

// twin is one variable given by two sources with different values.
type twin struct {
	setting     string
	first, also string
}

// setOnce keeps the first source's value of a variable that is not a
// setting (a URL, ENVIRONMENT) and records a later, different one.
func (s *varScan) setOnce(raw, name *string, has *bool, setting, newName, v string) {
	if !*has {
		*raw, *name, *has = v, newName, true
		return
	}
	if *raw != v {
		s.twins = append(s.twins, twin{setting: setting, first: *name, also: newName})
	}
}

// reportTwins applies the conflict rule to URLs and ENVIRONMENT given by
// two sources with different values.
func (r *resolution) reportTwins(s *varScan) {
	for _, e := range s.problems {
		r.errs = append(r.errs, e)
	}
	for _, t := range s.twins {
		r.conflict(t.setting, Source{Kind: SourceVariable, Name: t.first}, Source{Kind: SourceVariable, Name: t.also},
			fmt.Sprintf("give different values for %s", t.setting))
	}
}
