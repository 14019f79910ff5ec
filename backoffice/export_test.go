package backoffice

import "testing"

// production are the argon2id parameters the package ships with, saved
// before init below makes hashing cheap.
var production = struct {
	time, memory uint32
	threads      uint8
}{argonTime, argonMemory, argonThreads}

// Cheap hashing for tests (the race detector makes argon2 slow); the
// parameters travel in each hash, so checks still exercise the real code.
func init() {
	argonTime, argonMemory, argonThreads = 1, 1024, 1
}

// UseProductionHashing makes hashes made until the test ends use the
// production parameters (64 MiB each). Only for tests that do not call
// t.Parallel: the parameters are package state.
func UseProductionHashing(tb testing.TB) {
	t, m, p := argonTime, argonMemory, argonThreads
	argonTime, argonMemory, argonThreads = production.time, production.memory, production.threads
	tb.Cleanup(func() { argonTime, argonMemory, argonThreads = t, m, p })
}

// PasswordChecks is how many password comparisons o has run.
func (o *Office) PasswordChecks() int64 { return o.passwordChecks.Load() }

// ResetPasswordChecks sets o's count of password comparisons to 0.
func (o *Office) ResetPasswordChecks() { o.passwordChecks.Store(0) }
