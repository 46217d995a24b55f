// Command redisconfig-lint finds hand-written go-redis set-ups and suggests
// the redisconfig builder instead.
//
//	redisconfig-lint ./...                   report (codes RCL001-RCL008)
//	redisconfig-lint -fix ./...              apply every complete fix
//	redisconfig-lint -diff ./...             show the fixes as a diff
//	redisconfig-lint -json ./...             the diagnostics as JSON
//	redisconfig-lint -inventory ./...        a summary of every site, duplicates grouped
//	redisconfig-lint -inventory -json ./...  the inventory as JSON
//	go vet -vettool=$(which redisconfig-lint) ./...
//	go fix -fixtool=$(which redisconfig-lint) ./...
//
// Without -inventory it is a standard analysis checker (singlechecker), so
// every flag of go vet's analysis drivers works.
package main

import (
	"os"

	"github.com/redisconfig/redisconfig/lint/command"
)

func main() { command.Main(os.Args[0], os.Args[1:]) }
