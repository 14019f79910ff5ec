package assistant

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/miasrbija/mia/rag"
)

// gated feeds answer to a rewriter and gate in pieces of size n runes (0:
// word by word, as a server streams) and returns what was shown, piece
// by piece, and how many units were dropped.
func gated(answer string, n int) (shown []string, dropped int) {
	ids := map[string]rag.Hit{"#aaaaa": {ChunkID: 1}, "#bbbbb": {ChunkID: 2}}
	g := newCiteGate(func(s string) { shown = append(shown, s) })
	rw := newCiteRewriter(ids, g)
	if n == 0 {
		for _, w := range strings.SplitAfter(answer, " ") {
			rw.write(w)
		}
	} else {
		rs := []rune(answer)
		for i := 0; i < len(rs); i += n {
			rw.write(string(rs[i:min(i+n, len(rs))]))
		}
	}
	rw.flush()
	g.close()
	return shown, g.dropped
}

func TestCiteGate(t *testing.T) {
	tests := []struct {
		name, answer, want string
		dropped            int
	}{
		{"every sentence cited",
			"Porez se plaća tromesečno [#aaaaa]. Rok za prvu ratu je 14. februar [#aaaaa][#bbbbb].",
			"Porez se plaća tromesečno [1]. Rok za prvu ratu je 14. februar [1][2].", 0},
		{"citation after the full stop",
			"Porez se plaća tromesečno. [#aaaaa] Rok je 14. februar.[#bbbbb]",
			"Porez se plaća tromesečno. [1] Rok je 14. februar.[2]", 0},
		{"nothing cited", "Porez se plaća kad Vam odgovara. Pitajte šalter.", "", 2},
		{"only invented ids", "Porez se plaća kad Vam odgovara [#zzzzz].", "", 1},
		{"a bracket that only looks like a citation", "Porez se plaća kad Vam odgovara [2].", "", 1},
		{"trailing uncited sentence dropped",
			"Porez se plaća tromesečno [#aaaaa]. Ako imate pitanja, pozovite nas na 021 555 333.",
			"Porez se plaća tromesečno [1].", 1},
		{"lead-in and list covered by a later citation",
			"Potrebno je da donesete:\n- ličnu kartu\n- dokaz o uplati takse [#aaaaa]\n\nSve ostalo ćete dobiti na šalteru.",
			"Potrebno je da donesete:\n- ličnu kartu\n- dokaz o uplati takse [1]", 1},
		{"uncited paragraph between cited ones",
			"Porez se plaća tromesečno [#aaaaa].\n\nMožete platiti i kriptovalutama.\n\nRešenje izdaje Poreska uprava [#bbbbb].",
			"Porez se plaća tromesečno [1].\n\nRešenje izdaje Poreska uprava [2].", 1},
		{"uncited first paragraph",
			"Evo šta sam našla.\n\nPorez se plaća tromesečno [#aaaaa].",
			"Porez se plaća tromesečno [1].", 1},
		{"abbreviation and ordinal inside a sentence",
			"Dođite npr. u ponedeljak do 15. marta u ul. Kralja Petra [#aaaaa].",
			"Dođite npr. u ponedeljak do 15. marta u ul. Kralja Petra [1].", 0},
		{"sentence cut at a number is covered",
			"Šalter je u prizemlju, kancelarija br. 8. Radi od 7 do 15 časova [#aaaaa].",
			"Šalter je u prizemlju, kancelarija br. 8. Radi od 7 do 15 časova [1].", 0},
		{"text after the citation in its sentence",
			"Porez se plaća [#aaaaa] tromesečno, u četiri rate.",
			"Porez se plaća [1] tromesečno, u četiri rate.", 0},
		{"ordinary bracket is text", "Obrazac [PDF] je na sajtu [#aaaaa].", "Obrazac [PDF] je na sajtu [1].", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{0, 1, 3, 1000} {
				shown, dropped := gated(tt.answer, n)
				got := strings.Join(shown, "")
				if got != tt.want || dropped != tt.dropped {
					t.Errorf("pieces of %d: shown %q (dropped %d), want %q (dropped %d)", n, got, dropped, tt.want, tt.dropped)
				}
				for _, s := range shown {
					if s == "" || !utf8.ValidString(s) {
						t.Errorf("pieces of %d: bad piece %q", n, s)
					}
				}
			}
		})
	}
}

// TestCiteGateStreams: a cited answer is shown as it comes, not at its end:
// each cited sentence as soon as its citation arrives, its words after
// the citation one by one.
func TestCiteGateStreams(t *testing.T) {
	shown, _ := gated("Porez se plaća tromesečno [#aaaaa], u četiri rate. Rok za prvu ratu je 14. februar [#aaaaa].", 0)
	if len(shown) < 4 {
		t.Fatalf("shown in %d pieces: %q", len(shown), shown)
	}
	if shown[0] != "Porez se plaća tromesečno [1]" {
		t.Errorf("first piece %q: the first sentence must show once its citation arrives", shown[0])
	}
}
