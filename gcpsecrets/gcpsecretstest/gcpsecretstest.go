// Package gcpsecretstest is an in-process gRPC server implementing the
// part of Google Cloud Secret Manager that reading secrets needs
// (AccessSecretVersion), so tests can drive the real
// cloud.google.com/go/secretmanager client against it.
package gcpsecretstest

import (
	"context"
	"fmt"
	"hash/crc32"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// Server holds secrets by resource name ("projects/p/secrets/s"), each a
// list of versions, and failures to inject by the same name.
type Server struct {
	secretmanagerpb.UnimplementedSecretManagerServiceServer

	Addr string

	mu       sync.Mutex
	versions map[string][]string
	failures map[string]codes.Code
	slow     map[string]bool
	calls    atomic.Int64
	byName   sync.Map // resource name -> *atomic.Int64
}

// Start serves on a free loopback port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("gcpsecretstest: listen: %v", err)
	}
	s := &Server{Addr: ln.Addr().String(), versions: map[string][]string{}, failures: map[string]codes.Code{}, slow: map[string]bool{}}
	g := grpc.NewServer()
	secretmanagerpb.RegisterSecretManagerServiceServer(g, s)
	go func() { _ = g.Serve(ln) }()
	t.Cleanup(g.Stop)
	return s
}

// ClientOptions point the real client at the server, without credentials.
func (s *Server) ClientOptions() []option.ClientOption {
	return []option.ClientOption{
		option.WithEndpoint(s.Addr),
		option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())),
	}
}

// AddVersion adds a version to the secret (project/secret), which becomes
// "latest".
func (s *Server) AddVersion(project, secret, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := "projects/" + project + "/secrets/" + secret
	s.versions[name] = append(s.versions[name], value)
}

// Fail makes every access to the secret fail with code.
func (s *Server) Fail(project, secret string, code codes.Code) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures["projects/"+project+"/secrets/"+secret] = code
}

// Slow makes every access to the secret wait until the caller gives up.
func (s *Server) Slow(project, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow["projects/"+project+"/secrets/"+secret] = true
}

// Calls returns how many AccessSecretVersion calls the server answered.
func (s *Server) Calls() int64 { return s.calls.Load() }

// CallsFor returns the calls for one secret (project/secret).
func (s *Server) CallsFor(project, secret string) int64 {
	if n, ok := s.byName.Load("projects/" + project + "/secrets/" + secret); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// AccessSecretVersion serves projects/*/secrets/*/versions/{latest,N}.
func (s *Server) AccessSecretVersion(ctx context.Context, req *secretmanagerpb.AccessSecretVersionRequest) (*secretmanagerpb.AccessSecretVersionResponse, error) {
	s.calls.Add(1)
	secret, version, ok := strings.Cut(req.GetName(), "/versions/")
	if !ok || !strings.HasPrefix(secret, "projects/") || strings.Count(secret, "/") != 3 {
		return nil, status.Errorf(codes.InvalidArgument, "malformed name %q", req.GetName())
	}
	n, _ := s.byName.LoadOrStore(secret, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)

	s.mu.Lock()
	code, failing := s.failures[secret]
	slow := s.slow[secret]
	versions := append([]string(nil), s.versions[secret]...)
	s.mu.Unlock()

	switch {
	case slow:
		<-ctx.Done()
		return nil, status.FromContextError(ctx.Err()).Err()
	case failing:
		return nil, status.Errorf(code, "injected failure for %s", secret)
	case len(versions) == 0:
		return nil, status.Errorf(codes.NotFound, "Secret [%s] not found or has no versions.", secret)
	}
	i := len(versions)
	if version != "latest" {
		if _, err := fmt.Sscanf(version, "%d", &i); err != nil || i < 1 || i > len(versions) {
			return nil, status.Errorf(codes.NotFound, "Secret Version [%s] not found.", req.GetName())
		}
	}
	data := []byte(versions[i-1])
	sum := int64(crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
	return &secretmanagerpb.AccessSecretVersionResponse{
		Name:    fmt.Sprintf("%s/versions/%d", secret, i),
		Payload: &secretmanagerpb.SecretPayload{Data: data, DataCrc32C: &sum},
	}, nil
}
