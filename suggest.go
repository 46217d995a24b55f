package redisconfig

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
)

// maxSuggestDistance is how many edits a typo may be from the real name.
const maxSuggestDistance = 2

// suggester finds the known name closest to an unknown one. It is built
// once per list of names; a look-up costs a pass over the names, most of
// which a length and character-set bound rejects without an edit distance.
type suggester struct {
	names []string // sorted, so that ties go to the first in sort order
	masks []uint64 // the characters each name holds, as a bit set
	// byLen lists the indexes of the names of each length, in sort order:
	// a look-up visits only the lengths within maxSuggestDistance.
	byLen [][]int
}

func newSuggester(names []string) *suggester {
	names = slices.Clone(names)
	names = slices.DeleteFunc(names, func(n string) bool { return n == "" })
	slices.Sort(names)
	names = slices.Compact(names)
	s := &suggester{names: names, masks: make([]uint64, len(names))}
	for i, n := range names {
		s.masks[i] = charMask(n)
		for len(s.byLen) <= len(n) {
			s.byLen = append(s.byLen, nil)
		}
		s.byLen[len(n)] = append(s.byLen[len(n)], i)
	}
	return s
}

// charMask sets one bit per character class in s (letters folded, digits,
// '_', and one bit for everything else).
func charMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			m |= 1 << (c - 'a')
		case c >= 'A' && c <= 'Z':
			m |= 1 << (c - 'A')
		case c >= '0' && c <= '9':
			m |= 1 << (26 + c - '0')
		case c == '_':
			m |= 1 << 36
		default:
			m |= 1 << 37
		}
	}
	return m
}

// closest returns the name within maxSuggestDistance edits of s, the
// closest and then the first in sort order, and its distance; "" and -1
// when none is that close.
func (sg *suggester) closest(s string) (string, int) {
	best, bestDist := "", maxSuggestDistance+1
	ms := uint64(0)
	for l := max(0, len(s)-maxSuggestDistance); l <= len(s)+maxSuggestDistance && l < len(sg.byLen); l++ {
		for _, i := range sg.byLen[l] {
			n := sg.names[i]
			if d := len(n) - len(s); d >= bestDist || -d >= bestDist {
				continue
			}
			if ms == 0 {
				ms = charMask(s)
			}
			// Every character class one side has and the other lacks
			// costs at least one edit.
			if bits.OnesCount64(ms&^sg.masks[i]) >= bestDist || bits.OnesCount64(sg.masks[i]&^ms) >= bestDist {
				continue
			}
			if d := boundedDistance(s, n, bestDist); d < bestDist || d == bestDist && best != "" && n < best {
				best, bestDist = n, d
			}
		}
	}
	if best == "" {
		return "", -1
	}
	return best, bestDist
}

