// Package load keeps a client busy while a test changes something under
// it (a password, a CA, a token) and counts what failed.
package load

import (
	"sync"
	"sync/atomic"
)

// Load is n goroutines running one operation in a loop until Stop.
type Load struct {
	ok, failed atomic.Int64
	first      atomic.Value // the first error
	stop       chan struct{}
	wg         sync.WaitGroup
}

// Start runs op in n goroutines; op gets its goroutine's number and its
// iteration, to spread keys.
func Start(n int, op func(g, i int) error) *Load {
	l := &Load{stop: make(chan struct{})}
	for g := range n {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				if err := op(g, i); err != nil {
					l.failed.Add(1)
					l.first.CompareAndSwap(nil, err)
					continue
				}
				l.ok.Add(1)
			}
		}()
	}
	return l
}

// Stop ends the load, waits for its goroutines, and returns the
// operations that succeeded and failed, and the first error.
func (l *Load) Stop() (ok, failed int64, first error) {
	close(l.stop)
	l.wg.Wait()
	first, _ = l.first.Load().(error)
	return l.ok.Load(), l.failed.Load(), first
}
