package redisconfig

import (
	"strings"
)

// This file is the catalogue of variables: one entry per setting, derived
// from the settings table and the environments' profiles, plus the
// variables that are not settings (ENVIRONMENT, REDIS_URL). The command's
// `vars`, its `init` and the README's variable table are all rendered from
// it.

// Variable describes one variable redisconfig reads.
type Variable struct {
	// Name is the generic variable ("REDIS_POOL_SIZE"); with a service the
	// prefixed name is read first ("AUTH_REDIS_POOL_SIZE"). Empty for a
	// setting only code or a URL can give.
	Name string `json:"name,omitempty"`
	// Alias is a second name for the same form ("REDIS_SSL").
	Alias string `json:"alias,omitempty"`
	// File is the variable naming a file that holds the value
	// ("REDIS_PASSWORD_FILE").
	File string `json:"file,omitempty"`
	// Setting is the setting's stable name, as the debug view shows it.
	Setting string `json:"setting"`
	// URL says how REDIS_URL gives the setting: a query parameter
	// ("pool_size"), "in the URL", or empty when it cannot.
	URL string `json:"url,omitempty"`
	// URLLegacy is an older parameter name go-redis still accepts.
	URLLegacy string `json:"url_legacy,omitempty"`
	// Code is the setter.
	Code string `json:"code,omitempty"`
	// Meaning says what it does.
	Meaning string `json:"meaning"`
	// Kind is how the value is written: string, host, secret, path, int,
	// bool, duration, tls-version, address-list.
	Kind string `json:"kind"`
	// Secret reports a secret value: never printed.
	Secret bool `json:"secret,omitempty"`
	// Defaults holds the default in each environment ("development",
	// "test", "staging", "production"): a value, "required", or "" when
	// go-redis's default applies.
	Defaults map[string]string `json:"defaults"`
	// Presets holds, for each provider preset (REDIS_PROVIDER) that changes
	// this variable's default, the value it sets: it replaces Defaults in
	// every environment, and a variable or setter still wins over it. A
	// preset that sets what the profile already gives in every environment
	// (the profile's REDIS_MAINT_NOTIFICATIONS=disabled, set again by most
	// presets) changes nothing and is left out; so is a preset that does not
	// touch the variable. Nil when no preset changes it.
	Presets map[string]string `json:"presets,omitempty"`

	id settingID // -1 for variables that are not settings
}

var kindNames = [...]string{kindString: "string", kindHost: "host", kindSecret: "secret", kindPath: "path", kindInt: "int",
	kindBool: "bool", kindDuration: "duration", kindTLSVersion: "tls-version", kindAddrList: "address-list"}

// Variables returns every variable redisconfig reads, in the order of the
// debug view, after ENVIRONMENT and REDIS_URL.
func Variables() []Variable {
	envs := []Environment{Development, Test, Staging, Production}
	out := []Variable{
		{Name: EnvEnvironment, Setting: "environment", Kind: "string", Code: "Environment", id: -1,
			Meaning:  "development (dev, local), test (testing), staging (stage) or production (prod); unset is development",
			Defaults: map[string]string{"development": "", "test": "", "staging": "", "production": ""}},
		{Name: EnvURL, Setting: "url", Kind: "string", Code: "Connection().URL", id: -1, Secret: true,
			Meaning:  "redis://, rediss:// or unix:// URL, read as go-redis's ParseURL reads it; its password is a secret",
			Defaults: map[string]string{"development": "", "test": "", "staging": "", "production": ""}},
	}
	for id := range settings {
		d := &settings[id]
		v := Variable{Name: d.env, Alias: d.alias, Setting: d.name, URL: d.param, URLLegacy: d.legacy, Code: d.method,
			Meaning: d.doc, Kind: kindNames[d.kind], Secret: d.kind == kindSecret, Defaults: map[string]string{}, id: settingID(id)}
		if d.file {
			v.File = d.env + fileSuffix
		}
		switch settingID(id) {
		case idHost, idPort, idUsername, idPassword, idSocket, idTLS, idDB:
			v.URL = "in the URL"
		}
		for _, env := range envs {
			v.Defaults[env.String()] = profiles[env].defaults[settingID(id)]
		}
		if settingID(id) == idHost {
			v.Defaults = map[string]string{"development": "localhost", "test": "localhost", "staging": "required", "production": "required"}
		}
		v.Presets = presetDefaults(settingID(id), v.Defaults)
		out = append(out, v)
	}
	return out
}

// presetDefaults returns what each preset sets for a setting where that
// differs from the profile's default in at least one environment, in the
// presets table's order (a map: JSON sorts its keys anyway).
func presetDefaults(id settingID, profile map[string]string) map[string]string {
	var out map[string]string
	for i := range presets {
		raw, ok := presets[i].defaultOf(id)
		if !ok {
			continue
		}
		same := true
		for _, d := range profile {
			same = same && d == raw
		}
		if same {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[string(presets[i].provider)] = raw
	}
	return out
}

// PresetSummary renders a variable's Presets for people: the values in the
// order the presets table first gives them, each followed by the presets
// that set it ("true: elasticache-serverless, memorydb; 4m: heroku"), or ""
// when no preset changes the variable. Grouping by value keeps the seven
// presets that turn CLIENT SETINFO off on one short line.
func (v Variable) PresetSummary() string {
	var vals []string
	names := map[string][]string{}
	for i := range presets {
		p := string(presets[i].provider)
		raw, ok := v.Presets[p]
		if !ok {
			continue
		}
		if names[raw] == nil {
			vals = append(vals, raw)
		}
		names[raw] = append(names[raw], p)
	}
	parts := make([]string, len(vals))
	for i, val := range vals {
		parts[i] = val + ": " + strings.Join(names[val], ", ")
	}
	return strings.Join(parts, "; ")
}

// VariablesMarkdown renders the settings' variables as the README's table.
func VariablesMarkdown() string {
	var b strings.Builder
	b.WriteString("| variable | URL parameter | code | meaning | development | test | staging, production | presets |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	cell := func(s string) string {
		if s == "" {
			return ""
		}
		return "`" + s + "`"
	}
	for _, v := range Variables() {
		if v.id < 0 {
			continue
		}
		name := cell(v.Name)
		if v.Alias != "" {
			name += " (alias " + cell(v.Alias) + ")"
		}
		if v.File != "" {
			name += ", " + cell(v.File)
		}
		if name == "" {
			name = "(none)"
		}
		param := cell(v.URL)
		if v.URLLegacy != "" {
			param += " (old: " + cell(v.URLLegacy) + ")"
		}
		switch v.id {
		case idHost, idPort, idUsername, idPassword, idSocket:
			param = "in the URL"
		case idTLS:
			param = "`rediss://`"
		case idDB:
			param = "path `/N` or `db`"
		}
		def := func(env string) string {
			if s := v.Defaults[env]; s != "required" {
				return cell(s)
			}
			return "required"
		}
		b.WriteString("| " + name + " | " + param + " | `" + v.Code + "` | " + v.Meaning + " | " +
			def("development") + " | " + def("test") + " | " + def("production") + " | " + presetCell(v) + " |\n")
	}
	return b.String()
}

// presetCell is the README table's presets column: PresetSummary with the
// values as code.
func presetCell(v Variable) string {
	if len(v.Presets) == 0 {
		return ""
	}
	parts := strings.Split(v.PresetSummary(), "; ")
	for i, p := range parts {
		val, names, _ := strings.Cut(p, ": ")
		parts[i] = "`" + val + "`: " + names
	}
	return strings.Join(parts, "; ")
}
