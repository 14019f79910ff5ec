package ingest

import "errors"

// Sentinel errors. Every error LoadFile returns about a file's content or
// size wraps exactly one of these (test with errors.Is); the message adds
// the detail, so err.Error() is a one-line reason fit for an ingestion
// report. I/O errors (missing file, permission denied) come back as the
// *fs.PathError from the os package, and a cancelled context as ctx.Err().
var (
	// ErrUnsupported: the file extension is not one LoadFile reads.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrTooLarge: the file, or what it unpacks to, exceeds Limits.
	ErrTooLarge = errors.New("file too large")
	// ErrEmpty: the file has no bytes or only whitespace.
	ErrEmpty = errors.New("empty file")
	// ErrBinary: a text-format file holds binary data.
	ErrBinary = errors.New("binary file, not text")
	// ErrEncrypted: the PDF needs a password or forbids text extraction.
	ErrEncrypted = errors.New("encrypted or copy-protected document")
	// ErrNoText: the document yields no readable text, e.g. a scanned PDF
	// without a text layer.
	ErrNoText = errors.New("no text found")
	// ErrGarbled: text came out but is mostly replacement characters,
	// control characters or symbols, typically a PDF font without a usable
	// ToUnicode map.
	ErrGarbled = errors.New("extracted text is garbled")
	// ErrCorrupt: the file cannot be parsed (truncated zip, broken PDF).
	ErrCorrupt = errors.New("corrupt file")
	// ErrMetadata: the .meta.yaml sidecar or the front matter is invalid.
	ErrMetadata = errors.New("invalid metadata")
	// ErrToolMissing: an external program (pdftotext) is not installed.
	ErrToolMissing = errors.New("required tool missing")
)
