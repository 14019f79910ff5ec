package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTextParsers feeds arbitrary bytes to the text-format parsers and the
// chunker: none may panic, and chunks must keep their invariants.
func FuzzTextParsers(f *testing.F) {
	for _, seed := range []string{
		"# Наслов\n\nТекст.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
		"ОДЛУКА\n\n1. Опште\nТекст реченице.\n• ставка\f2\fКрај.",
		"<html><body><main><h2>Х</h2><table><tr><td>a<td>b</table><li>x</main></body></html>",
		"---\ntitle: x\n---\n```\ncode",
		"\xc8a\xe8a\x9a\n\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	c := NewChunker(40, 10)
	f.Fuzz(func(t *testing.T, data []byte) {
		var docs []*Document
		if d, err := parseMarkdown(data); err == nil {
			docs = append(docs, d)
		}
		if d, err := parsePlainText(data); err == nil {
			docs = append(docs, d)
		}
		if d, err := parseHTML(data); err == nil {
			docs = append(docs, d)
		}
		for _, d := range docs {
			d.Blocks = cleanBlocks(d.Blocks)
			for i, ch := range c.Split(d) {
				if ch.Ord != i || strings.TrimSpace(ch.Text) == "" || ch.Tokens > 40 || !utf8.ValidString(ch.Text) {
					t.Fatalf("bad chunk %d: %+v", i, ch)
				}
			}
		}
	})
}
