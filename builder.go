package redisconfig

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9/auth"
)

// Builder collects a Redis client configuration from code and from the
// environment. Setters only record; Build resolves every setting, checks it
// against the environment's rules and reports every problem at once.
//
// The sub-builders embed the Builder, so one expression can set everything
// and end in Build: Connection (address, credentials, protocol), Pool
// (sizes, timeouts, retries), TLS, Cluster (seed nodes and routing),
// Sentinel (master, sentinels and their credentials), Secrets (the secret
// source and what to read from it) and Monitoring (the start-up check and
// certificate expiry):
//
//	cfg, err := redisconfig.New().
//		Service("backend").
//		Connection().Addr("redis.internal:6380").Username("backend").
//		Pool().Size(50).ReadTimeout(2 * time.Second).
//		TLS().Enable(true).CAFile("/etc/redis/ca.pem").
//		Build(ctx)
//
// A Builder is not safe for concurrent use while setters run; Build itself
// only reads it, and may be called any number of times.
type Builder struct {
	vars        map[string]string // nil: the process environment
	env         Environment
	envSet      bool
	service     string
	code        map[settingID]value  // what setters recorded
	codeBy      map[settingID]string // the setter, where it is not the setting's own (Connection().Addr)
	codeURL     *string
	codeFiles   map[settingID]string // files setters named (Connection().PasswordFile)
	credentials func(ctx context.Context) (string, string, error)
	streaming   auth.StreamingCredentialsProvider
	relaxed     map[Rule]string
	errs        []error
	notes       []string               // warnings setters leave for Build
	envVars     []string               // EnvironmentFrom; nil: ENVIRONMENT
	envAliases  map[string]Environment // EnvironmentAlias, lower-case

	secretSource   SecretSource
	onRefreshError func(string, error)

	extra extraSources // Lookup and DotEnv (lookup.go, dotenv.go)

	tokenSource TokenSource // cloudauth: Connection().TokenSource (token.go)
}

// New returns a Builder that reads variables from the process environment.
func New() *Builder { return &Builder{} }

// WithEnv makes the Builder read variables from vars instead of the process
// environment, so that tests can run in parallel. The map is copied.
func (b *Builder) WithEnv(vars map[string]string) *Builder {
	b.vars = maps.Clone(vars)
	if b.vars == nil {
		b.vars = map[string]string{}
	}
	return b
}

// Environment sets the environment explicitly; ENVIRONMENT is then not read.
func (b *Builder) Environment(e Environment) *Builder {
	if !e.valid() {
		b.record(&Error{Setting: "environment", Source: "code Environment",
			Problem: fmt.Sprintf("unknown environment %d; use Development, Test, Staging or Production", int(e)), Kind: ErrInvalidValue})
		return b
	}
	b.env, b.envSet = e, true
	return b
}

// EnvironmentFrom names the variables the environment is read from, in
// order: the first that is set is read (for example "APP_ENV", "GO_ENV").
// Default: ENVIRONMENT alone. Name ENVIRONMENT too to keep reading it.
func (b *Builder) EnvironmentFrom(names ...string) *Builder {
	for _, n := range names {
		if n == "" || strings.ContainsAny(n, "= \t\n") {
			b.record(&Error{Setting: "environment", Source: "code EnvironmentFrom",
				Problem: "variable name " + quote(n) + " is not a variable name", Kind: ErrInvalidValue})
			return b
		}
	}
	b.envVars = append([]string(nil), names...)
	return b
}

// EnvironmentAlias maps one more name (case-insensitive) to an environment,
// for platforms that write "prd", "live", "qa" or "uat". Unknown names stay
// an error.
func (b *Builder) EnvironmentAlias(name string, e Environment) *Builder {
	if !e.valid() || strings.TrimSpace(name) == "" {
		b.record(&Error{Setting: "environment", Source: "code EnvironmentAlias",
			Problem: fmt.Sprintf("alias %s for %s: give a name and Development, Test, Staging or Production", quote(name), e), Kind: ErrInvalidValue})
		return b
	}
	if builtin, err := ParseEnvironment(name); err == nil && builtin != e {
		// An alias is read before the built-in names: "prod" for
		// Development would quietly drop every production rule.
		b.record(&Error{Setting: "environment", Source: "code EnvironmentAlias",
			Problem: fmt.Sprintf("alias %s for %s: %s already means %s, and an alias cannot change that; pick another name", quote(name), e, quote(name), builtin), Kind: ErrInvalidValue})
		return b
	}
	if b.envAliases == nil {
		b.envAliases = map[string]Environment{}
	}
	b.envAliases[strings.ToLower(name)] = e
	return b
}

// parseEnvironment reads a name through the aliases code gave, then as
// ParseEnvironment does.
func (b *Builder) parseEnvironment(s string) (Environment, error) {
	if e, ok := b.envAliases[strings.ToLower(s)]; ok {
		return e, nil
	}
	e, err := ParseEnvironment(s)
	if err != nil && len(b.envAliases) > 0 {
		var names []string
		for n := range b.envAliases {
			names = append(names, n)
		}
		slices.Sort(names)
		return 0, fmt.Errorf("%w (or one of the aliases %s)", err, strings.Join(names, ", "))
	}
	return e, err
}

