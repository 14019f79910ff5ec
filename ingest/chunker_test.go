package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/miasrbija/mia/tokens"
)

func h(level int, text string) Block { return Block{Kind: Heading, Level: level, Text: text} }
func p(text string) Block            { return Block{Kind: Paragraph, Text: text} }
func li(text string) Block           { return Block{Kind: ListItem, Text: text} }

// sentences returns n distinct Serbian sentences.
func sentences(n int, topic string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Реченица %d о теми %s говори о роковима и шалтерима градске управе. ", i+1, topic)
	}
	return strings.TrimSpace(b.String())
}

// checkChunks asserts the invariants every Split result must hold.
func checkChunks(t *testing.T, chunks []Chunk, maxTokens int) {
	t.Helper()
	for i, c := range chunks {
		if c.Ord != i {
			t.Errorf("chunk %d has Ord %d", i, c.Ord)
		}
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("chunk %d is empty", i)
		}
		if c.Tokens != tokens.Count(c.Text) {
			t.Errorf("chunk %d: Tokens = %d, text has %d", i, c.Tokens, tokens.Count(c.Text))
		}
		if c.Tokens > maxTokens {
			t.Errorf("chunk %d: %d tokens > max %d", i, c.Tokens, maxTokens)
		}
	}
}

func TestChunkerHeadingPaths(t *testing.T) {
	t.Parallel()
	doc := &Document{Blocks: []Block{
		p("Увод пре првог наслова."),
		h(1, "Порез на имовину"),
		p("Опште о порезу."),
		h(2, "Ко плаћа"),
		p("Власник непокретности."),
		h(2, "Рокови плаћања"),
		p("Тромесечно."),
		h(1, "Комуналне таксе"),
		h(3, "Фирма"),
		p("Такса за истицање фирме."),
	}}
	chunks := NewChunker(400, 50).Split(doc)
	checkChunks(t, chunks, 400)
	want := []struct {
		path string
		text string
	}{
		{"", "Увод пре првог наслова."},
		{"Порез на имовину", "Опште о порезу."},
		{"Порез на имовину/Ко плаћа", "Власник непокретности."},
		{"Порез на имовину/Рокови плаћања", "Тромесечно."},
		{"Комуналне таксе/Фирма", "Такса за истицање фирме."},
	}
	if len(chunks) != len(want) {
		t.Fatalf("got %d chunks, want %d: %+v", len(chunks), len(want), chunks)
	}
	for i, w := range want {
		if got := strings.Join(chunks[i].HeadingPath, "/"); got != w.path || chunks[i].Text != w.text {
			t.Errorf("chunk %d = %q %q, want %q %q", i, got, chunks[i].Text, w.path, w.text)
		}
	}
}

func TestChunkerHeadingOnlySections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		blocks []Block
		want   []string // path|text per chunk
	}{
		{
			name:   "parent without body lives on in the path only",
			blocks: []Block{h(1, "Порез"), h(2, "Рокови"), p("До маја.")},
			want:   []string{"Порез/Рокови|До маја."},
		},
		{
			name:   "empty sibling section is carried into the next chunk",
			blocks: []Block{h(1, "Порез"), h(2, "Контакт телефон 025/468-100"), h(2, "Рокови"), p("До маја.")},
			want:   []string{"Порез/Рокови|Контакт телефон 025/468-100\n\nДо маја."},
		},
		{
			name:   "an empty heading that repeats the title is not carried",
			blocks: []Block{h(1, "Водич"), h(1, "Порез"), p("До маја.")},
			want:   []string{"Порез|До маја."},
		},
		{
			name:   "trailing empty heading is dropped",
			blocks: []Block{h(1, "Порез"), p("До маја."), h(2, "Прилози")},
			want:   []string{"Порез|До маја."},
		},
		{
			name:   "a document of headings only still yields a chunk",
			blocks: []Block{h(1, "Порез"), h(2, "Рокови")},
			want:   []string{"Порез/Рокови|Порез\nРокови"},
		},
		{
			name:   "list items stay one list",
			blocks: []Block{p("Потребно је:"), li("лична карта"), li("пасош")},
			want:   []string{"|Потребно је:\n- лична карта\n- пасош"},
		},
		{
			name:   "nothing in, nothing out",
			blocks: nil,
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			chunks := (&Chunker{}).Split(&Document{Title: "Водич", Blocks: tt.blocks})
			checkChunks(t, chunks, DefaultMaxTokens)
			var got []string
			for _, c := range chunks {
				got = append(got, strings.Join(c.HeadingPath, "/")+"|"+c.Text)
			}
			if strings.Join(got, "\n~\n") != strings.Join(tt.want, "\n~\n") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestChunkerLimitsAndOverlap(t *testing.T) {
	t.Parallel()
	doc := &Document{Blocks: []Block{
		h(1, "Први део"),
		p(sentences(12, "један")),
		p(sentences(3, "два")),
		h(1, "Други део"),
		p(sentences(12, "три")),
	}}
	const maxTokens, overlap = 120, 40
	chunks := NewChunker(maxTokens, overlap).Split(doc)
	checkChunks(t, chunks, maxTokens)
	if len(chunks) < 6 {
		t.Fatalf("only %d chunks", len(chunks))
	}
	overlaps := 0
	for i := 1; i < len(chunks); i++ {
		prev, cur := chunks[i-1], chunks[i]
		samePath := strings.Join(prev.HeadingPath, "/") == strings.Join(cur.HeadingPath, "/")
		first := splitSentences(cur.Text)[0]
		repeated := strings.Contains(prev.Text, first)
		if !samePath && repeated {
			t.Errorf("chunk %d repeats %q across a section boundary", i, first)
		}
		if samePath && repeated {
			overlaps++
			if n := tokens.Count(first); n > overlap*3/2 {
				t.Errorf("chunk %d: overlap sentence has %d tokens", i, n)
			}
		}
	}
	if overlaps == 0 {
		t.Error("no chunk starts with overlap from its predecessor")
	}
	// Every sentence of the document is in some chunk.
	all := ""
	for _, c := range chunks {
		all += c.Text + "\n"
	}
	for _, b := range doc.Blocks {
		if b.Kind == Paragraph {
			for _, s := range splitSentences(b.Text) {
				if !strings.Contains(all, s) {
					t.Errorf("sentence lost: %q", s)
				}
			}
		}
	}

	// Negative overlap disables it.
	noOv := NewChunker(maxTokens, -1).Split(doc)
	total := 0
	for _, c := range noOv {
		total += strings.Count(c.Text, "Реченица")
	}
	if total != 12+3+12 {
		t.Errorf("without overlap, %d sentences in chunks, want 27", total)
	}
}

func TestChunkerTableHeaderRepeated(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"Шалтер", "Услуга", "Радно време"}}
	for i := range 40 {
		rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprintf("Услуга број %d градске управе", i+1), "7:30–15:30"})
	}
	doc := &Document{Blocks: []Block{h(1, "Шалтери"), p("Распоред шалтера."), {Kind: Table, Rows: rows}}}
	const maxTokens = 150
	chunks := NewChunker(maxTokens, 30).Split(doc)
	checkChunks(t, chunks, maxTokens)
	header := "| Шалтер | Услуга | Радно време |\n| --- | --- | --- |\n"
	pieces := 0
	seen := map[string]int{}
	for _, c := range chunks {
		if !strings.Contains(c.Text, "| Услуга број") {
			continue
		}
		pieces++
		if !strings.Contains(c.Text, header) {
			t.Errorf("chunk %d has table rows but no header:\n%s", c.Ord, c.Text)
		}
		for _, line := range strings.Split(c.Text, "\n") {
			if strings.HasPrefix(line, "| ") && strings.Contains(line, "Услуга број") {
				seen[line]++
			}
		}
	}
	if pieces < 3 {
		t.Errorf("table split into %d pieces, want at least 3", pieces)
	}
	if len(seen) != 40 {
		t.Errorf("%d distinct rows in chunks, want 40", len(seen))
	}
	for row, n := range seen {
		if n != 1 {
			t.Errorf("row %q appears %d times; tables are never overlapped", row, n)
		}
	}
}

