package fixurl

import (
	"context"
	"fmt"
	"os"

	"github.com/redis/go-redis/v9"
)

// REDIS_URL is what the builder reads by itself; the error check that
// follows stays, as Build's.
func fromRedisURL(ctx context.Context) (*redis.Client, error) {
	opt, err := redis.ParseURL(os.Getenv("REDIS_URL")) // want `RCL001: redis.ParseURL .*fix: redisconfig.New\(\).Build\(ctx\) and cfg.Options\(\)`
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	return redis.NewClient(opt), nil // want `RCL001: redis.NewClient .*no automatic fix: its options are built elsewhere \(opt\)`
}

// A service's prefix becomes Service; no check follows, so the fix writes one.
func fromServiceURL() (*redis.Options, error) {
	opt, _ := redis.ParseURL(os.Getenv("AUTH_REDIS_URL")) // want `RCL001: .*fix: redisconfig.New\(\).Service\("auth"\).Build\(ctx\) and cfg.Options\(\)`
	return opt, nil
}

// Another variable's URL goes to Connection().URL.
func fromOtherName(ctx context.Context) (*redis.Options, error) {
	var opt *redis.Options
	opt, err := redis.ParseURL(os.Getenv("DATABASE_URL")) // want `RCL001: .*fix: redisconfig.New\(\).Connection\(\).URL\(os.Getenv\("DATABASE_URL"\)\)`
	if err != nil {
		return nil, err
	}
	return opt, nil
}

type store struct{ opt *redis.Options }

// An assignment to a field and to an err declared before.
func (s *store) load(ctx context.Context, url string) error {
	var err error
	s.opt, err = redis.ParseURL(url) // want `RCL001: .*fix: redisconfig.New\(\).Connection\(\).URL\(url\)`
	if err != nil {
		return err
	}
	return nil
}

// A cluster URL the builder reads as a cluster: it has addr= parameters.
func clusterURL(ctx context.Context) (*redis.ClusterOptions, error) {
	opt, err := redis.ParseClusterURL("redis://node-1:6379?addr=node-2:6379") // want `RCL001: .*fix: .*cfg.ClusterOptions\(\)` `RCL002`
	return opt, err
}

// A failover URL with master_name.
func failoverURL(ctx context.Context) (*redis.FailoverOptions, error) {
	opt, err := redis.ParseFailoverURL("redis://sentinel-1:26379?master_name=main") // want `RCL001: .*fix: .*cfg.FailoverOptions\(\)` `RCL002`
	if err != nil {
		return nil, err
	}
	return opt, nil
}

// No fix: the builder would read a one-node cluster URL as a standalone Redis.
func oneNode(ctx context.Context) (*redis.ClusterOptions, error) {
	return redis.ParseClusterURL("redis://node-1:6379") // want `RCL001: .*no automatic fix: the URL has no addr= parameter` `RCL002`
}

// No fix: a cluster URL known only at run time.
func clusterFromEnv(ctx context.Context) error {
	opt, err := redis.ParseClusterURL(os.Getenv("REDIS_CLUSTER_URL")) // want `RCL001: .*no automatic fix: redisconfig tells a cluster from a standalone Redis by the URL's addr= parameters, which this URL shows only at run time`
	_ = opt
	return err
}

// No fix: a failover URL without master_name.
func noMaster(ctx context.Context) error {
	_, err := redis.ParseFailoverURL("redis://sentinel-1:26379") // want `RCL001: .*no automatic fix: the URL has no master_name= parameter` `RCL002`
	return err
}

// No fix: the result is not assigned in a statement of its own.
func inline(ctx context.Context) *redis.Client {
	return redis.NewClient(must(redis.ParseURL(os.Getenv("REDIS_URL")))) // want `RCL001: redis.NewClient .*no automatic fix` `RCL001: redis.ParseURL .*no automatic fix: its result is not assigned`
}

// No fix: nowhere to send Build's error.
func noErrorResult() *redis.Options {
	opt, _ := redis.ParseURL(os.Getenv("REDIS_URL")) // want `RCL001: .*no automatic fix: the function around it has no error result`
	return opt
}

func must(o *redis.Options, err error) *redis.Options {
	if err != nil {
		panic(err)
	}
	return o
}

type holder struct{ err error }

// No fix: the error goes to a field, which the fix would no longer set.
func (h *holder) intoField(ctx context.Context) (*redis.Options, error) {
	var opt *redis.Options
	opt, h.err = redis.ParseURL(os.Getenv("REDIS_URL")) // want `RCL001: .*no automatic fix: its error goes to h.err`
	return opt, h.err
}
