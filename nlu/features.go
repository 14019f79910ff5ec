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
	kindQuery  = 'q' // a stem in a message that asks (see asks)
	kindCtx    = 'c' // dialogue state
)

// Feature blocks. The model scales each block of a message's features to
// unit length on its own (model.vectorize): a long word has many
// n-grams but one stem.
const (
	blockWord = iota // words, stems, stem bigrams, message shape
	blockGram        // character n-grams
	blockCtx         // dialogue state
	blocks
)

// blockOf returns the block of a feature hash: its top two bits.
func blockOf(h uint64) int { return int(h >> 62) }

func kindBlock(kind byte) uint64 {
	switch kind {
	case kindGram:
		return blockGram
	case kindCtx:
		return blockCtx
	}
	return blockWord
}

// featureConfig selects feature sets; experiment_test.go compares them.
type featureConfig struct {
	// query adds, in a message that asks (a question word or mark), each
	// stem again as a query feature: "rasveta" in a question is about
	// information, in a statement about a report.
	query bool
	// markers adds one feature per kind of question word and negation.
	markers bool
	// gramMin, gramMax bound the character n-grams' lengths.
	gramMin, gramMax int
}

// featureCfg: the query features lowered dev questions read as form
// starts (argmax: 1–3 of 65 to 0) and answer-split questions (11 to 9
// of 233), cross-validation 0.804 → 0.808; the markers and n-grams of 2
// or 6 letters did not help.
var featureCfg = featureConfig{query: true, gramMin: 3, gramMax: 5}

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
	return h&^(3<<62) | kindBlock(kind)<<62
}

// inFormFeature marks a message sent while a form is in progress: the
// dialogue state shifts what a message most likely means ("domaći" in
// the extract form is an answer, "ne" a refusal of the step).
var inFormFeature = featureHash(kindCtx, "in-form")

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
		for n := featureCfg.gramMin; n <= featureCfg.gramMax; n++ {
			for i := 0; i+n <= len(g); i++ {
				add(featureHash(kindGram, g[i:i+n]))
			}
		}
	}
	add(featureHash(kindBigram, prev, "$"))
	q := strings.Contains(text, "?")
	if q {
		add(featureHash(kindMeta, "?"))
	}
	if featureCfg.markers || featureCfg.query {
		kinds := markers(words)
		if featureCfg.markers {
			for _, k := range kinds {
				add(featureHash(kindMeta, "mark", k))
			}
		}
		if featureCfg.query && (q || asks(kinds)) {
			for _, w := range words {
				if !w.digits {
					add(featureHash(kindQuery, w.stem))
				}
			}
		}
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

// questionWords are the Serbian interrogatives (folded, ekavian and
// ijekavian), closed-class words that mark a message as asking.
var questionWords = map[string]string{
	"kako": "how", "gde": "where", "gdje": "where", "koliko": "how-much", "kolko": "how-much",
	"kolika": "how-much", "koliki": "how-much", "kada": "when", "kad": "when", "dokad": "when",
	"ko": "who", "kome": "who", "koga": "who", "cije": "who", "sta": "what", "sto": "what",
	"cemu": "what", "zasto": "why", "koji": "which", "koja": "which", "koje": "which",
	"kakav": "which", "kakva": "which", "kakvo": "which", "jel": "whether", "jeli": "whether",
	"dal": "whether", "zar": "whether",
}

// markers returns the kinds of question words and negation a message
// holds: "da li", "je l", a verb followed by "li", "ne"/"nije"/"nema".
func markers(words []word) []string {
	var out []string
	seen := map[string]bool{}
	addK := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i, w := range words {
		if k, ok := questionWords[w.fold]; ok {
			addK(k)
		}
		switch w.fold {
		case "li":
			addK("whether")
		case "ne", "nije", "nisu", "nema", "nemam", "nemamo", "necu", "nece":
			addK("neg")
		}
		if w.fold == "l" && i > 0 && words[i-1].fold == "je" {
			addK("whether")
		}
	}
	return out
}

// asks reports whether a message's markers make it a question.
func asks(kinds []string) bool {
	for _, k := range kinds {
		if k != "neg" {
			return true
		}
	}
	return false
}
