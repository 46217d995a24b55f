package redisconfig

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// distinct returns a value of the setting's kind that no default has.
func distinct(id settingID) value {
	d := &settings[id]
	switch d.kind {
	case kindInt:
		n := int64(7)
		if d.max < n {
			n = d.max
		}
		if d.min > n {
			n = d.min
		}
		return value{n: n}
	case kindBool:
		return value{n: 1}
	case kindDuration:
		return value{n: int64(1234 * time.Millisecond)}
	case kindSecret:
		return value{sec: NewSecret("s3cret")}
	case kindAddrList:
		return value{s: "n1:7000,n2:7000"}
	}
	return value{s: "x-" + d.name}
}

// TestOutputsCarryEverySetting sets every setting the table maps into
// go-redis to a distinct value and checks that each of the four output
// types carries every field it has: a field dropped by one derivation
// fails here.
func TestOutputsCarryEverySetting(t *testing.T) {
	t.Parallel()
	for _, topo := range []Topology{TopologyStandalone, TopologyCluster, TopologySentinel} {
		c := &Config{topology: topo, network: "tcp", addr: "h:1"}
		for id := range settings {
			if settings[id].apply == nil || settings[id].topos != 0 && settings[id].topos&topo.mask() == 0 {
				continue
			}
			c.vals[id], c.srcs[id] = distinct(settingID(id)), Source{Kind: SourceCode}
		}
		u := c.universal()
		uv := reflect.ValueOf(u).Elem()
		var outs []any
		switch topo {
		case TopologyStandalone:
			outs = []any{c.Options()}
		case TopologyCluster:
			outs = []any{c.ClusterOptions()}
		case TopologySentinel:
			outs = []any{c.FailoverOptions()}
		}
		for id := range settings {
			if settings[id].apply == nil || c.srcs[id].Kind == SourceUnset {
				continue
			}
			// Which UniversalOptions field did the row write?
			probe := &redis.UniversalOptions{}
			settings[id].apply(probe, c.vals[id])
			pv := reflect.ValueOf(probe).Elem()
			for f := range pv.NumField() {
				if pv.Field(f).IsZero() {
					continue
				}
				name := pv.Type().Field(f).Name
				want := uv.Field(f).Interface()
				for _, out := range outs {
					ov := reflect.ValueOf(out).Elem().FieldByName(name)
					if !ov.IsValid() {
						continue // the output type has no such field (MaxRedirects on Options)
					}
					if name == "ReadOnly" {
						continue // FailoverOptions.ReplicaOnly comes from its own setting
					}
					assert.Equal(t, want, ov.Interface(), "%s: %T drops %s (setting %s)", topo, out, name, settings[id].name)
				}
			}
		}
	}
}

// TestFailoverOnlyFields: the two sentinel settings UniversalOptions has no
// field for reach FailoverOptions.
func TestFailoverOnlyFields(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{
		EnvSentinelMaster: "m", EnvSentinelNodes: "s1:26379", EnvSentinelReplicaOnly: "true", EnvSentinelUseDisconnected: "true",
	}).Build(context.Background())
	require.NoError(t, err)
	f := cfg.FailoverOptions()
	assert.True(t, f.ReplicaOnly)
	assert.True(t, f.UseDisconnectedReplicas)
}

// TestTypedView: Setting and Settings give typed values and sources, secrets
// as Secret.
func TestTypedView(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{
		EnvURL: "redis://u:pw@cache:6380/2?pool_size=9&dial_timeout=3s", EnvTLS: "false",
	}).Pool().FIFO(true).Build(context.Background())
	require.NoError(t, err)
	tests := []struct {
		give     string
		want     any
		wantKind SourceKind
	}{
		{"host", "cache", SourceURL},
		{"port", 6380, SourceURL},
		{"db", 2, SourceURL},
		{"pool_size", 9, SourceURL},
		{"dial_timeout", 3 * time.Second, SourceURL},
		{"pool_fifo", true, SourceCode},
		{"tls", false, SourceVariable},
	}
	for _, tt := range tests {
		s, ok := cfg.Setting(tt.give)
		require.True(t, ok, tt.give)
		assert.Equal(t, tt.want, s.Value, tt.give)
		assert.Equal(t, tt.wantKind, s.Source.Kind, tt.give)
		assert.True(t, s.Set)
	}
	pw, ok := cfg.Setting("password")
	require.True(t, ok)
	require.IsType(t, Secret{}, pw.Value)
	assert.Equal(t, "pw", pw.Value.(Secret).Reveal())
	assert.NotContains(t, pw.Value.(Secret).String(), "pw")
	unset, ok := cfg.Setting("max_retries")
	require.True(t, ok)
	assert.False(t, unset.Set)
	assert.Nil(t, unset.Value)
	_, ok = cfg.Setting("no_such_setting")
	assert.False(t, ok)
	assert.Len(t, cfg.Settings(), int(numSettings))
	assert.Equal(t, []string{"cache:6380"}, cfg.Addrs())
	user, secret, err := cfg.Credentials(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "u", user)
	assert.Equal(t, "pw", secret.Reveal())
}

// TestTypedConnects: a typed connect refuses another topology without
// dialling, and gives the concrete client otherwise.
func TestTypedConnects(t *testing.T) {
	t.Parallel()
	cluster, err := New().WithEnv(map[string]string{EnvClusterNodes: "n1:7000"}).Build(context.Background())
	require.NoError(t, err)
	_, err = cluster.ConnectClient(context.Background())
	require.ErrorIs(t, err, ErrTopology)
	assert.Contains(t, err.Error(), "ConnectCluster")
	_, err = cluster.ConnectFailover(context.Background())
	require.ErrorIs(t, err, ErrTopology)
}

// TestBufferSizes: the buffer settings reach every output.
func TestBufferSizes(t *testing.T) {
	t.Parallel()
	cfg, err := New().WithEnv(map[string]string{EnvReadBufferSize: "65536"}).Pool().WriteBufferSize(8192).Build(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 65536, cfg.Options().ReadBufferSize)
	assert.Equal(t, 8192, cfg.Options().WriteBufferSize)
	assert.Equal(t, 65536, cfg.UniversalOptions().ReadBufferSize)
	_, err = New().WithEnv(map[string]string{EnvReadBufferSize: "-1"}).Build(context.Background())
	require.ErrorIs(t, err, ErrInvalidValue)
}
