// Package logtest helps tests read what a program logged.
package logtest

import (
	"bytes"
	"sync"
)

// Buffer collects log output written from many goroutines (handlers,
// workers) and is read by the test; the zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
