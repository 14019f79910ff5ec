package ingest

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// utf16ByBOM returns the UTF-16 decoder a byte-order mark announces, or
// nil. Notepad's "Unicode" saves UTF-16 LE with a BOM.
func utf16ByBOM(data []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(data, bomUTF16LE):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)
	case bytes.HasPrefix(data, bomUTF16BE):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM)
	}
	return nil
}

// guessSerbianCodepage decides between Windows-1250 (Latin script) and
// Windows-1251 (Cyrillic), the two legacy encodings of Serbian text. Both
// decode any byte, so each decoding is scored by how plausible its words
// look: Cyrillic text read as 1250 yields words made only of accented
// Latin letters ("Ăđŕäńęč"), and Latin text read as 1251 yields words that
// mix Latin and Cyrillic ("plaжa"). Only words with non-ASCII letters
// count; ties go to 1250.
func guessSerbianCodepage(data []byte) (encoding.Encoding, string) {
	s1250, _ := charmap.Windows1250.NewDecoder().Bytes(data)
	s1251, _ := charmap.Windows1251.NewDecoder().Bytes(data)
	if wordScore(s1251, cyrillicWord) > wordScore(s1250, latinWord) {
		return charmap.Windows1251, "windows-1251"
	}
	return charmap.Windows1250, "windows-1250"
}

// wordScore counts plausible minus implausible non-ASCII words.
func wordScore(text []byte, plausible func([]rune) bool) int {
	score := 0
	var word []rune
	flush := func() {
		if hasNonASCII(word) {
			if plausible(word) {
				score++
			} else {
				score--
			}
		}
		word = word[:0]
	}
	for len(text) > 0 {
		r, n := utf8.DecodeRune(text)
		text = text[n:]
		if unicode.IsLetter(r) {
			word = append(word, r)
		} else {
			flush()
		}
	}
	flush()
	return score
}

func hasNonASCII(w []rune) bool {
	for _, r := range w {
		if r >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// cyrillicWord: every letter is Cyrillic.
func cyrillicWord(w []rune) bool {
	for _, r := range w {
		if !unicode.Is(unicode.Cyrillic, r) {
			return false
		}
	}
	return true
}

// latinWord: every letter is Latin and at least half are plain ASCII, as
// in "plaća" or Hungarian "főútvonal".
func latinWord(w []rune) bool {
	ascii := 0
	for _, r := range w {
		if !unicode.Is(unicode.Latin, r) {
			return false
		}
		if r < utf8.RuneSelf {
			ascii++
		}
	}
	return ascii*2 >= len(w)
}
