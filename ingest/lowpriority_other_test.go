//go:build !linux

package ingest_test

// lowerPriority is implemented on Linux only, where MIA is deployed.
func lowerPriority(nice int) error { return nil }
