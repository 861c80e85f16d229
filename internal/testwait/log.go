package testwait

import (
	"strings"
	"sync"
)

// Log is output (a logger's, a process's stderr) that a test reads, and
// waits on, while other goroutines write it. The zero Log is ready.
type Log struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is everything written so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
