package serbian

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// BenchmarkStem stems the whole golden vocabulary (about 15,000 words,
// Latin and Cyrillic) once per iteration.
func BenchmarkStem(b *testing.B) {
	f, err := os.Open("testdata/snowball-serbian.tsv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w, _, _ := strings.Cut(sc.Text(), "\t")
		words = append(words, w)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range words {
			Stem(w)
		}
	}
}
