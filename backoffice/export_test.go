package backoffice

// Cheap hashing for tests (the race detector makes argon2 slow); the
// parameters travel in each hash, so checks still exercise the real code.
func init() {
	argonTime, argonMemory, argonThreads = 1, 1024, 1
}
