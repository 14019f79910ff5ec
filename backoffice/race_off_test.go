//go:build !race

package backoffice_test

const raceEnabled = false
