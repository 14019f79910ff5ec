package backoffice

import (
	"strings"
	"testing"
)

// TestLabelsWrapNotCut: a label is never shortened; a long one takes more
// lines, each within the label column, and its row grows.
func TestLabelsWrapNotCut(t *testing.T) {
	long := "Uverenje o izmirenim obavezama po osnovu lokalnih javnih prihodova — Градска управа Сомбор"
	c := NewBarChart("docs", "Dokumenti", []Count{{Key: "a", Label: "Porez", N: 3}, {Key: "b", Label: long, N: 5},
		{Key: "c", Label: "Pokretanjebiznisausomborukorakpokorakbezrazmaka", N: 1}})
	short, wrapped, word := c.Bars[0], c.Bars[1], c.Bars[2]
	if len(short.Lines) != 1 || short.Lines[0].Text != "Porez" {
		t.Errorf("short label: %+v", short.Lines)
	}
	var texts []string
	for _, l := range wrapped.Lines {
		texts = append(texts, l.Text)
		if w := textWidth(l.Text); w > chartLabelW-12 {
			t.Errorf("line %q is %.0f px wide, over the column", l.Text, w)
		}
	}
	if strings.Join(texts, " ") != long || len(wrapped.Lines) < 3 {
		t.Errorf("wrapped into %q", texts)
	}
	if strings.Join(func() []string {
		var s []string
		for _, l := range word.Lines {
			s = append(s, l.Text)
		}
		return s
	}(), "") != "Pokretanjebiznisausomborukorakpokorakbezrazmaka" || len(word.Lines) < 2 {
		t.Errorf("a long word: %+v", word.Lines)
	}
	// Rows do not overlap: each starts below the previous one's last line.
	if wrapped.Y <= short.Y+chartBarH || word.Lines[0].Y <= wrapped.Lines[len(wrapped.Lines)-1].Y {
		t.Errorf("rows overlap: %+v", c.Bars)
	}
	if c.Height < word.Y+chartBarH {
		t.Errorf("height %d cuts the last row at %d", c.Height, word.Y)
	}
}

func TestRatingChart(t *testing.T) {
	c := NewRatingChart("r", "Ocene", []RatingCount{{Label: "od 2. 3. 2026.", Up: 12, Down: 3}, {Label: "od 9. 3. 2026.", Up: 0, Down: 5}})
	if !c.Stacked || c.Bars[0].Value != "80 % (12/15)" || c.Bars[1].Value != "0 % (0/5)" || c.Bars[1].Down != c.Bars[1].W {
		t.Errorf("rating chart %+v", c.Bars)
	}
	if c.Bars[0].Title != "od 2. 3. 2026.: 12 korisno, 3 nije korisno" {
		t.Errorf("title %q", c.Bars[0].Title)
	}
	if end := c.Bars[0].ValueX + int(textWidth(c.Bars[0].Value)); end > c.Width {
		t.Errorf("the value ends at %d, past the chart's %d", end, c.Width)
	}
}
