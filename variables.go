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
	id   settingID
	rung uint8 // 0: service-prefixed, 1: generic
	form varForm
	name string // as written, prefix and all
	raw  string
}

// varScan is what one pass over the variables found: the settings' values,
// the URLs, ENVIRONMENT, and REDIS_* names that mean nothing to redisconfig.
type varScan struct {
	hits    []varHit // sorted by setting, rung, form
	url     [2]struct{ name, raw string }
	hasURL  [2]bool
	env     string // the value of the environment variable read
	envName string // its name: ENVIRONMENT or one EnvironmentFrom gave
	hasEnv  bool
	unknown []string
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
func (b *Builder) scanVariables() *varScan {
	s := &varScan{}
	prefix := ""
	if b.service != "" {
		prefix = b.envPrefix()
	}
	envVars := b.envVars
	if len(envVars) == 0 {
		envVars = []string{EnvEnvironment}
	}
	visit := func(k, v string) {
		if rank := slices.Index(envVars, k); rank >= 0 {
			// The first of the environment variables that is set wins.
			if !s.hasEnv || rank < slices.Index(envVars, s.envName) {
				s.env, s.envName, s.hasEnv = v, k, true
			}
			return
		}
		rung, generic := uint8(1), k
		if prefix != "" && strings.HasPrefix(k, prefix) {
			if rest := k[len(prefix):]; strings.HasPrefix(rest, "REDIS_") {
				rung, generic = 0, rest
			}
		}
		if !strings.HasPrefix(generic, "REDIS_") {
			return
		}
		if generic == EnvURL {
			s.url[rung], s.hasURL[rung] = struct{ name, raw string }{k, v}, true
			return
		}
		key, ok := varIndex()[generic]
		if !ok {
			if generic != EnvSecretsProject {
				s.unknown = append(s.unknown, k)
			}
			return
		}
		s.hits = append(s.hits, varHit{id: key.id, rung: rung, form: key.form, name: k, raw: v})
	}
	if b.vars != nil {
		for k, v := range b.vars {
			visit(k, v)
		}
	} else {
		for _, kv := range os.Environ() {
			if k, v, ok := strings.Cut(kv, "="); ok {
				visit(k, v)
			}
		}
	}
	slices.SortFunc(s.hits, func(a, b varHit) int {
		if a.id != b.id {
			return int(a.id) - int(b.id)
		}
		if a.rung != b.rung {
			return int(a.rung) - int(b.rung)
		}
		return int(a.form) - int(b.form)
	})
	// s.unknown stays unsorted: warnUnknown orders only what it prints.
	return s
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
