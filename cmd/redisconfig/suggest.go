package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/redisconfig/redisconfig"
)

// serverFacts is what check learned about the server (issue 14): its
// version, cluster mode, what it rejected, its idle timeout, and the
// preset or variable that fits.
type serverFacts struct {
	Report *redisconfig.ServerReport `json:"report,omitempty"`
	Error  string                    `json:"error,omitempty"`
}

// inspect asks the server what it is; a failure is reported, not fatal.
func inspect(ctx context.Context, cfg *redisconfig.Config) *serverFacts {
	rep, err := cfg.Inspect(ctx)
	if err != nil {
		return &serverFacts{Error: cfg.Diagnose(err).String()}
	}
	return &serverFacts{Report: &rep}
}

// writeServer prints the facts and the suggestions.
func writeServer(w io.Writer, f *serverFacts) {
	if f == nil {
		return
	}
	if f.Error != "" {
		fmt.Fprintf(w, "inspect:     failed: %s\n", f.Error)
		return
	}
	r := f.Report
	mode := "standalone"
	if r.Cluster {
		mode = "cluster (cluster_enabled:1)"
	}
	version := r.Version
	if version == "" {
		version = "(version not reported)"
	}
	fmt.Fprintf(w, "server mode: %s %s, %s\n", r.Server, version, mode)
	if r.SetinfoRejected != "" {
		fmt.Fprintf(w, "setinfo:     rejected (%s)\n", r.SetinfoRejected)
	} else {
		fmt.Fprintln(w, "setinfo:     accepted")
	}
	switch {
	case !r.MaintNotificationsTried:
		fmt.Fprintln(w, "maint notif: not tried (they need RESP3)")
	case r.MaintNotificationsRejected != "":
		fmt.Fprintf(w, "maint notif: rejected (%s)\n", r.MaintNotificationsRejected)
	default:
		fmt.Fprintln(w, "maint notif: supported")
	}
	switch {
	case r.IdleTimeout == nil:
		fmt.Fprintf(w, "idle kill:   unknown (%s)\n", r.IdleTimeoutError)
	case *r.IdleTimeout == 0:
		fmt.Fprintln(w, "idle kill:   never (timeout 0)")
	default:
		fmt.Fprintf(w, "idle kill:   after %s idle (timeout %d)\n", *r.IdleTimeout, int(time.Duration(*r.IdleTimeout)/time.Second))
	}
	if r.CertSHA256 != "" {
		fmt.Fprintf(w, "certificate: sha256 %s\n", r.CertSHA256)
		fmt.Fprintf(w, "public key:  sha256 %s (for REDIS_TLS_PIN_SHA256)\n", r.PublicKeySHA256)
	}
	for _, s := range r.Suggestions {
		if s.Category != "" {
			fmt.Fprintf(w, "suggest:     [%s] %s\n", s.Category, s.Text)
			continue
		}
		fmt.Fprintf(w, "suggest:     %s\n", s.Text)
	}
}
