package ingest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requirePdftotext skips PDF tests on machines without poppler-utils
// (scripts/deps.sh installs it); CI has it.
func requirePdftotext(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		tb.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
}

// mustLoad loads a file from testdata with default limits.
func mustLoad(tb testing.TB, name string) *Document {
	tb.Helper()
	doc, err := LoadFile(context.Background(), filepath.Join("testdata", name), Limits{})
	if err != nil {
		tb.Fatalf("LoadFile(%s): %v", name, err)
	}
	return doc
}

// docText is every block's text, tables included, one block per line.
func docText(doc *Document) string {
	var b strings.Builder
	for _, bl := range doc.Blocks {
		b.WriteString(bl.Text)
		for _, r := range bl.Rows {
			b.WriteString(strings.Join(r, " | "))
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func headings(doc *Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		if b.Kind == Heading {
			out = append(out, b.Text)
		}
	}
	return out
}

func countKind(doc *Document, k BlockKind) int {
	n := 0
	for _, b := range doc.Blocks {
		if b.Kind == k {
			n++
		}
	}
	return n
}

func TestLoadFileFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		pdf       bool
		format    string
		title     string
		url       string
		contains  []string
		absent    []string
		headings  []string // in order, a prefix of the document's headings
		lists     int      // at least this many list items
		tables    int      // exactly this many tables
		firstHead int      // level of the first heading
	}{
		{
			file: "porez.docx", format: "docx", title: "Порез на имовину",
			contains:  []string{"Градски услужни центар", "порез на имовину", "копија уговора о куповини", "Изводи из матичних књига | 8 | 7:30–15:30"},
			headings:  []string{"Порез на имовину", "Ко плаћа порез", "Рокови плаћања", "Потребна документа"},
			lists:     5,
			tables:    1,
			firstHead: 1,
		},
		{
			file: "porez.pdf", pdf: true, format: "pdf", title: "Порез на имовину",
			contains:  []string{"Градски услужни центар", "порез на имовину", "Пријава се подноси на шалтеру 5.", "Изводи из матичних књига | 8 | 7:30–15:30"},
			headings:  []string{"Порез на имовину", "Ко плаћа порез", "Рокови плаћања", "Потребна документа"},
			lists:     5,
			tables:    1,
			firstHead: 1,
		},
		{
			// The sidecar odluka.pdf.meta.yaml gives title and URL.
			file: "odluka.pdf", pdf: true, format: "pdf",
			title:     "Одлука о локалним комуналним таксама",
			url:       "https://www.sombor.rs/odluke/lokalne-komunalne-takse.pdf",
			contains:  []string{"Gradskom uslužnom centru", "na teritoriji grada Sombora.", "člana 32. Zakona"},
			headings:  []string{"ODLUKA O LOKALNIM KOMUNALNIM TAKSAMA", "1. Opšte odredbe", "2. Obveznici", "3. Rokovi plaćanja"},
			firstHead: 1,
		},
		{
			file: "stranica.html", format: "html", title: "Градски услужни центар | Град Сомбор",
			url:      "https://www.sombor.rs/gradski-usluzni-centar/",
			contains: []string{"Градски услужни центар налази се у приземљу", "а суботом од 8 до 12 часова", "8 | Изводи из матичних књига", "уплата на рачун 840-742221843-57"},
			absent:   []string{"колачиће", "Почетна", "Најчитаније", "Сва права задржана", "Подели на Фејсбуку", "не индексирати", "JavaScript", "Град Сомбор\n"},
			headings: []string{"Градски услужни центар", "Радно време", "Услуге по шалтерима", "Шта је потребно"},
			lists:    3, tables: 1, firstHead: 2,
		},
		{
			file: "vodic.md", format: "md", title: "Водич за порез на имовину",
			url:      "https://www.sombor.rs/porez-na-imovinu/",
			contains: []string{"Одељење локалне пореске администрације у Градском услужном центру.", "Земљиште | градско | 0,30%", "Рачун: 840-713121843-94\nМодел: 97"},
			absent:   []string{"**", "](", "source_url", "```"},
			headings: []string{"Порез на имовину", "Рокови плаћања", "Стопе пореза", "Прилози"},
			lists:    5, tables: 1, firstHead: 1,
		},
		{
			file: "obavestenje.txt", format: "txt", title: "ОБАВЕШТЕЊЕ О ПОРЕЗУ НА ИМОВИНУ",
			contains:  []string{"пореске пријаве за порез на имовину подносе на шалтеру 5", "Рок за подношење пријаве"},
			headings:  []string{"ОБАВЕШТЕЊЕ О ПОРЕЗУ НА ИМОВИНУ", "Потребна документа"},
			lists:     2,
			firstHead: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			if tt.pdf {
				requirePdftotext(t)
			}
			doc := mustLoad(t, tt.file)
			if doc.Format != tt.format {
				t.Errorf("Format = %q, want %q", doc.Format, tt.format)
			}
			if doc.Title != tt.title {
				t.Errorf("Title = %q, want %q", doc.Title, tt.title)
			}
			if doc.URL != tt.url {
				t.Errorf("URL = %q, want %q", doc.URL, tt.url)
			}
			text := docText(doc)
			for _, want := range tt.contains {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q\n%s", want, text)
				}
			}
			for _, bad := range tt.absent {
				if strings.Contains(text, bad) {
					t.Errorf("text contains boilerplate %q", bad)
				}
			}
			got := headings(doc)
			if len(got) < len(tt.headings) || strings.Join(got[:len(tt.headings)], "|") != strings.Join(tt.headings, "|") {
				t.Errorf("headings = %q, want prefix %q", got, tt.headings)
			}
			if n := countKind(doc, ListItem); n < tt.lists {
				t.Errorf("%d list items, want at least %d", n, tt.lists)
			}
			if n := countKind(doc, Table); n != tt.tables {
				t.Errorf("%d tables, want %d", n, tt.tables)
			}
			if doc.Blocks[0].Kind != Heading || doc.Blocks[0].Level != tt.firstHead {
				t.Errorf("first block = %v level %d, want heading level %d", doc.Blocks[0].Kind, doc.Blocks[0].Level, tt.firstHead)
			}
			for i, b := range doc.Blocks {
				if b.Kind != Table && strings.TrimSpace(b.Text) == "" {
					t.Errorf("block %d is empty", i)
				}
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	docx, err := os.ReadFile("testdata/porez.docx")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		lim  Limits
		pdf  bool
		want error
	}{
		{name: "encrypted pdf", path: "testdata/encrypted.pdf", pdf: true, want: ErrEncrypted},
		{name: "scanned pdf, OCR off", path: "testdata/scanned.pdf", lim: Limits{MaxOCRPages: -1}, pdf: true, want: ErrNoText},
		{name: "broken pdf", path: write("broken.pdf", []byte("%PDF-1.4\nnot really a pdf\n")), pdf: true, want: ErrCorrupt},
		{name: "truncated docx", path: write("truncated.docx", docx[:len(docx)/2]), want: ErrCorrupt},
		{name: "zip bomb docx", path: write("bomb.docx", zipBomb(t, false)), want: ErrTooLarge},
		{name: "zip bomb docx with lying header", path: write("bomb2.docx", zipBomb(t, true)), want: ErrCorrupt},
		{name: "text docx", path: write("plain.docx", []byte("this is not a zip archive at all")), want: ErrCorrupt},
		{name: "binary txt", path: write("program.txt", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 256)...)), want: ErrBinary},
		{name: "empty txt", path: write("empty.txt", nil), want: ErrEmpty},
		{name: "whitespace md", path: write("blank.md", []byte(" \n\n\t\n")), want: ErrEmpty},
		{name: "too large", path: "testdata/porez.pdf", lim: Limits{MaxFileBytes: 1024}, want: ErrTooLarge},
		{name: "unsupported", path: write("table.xlsx", []byte("x")), want: ErrUnsupported},
		{name: "sidecar is not a document", path: "testdata/odluka.pdf.meta.yaml", want: ErrUnsupported},
		{name: "no text html", path: write("empty.html", []byte("<html><body><nav>Мени</nav><script>x()</script></body></html>")), want: ErrNoText},
		{name: "unknown sidecar key", path: write("napomena.txt", []byte("Текст.")), want: ErrMetadata},
		{name: "bad front matter", path: write("bad.md", []byte("---\ntitle: [unclosed\n---\n# Наслов\n")), want: ErrMetadata},
	}
	write("napomena.txt.meta.yaml", []byte("title: Напомена\nsourceurl: https://example.org/\n"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.pdf {
				requirePdftotext(t)
			}
			doc, err := LoadFile(context.Background(), tt.path, tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("LoadFile = %v, %v; want %v", doc, err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	t.Parallel()
	_, err := LoadFile(context.Background(), "testdata/nema.pdf", Limits{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want os.ErrNotExist", err)
	}
}

func TestLoadFileCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadFile(ctx, "testdata/vodic.md", Limits{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestSupported(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"a.pdf": true, "A.PDF": true, "b.docx": true, "c.html": true, "c.htm": true,
		"d.md": true, "d.markdown": true, "e.txt": true, "dir/f.Txt": true,
		"a.pdf.meta.yaml": false, "g.doc": false, "h.xlsx": false, "noext": false, "i.yaml": false,
	}
	for path, want := range tests {
		if got := Supported(path); got != want {
			t.Errorf("Supported(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestTitleFallsBackToFileName(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "radno_vreme-centra.txt")
	if err := os.WriteFile(p, []byte("Центар ради од 7:30 до 15:30 часова."), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := LoadFile(context.Background(), p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "radno vreme centra" {
		t.Errorf("Title = %q", doc.Title)
	}
}
