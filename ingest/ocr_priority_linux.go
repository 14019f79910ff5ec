package ingest

import (
	"os/exec"
	"syscall"
)

// ocrNice is the niceness of OCR processes: rendering and reading pages
// is batch work and must not slow the server's answers on the same cores.
const ocrNice = 10

// runLowPriority runs cmd like cmd.Run, lowered to ocrNice right after it
// starts. A failed renice (a sandbox forbidding it) only costs priority.
func runLowPriority(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, cmd.Process.Pid, ocrNice)
	return cmd.Wait()
}
