package rag

import (
	"context"
	"math"
	"sync"

	"github.com/miasrbija/mia/serbian"
)

const (
	// hashModel is stored with every vector. Change the version whenever
	// anything below changes the output (features, weights, hash, size):
	// vectors from different versions must not be compared.
	hashModel = "local-ngram-v1"
	hashDim   = 384

	// tokenWeight makes a whole (stemmed) word count for more than any of
	// its character n-grams, so a shared word beats a shared letter run.
	tokenWeight = 3
)

// Hash seeds for the three feature kinds, so that the n-gram "dom" and the
// token "dom" land in different buckets.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211

	seed3gram = fnvOffset
	seed4gram = fnvOffset ^ 0x9e3779b97f4a7c15
	seedToken = fnvOffset ^ 0xc2b2ae3d27d4eb4f
)

// HashEmbedder is the offline default Embedder: no model, no network. It
// folds text to lowercase ASCII Latin (serbian.Fold), so Cyrillic, Latin,
// ekavian/ijekavian "dj" and missing diacritics agree, then hashes two kinds
// of features into 384 signed buckets (the "hashing trick"):
//
//   - character 3- and 4-grams of each word padded with spaces
//     (" dec", "ecji ", ...), which survive typos and inflection;
//   - stemmed word tokens from serbian.Tokens, weighted higher.
//
// Each feature counts 1+ln(tf) and the vector is L2-normalised, so the dot
// product is the cosine. It captures spelling, not meaning: synonyms do not
// match. The zero value is ready to use and safe for concurrent use.
type HashEmbedder struct{}

var _ Embedder = (*HashEmbedder)(nil)

// NewHashEmbedder returns the offline embedder.
func NewHashEmbedder() *HashEmbedder { return &HashEmbedder{} }

// Model returns "local-ngram-v1".
func (*HashEmbedder) Model() string { return hashModel }

// Dim returns 384.
func (*HashEmbedder) Dim() int { return hashDim }

// Embed returns one unit vector per text. A text with no letters or digits
// gets the zero vector. It fails only when ctx is done.
func (h *HashEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		// Checked per text: a large batch is seconds of CPU.
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = h.embed(t)
	}
	return out, nil
}

// scratch holds per-call buffers, pooled because Embed runs over every chunk
// at ingestion and allocation dominated the profile otherwise.
type scratch struct {
	grams  counter // n-gram hash -> occurrences
	tokens counter // token hash -> occurrences
	word   []byte  // current word with its padding
	acc    [hashDim]float64
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (h *HashEmbedder) embed(text string) []float32 {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	folded := serbian.Fold(text)
	// Size hints only: a chunk has fewer distinct n-grams than bytes.
	s.grams.reset(len(folded))
	s.tokens.reset(len(folded) / 6)
	clear(s.acc[:])

	for i := 0; i < len(folded); {
		if !isWordByte(folded[i]) {
			i++
			continue
		}
		j := i
		for j < len(folded) && isWordByte(folded[j]) {
			j++
		}
		s.word = append(append(append(s.word[:0], ' '), folded[i:j]...), ' ')
		for k := 0; k+3 <= len(s.word); k++ {
			s.grams.add(fnv1a(seed3gram, s.word[k:k+3]))
		}
		for k := 0; k+4 <= len(s.word); k++ {
			s.grams.add(fnv1a(seed4gram, s.word[k:k+4]))
		}
		i = j
	}
	for _, tok := range serbian.Tokens(text) {
		s.tokens.add(fnv1aString(seedToken, tok))
	}

	s.grams.addTo(&s.acc, 1)
	s.tokens.addTo(&s.acc, tokenWeight)

	var norm float64
	for _, v := range s.acc {
		norm += v * v
	}
	vec := make([]float32, hashDim)
	if norm == 0 {
		return vec
	}
	inv := 1 / math.Sqrt(norm)
	for i, v := range s.acc {
		vec[i] = float32(v * inv)
	}
	return vec
}

// counter counts feature hashes in an open-addressing table. Sorting the
// hashes instead cost a third of the time per chunk; this costs under 10%.
type counter struct {
	keys   []uint64
	counts []uint32 // 0 marks a free slot
	used   []int32  // occupied slots, in insertion order
}

// reset empties the table and sizes it for about n distinct keys. Tables
// only grow, so pooled ones settle at the size chunks need.
func (c *counter) reset(n int) {
	size := 64
	for size < 2*n {
		size *= 2
	}
	if len(c.keys) < size {
		c.keys, c.counts = make([]uint64, size), make([]uint32, size)
	} else {
		for _, i := range c.used {
			c.counts[i] = 0
		}
	}
	c.used = c.used[:0]
}

func (c *counter) add(h uint64) {
	if 2*(len(c.used)+1) > len(c.keys) {
		c.grow() // keep the load at most one half, so probes stay short
	}
	c.insert(mix(h), 1)
}

// grow doubles the table and re-inserts what it held.
func (c *counter) grow() {
	keys, counts, used := c.keys, c.counts, c.used
	c.keys = make([]uint64, 2*len(keys))
	c.counts = make([]uint32, 2*len(keys))
	c.used = make([]int32, 0, cap(used))
	for _, i := range used {
		c.insert(keys[i], counts[i])
	}
}

func (c *counter) insert(h uint64, n uint32) {
	mask := uint64(len(c.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch {
		case c.counts[i] == 0:
			c.keys[i], c.counts[i] = h, n
			c.used = append(c.used, int32(i))
			return
		case c.keys[i] == h:
			c.counts[i] += n
			return
		}
	}
}

// addTo adds weight·(1+ln tf) for each distinct hash to its bucket, with the
// sign taken from the hash's top bit so collisions cancel out on average.
func (c *counter) addTo(acc *[hashDim]float64, weight float64) {
	for _, i := range c.used {
		h := c.keys[i]
		v := weight * (1 + math.Log(float64(c.counts[i])))
		if h>>63 == 1 {
			v = -v
		}
		acc[h%hashDim] += v
	}
}

// isWordByte matches the alphabet serbian.Fold leaves for Serbian text;
// anything else separates words.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}

func fnv1a(h uint64, b []byte) uint64 {
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

func fnv1aString(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// mix is the MurmurHash3 finaliser. FNV-1a's low bits depend only on the
// low bits of the input bytes, and the bucket index is taken from them.
func mix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
