package ingest

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Binary detection: text files never contain NUL, and more than a few
// percent of other control bytes means it is not text either.
const (
	sniffBytes         = 64 << 10
	maxControlBytesPct = 5
)

// parsePlainText decodes a .txt file and guesses its structure.
func parsePlainText(data []byte) (*Document, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if err := checkExtractedText(text, 0); err != nil {
		return nil, err
	}
	return &Document{Blocks: blocksFromText(text)}, nil
}

// decodeText returns the file's text as UTF-8. UTF-8 (with or without
// BOM) and UTF-16 with a BOM are taken as they are; anything else is
// checked for binary content and then decoded as the more plausible of
// Windows-1250 and Windows-1251.
func decodeText(data []byte) (string, error) {
	if enc := utf16ByBOM(data); enc != nil {
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%w: invalid UTF-16", ErrBinary)
		}
		return nonBlankText(string(out))
	}
	data = bytes.TrimPrefix(data, bomUTF8)
	if err := sniffBinary(data); err != nil {
		return "", err
	}
	if mostlyUTF8(data) {
		return nonBlankText(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	enc, _ := guessSerbianCodepage(data)
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("%w: cannot decode: %v", ErrBinary, err)
	}
	return nonBlankText(string(out))
}

// mostlyUTF8 accepts UTF-8 with the odd broken byte (a bad copy-paste):
// decoding such a file as a code page would garble every other letter.
func mostlyUTF8(data []byte) bool {
	if utf8.Valid(data) {
		return true
	}
	multi, bad := 0, 0
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && n == 1:
			bad++
		case n > 1:
			multi++
		}
		data = data[n:]
	}
	return bad*20 < multi
}

func nonBlankText(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", ErrEmpty
	}
	return s, nil
}

// sniffBinary looks at the head of the file, where executables, archives
// and images show their nature.
func sniffBinary(data []byte) error {
	head := data[:min(len(data), sniffBytes)]
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("%w: contains NUL bytes", ErrBinary)
	}
	control := 0
	for _, c := range head {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') || c == 0x7f {
			control++
		}
	}
	if control*100 > len(head)*maxControlBytesPct {
		return fmt.Errorf("%w: %d%% control bytes", ErrBinary, control*100/max(len(head), 1))
	}
	return nil
}
