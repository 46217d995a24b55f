//go:build unix

package redisconfig

import (
	"os"
	"syscall"
)

// fileID returns the inode of a stat'ed file.
func fileID(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino) //nolint:unconvert // Ino is uint32 on some systems
	}
	return 0
}
