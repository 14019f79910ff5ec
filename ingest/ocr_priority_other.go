//go:build !linux

package ingest

import "os/exec"

// runLowPriority runs cmd; lowering its priority is implemented on Linux
// only, where MIA is deployed.
func runLowPriority(cmd *exec.Cmd) error { return cmd.Run() }
