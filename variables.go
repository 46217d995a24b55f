package redisconfig

import (
	"os"
	"slices"
	"strings"
	"sync"
)

// varForm says which form of a setting a variable is.
type varForm uint8

const (
	formVar   varForm = iota // REDIS_X
	formAlias                // REDIS_SSL for REDIS_TLS
	formFile                 // REDIS_X_FILE
)

// varHit is one variable that names a setting.
type varHit struct {
	id     settingID
	rung   uint8 // 0: service-prefixed, 1: generic; 2 and 3: the same from .env files (dotenv.go)
	form   varForm
	origin uint8  // 0: the environment or WithEnv; 1, 2, ...: lookup sources in order (lookup.go)
	name   string // as written, prefix and all, with its origin: "REDIS_URL (koanf)"
	raw    string
}

// varRungs is the number of variable rungs: the environment and lookup
// sources (prefixed, generic), then .env files (prefixed, generic).
const varRungs = 4

// varScan is what one pass over the variables found: the settings' values,
// the URLs, ENVIRONMENT, and REDIS_* names that mean nothing to redisconfig.
type varScan struct {
	hits    []varHit // sorted by setting, rung, form, origin
	url     [varRungs]struct{ name, raw string }
	hasURL  [varRungs]bool
	env     string // the value of the environment variable read
	envName string // its name: ENVIRONMENT or one EnvironmentFrom gave
	envKey  string // envName without the source's label
	hasEnv  bool
	unknown []string
	// twins are one variable given by two sources with different values
	// (a URL or the environment; settings' twins meet as candidates).
	twins []twin
	// problems met while reading lookup sources and .env files.
	problems []*Error
	links    []linkVar // issue 14: Kubernetes service links (kubernetes.go)
}

// varKey is a generic variable's place in the settings table.
type varKey struct {
	id   settingID
	form varForm
}

// varIndex maps every generic variable name to its setting and form.
var varIndex = sync.OnceValue(func() map[string]varKey {
	m := make(map[string]varKey, 2*len(settings))
	for id := range settings {
		d := &settings[id]
		if d.env == "" {
			continue
		}
		m[d.env] = varKey{settingID(id), formVar}
		if d.alias != "" {
			m[d.alias] = varKey{settingID(id), formAlias}
		}
		if d.file {
			m[d.env+fileSuffix] = varKey{settingID(id), formFile}
		}
	}
	return m
})

// scanVariables reads the variables once, in one pass over them, rather
// than asking for each of the settings' many possible names: a service's
// environment holds a handful of REDIS_* variables among many others.
// Lookup sources, which cannot be listed, are asked for every name
// (lookup.go).
func (b *Builder) scanVariables() *varScan {
	s := &varScan{}
	sc := b.scanner()
	if b.vars != nil {
		for k, v := range b.vars {
			sc.visit(s, k, v, variableOrigin{})
		}
	} else {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				sc.visit(s, k, v, variableOrigin{})
			}
		}
	}
	b.scanLookups(s, sc)
	s.sort()
	return s
}

// defaultEnvVars is where the environment is read unless EnvironmentFrom
// says otherwise.
var defaultEnvVars = []string{EnvEnvironment}

// scanner files variables under their settings for one builder.
type scanner struct {
	prefix  string
	envVars []string // the environment's variables, first wins
}

func (b *Builder) scanner() scanner {
	sc := scanner{envVars: b.envVars}
	if b.service != "" {
		sc.prefix = b.envPrefix()
	}
	if len(sc.envVars) == 0 {
		sc.envVars = defaultEnvVars
	}
	return sc
}

// variableOrigin says where a variable was read: the environment (zero), a
// lookup source, or a line of a .env file.
type variableOrigin struct {
	label  string // "koanf", "dev.env:12"; empty for the environment
	origin uint8
	dotenv bool
}

// visit files one variable under its setting.
func (sc scanner) visit(s *varScan, k, v string, o variableOrigin) {
	name := k
	if o.label != "" {
		name = k + " (" + o.label + ")"
	}
	if rank := slices.Index(sc.envVars, k); rank >= 0 {
		// The first of the environment variables that is set wins; the
		// same one from two sources must agree.
		switch {
		case !s.hasEnv || rank < slices.Index(sc.envVars, s.envKey):
			s.env, s.envName, s.envKey, s.hasEnv = v, name, k, true
		case k == s.envKey && v != s.env:
			s.twins = append(s.twins, twin{setting: "environment", first: s.envName, also: name})
		}
		return
	}
	rung, generic := uint8(1), k
	if sc.prefix != "" && strings.HasPrefix(k, sc.prefix) {
		if rest := k[len(sc.prefix):]; strings.HasPrefix(rest, "REDIS_") {
			rung, generic = 0, rest
		}
	}
	if !strings.HasPrefix(generic, "REDIS_") {
		return
	}
	if o.dotenv {
		rung += 2
	}
	if generic == EnvURL {
		u := &s.url[rung]
		switch {
		case !s.hasURL[rung]:
			u.name, u.raw, s.hasURL[rung] = name, v, true
		case u.raw != v:
			s.twins = append(s.twins, twin{setting: "url", first: u.name, also: name})
		}
		return
	}
	key, ok := varIndex()[generic]
	// issue 14: Kubernetes service links (kubernetes.go) are never
	// settings; REDIS_PORT=tcp://… is one, other known names never are.
	if !ok || generic == EnvPort {
		if _, link := serviceLink(generic, v); link {
			s.links = append(s.links, linkVar{k, v})
			return
		}
	}
	if !ok {
		// The environment lists each name once; only other sources can
		// repeat one (and they are few).
		if generic != EnvSecretsProject && (o.label == "" || !slices.Contains(s.unknown, name)) {
			s.unknown = append(s.unknown, name)
		}
		return
	}
	s.hits = append(s.hits, varHit{id: key.id, rung: rung, form: key.form, origin: o.origin, name: name, raw: v})
}

func (s *varScan) sort() {
	slices.SortFunc(s.hits, func(a, b varHit) int {
		if a.id != b.id {
			return int(a.id) - int(b.id)
		}
		if a.rung != b.rung {
			return int(a.rung) - int(b.rung)
		}
		if a.form != b.form {
			return int(a.form) - int(b.form)
		}
		return int(a.origin) - int(b.origin)
	})
	// s.unknown stays unsorted: warnUnknown orders only what it prints.
}

// forSetting returns the hits for one setting (a sub-slice of the sorted
// hits, found from where the previous setting's ended).
func (s *varScan) forSetting(id settingID, from int) (hits []varHit, next int) {
	i := from
	for i < len(s.hits) && s.hits[i].id < id {
		i++
	}
	j := i
	for j < len(s.hits) && s.hits[j].id == id {
		j++
	}
	return s.hits[i:j], j
}

// names returns the variables that give the setting, on any rung.
func (s *varScan) names(id settingID) []string {
	var out []string
	for _, h := range s.hits {
		if h.id == id {
			out = append(out, h.name)
		}
	}
	return out
}
