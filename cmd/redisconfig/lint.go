package main

import (
	"context"
	"io"

	"github.com/redisconfig/redisconfig/lint/command"
)

// runLint is `redisconfig lint`: the redisconfig-lint command (the lint
// module's command package) run in this process, with the same flags,
// output and exit status. It writes to the process's stdout and stderr and
// exits itself, as the analysis checker it wraps does.
func runLint(_ context.Context, args []string, _, _ io.Writer) int {
	command.Main("redisconfig lint", args)
	return 0 // not reached: command.Main exits
}
