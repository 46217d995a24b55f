package rueidisconfig

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/rueidis"
	"github.com/redisconfig/redisconfig"
)

// NewClient returns a rueidis client for cfg. rueidis dials while it makes
// the client, bounded only by its own dial timeouts; Connect also bounds it
// by the environment's deadline and checks it.
func NewClient(cfg *redisconfig.Config) (rueidis.Client, error) {
	opt, err := Options(cfg)
	if err != nil {
		return nil, err
	}
	return rueidis.NewClient(opt)
}

// Connect makes a rueidis client for cfg and checks it with a PING, all
// within the environment's connect timeout (cfg.ConnectTimeout,
// REDIS_CONNECT_TIMEOUT), even when a dial hangs. For a cluster
// configuration it also checks that rueidis made a cluster client (rueidis
// quietly falls back to a single-node client when its one seed node is not
// in cluster mode). On failure it closes what it made and returns a
// *redisconfig.ConnectError (errors.Is(err, redisconfig.ErrConnect)) with
// the same diagnosis go-redis's Connect gives.
func Connect(ctx context.Context, cfg *redisconfig.Config) (rueidis.Client, error) {
	opt, err := Options(cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout())
	defer cancel()
	type made struct {
		client rueidis.Client
		err    error
	}
	done := make(chan made, 1)
	go func() {
		client, err := rueidis.NewClient(opt)
		if err == nil {
			err = startupCheck(ctx, cfg, client)
		}
		done <- made{client, err}
	}()
	select {
	case m := <-done:
		if m.err == nil {
			return m.client, nil
		}
		if m.client != nil {
			m.client.Close()
		}
		return nil, connectError(cfg, m.err)
	case <-ctx.Done():
		// rueidis is still dialling: close what it makes once it returns.
		go func() {
			if m := <-done; m.client != nil {
				m.client.Close()
			}
		}()
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, connectError(cfg, ctx.Err()) // the caller gave up
		}
		return nil, connectError(cfg, fmt.Errorf("no answer within %s (%s): %w", cfg.ConnectTimeout(), redisconfig.EnvConnectTimeout, ctx.Err()))
	}
}

func startupCheck(ctx context.Context, cfg *redisconfig.Config, client rueidis.Client) error {
	if cfg.Topology() == redisconfig.TopologyCluster && client.Mode() != rueidis.ClientModeCluster {
		return errNotCluster
	}
	return client.Do(ctx, client.B().Ping().Build()).Error()
}

// errNotCluster holds the words the server says in the same case, so that
// Diagnose tells it apart.
var errNotCluster = errors.New("the seed node has cluster support disabled, so rueidis made a single-node client")

func connectError(cfg *redisconfig.Config, err error) error {
	user := ""
	if s, ok := cfg.Setting("username"); ok && s.Set {
		user = s.Value.(string)
	}
	return &redisconfig.ConnectError{
		Addr:      describeAddrs(cfg),
		TLS:       cfg.TLSConfig() != nil,
		Username:  user,
		Err:       err,
		Diagnosis: Diagnose(cfg, err),
	}
}

func describeAddrs(cfg *redisconfig.Config) string {
	addrs := strings.Join(cfg.Addrs(), ",")
	switch cfg.Topology() {
	case redisconfig.TopologyCluster:
		return "cluster " + addrs
	case redisconfig.TopologySentinel:
		master := ""
		if s, ok := cfg.Setting("sentinel_master"); ok && s.Set {
			master = s.Value.(string)
		}
		return "master " + strconv.Quote(master) + " via sentinels " + addrs
	}
	return addrs
}

// Diagnose is cfg.Diagnose with what is particular to rueidis: a server
// without RESP3 (Redis before 6, or HELLO disabled) while client-side
// caching is on.
func Diagnose(cfg *redisconfig.Config, err error) redisconfig.Diagnosis {
	if errors.Is(err, rueidis.ErrNoCache) {
		return redisconfig.Diagnosis{
			Category: redisconfig.CategoryProtocol,
			Summary:  "the server does not speak RESP3, which rueidis's client-side caching needs",
			Fix:      "set " + redisconfig.EnvProtocol + "=2 (RESP2 without client-side caching)",
		}
	}
	d := cfg.Diagnose(err)
	switch d.Category {
	case redisconfig.CategoryWrongPassword, redisconfig.CategoryAuthRequired, redisconfig.CategoryNoPermission:
		if cfg.Topology() == redisconfig.TopologySentinel {
			// rueidis does not say whether a sentinel or the master
			// refused: ask a sentinel alone.
			if serr := sentinelRefusal(cfg); serr != nil {
				return cfg.DiagnoseSentinel(serr)
			}
		}
	}
	return d
}

// sentinelRefusal connects to the first sentinel with the sentinel
// credentials alone and returns what it refused (nil if it answered PING),
// bounded by the connect timeout.
func sentinelRefusal(cfg *redisconfig.Config) error {
	opt, err := Options(cfg)
	if err != nil || len(opt.InitAddress) == 0 {
		return nil
	}
	s := opt.Sentinel
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress: opt.InitAddress[:1], Username: s.Username, Password: s.Password, ClientName: s.ClientName,
		TLSConfig: s.TLSConfig, Dialer: s.Dialer, ForceSingleClient: true, DisableCache: true,
	})
	if err != nil {
		return err
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ConnectTimeout())
	defer cancel()
	return client.Do(ctx, client.B().Ping().Build()).Error()
}

// Check runs one health check with a client made from cfg, as cfg.Check
// does for go-redis (without pool counters): PING with its latency, the
// server's version and role, the cluster's state and the TLS certificate's
// expiry.
func Check(ctx context.Context, cfg *redisconfig.Config, client rueidis.Client) redisconfig.Health {
	return cfg.CheckWith(ctx, Prober(client))
}

// Prober adapts a rueidis client to redisconfig.Prober, the small
// interface redisconfig's health check needs.
func Prober(client rueidis.Client) redisconfig.Prober { return prober{client} }

type prober struct{ c rueidis.Client }

// Do runs the command. Under RESP3 INFO and CLUSTER INFO reply with a
// verbatim string, which rueidis hands over with its "txt:" format prefix:
// Do drops it, as go-redis does.
func (p prober) Do(ctx context.Context, args ...string) (string, error) {
	s, err := p.c.Do(ctx, p.c.B().Arbitrary(args[0]).Args(args[1:]...).Build()).ToString()
	return strings.TrimPrefix(s, "txt:"), err
}