// Service names the service. Every REDIS_* variable is then first looked up
// with the service's prefix (AUTH_REDIS_HOST for "auth"), and the name is
// the default client name. Letters, digits, '-' and '_' are allowed; '-'
// becomes '_' in the prefix.
func (b *Builder) Service(name string) *Builder {
	b.service = name
	return b
}

// Relax lifts one staging/production rule, for a reason that the debug view
// shows (for example a VPC-internal Redis without in-transit encryption).
// Only code can relax a rule; no variable can.
func (b *Builder) Relax(rule Rule, reason string) *Builder {
	if d := rule.def(); d == nil || !d.relaxable {
		what := fmt.Sprintf("unknown rule %d", int(rule))
		if d != nil {
			what = rule.String() + " cannot be relaxed"
		}
		b.record(&Error{Setting: "rules", Source: "code Relax",
			Problem: what + "; relax one of " + relaxableRules(), Kind: ErrInvalidValue})
		return b
	}
	if strings.TrimSpace(reason) == "" {
		b.record(&Error{Setting: "rules", Source: "code Relax",
			Problem: "relaxing " + rule.String() + " needs a reason; say why this deployment is safe without it", Kind: ErrInvalidValue})
		return b
	}
	if b.relaxed == nil {
		b.relaxed = map[Rule]string{}
	}
	b.relaxed[rule] = reason
	return b
}

func (b *Builder) setCode(id settingID, v value) {
	if b.code == nil {
		b.code = map[settingID]value{}
	}
	b.code[id] = v
	delete(b.codeBy, id) // the last setter called names the source
}

// setCodeBy records a value set by a setter that sets more than one
// setting, so provenance names that setter.
func (b *Builder) setCodeBy(id settingID, v value, method string) {
	b.setCode(id, v)
	if b.codeBy == nil {
		b.codeBy = map[settingID]string{}
	}
	b.codeBy[id] = method
}

func (b *Builder) record(err error) { b.errs = append(b.errs, err) }

// envPrefix turns the service name into its variable prefix: "auth-api"
// becomes "AUTH_API_".
func (b *Builder) envPrefix() string {
	return strings.ToUpper(strings.ReplaceAll(b.service, "-", "_")) + "_"
}

// Build resolves every setting (code, then service-prefixed variables, then
// generic variables and REDIS_URL, then the environment's defaults), reads
// the files it names, checks the environment's rules and returns the
// configuration. Every problem is reported at once, joined; each matches
// ErrInvalidConfig and can be taken apart with errors.As(err, *Error).
func (b *Builder) Build(ctx context.Context) (*Config, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cfg := &Config{}
	r := &resolution{ctx: ctx, cfg: cfg, vals: &cfg.vals, srcs: &cfg.srcs, relaxed: b.relaxed}
	r.errs = append(r.errs, b.errs...)
	r.warnings = append(r.warnings, b.notes...)
	vs := b.scanVariables()
	b.detectEnvironment(r, vs)
	b.scanDotEnv(r, vs) // dotenv.go: only once the environment is known
	b.checkService(r)
	b.resolve(r, vs)
	r.applySecrets(b.fetchSecrets(ctx, r))
	b.assemble(r)
	if len(r.errs) > 0 {
		return nil, &BuildError{Errors: r.errs, Warnings: r.warnings}
	}
	return cfg, nil
}

func (b *Builder) detectEnvironment(r *resolution, vs *varScan) {
	r.env, r.envOK = b.env, true
	if !b.envSet {
		if vs.hasEnv {
			e, err := b.parseEnvironment(vs.env)
			if err != nil {
				r.fail(ErrInvalidValue, "environment", vs.envName, "%v", err)
				e, r.envOK = Production, false
			}
			r.env = e
		}
	}
}

func (b *Builder) checkService(r *resolution) {
	if b.service == "" {
		return
	}
	for _, c := range b.service {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			r.fail(ErrInvalidValue, "service", "code Service",
				"service name must hold only letters, digits, '-' and '_', got %s", quote(b.service))
			return
		}
	}
}

// String describes the builder without any value it holds.
func (b *Builder) String() string {
	env := "detected"
	if b.envSet {
		env = b.env.String()
	}
	return fmt.Sprintf("redisconfig.Builder{service: %q, environment: %s}", b.service, env)
}

// Format prints String for every verb, so no verb (%v, %+v, %#v) reaches the
// values a Builder holds.
func (b *Builder) Format(f fmt.State, _ rune) { fmt.Fprint(f, b.String()) }

// GoString returns String.
func (b *Builder) GoString() string { return b.String() }

// MarshalJSON encodes only the service and environment, never a value.
func (b *Builder) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"service": b.service, "builder": b.String()})
}

// LogValue logs the builder as its String.
func (b *Builder) LogValue() slog.Value { return slog.StringValue(b.String()) }

// setter names the code that set id: Connection().Addr for the host and
// port it sets, else the setting's own setter.
func (b *Builder) setter(id settingID) string {
	if m, ok := b.codeBy[id]; ok {
		return m
	}
	return settings[id].method
}
