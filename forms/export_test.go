package forms

// Test helpers of the internal tests, for the external ones (package
// forms_test, which may import postgres/casestore without a cycle).
var (
	TestNow      = testNow
	WithChecksum = withChecksum
	JPEGWithEXIF = jpegWithEXIF
)

// LegacySeal seals in the first format (no key id), as values stored
// before key rotation existed.
var LegacySeal = legacySeal
