package ingest

import (
	"fmt"
	"unicode"
)

// Thresholds for checkExtractedText, in percent of non-space characters.
// Real documents, tables of amounts included, stay far from them; a font
// without a ToUnicode map produces mostly symbols, control characters or
// U+FFFD.
const (
	maxBadPercent     = 2  // U+FFFD and private-use glyph codes
	maxControlPercent = 1  // C0/C1 controls other than whitespace
	minAlnumPercent   = 50 // letters and digits
	minLettersPerPage = 20 // below this a page is an image, not text
)

type textStats struct {
	total, letters, digits, bad, control int
}

func measureText(s string) textStats {
	var st textStats
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\f' || r == '\r' || unicode.IsSpace(r):
			continue
		case unicode.IsLetter(r):
			st.letters++
		case unicode.IsDigit(r):
			st.digits++
		case r == unicode.ReplacementChar || unicode.In(r, unicode.Co):
			st.bad++
		case unicode.IsControl(r):
			st.control++
		}
		st.total++
	}
	return st
}

// checkExtractedText rejects text that a converter produced but nobody
// could read: no letters at all (ErrNoText) or a high share of garbage
// (ErrGarbled). pages scales the "almost no text" check; pass 0 to skip it.
func checkExtractedText(s string, pages int) error {
	st := measureText(s)
	if st.letters == 0 {
		return fmt.Errorf("%w: no letters in extracted text", ErrNoText)
	}
	if pages > 0 && st.letters < minLettersPerPage*pages {
		return fmt.Errorf("%w: only %d letters on %d pages", ErrNoText, st.letters, pages)
	}
	if st.bad*100 > st.total*maxBadPercent {
		return fmt.Errorf("%w: %d of %d characters are U+FFFD or private-use", ErrGarbled, st.bad, st.total)
	}
	if st.control*100 > st.total*maxControlPercent {
		return fmt.Errorf("%w: %d of %d characters are control characters", ErrGarbled, st.control, st.total)
	}
	if (st.letters+st.digits)*100 < st.total*minAlnumPercent {
		return fmt.Errorf("%w: only %d of %d characters are letters or digits", ErrGarbled, st.letters+st.digits, st.total)
	}
	return nil
}
