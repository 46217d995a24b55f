package authproxy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AWSVerifier checks ElastiCache/MemoryDB IAM tokens the way the service
// does: it re-computes the SigV4 query signature of the presigned
// "<cache>/?Action=connect&User=<user>..." URL with the static credentials
// it knows, written here from the SigV4 specification, independently of
// the SDK's signer that the adapter uses.
type AWSVerifier struct {
	AccessKeyID, SecretAccessKey string
	Region, Service, CacheName   string
	// Serverless: the token must carry ResourceType=ServerlessCache; a
	// replication group's must not.
	Serverless bool
	// Now is the verifier's clock (time.Now when nil).
	Now func() time.Time
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Verify checks the token's form, signature and validity.
func (v *AWSVerifier) Verify(user, token string) (time.Time, error) {
	u, err := url.Parse("http://" + token)
	if err != nil {
		return time.Time{}, errors.New("token is not a URL")
	}
	q := u.Query()
	switch {
	case u.Host != v.CacheName:
		return time.Time{}, fmt.Errorf("token for cache %q, not %q", u.Host, v.CacheName)
	case q.Get("Action") != "connect":
		return time.Time{}, errors.New("token without Action=connect")
	case q.Get("User") != user:
		return time.Time{}, errors.New("token for another user")
	case v.Serverless && q.Get("ResourceType") != "ServerlessCache":
		return time.Time{}, errors.New("serverless cache token without ResourceType=ServerlessCache")
	case !v.Serverless && q.Has("ResourceType"):
		return time.Time{}, errors.New("ResourceType on a token for a replication group")
	case q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" || q.Get("X-Amz-SignedHeaders") != "host":
		return time.Time{}, errors.New("unexpected signing algorithm or headers")
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return time.Time{}, errors.New("bad X-Amz-Date")
	}
	expires, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || expires <= 0 || expires > 900 {
		return time.Time{}, errors.New("X-Amz-Expires must be 1 to 900 seconds")
	}
	date := signed.Format("20060102")
	scope := date + "/" + v.Region + "/" + v.Service + "/aws4_request"
	if q.Get("X-Amz-Credential") != v.AccessKeyID+"/"+scope {
		return time.Time{}, errors.New("credential scope does not match the key, region or service")
	}
	got := q.Get("X-Amz-Signature")
	q.Del("X-Amz-Signature")
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, val := range q[k] {
			parts = append(parts, awsEscape(k)+"="+awsEscape(val))
		}
	}
	canonical := strings.Join([]string{"GET", "/", strings.Join(parts, "&"), "host:" + u.Host + "\n", "host", emptySHA256}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + q.Get("X-Amz-Date") + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := []byte("AWS4" + v.SecretAccessKey)
	for _, p := range []string{date, v.Region, v.Service, "aws4_request"} {
		key = hmacSHA256(key, p)
	}
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	if !hmac.Equal([]byte(got), []byte(want)) {
		return time.Time{}, errors.New("signature does not match")
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	exp := signed.Add(time.Duration(expires) * time.Second)
	if t := now(); t.Before(signed.Add(-5*time.Minute)) || !t.Before(exp) {
		return time.Time{}, errors.New("token expired or not yet valid")
	}
	return exp, nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// awsEscape is SigV4's URI encoding: everything but A-Z a-z 0-9 - _ . ~
// is percent-encoded.
func awsEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
