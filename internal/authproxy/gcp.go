package authproxy

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// GCPScope is the scope Memorystore's IAM authentication needs.
const GCPScope = "https://www.googleapis.com/auth/cloud-platform"

// GCPTokenEndpoint is a loopback OAuth2 token endpoint that mints the
// issuer's tokens for a service account's JWT-bearer grant: the fake
// Google identity provider.
type GCPTokenEndpoint struct {
	URL    string
	Issuer *Issuer
	// RefuseScope answers invalid_scope, as Google does for a scope the
	// account may not have.
	RefuseScope atomic.Bool
	// Delay holds every answer back this long (a slow endpoint).
	Delay atomic.Int64
	// Requests counts the token requests.
	Requests atomic.Int64
}

// StartGCPTokenEndpoint starts the endpoint; it stops when the test ends.
// Token lifetimes are whole seconds (expires_in is an integer), at least 1.
func StartGCPTokenEndpoint(t testing.TB, issuer *Issuer) *GCPTokenEndpoint {
	e := &GCPTokenEndpoint{Issuer: issuer}
	srv := httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(srv.Close)
	e.URL = srv.URL + "/token"
	return e
}

func (e *GCPTokenEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	e.Requests.Add(1)
	if d := time.Duration(e.Delay.Load()); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	_ = r.ParseForm()
	scope := ""
	if parts := strings.Split(r.PostForm.Get("assertion"), "."); len(parts) == 3 {
		if payload, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var claims struct {
				Scope string `json:"scope"`
			}
			_ = json.Unmarshal(payload, &claims)
			scope = claims.Scope
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if e.RefuseScope.Load() || !strings.Contains(scope, GCPScope) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_scope","error_description":"Invalid OAuth scope or ID token audience provided."}`))
		return
	}
	tok, exp := e.Issuer.Mint()
	secs := int(time.Until(exp).Round(time.Second) / time.Second)
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": max(secs, 1), "token_type": "Bearer"})
}

// ServiceAccountJSON returns a service-account key file whose token_uri is
// tokenURL, with a fresh RSA key.
func ServiceAccountJSON(t testing.TB, tokenURL string) []byte {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	js, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "test-project", "private_key_id": RandomHex(8),
		"private_key": string(pemKey), "client_email": "redis-client@test-project.iam.gserviceaccount.com",
		"client_id": "1234567890", "token_uri": tokenURL,
	})
	return js
}
