//go:build race

package backoffice_test

// raceEnabled: the race detector's shadow memory inflates the process's
// RSS several times over, so memory tests read the Go runtime's own
// figures instead.
const raceEnabled = true
