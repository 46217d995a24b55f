package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// versionInfo is what version prints.
type versionInfo struct {
	Version     string `json:"version"`     // this command's module version; (devel) for a local build
	Redisconfig string `json:"redisconfig"` // the library it was built with
	GoRedis     string `json:"go_redis"`    // the go-redis it was built with
	Go          string `json:"go"`          // the Go toolchain
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("redisconfig version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: redisconfig version [--json]\n\nPrint this command's version and the redisconfig and go-redis versions it was built with.")
		fs.PrintDefaults()
	}
	if code, done := parseFlags(fs, args); done {
		return code
	}
	v := buildVersions()
	if *asJSON {
		writeJSON(stdout, v)
		return exitOK
	}
	fmt.Fprintf(stdout, "redisconfig %s\nlibrary     %s\ngo-redis    %s\ngo          %s\n", v.Version, v.Redisconfig, v.GoRedis, v.Go)
	return exitOK
}

func buildVersions() versionInfo {
	v := versionInfo{Version: "unknown", Redisconfig: "unknown", GoRedis: "unknown", Go: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Version, v.Go = info.Main.Version, info.GoVersion
	for _, d := range info.Deps {
		version := d.Version
		if d.Replace != nil {
			version = d.Replace.Version
			if version == "" {
				version = "(devel, " + d.Replace.Path + ")"
			}
		}
		switch d.Path {
		case "github.com/redis/go-redis/v9":
			v.GoRedis = version
		case "github.com/redisconfig/redisconfig":
			v.Redisconfig = version
		}
	}
	return v
}
