package valkeyconfig

//go:generate go test -run TestGenerated -generate .
