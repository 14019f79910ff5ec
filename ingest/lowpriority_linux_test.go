package ingest_test

import (
	"os"
	"strconv"
	"syscall"
)

// lowerPriority sets the niceness of every thread of this process to nice
// (0-19), so a batch ingestion yields the CPU to a server on the same
// cores. Linux keeps niceness per thread and a new thread inherits its
// creator's, so once every current thread is lowered the Go runtime's
// later threads are too. Raising niceness needs no privilege; it only
// weighs this process's own CPU, not the database's work for it. Only the
// benchmark uses it: measured, it gave no gain worth wiring into mia ingest.
func lowerPriority(nice int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return syscall.Setpriority(syscall.PRIO_PROCESS, 0, nice)
	}
	var first error
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice); err != nil && first == nil {
			first = err
		}
	}
	return first
}
