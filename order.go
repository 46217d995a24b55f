package redisconfig

import (
	"slices"
	"strings"
)

// Order is not a value. go-redis treats a cluster's seed nodes and a
// sentinel's addresses as a set: it asks any of them, in no order that
// means anything. So a node list has one canonical form, sorted, decided
// here and used everywhere: the conflict check (the same nodes in two
// forms in another order agree), the stored value (and so Compare, the
// debug view, String and go-redis's options).

// canonical returns v in the form that compares and prints.
func (d *settingDef) canonical(v value) value {
	if d.kind != kindAddrList || v.s == "" {
		return v
	}
	parts := strings.Split(v.s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	slices.Sort(parts)
	v.s = strings.Join(parts, ",")
	return v
}
