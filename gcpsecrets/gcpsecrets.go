// Package gcpsecrets reads secrets for redisconfig from Google Cloud Secret
// Manager with the official client (cloud.google.com/go/secretmanager).
//
// It is the only package of this module that imports the Google client, so
// a service that does not import it does not link gRPC or the Google API
// stack.
//
//	src, err := gcpsecrets.NewFromEnv(ctx) // project from REDIS_SECRETS_PROJECT, then GOOGLE_CLOUD_PROJECT
//	if err != nil { ... }
//	defer src.Close()
//	cfg, err := redisconfig.New().Service("backend").Secrets().Source(src).Build(ctx)
package gcpsecrets

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"regexp"
	"strings"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"github.com/googleapis/gax-go/v2"
	"github.com/redisconfig/redisconfig"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Source is a redisconfig.SecretSource backed by Secret Manager.
type Source struct {
	client  *secretmanager.Client
	project string
}

// New connects to Secret Manager for project. Short secret names
// ("redis-password") are read from that project's latest version. opts go
// to the Google client (credentials, endpoint).
func New(ctx context.Context, project string, opts ...option.ClientOption) (*Source, error) {
	if project != "" && !projectRE.MatchString(project) {
		return nil, fmt.Errorf("gcpsecrets: project %q is not a valid project ID", project)
	}
	client, err := secretmanager.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("gcpsecrets: create the Secret Manager client: %w", err)
	}
	return &Source{client: client, project: project}, nil
}

// NewFromEnv is New with the project from REDIS_SECRETS_PROJECT, or
// GOOGLE_CLOUD_PROJECT when that is unset.
func NewFromEnv(ctx context.Context, opts ...option.ClientOption) (*Source, error) {
	return New(ctx, ProjectFromEnv(os.LookupEnv), opts...)
}

// ProjectFromEnv returns REDIS_SECRETS_PROJECT, or GOOGLE_CLOUD_PROJECT,
// or "".
func ProjectFromEnv(lookup func(string) (string, bool)) string {
	for _, name := range []string{redisconfig.EnvSecretsProject, redisconfig.EnvGoogleCloudProject} {
		if v, ok := lookup(name); ok && v != "" {
			return v
		}
	}
	return ""
}

// Close closes the client.
func (s *Source) Close() error { return s.client.Close() }

var (
	projectRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[0-9]+$`)
	shortNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	resourceRE  = regexp.MustCompile(`^projects/[^/]+/(locations/[^/]+/)?secrets/[A-Za-z0-9_-]+(/versions/([0-9]+|latest))?$`)
)

// ResourceName turns a secret's name into the version to read: a short
// name becomes projects/PROJECT/secrets/NAME/versions/latest; a full
// resource name without a version gets /versions/latest; a full name with
// a version is kept.
func (s *Source) ResourceName(name string) (string, error) {
	switch {
	case resourceRE.MatchString(name):
		if !strings.Contains(name, "/versions/") {
			name += "/versions/latest"
		}
		return name, nil
	case shortNameRE.MatchString(name):
		if s.project == "" {
			return "", fmt.Errorf("gcpsecrets: secret %q is a short name but no project is set; set %s or %s, or use projects/PROJECT/secrets/%s",
				name, redisconfig.EnvSecretsProject, redisconfig.EnvGoogleCloudProject, name)
		}
		return "projects/" + s.project + "/secrets/" + name + "/versions/latest", nil
	}
	return "", fmt.Errorf("gcpsecrets: %q is neither a secret name (letters, digits, - and _) nor a resource name projects/P/secrets/S[/versions/V]", name)
}

// Fetch reads the secret's version. A secret that does not exist matches
// redisconfig.ErrSecretNotFound; the error names the resource, never the
// value.
func (s *Source) Fetch(ctx context.Context, name string) (redisconfig.Secret, error) {
	resource, err := s.ResourceName(name)
	if err != nil {
		return redisconfig.Secret{}, err
	}
	// One attempt: redisconfig bounds the fetch and reads again at the next
	// refresh, and an error that says "unavailable" beats a deadline that
	// hid the retries.
	resp, err := s.client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: resource},
		gax.WithRetry(func() gax.Retryer { return nil }))
	if err != nil {
		return redisconfig.Secret{}, describe(resource, err)
	}
	data := resp.GetPayload().GetData()
	if sum := resp.GetPayload().DataCrc32C; sum != nil && int64(crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))) != *sum {
		return redisconfig.Secret{}, fmt.Errorf("gcpsecrets: secret %s arrived corrupted (CRC32C mismatch)", resource)
	}
	return redisconfig.NewSecret(string(data)), nil
}

func describe(resource string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("gcpsecrets: secret %s: %w", resource, err)
	}
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("gcpsecrets: secret %s: %w", resource, err)
	}
	switch st.Code() {
	case codes.NotFound:
		return fmt.Errorf("gcpsecrets: secret %s: %w", resource, redisconfig.ErrSecretNotFound)
	case codes.PermissionDenied:
		return fmt.Errorf("gcpsecrets: secret %s: permission denied; grant the service account roles/secretmanager.secretAccessor on it", resource)
	case codes.Unauthenticated:
		return fmt.Errorf("gcpsecrets: secret %s: not authenticated; check the service account credentials", resource)
	case codes.Unavailable:
		return fmt.Errorf("gcpsecrets: secret %s: Secret Manager is unavailable", resource)
	case codes.DeadlineExceeded:
		return fmt.Errorf("gcpsecrets: secret %s: %w", resource, context.DeadlineExceeded)
	}
	return fmt.Errorf("gcpsecrets: secret %s: %s", resource, st.Code())
}

var _ redisconfig.SecretSource = (*Source)(nil)
