module github.com/redisconfig/redisconfig/valkeyconfig

go 1.26.0

replace github.com/redisconfig/redisconfig => ../

require (
	github.com/valkey-io/valkey-go v1.0.79 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
