package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/tokens"
)

// Abbreviations after which a period does not end a Serbian sentence, in
// both scripts, lower case and without the period.
var abbreviations = map[string]bool{
	"tj": true, "npr": true, "br": true, "čl": true, "st": true, "god": true,
	"ul": true, "itd": true, "dr": true, "mr": true, "sl": true, "prof": true,
	"inž": true, "tzv": true, "odn": true, "str": true, "tel": true, "gr": true,
	"тј": true, "нпр": true, "бр": true, "чл": true, "ст": true, "год": true,
	"ул": true, "итд": true, "др": true, "мр": true, "сл": true, "проф": true,
	"инж": true, "тзв": true, "одн": true, "стр": true, "тел": true, "гр": true,
}

// referenceWords precede ordinals in citations of laws and articles.
var referenceWords = map[string]bool{
	"član": true, "člana": true, "članu": true, "članom": true, "čl": true,
	"stav": true, "stava": true, "st": true, "tačka": true, "tačke": true, "tač": true,
	"alineja": true, "alineje": true, "broj": true, "br": true,
	"члан": true, "члана": true, "члану": true, "чланом": true, "чл": true,
	"став": true, "става": true, "ст": true, "тачка": true, "тачке": true,
	"алинеја": true, "алинеје": true, "број": true, "бр": true,
}

// splitSentences cuts text after ".", "!", "?" or "…" when the next word
// starts with a capital letter, and at line breaks. Cited ordinals
// ("člana 32. Zakona"), initials and common abbreviations do not end
// sentences. The
// pieces are trimmed; joining them with spaces restores the text up to
// whitespace.
func splitSentences(text string) []string {
	var out []string
	start := 0
	add := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		next := i + size
		switch {
		case r == '\n':
			add(next)
		case strings.ContainsRune(".!?…", r):
			// Take closing quotes and brackets with the sentence.
			for next < len(text) && strings.ContainsRune(`"')]»”’`, rune(text[next])) {
				next++
			}
			if endsSentenceAt(text, i, next) {
				add(next)
			}
		}
		i = next
	}
	add(len(text))
	return out
}

// endsSentenceAt decides for the punctuation at i (its run ends at next).
func endsSentenceAt(text string, i, next int) bool {
	rest := text[next:]
	trimmed := strings.TrimLeft(rest, " \t")
	if len(trimmed) == len(rest) || trimmed == "" {
		return trimmed == "" // no space after: "1.5", "www.grad.rs"
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(trimmed, `"'(„“«`))
	if !unicode.IsUpper(r) {
		return false
	}
	if text[i] != '.' {
		return true
	}
	word := lastWord(text[:i])
	switch {
	case word == "":
		return true
	case isDigits(word):
		// "člana 32. Zakona" is a reference, "šalteru 5. Građani" ends a
		// sentence: only a legal unit before the number tells them apart.
		return !referenceWords[strings.ToLower(lastWord(strings.TrimRight(text[:i-len(word)], " ")))]
	case utf8.RuneCountInString(word) == 1: // initial: "M. Petrović"
		return false
	}
	return !abbreviations[strings.ToLower(word)]
}

func lastWord(s string) string {
	end := len(s)
	start := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return s[start+1 : end]
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// piece is a span of text with its exact token count.
type piece struct {
	text   string
	tokens int
}

// splitToFit cuts text into pieces of at most maxTokens: whole sentences
// where possible, else words, else (a "word" of thousands of characters)
// runs of characters.
func splitToFit(text string, maxTokens int) []piece {
	text = strings.TrimSpace(text)
	if n := tokens.Count(text); n <= maxTokens {
		return []piece{{text, n}}
	}
	return splitLong(text, maxTokens)
}

// splitLong is splitToFit for text known to exceed maxTokens.
func splitLong(text string, maxTokens int) []piece {
	return packPieces(splitSentences(text), " ", maxTokens, func(s string) []piece {
		return packPieces(strings.Fields(s), " ", maxTokens, func(w string) []piece {
			return cutRunes(w, maxTokens)
		})
	})
}

// packPieces joins consecutive parts while they fit; a part that does not
// fit alone is split further by smaller. Each part is counted once with
// its separator and the sums are used for packing, since re-counting the
// growing piece would be quadratic in a long paragraph; the exact count of
// each finished piece then confirms the sum.
func packPieces(parts []string, sep string, maxTokens int, smaller func(string) []piece) []piece {
	var out []piece
	for i := 0; i < len(parts); {
		first := tokens.Count(parts[i])
		if first > maxTokens {
			out = append(out, smaller(parts[i])...)
			i++
			continue
		}
		j, sum := i+1, first
		for j < len(parts) {
			n := tokens.Count(sep + parts[j])
			if sum+n > maxTokens {
				break
			}
			sum += n
			j++
		}
		text, n := parts[i], first
		for ; j > i+1; j-- {
			text = strings.Join(parts[i:j], sep)
			if n = tokens.Count(text); n <= maxTokens {
				break
			}
		}
		if j == i+1 {
			text, n = parts[i], first
		}
		out = append(out, piece{text, n})
		i = j
	}
	return out
}

// cutRunes cuts a single overlong word into pieces of at most maxTokens,
// halving the piece length until it fits.
func cutRunes(w string, maxTokens int) []piece {
	var out []piece
	runes := []rune(w)
	for len(runes) > 0 {
		n := min(len(runes), maxTokens*2)
		count := tokens.Count(string(runes[:n]))
		for n > 1 && count > maxTokens {
			n /= 2
			count = tokens.Count(string(runes[:n]))
		}
		out = append(out, piece{string(runes[:n]), count})
		runes = runes[n:]
	}
	return out
}
