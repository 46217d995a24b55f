module github.com/redisconfig/redisconfig/lint

go 1.26.0

replace github.com/redisconfig/redisconfig => ../

require github.com/redisconfig/redisconfig v0.0.0-00010101000000-000000000000

require (
	github.com/golangci/plugin-module-register v0.1.2 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
