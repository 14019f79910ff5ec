package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const odtNS = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
	`xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" ` +
	`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ` +
	`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
	`xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" ` +
	`xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" ` +
	`xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"`

// odtContent wraps body in a content.xml with one automatic style, P1,
// derived from Title, as LibreOffice writes a formatted title.
func odtContent(body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><office:document-content ` + odtNS + `>` +
		`<office:automatic-styles><style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/></office:automatic-styles>` +
		`<office:body><office:text>` + body + `</office:text></office:body></office:document-content>`
}

func odtMeta(title string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><office:document-meta ` + odtNS + `><office:meta><dc:title>` + title + `</dc:title></office:meta></office:document-meta>`
}

// odtBytes packs an ODT as office suites do: mimetype first and stored,
// then the given parts (in order) and the manifest.
func odtBytes(tb testing.TB, mime string, parts ...[2]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	if err != nil {
		tb.Fatal(err)
	}
	io.WriteString(w, mime)
	parts = append(parts, [2]string{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?>` +
		`<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">` +
		`<manifest:file-entry manifest:full-path="/" manifest:media-type="` + mime + `"/>` +
		`<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>` +
		`<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/></manifest:manifest>`})
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, p[1])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

const odtMimeText = "application/vnd.oasis.opendocument.text"

func TestODTStructure(t *testing.T) {
	t.Parallel()
	body := `<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>` +
		`<text:p text:style-name="P1">Vodič kroz usluge</text:p>` +
		`<text:h text:style-name="Heading_20_1" text:outline-level="1">Градски   услужни
		центар</text:h>` +
		`<text:p text:style-name="Standard">Šalter<text:s text:c="2"/>5: porez na <text:span text:style-name="T1">imovinu</text:span>.` +
		`<office:annotation><dc:creator>Pera</dc:creator><text:p>proveriti</text:p></office:annotation></text:p>` +
		`<text:h text:outline-level="2">Радно време</text:h>` +
		`<text:p>Понедељак<text:tab/>7:30–15:30<text:line-break/>Субота<text:tab/>8–12</text:p>` +
		`<text:p text:style-name="Heading_20_3">Dokumenta</text:p>` +
		`<text:list text:style-name="L1"><text:list-item><text:p>лична карта</text:p></text:list-item>` +
		`<text:list-item><text:p>pasoš<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>` +
		`<text:note-body><text:p>Важећи.</text:p></text:note-body></text:note></text:p></text:list-item></text:list>` +
		`<text:tracked-changes><text:changed-region><text:deletion><text:p>obrisano</text:p></text:deletion></text:changed-region></text:tracked-changes>` +
		`<text:p><draw:frame><draw:image><svg:title>Logo grada</svg:title></draw:image></draw:frame>Taksa se plaća.</text:p>` +
		`<table:table table:name="Tabela1"><table:table-column table:number-columns-repeated="2"/>` +
		`<table:table-header-rows><table:table-row><table:table-cell><text:p>Услуга</text:p></table:table-cell>` +
		`<table:table-cell><text:p>Šalter</text:p></table:table-cell></table:table-row></table:table-header-rows>` +
		`<table:table-row><table:table-cell><text:p>Izvodi</text:p><text:p>iz matičnih knjiga</text:p></table:table-cell>` +
		`<table:table-cell><table:table><table:table-row><table:table-cell><text:p>8</text:p></table:table-cell>` +
		`<table:table-cell><text:p>9</text:p></table:table-cell></table:table-row></table:table></table:table-cell></table:table-row></table:table>`
	path := writeTemp(t, "usluge.odt", odtBytes(t, odtMimeText,
		[2]string{"content.xml", odtContent(body)}, [2]string{"meta.xml", odtMeta("Водич кроз услуге Сомбора")}))
	doc, err := LoadFile(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Block{
		{Kind: Heading, Level: 1, Text: "Vodič kroz usluge"},
		{Kind: Heading, Level: 1, Text: "Градски услужни центар"},
		{Kind: Paragraph, Text: "Šalter 5: porez na imovinu."},
		{Kind: Heading, Level: 2, Text: "Радно време"},
		{Kind: Paragraph, Text: "Понедељак\t7:30–15:30\nСубота\t8–12"},
		{Kind: Heading, Level: 3, Text: "Dokumenta"},
		{Kind: ListItem, Text: "лична карта"},
		{Kind: Paragraph, Text: "Важећи."}, // the footnote, as docx text boxes
		{Kind: ListItem, Text: "pasoš"},
		{Kind: Paragraph, Text: "Taksa se plaća."},
		{Kind: Table, Rows: [][]string{{"Услуга", "Šalter"}, {"Izvodi iz matičnih knjiga", "8 | 9"}}},
	}
	if len(doc.Blocks) != len(want) {
		t.Fatalf("got %d blocks, want %d:\n%s", len(doc.Blocks), len(want), blockDump(doc.Blocks))
	}
	for i := range want {
		if !sameBlock(doc.Blocks[i], want[i]) {
			t.Errorf("block %d = %s, want %s", i, blockDump(doc.Blocks[i:i+1]), blockDump(want[i:i+1]))
		}
	}
	if doc.Title != "Водич кроз услуге Сомбора" || doc.Format != "odt" {
		t.Errorf("Title = %q, Format = %q; want meta.xml's dc:title and odt", doc.Title, doc.Format)
	}

	// Without meta.xml the Title-style paragraph names the document.
	path = writeTemp(t, "bez-meta.odt", odtBytes(t, odtMimeText, [2]string{"content.xml", odtContent(body)}))
	doc, err = LoadFile(context.Background(), path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Vodič kroz usluge" {
		t.Errorf("Title without meta.xml = %q", doc.Title)
	}
}

func TestODTErrors(t *testing.T) {
	t.Parallel()
	good := odtBytes(t, odtMimeText, [2]string{"content.xml", odtContent(`<text:p>` + strings.Repeat("porez ", 2000) + `</text:p>`)})
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{name: "truncated", data: good[:len(good)/2], want: ErrCorrupt},
		{name: "not a zip", data: []byte("ovo nije zip arhiva"), want: ErrCorrupt},
		{name: "no content.xml", data: odtBytes(t, odtMimeText, [2]string{"meta.xml", odtMeta("x")}), want: ErrCorrupt},
		{name: "malformed xml", data: odtBytes(t, odtMimeText, [2]string{"content.xml", `<office:document-content><office:body><text:p>`}), want: ErrCorrupt},
		{name: "spreadsheet renamed", data: odtBytes(t, "application/vnd.oasis.opendocument.spreadsheet", [2]string{"content.xml", odtContent("")}), want: ErrUnsupported},
		{name: "no text", data: odtBytes(t, odtMimeText, [2]string{"content.xml", odtContent(`<text:p/><text:p> <text:s/> </text:p>`)}), want: ErrNoText},
		{name: "over unpacked limit", data: good, lim: Limits{MaxUnpackedBytes: 4096}, want: ErrTooLarge},
		{name: "zip bomb", data: odtBomb(t, false), want: ErrTooLarge},
		// The zip reader itself notices more bytes than the header said.
		{name: "zip bomb with lying header", data: odtBomb(t, true), want: ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadFile(context.Background(), writeTemp(t, "x.odt", tt.data), tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// odtBomb is zipBomb's stream stored as content.xml.
func odtBomb(tb testing.TB, lie bool) []byte {
	tb.Helper()
	deflated, sum := bombStream()
	hdr := &zip.FileHeader{Name: "content.xml", Method: zip.Deflate, CRC32: sum,
		CompressedSize64: uint64(len(deflated)), UncompressedSize64: bombSize}
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
	return buf.Bytes()
}
