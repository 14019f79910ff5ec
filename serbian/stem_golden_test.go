package serbian

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestStemAgreesWithSnowball compares Stem with the official Snowball
// Serbian stemmer over testdata/snowball-serbian.tsv (word, official stem),
// made by scripts/snowball-golden.sh from PostgreSQL's serbian_stem, which
// is the Snowball project's own C code. Stem keeps no deliberate
// deviation, so every word must agree.
func TestStemAgreesWithSnowball(t *testing.T) {
	f, err := os.Open("testdata/snowball-serbian.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n, same int
	var diffs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		word, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("bad line %q", sc.Text())
		}
		n++
		if got := Stem(word); got == want {
			same++
		} else if len(diffs) < 40 {
			diffs = append(diffs, word+": "+got+" (snowball "+want+")")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 10000 {
		t.Fatalf("golden vocabulary has %d words, want at least 10,000", n)
	}
	agree := float64(same) / float64(n)
	t.Logf("agreement with Snowball: %d of %d words (%.4f)", same, n, agree)
	if same != n {
		t.Errorf("agreement %.4f, want 1; first differences:\n%s", agree, strings.Join(diffs, "\n"))
	}
}
