package redisconfiglint

import (
	"context"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/redisconfig/redisconfig"
)

// TestSetterTable checks every setter the fixes generate against the real
// builder types, so a renamed or retyped setter fails here rather than in
// a user's code after -fix.
func TestSetterTable(t *testing.T) {
	t.Parallel()
	b := redisconfig.New()
	builders := map[string]reflect.Type{
		"Connection": reflect.TypeOf(b.Connection()),
		"Pool":       reflect.TypeOf(b.Pool()),
		"TLS":        reflect.TypeOf(b.TLS()),
		"Cluster":    reflect.TypeOf(b.Cluster()),
		"Sentinel":   reflect.TypeOf(b.Sentinel()),
	}
	all := map[string]setter{"unix socket": {"Connection", "UnixSocket", []string{tString}, ""}}
	for k, v := range setters {
		all[k] = v
	}
	for _, g := range groups {
		require.Contains(t, builders, g)
	}
	for field, s := range all {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			bt, ok := builders[s.group]
			require.True(t, ok, "unknown group %s", s.group)
			m, ok := bt.MethodByName(s.method)
			require.True(t, ok, "%s().%s does not exist", s.group, s.method)
			mt := m.Type // the receiver is In(0)
			var params []string
			for i := 1; i < mt.NumIn(); i++ {
				p := mt.In(i).String()
				if mt.IsVariadic() && i == mt.NumIn()-1 {
					p = "..." + mt.In(i).Elem().String()
				}
				params = append(params, p)
			}
			assert.Equal(t, s.params, params, "%s().%s parameters", s.group, s.method)
			require.Equal(t, 1, mt.NumOut())
			assert.Equal(t, bt, mt.Out(0), "%s().%s must return its builder to chain", s.group, s.method)
		})
	}
}

// TestSetterEnv checks the variable each entry names against redisconfig's
// settings table: the fix drops an os.Getenv of that variable only because
// the builder reads it for the same setter.
func TestSetterEnv(t *testing.T) {
	t.Parallel()
	cfg, err := redisconfig.New().WithEnv(map[string]string{}).Build(context.Background())
	require.NoError(t, err)
	methods := map[string]string{}
	for _, s := range cfg.Settings() {
		if s.Variable != "" {
			methods[s.Variable] = s.Method
		}
	}
	for field, s := range setters {
		if s.env == "" {
			continue
		}
		m, ok := methods[s.env]
		if assert.True(t, ok, "%s: %s is not a redisconfig variable", field, s.env) {
			assert.Equal(t, s.group+"()."+s.method, m, "%s: %s", field, s.env)
		}
	}
}

// TestUniversalFields checks that every field a UniversalOptions literal is
// renamed to has a setter (which TestSetterTable checks in turn), and that
// the renames name only the options types the fix can make.
func TestUniversalFields(t *testing.T) {
	t.Parallel()
	for as, renames := range universalFields {
		assert.Contains(t, []string{"Options", "ClusterOptions", "FailoverOptions"}, as)
		for from, to := range renames {
			_, typed := setters[as+"."+to]
			_, plain := setters[to]
			assert.True(t, typed || plain, "UniversalOptions.%s becomes %s.%s, which has no setter", from, as, to)
		}
	}
}
