package ingest

// Limits bounds what LoadFile reads, so one hostile or huge file cannot
// exhaust memory. Zero fields take the DefaultLimits value.
type Limits struct {
	// MaxFileBytes is the largest file accepted; larger files are rejected
	// from their size alone, before any byte is read.
	MaxFileBytes int64
	// MaxUnpackedBytes caps what a file may expand to: the decompressed zip
	// entries of a DOCX (all entries read, counted as they stream, not from
	// the headers) and the text pdftotext prints.
	MaxUnpackedBytes int64
}

// DefaultLimits returns 50 MiB per file and 200 MiB unpacked.
func DefaultLimits() Limits {
	return Limits{MaxFileBytes: 50 << 20, MaxUnpackedBytes: 200 << 20}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxUnpackedBytes <= 0 {
		l.MaxUnpackedBytes = d.MaxUnpackedBytes
	}
	return l
}
