package nlu

import "strings"

// Feature kinds: a prefix byte keeps a stem from colliding with the same
// string as a character n-gram.
const (
	kindWord   = 'w' // folded word (function words such as "ne", "da", "sta" matter for intents)
	kindStem   = 's'
	kindBigram = 'b' // two consecutive stems
	kindGram   = 'g' // character n-gram of an ekavised word, with < > at its ends
	kindMeta   = 'm' // message shape: question mark, length, numbers
)

// featureHash names one feature by a 64-bit FNV-1a hash of its kind and
// text; the model keeps a row only for the hashes seen in training.
// It is written out (not hash/fnv) so that hashing allocates nothing.
func featureHash(kind byte, parts ...string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	h = (h ^ uint64(kind)) * prime
	for i, p := range parts {
		if i > 0 {
			h = (h ^ 0) * prime
		}
		for j := 0; j < len(p); j++ {
			h = (h ^ uint64(p[j])) * prime
		}
	}
	return h
}

// inFormFeature marks a message sent while a form is in progress: the
// dialogue state shifts what a message most likely means ("domaći" in
// the extract form is an answer, "ne" a refusal of the step).
var inFormFeature = featureHash(kindMeta, "in-form")

// features returns the hashed features of a message, each once.
func features(text string) []uint64 {
	return featuresOf(text, splitText(text))
}

// withContext adds inFormFeature to a message's features when inForm.
func withContext(feats []uint64, inForm bool) []uint64 {
	if !inForm {
		return feats
	}
	return append(feats[:len(feats):len(feats)], inFormFeature)
}

func featuresOf(text string, words []word) []uint64 {
	seen := make(map[uint64]struct{}, 16*len(words)+8)
	out := make([]uint64, 0, 16*len(words)+8)
	add := func(h uint64) {
		if _, ok := seen[h]; !ok {
			seen[h] = struct{}{}
			out = append(out, h)
		}
	}
	prev := "^"
	for _, w := range words {
		if w.digits {
			// Numbers stand for their shape: a house number, a year,
			// a JMBG or a phone number.
			add(featureHash(kindMeta, "num", numShape(w.fold)))
			prev = "#"
			continue
		}
		add(featureHash(kindWord, w.fold))
		add(featureHash(kindStem, w.stem))
		add(featureHash(kindBigram, prev, w.stem))
		prev = w.stem
		g := "<" + w.ekav + ">"
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(g); i++ {
				add(featureHash(kindGram, g[i:i+n]))
			}
		}
	}
	add(featureHash(kindBigram, prev, "$"))
	if strings.Contains(text, "?") {
		add(featureHash(kindMeta, "?"))
	}
	add(featureHash(kindMeta, "len", lengthClass(len(words))))
	if len(words) > 0 {
		add(featureHash(kindMeta, "first", words[0].fold))
	}
	return out
}

func numShape(digits string) string {
	switch n := len(digits); {
	case n <= 3:
		return "short" // house number, count
	case n == 4:
		return "year"
	case n == 13:
		return "jmbg"
	default:
		return "long" // phone, case number
	}
}

func lengthClass(n int) string {
	switch {
	case n <= 1:
		return "1"
	case n == 2:
		return "2"
	case n <= 5:
		return "3-5"
	case n <= 10:
		return "6-10"
	}
	return "11+"
}
