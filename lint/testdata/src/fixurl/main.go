package fixurl

import (
	"log"
	"os"

	"github.com/redis/go-redis/v9"
)

// No error result, but the check that follows handles Build's error.
func run() {
	opt, err := redis.ParseURL(os.Getenv("REDIS_URL")) // want `RCL001: redis.ParseURL .*fix:`
	if err != nil {
		log.Fatalf("REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(opt) // want `RCL001: redis.NewClient .*no automatic fix`
	_ = rdb
}
