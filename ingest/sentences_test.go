package ingest

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/tokens"
)

func TestSplitSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"Прва реченица. Друга реченица! Трећа? Четврта…", []string{"Прва реченица.", "Друга реченица!", "Трећа?", "Четврта…"}},
		{"Na osnovu člana 32. Zakona o lokalnoj samoupravi. Drugo.", []string{"Na osnovu člana 32. Zakona o lokalnoj samoupravi.", "Drugo."}},
		{"Пријава се подноси на шалтеру 5. Грађани чекају.", []string{"Пријава се подноси на шалтеру 5.", "Грађани чекају."}},
		{"Потребна су документа, нпр. Лична карта. Крај.", []string{"Потребна су документа, нпр. Лична карта.", "Крај."}},
		{"Potpisao M. Petrović, gradonačelnik. Kraj.", []string{"Potpisao M. Petrović, gradonačelnik.", "Kraj."}},
		{"Rok je do 31. decembra. Iznos je 1.500 dinara.", []string{"Rok je do 31. decembra.", "Iznos je 1.500 dinara."}},
		{"Sajt www.sombor.rs radi. Kraj.", []string{"Sajt www.sombor.rs radi.", "Kraj."}},
		{`Рекао је: "Крај." Нова.`, []string{`Рекао је: "Крај."`, "Нова."}},
		{"Ред један\nред два", []string{"Ред један", "ред два"}},
		{"без тачке на крају", []string{"без тачке на крају"}},
	}
	for _, tt := range tests {
		got := splitSentences(tt.in)
		if strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
			t.Errorf("splitSentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitToFit(t *testing.T) {
	t.Parallel()
	sentence := "Порез на имовину плаћа се тромесечно, најкасније до краја другог месеца тромесечја. "
	tests := []struct {
		name string
		text string
		max  int
	}{
		{"sentences", strings.Repeat(sentence, 20), 60},
		{"one long sentence", strings.Repeat("порез на имовину ", 100) + ".", 40},
		{"one huge word", strings.Repeat("ж", 3000), 50},
	}
	for _, tt := range tests {
		pieces := splitToFit(tt.text, tt.max)
		if len(pieces) < 2 {
			t.Errorf("%s: %d pieces, want several", tt.name, len(pieces))
		}
		var texts []string
		for i, p := range pieces {
			if n := tokens.Count(p.text); n > tt.max || n == 0 || n != p.tokens {
				t.Errorf("%s: piece %d has %d tokens (said %d), max %d", tt.name, i, n, p.tokens, tt.max)
			}
			texts = append(texts, p.text)
		}
		joined := strings.Join(texts, "")
		if strings.Join(strings.Fields(joined), "") != strings.Join(strings.Fields(tt.text), "") {
			t.Errorf("%s: pieces lose text", tt.name)
		}
	}
}
