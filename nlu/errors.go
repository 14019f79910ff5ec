package nlu

import "fmt"

// errorf makes the package's errors, prefixed with "nlu: ".
func errorf(format string, args ...any) error {
	return fmt.Errorf("nlu: "+format, args...)
}
