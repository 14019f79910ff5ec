package assistant

import (
	"sync"

	"github.com/miasrbija/mia/serbian"
)

// corpusTokens memoises serbian.Tokens of the passages' text (sentences,
// table rows, headings): every extractive answer tokenises each unit of
// the passages it weighs, and the same few thousand units of a
// municipality's corpus come back turn after turn. Tokens is a pure
// function of the text, so an entry never goes stale.
var corpusTokens = newTokenMemo(maxMemoTexts)

// maxMemoTexts bounds the memo; when it is full it starts over rather than
// tracking use, as the search's vocabulary cache does.
const maxMemoTexts = 50_000

type tokenMemo struct {
	mu    sync.Mutex
	limit int
	m     map[string][]string
}

func newTokenMemo(limit int) *tokenMemo {
	return &tokenMemo{limit: limit, m: map[string][]string{}}
}

// tokens returns serbian.Tokens(text). The slice is shared: callers must
// not modify it.
func (t *tokenMemo) tokens(text string) []string {
	t.mu.Lock()
	toks, ok := t.m[text]
	t.mu.Unlock()
	if ok {
		return toks
	}
	toks = serbian.Tokens(text)
	t.mu.Lock()
	if len(t.m) >= t.limit {
		t.m = map[string][]string{}
	}
	t.m[text] = toks
	t.mu.Unlock()
	return toks
}