// boundedDistance is the Levenshtein distance between a and b when it is at
// most limit, and limit+1 otherwise; it stops as soon as a row exceeds
// limit.
func boundedDistance(a, b string, limit int) int {
	var prevBuf, curBuf [64]int
	prev, cur := prevBuf[:0], curBuf[:0]
	if len(b)+1 > len(prevBuf) {
		prev, cur = make([]int, 0, len(b)+1), make([]int, 0, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}

// variableSuggester knows every generic variable name.
var variableSuggester = sync.OnceValue(func() *suggester {
	names := []string{EnvURL, EnvEnvironment}
	for name := range varIndex() {
		names = append(names, name)
	}
	return newSuggester(names)
})

// paramSuggesters knows the URL parameters of each grammar.
var paramSuggesters = sync.OnceValue(func() map[grammar]*suggester {
	out := map[grammar]*suggester{}
	for _, g := range []grammar{grammarStandalone, grammarCluster, grammarFailover} {
		var names []string
		for i := range settings {
			if settings[i].urls == 0 || settings[i].urls&g != 0 {
				names = append(names, settings[i].param, settings[i].legacy)
			}
		}
		out[g] = newSuggester(names)
	}
	return out
})

// foreignNames are the variable names other libraries and platforms use
// for what redisconfig reads under another name, with the one to use.
var foreignNames = map[string]string{
	"REDIS_ADDR":            EnvHost + " and " + EnvPort + " (or " + EnvURL + ")",
	"REDIS_ADDRESS":         EnvHost + " and " + EnvPort + " (or " + EnvURL + ")",
	"REDIS_URI":             EnvURL,
	"REDIS_TLS_URL":         EnvURL + " (a rediss:// URL)",
	"REDIS_DSN":             EnvURL,
	"REDIS_CONNECTION_URL":  EnvURL,
	"REDIS_ENDPOINT":        EnvURL + " or " + EnvHost,
	"REDIS_SERVER":          EnvHost,
	"REDIS_HOSTNAME":        EnvHost,
	"REDIS_PASS":            EnvPassword,
	"REDIS_PWD":             EnvPassword,
	"REDIS_AUTH_TOKEN":      EnvPassword + " (or " + EnvAuthTokenSecret + " with a secret source)",
	"REDIS_ACCESS_KEY":      EnvPassword,
	"REDIS_USER":            EnvUsername,
	"REDIS_DATABASE":        EnvDB,
	"REDIS_DB_INDEX":        EnvDB,
	"REDIS_USE_TLS":         EnvTLS,
	"REDIS_TLS_ENABLED":     EnvTLS,
	"REDIS_SSL_ENABLED":     EnvTLS,
	"REDIS_ENABLE_TLS":      EnvTLS,
	"REDIS_CA":              EnvTLSCAFile,
	"REDIS_CA_CERT":         EnvTLSCAFile,
	"REDIS_CERT":            EnvTLSCertFile,
	"REDIS_KEY":             EnvTLSKeyFile,
	"REDIS_SKIP_VERIFY":     EnvTLSInsecureSkipVerify,
	"REDIS_INSECURE":        EnvTLSInsecureSkipVerify,
	"REDIS_ADDRS":           EnvClusterNodes + " (or " + EnvSentinelNodes + " with " + EnvSentinelMaster + ")",
	"REDIS_NODES":           EnvClusterNodes,
	"REDIS_CLUSTER_ADDRS":   EnvClusterNodes,
	"REDIS_MASTER_NAME":     EnvSentinelMaster,
	"REDIS_SENTINEL_ADDRS":  EnvSentinelNodes,
	"REDIS_SENTINELS":       EnvSentinelNodes,
	"REDIS_TIMEOUT":         EnvDialTimeout + ", " + EnvReadTimeout + " and " + EnvWriteTimeout,
	"REDIS_MAX_CONNECTIONS": EnvPoolSize + " (or " + EnvMaxActiveConns + ")",
	"REDIS_POOL":            EnvPoolSize,
}

// warnUnknown reports REDIS_* variables that name no setting, so that a
// typo never passes as "unset": a well-known name from another library gets
// the name to use; a name within two edits of a real one is a typo (an
// error in staging and production, RuleNoUnknownVariables); the rest, which
// other software sets too, are counted in one warning that shows the first
// few. The names come unsorted; only what is printed is put in order.
func (r *resolution) warnUnknown(s *varScan) {
	type finding struct{ name, prefix, use string }
	var foreign, typos []finding
	var first []string // the first few of the rest, in sort order
	others := 0
	const shown = 5
	for _, k := range s.unknown {
		key, _, _ := strings.Cut(k, " (") // "REDIS_HOTS (.env:3)": the name and its origin
		i := strings.Index(key, "REDIS_")
		prefix, generic := key[:i], key[i:]
		if use, ok := foreignNames[generic]; ok {
			foreign = append(foreign, finding{k, prefix, use})
			continue
		}
		if best, _ := variableSuggester().closest(generic); best != "" {
			typos = append(typos, finding{k, prefix, best})
			continue
		}
		others++
		if pos, _ := slices.BinarySearch(first, k); pos < shown {
			first = slices.Insert(first, pos, k)
			first = first[:min(len(first), shown)]
		}
	}
	byName := func(a, b finding) int { return strings.Compare(a.name, b.name) }
	slices.SortFunc(foreign, byName)
	slices.SortFunc(typos, byName)
	for _, f := range foreign {
		r.warn("%s is not read by redisconfig; set %s%s instead", f.name, f.prefix, f.use)
	}
	for _, f := range typos {
		switch r.outcome(RuleNoUnknownVariables) {
		case fail:
			r.fail(ErrInvalidValue, "variables", f.name,
				"is not a redisconfig variable; did you mean %s%s? (%s refuses names this close to a real one; rename it, or call Relax(RuleNoUnknownVariables, reason))",
				f.prefix, f.use, r.env)
		case warn:
			r.warn("%s is not a redisconfig variable and is not read (did you mean %s%s?)", f.name, f.prefix, f.use)
		}
	}
	switch {
	case others == 1:
		r.warn("%s is not a redisconfig variable and is not read", first[0])
	case others > 1:
		list := strings.Join(first, ", ")
		if others > len(first) {
			list += ", …"
		}
		r.warn("%d REDIS_* variables are not redisconfig variables and are not read: %s", others, list)
	}
}
