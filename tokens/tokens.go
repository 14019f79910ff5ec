// Package tokens counts tokens the way OpenAI models do (tiktoken's
// cl100k_base, loaded offline), for sizing chunks and prompts.
package tokens

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// tokenEncodingName is the tokenizer of OpenAI's text-embedding-3 models,
// the budget chunks are sized for.
const tokenEncodingName = "cl100k_base"

// tokenizer is built once per process: GetEncoding rebuilds the BPE tables
// on every call (about 74 ms). The offline loader embeds the ranks, so no
// download is attempted at run time.
var tokenizer = sync.OnceValues(func() (*tiktoken.Tiktoken, error) {
	tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
	return tiktoken.GetEncoding(tokenEncodingName)
})

// Count returns the number of cl100k_base tokens in s. Special-token
// text such as "<|endoftext|>" is counted as ordinary text. Should the
// encoding fail to load, it falls back to an estimate of one token per two
// characters, which overestimates Latin text and is close for Cyrillic.
//
// The count is exact and cheap: the text is cut into the encoding's
// pieces by a scanner equivalent to its pattern (pieces.go), and each
// piece's token count is cached, since documents repeat their words. The
// tokenizer's own regular-expression engine ran over every text before
// and was most of ingestion's CPU.
func Count(s string) int {
	if s == "" {
		return 0
	}
	enc, err := tokenizer()
	if err != nil {
		return (utf8.RuneCountInString(s) + 1) / 2
	}
	s = breakLongRuns(s)
	if !utf8.ValidString(s) {
		// The tokenizer reads invalid bytes as U+FFFD; leave such text to it.
		return len(enc.Encode(s, nil, nil))
	}
	n := 0
	eachPiece(s, func(p string) { n += pieceCount(enc, p) })
	return n
}

// pieceCache maps a piece to its token count. It is bounded: when full it
// starts over (the pieces of one city's documents fit many times).
var pieceCache = struct {
	sync.Mutex
	m map[string]int
}{m: map[string]int{}}

const maxCachedPieces = 1 << 16

// pieceCount is the number of tokens of one piece.
func pieceCount(enc *tiktoken.Tiktoken, p string) int {
	pieceCache.Lock()
	n, ok := pieceCache.m[p]
	pieceCache.Unlock()
	if ok {
		return n
	}
	// nil, nil: the "all" form panics on special tokens found in the text.
	n = len(enc.Encode(p, nil, nil))
	pieceCache.Lock()
	if len(pieceCache.m) >= maxCachedPieces {
		clear(pieceCache.m)
	}
	pieceCache.m[strings.Clone(p)] = n // a piece must not pin the whole text
	pieceCache.Unlock()
	return n
}

// maxRun is the longest run of non-space characters encoded whole: the
// tokenizer's pattern matching is superlinear on one huge "word" (a
// 300,000-character run took minutes), while real words are far shorter.
const maxRun = 100

// breakLongRuns inserts a space into every run of more than maxRun
// non-space characters. The count grows by a token or so per break.
func breakLongRuns(s string) string {
	run, long := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			run = 0
			continue
		}
		if run++; run > maxRun {
			long = true
			break
		}
	}
	if !long {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/maxRun)
	run = 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			run = 0
		} else if run++; run > maxRun {
			b.WriteByte(' ')
			run = 1
		}
		b.WriteRune(r)
	}
	return b.String()
}
