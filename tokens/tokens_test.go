package tokens

import (
	"strings"
	"sync"
	"testing"
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
