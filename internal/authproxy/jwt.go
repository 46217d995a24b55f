package authproxy

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"time"
)

// AzureAudience is the audience of Entra tokens for Azure Cache for Redis
// and Azure Managed Redis.
const AzureAudience = "https://redis.azure.com"

// JWTIssuer mints and verifies HS256 JWTs shaped like Entra ID access
// tokens (aud, oid, exp): the fake Microsoft identity platform.
type JWTIssuer struct {
	Key      []byte
	Lifetime time.Duration
	minted   atomic.Int64
}

// Mint returns a token for the object id and audience, and its expiry.
func (j *JWTIssuer) Mint(oid, audience string) (string, time.Time) {
	exp := time.Now().Add(j.Lifetime)
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"aud": audience, "oid": oid, "exp": float64(exp.UnixMilli()) / 1000, "jti": RandomHex(8)})
	body := header + "." + base64.RawURLEncoding.EncodeToString(claims)
	j.minted.Add(1)
	return body + "." + base64.RawURLEncoding.EncodeToString(hmacSHA256(j.Key, body)), exp
}

// Minted counts the tokens minted.
func (j *JWTIssuer) Minted() int64 { return j.minted.Load() }

// Verify accepts a token it minted for audience AzureAudience, whose oid
// is the user, until it expires.
func (j *JWTIssuer) Verify(user, token string) (time.Time, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, errors.New("not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, hmacSHA256(j.Key, parts[0]+"."+parts[1])) {
		return time.Time{}, errors.New("bad signature")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, errors.New("bad payload")
	}
	var c struct {
		Aud string  `json:"aud"`
		Oid string  `json:"oid"`
		Exp float64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return time.Time{}, errors.New("bad claims")
	}
	exp := time.UnixMilli(int64(c.Exp * 1000))
	switch {
	case c.Aud != AzureAudience:
		return time.Time{}, errors.New("wrong audience")
	case c.Oid != user:
		return time.Time{}, errors.New("user is not the token's oid")
	case !time.Now().Before(exp):
		return time.Time{}, errors.New("token expired")
	}
	return exp, nil
}
