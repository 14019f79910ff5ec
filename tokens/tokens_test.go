package tokens

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		min, max int
	}{
		{"", 0, 0},
		{"hello world", 2, 2},
		// Cyrillic costs several times more than English in cl100k.
		{"Градски услужни центар", 5, 15},
		// Special-token text is ordinary text here, not a panic.
		{"<|endoftext|> и <|fim_prefix|>", 5, 30},
	}
	for _, tt := range tests {
		if got := Count(tt.text); got < tt.min || got > tt.max {
			t.Errorf("Count(%q) = %d, want %d..%d", tt.text, got, tt.min, tt.max)
		}
	}
}

func TestCountTokensConcurrent(t *testing.T) {
	t.Parallel()
	want := Count("Порез на имовину")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := Count("Порез на имовину"); got != want {
					t.Errorf("got %d, want %d", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkCount(b *testing.B) {
	text := "Градски услужни центар прима пријаве за порез на имовину сваког радног дана."
	Count(text)
	b.ReportAllocs()
	for b.Loop() {
		Count(text)
	}
}

func TestCountLongRun(t *testing.T) {
	t.Parallel()
	word := strings.Repeat("ж", 300_000)
	if n := Count(word); n < 300_000/maxRun {
		t.Fatalf("Count of a 300,000-letter run = %d", n)
	}
	if got, want := Count("porez na imovinu"), Count(breakLongRuns("porez na imovinu")); got != want {
		t.Fatalf("ordinary text changed: %d vs %d", got, want)
	}
}

// referenceCount is the tokenizer's own count, through its regular
// expression, for checking Count.
func referenceCount(t testing.TB, s string) int {
	enc, err := tokenizer()
	if err != nil {
		t.Fatal(err)
	}
	return len(enc.Encode(breakLongRuns(s), nil, nil))
}

// TestPiecesMatchTokenizer: Count through the piece scanner and cache
// equals the tokenizer's count on the demo corpora's texts and on text
// made to hit every branch of the pattern.
func TestPiecesMatchTokenizer(t *testing.T) {
	t.Parallel()
	texts := []string{
		"it's they're we've I'm you'll he'd IT'S 'sword 'RE' ''' 'x",
		"Porez na imovinu: 1. rata do 14. februara 2026. (025/468-202)",
		"Порез на имовину — рокови: 15. мај, 14. август!\n\n  Следећи пасус.\r\n\tТаб",
		"   leading spaces\n\n\n   \n  x  \t\n", "trailing   ", " ", "\n", "a\u00a0b\u2003c", "x²³⁴ ½ ⅷ 12345678",
		"e-mail: info@sombor.rs, https://www.sombor.rs/gradska-uprava/?a=1&b=2", "čćšžđ ČĆŠŽĐ dj Dj",
		"<|endoftext|> и <|fim_prefix|>", "emoji 😀👍🏽 ok", "combining e\u0301 a\u0308", "--- | --- |\n| a | b |",
		"?!.,;: ...\n\n.\r\n", "  !x", " 12", "\t'll", "a\n\nb", "日本語のテキスト", "١٢٣ arabic digits",
	}
	for _, dir := range []string{"../corpus/sombor", "../corpus/laktasi"} {
		files, _ := os.ReadDir(dir)
		for _, f := range files {
			if b, err := os.ReadFile(filepath.Join(dir, f.Name())); err == nil && utf8.Valid(b) {
				texts = append(texts, string(b))
			}
		}
	}
	if len(texts) < 40 {
		t.Fatalf("only %d texts: the corpora are missing", len(texts))
	}
	for _, s := range texts {
		if got, want := Count(s), referenceCount(t, s); got != want {
			t.Errorf("Count(%.60q…) = %d, tokenizer %d", s, got, want)
		}
	}
}

// FuzzPiecesMatchTokenizer: for any valid text, the same count as the
// tokenizer.
func FuzzPiecesMatchTokenizer(f *testing.F) {
	for _, s := range []string{"it's", " \n x", "Порез 12345", "a  !b\r\n", "\u00a0\u2028x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		if got, want := Count(s), referenceCount(t, s); got != want {
			t.Errorf("Count(%q) = %d, tokenizer %d", s, got, want)
		}
	})
}
