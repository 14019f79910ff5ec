package forms

// Test helpers of the internal tests, for the external ones (package
// forms_test, which may import postgres/casestore without a cycle).
var (
	TestNow      = testNow
	WithChecksum = withChecksum
	JPEGWithEXIF = jpegWithEXIF
)
