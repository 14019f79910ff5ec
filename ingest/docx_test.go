package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// bombSize is past DefaultLimits().MaxUnpackedBytes.
const bombSize = 256 << 20

// bombStream deflates, once per test binary, a document.xml of bombSize
// bytes: a valid XML prefix, then '0's that deflate to about a thousandth.
var bombStream = sync.OnceValues(func() ([]byte, uint32) {
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed) // 2x faster, same ratio here
	crc := crc32.NewIEEE()
	out := io.MultiWriter(fw, crc)
	head := `<w:document ` + wordNS + `><w:body><w:p><w:r><w:t>`
	io.WriteString(out, head)
	zeros := bytes.Repeat([]byte("0"), 1<<20)
	for n := len(head); n < bombSize; n += len(zeros) {
		out.Write(zeros[:min(len(zeros), bombSize-n)])
	}
	fw.Close()
	return deflated.Bytes(), crc.Sum32()
})

// zipBomb wraps bombStream in a DOCX-shaped zip. With lie set, the zip
// header claims 1 KB, so only the bytes actually inflated give it away.
func zipBomb(tb testing.TB, lie bool) []byte {
	tb.Helper()
	deflated, sum := bombStream()
	hdr := &zip.FileHeader{
		Name:               "word/document.xml",
		Method:             zip.Deflate,
		CRC32:              sum,
		CompressedSize64:   uint64(len(deflated)),
		UncompressedSize64: bombSize,
	}
	if lie {
		hdr.UncompressedSize64 = 1024
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(hdr)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(deflated)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	if buf.Len() > bombSize/500 {
		tb.Fatalf("bomb is %d bytes, not a bomb", buf.Len())
	}
	return buf.Bytes()
}

// buildDocx writes a minimal DOCX with the given parts.
func buildDocx(tb testing.TB, parts map[string]string) string {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), "test.docx")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func wordDoc(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`
}

func para(style, text string) string {
	ppr := ""
	if style != "" {
		ppr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + ppr + `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func TestDocxStructure(t *testing.T) {
	t.Parallel()
	styles := `<?xml version="1.0"?><w:styles ` + wordNS + `>
<w:style w:type="paragraph" w:styleId="Naslov1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="MojNaslov"><w:name w:val="Moj naslov"/><w:basedOn w:val="Osnova"/></w:style>
<w:style w:type="paragraph" w:styleId="Osnova"><w:name w:val="Osnova"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Naslovdokumenta"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Pasusliste"><w:name w:val="List Paragraph"/></w:style>
<w:style w:type="character" w:styleId="Heading1Char"><w:name w:val="Heading 1 Char"/></w:style>
</w:styles>`
	body := para("Naslovdokumenta", "Водич кроз услуге") +
		para("Naslov1", "Градски услужни центар") +
		para("", "Шалтер 5: порез на имовину.") +
		para("1", "Радно време") +
		`<w:p><w:r><w:t>Понедељак</w:t><w:tab/><w:t>7:30–15:30</w:t><w:br/><w:t>Субота</w:t><w:tab/><w:t>8–12</w:t></w:r></w:p>` +
		para("MojNaslov", "Документа") +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>лична карта</w:t></w:r></w:p>` +
		para("Pasusliste", "пасош") +
		`<w:p><w:pPr><w:outlineLvl w:val="3"/></w:pPr><w:r><w:t>Напомена</w:t></w:r></w:p>` +
		// Tracked deletion, a field code, and a text box whose VML fallback
		// repeats the text: each must appear once or not at all.
		`<w:p><w:r><w:t xml:space="preserve">Такса </w:t></w:r><w:del><w:r><w:delText>није</w:delText></w:r></w:del>` +
		`<w:r><w:instrText>HYPERLINK "x"</w:instrText></w:r><w:r><w:t>се плаћа.</w:t></w:r></w:p>` +
		`<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">` +
		`<mc:Choice><w:txbxContent><w:p><w:r><w:t>Оквир са текстом</w:t></w:r></w:p></w:txbxContent></mc:Choice>` +
		`<mc:Fallback><w:txbxContent><w:p><w:r><w:t>Оквир са текстом</w:t></w:r></w:p></w:txbxContent></mc:Fallback>` +
		`</mc:AlternateContent></w:r></w:p>` +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Услуга</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Шалтер</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>Изводи</w:t></w:r></w:p><w:p><w:r><w:t>из матичних књига</w:t></w:r></w:p></w:tc>` +
		`<w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>8</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>9</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>`
	path := buildDocx(t, map[string]string{
		"word/document.xml": wordDoc(body),
		"word/styles.xml":   styles,
	})
	doc, err := LoadFile(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Kind: Heading, Level: 1, Text: "Водич кроз услуге"},
		{Kind: Heading, Level: 1, Text: "Градски услужни центар"},
		{Kind: Paragraph, Text: "Шалтер 5: порез на имовину."},
		{Kind: Heading, Level: 2, Text: "Радно време"},
		{Kind: Paragraph, Text: "Понедељак\t7:30–15:30\nСубота\t8–12"},
		{Kind: Heading, Level: 3, Text: "Документа"},
		{Kind: ListItem, Text: "лична карта"},
		{Kind: ListItem, Text: "пасош"},
		{Kind: Heading, Level: 4, Text: "Напомена"},
		{Kind: Paragraph, Text: "Такса се плаћа."},
		{Kind: Paragraph, Text: "Оквир са текстом"},
		{Kind: Table, Rows: [][]string{{"Услуга", "Шалтер"}, {"Изводи из матичних књига", "8 | 9"}}},
	}
	if len(doc.Blocks) != len(want) {
		t.Fatalf("got %d blocks, want %d:\n%s", len(doc.Blocks), len(want), blockDump(doc.Blocks))
	}
	for i := range want {
		if !sameBlock(doc.Blocks[i], want[i]) {
			t.Errorf("block %d = %s, want %s", i, blockDump(doc.Blocks[i:i+1]), blockDump(want[i:i+1]))
		}
	}
	if doc.Title != "Водич кроз услуге" {
		t.Errorf("Title = %q, want the Title-style paragraph", doc.Title)
	}
}

func TestDocxTitleFromCoreAndNoStyles(t *testing.T) {
	t.Parallel()
	// Without styles.xml the style id alone ("Heading2") must be enough.
	path := buildDocx(t, map[string]string{
		"word/document.xml": wordDoc(para("Heading2", "Рокови") + para("", "До 15. маја.")),
		"docProps/core.xml": `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Порески календар</dc:title></cp:coreProperties>`,
	})
	doc, err := LoadFile(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Порески календар" {
		t.Errorf("Title = %q", doc.Title)
	}
	if b := doc.Blocks[0]; b.Kind != Heading || b.Level != 2 {
		t.Errorf("first block = %s", blockDump(doc.Blocks[:1]))
	}
}

func TestDocxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parts map[string]string
		lim   Limits
		want  error
	}{
		{name: "no document part", parts: map[string]string{"word/styles.xml": "<w:styles/>"}, want: ErrCorrupt},
		{name: "malformed xml", parts: map[string]string{"word/document.xml": "<w:document><w:body><w:p>"}, want: ErrCorrupt},
		{name: "over unpacked limit", parts: map[string]string{"word/document.xml": wordDoc(para("", strings.Repeat("порез ", 2000)))}, lim: Limits{MaxUnpackedBytes: 4096}, want: ErrTooLarge},
		{name: "no text", parts: map[string]string{"word/document.xml": wordDoc(`<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>`)}, want: ErrNoText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadFile(context.Background(), buildDocx(t, tt.parts), tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestBudgetReader checks the streaming cap on its own, apart from the
// early check on declared sizes that the zip bomb test trips first.
func TestBudgetReader(t *testing.T) {
	t.Parallel()
	b := &unpackBudget{left: 10, max: 10}
	got, err := io.ReadAll(&budgetReader{r: strings.NewReader(strings.Repeat("x", 11)), b: b})
	if !errors.Is(err, ErrTooLarge) || len(got) != 10 {
		t.Fatalf("over budget: read %d bytes, err %v", len(got), err)
	}
	b = &unpackBudget{left: 10, max: 10}
	got, err = io.ReadAll(&budgetReader{r: strings.NewReader(strings.Repeat("x", 10)), b: b})
	if err != nil || len(got) != 10 {
		t.Fatalf("exactly at budget: read %d bytes, err %v", len(got), err)
	}
}

func sameBlock(a, b Block) bool {
	if a.Kind != b.Kind || a.Level != b.Level || a.Text != b.Text || len(a.Rows) != len(b.Rows) {
		return false
	}
	for i := range a.Rows {
		if strings.Join(a.Rows[i], "\x00") != strings.Join(b.Rows[i], "\x00") {
			return false
		}
	}
	return true
}

func blockDump(bs []Block) string {
	var b strings.Builder
	for _, bl := range bs {
		b.WriteString(bl.Kind.String())
		if bl.Kind == Heading {
			b.WriteString(" h")
			b.WriteByte(byte('0' + bl.Level))
		}
		b.WriteString(" ")
		if bl.Kind == Table {
			for _, r := range bl.Rows {
				b.WriteString("[" + strings.Join(r, " / ") + "]")
			}
		} else {
			b.WriteString(strings.ReplaceAll(bl.Text, "\n", `\n`))
		}
		b.WriteString("\n")
	}
	return b.String()
}