func TestChunkerOversizedTableRow(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"Услуга", "Опис"}, {"Порез", sentences(10, "опис")}}
	chunks := NewChunker(60, 10).Split(&Document{Blocks: []Block{{Kind: Table, Rows: rows}}})
	checkChunks(t, chunks, 60)
	if len(chunks) < 2 || !strings.HasPrefix(chunks[0].Text, "Услуга: Порез; Опис: ") {
		t.Errorf("oversized row not written as labeled text: %+v", chunks)
	}
}

func TestNewChunkerDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		max, overlap         int
		wantMax, wantOverlap int
	}{
		{0, 0, DefaultMaxTokens, DefaultOverlapTokens},
		{600, 0, 600, DefaultOverlapTokens},
		{100, 90, 100, 50},
		{5, 0, minMaxTokens, minMaxTokens / 2},
	}
	for _, tt := range tests {
		c := NewChunker(tt.max, tt.overlap)
		if c.MaxTokens != tt.wantMax || c.OverlapTokens != tt.wantOverlap {
			t.Errorf("NewChunker(%d, %d) = %+v, want %d/%d", tt.max, tt.overlap, *c, tt.wantMax, tt.wantOverlap)
		}
	}
	if c := NewChunker(400, -1); c.OverlapTokens >= 0 {
		t.Errorf("negative overlap kept as %d", c.OverlapTokens)
	}
}

func TestChunkerOnFixtures(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"porez.docx", "stranica.html", "vodic.md", "obavestenje.txt"} {
		doc := mustLoad(t, name)
		chunks := NewChunker(60, 15).Split(doc)
		checkChunks(t, chunks, 60)
		if len(chunks) == 0 {
			t.Errorf("%s: no chunks", name)
		}
		for _, c := range chunks {
			if len(c.HeadingPath) > 0 && strings.HasPrefix(c.Text, c.HeadingPath[len(c.HeadingPath)-1]+"\n") {
				t.Errorf("%s: chunk %d repeats its heading in the text", name, c.Ord)
			}
		}
	}
}

// benchDocument is a municipal document of ~60 sections with lists and
// tables, about 100 KB of Cyrillic text.
func benchDocument() *Document {
	doc := &Document{Title: "Водич"}
	for s := range 60 {
		doc.Blocks = append(doc.Blocks, h(2, fmt.Sprintf("Одељак %d", s+1)))
		doc.Blocks = append(doc.Blocks, p(sentences(8, fmt.Sprint(s))))
		doc.Blocks = append(doc.Blocks, li("лична карта"), li("доказ о уплати таксе"))
		if s%5 == 0 {
			rows := [][]string{{"Шалтер", "Услуга"}}
			for r := range 15 {
				rows = append(rows, []string{fmt.Sprint(r), "Изводи из матичних књига рођених"})
			}
			doc.Blocks = append(doc.Blocks, Block{Kind: Table, Rows: rows})
		}
		doc.Blocks = append(doc.Blocks, p(sentences(4, "закључак")))
	}
	return doc
}

func BenchmarkChunker(b *testing.B) {
	doc := benchDocument()
	c := NewChunker(0, 0)
	tokens.Count("warm up the encoding")
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(c.Split(doc))
	}
	b.ReportMetric(float64(n), "chunks")
}
