package serbian

import (
	"strings"
	"unicode/utf8"
)

// folder strips Serbian diacritics. "dž" needs no entry: ž→z yields "dz".
var folder = strings.NewReplacer(
	"č", "c", "ć", "c", "š", "s", "ž", "z", "đ", "d",
)

// Fold prepares text for matching without stemming: ToLatin, lower case,
// then č/ć→c, š→s, ž→z, đ→d (so dž→dz) and finally dj→d, so that "Đoković",
// "Djokovic" and "Dokovic" all become "dokovic". Note that dj→d also
// merges genuine d+j sequences (odjava→odava); that is accepted because
// all spellings of a word are folded the same way.
func Fold(s string) string {
	return foldLower(strings.ToLower(ToLatin(s)))
}

// foldLower is Fold for text that is already lower-case Latin.
func foldLower(s string) string {
	if hasDiacritic(s) {
		s = folder.Replace(s)
	}
	if strings.Contains(s, "dj") {
		s = strings.ReplaceAll(s, "dj", "d")
	}
	return s
}

// hasDiacritic reports whether s contains č, ć, š, ž or đ. It is a faster
// strings.ContainsAny for this hot path: ASCII bytes are skipped unseen.
func hasDiacritic(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x80 {
			continue
		}
		switch r, _ := utf8.DecodeRuneInString(s[i:]); r {
		case 'č', 'ć', 'š', 'ž', 'đ':
			return true
		}
	}
	return false
}
