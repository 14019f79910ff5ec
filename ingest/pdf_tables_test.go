package ingest

import (
	"context"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// tablesOf returns the document's tables.
func tablesOf(doc *Document) [][][]string {
	var out [][][]string
	for _, b := range doc.Blocks {
		if b.Kind == Table {
			out = append(out, b.Rows)
		}
	}
	return out
}

// TestPDFTables reads tables of PDFs made by LibreOffice (see
// testdata/make_fixtures.sh): header and rows cell by cell, cells that
// wrap onto more lines joined, one centred beside a wrapped cell.
func TestPDFTables(t *testing.T) {
	t.Parallel()
	requirePdftotext(t)
	tests := []struct {
		file   string
		tables [][][]string
		before []string // the block right before each table
	}{
		{
			// The header "Шалтер Радно време" is one line for pdftotext,
			// and so is "Изводи из матичних књига 8".
			file: "porez.pdf",
			tables: [][][]string{{
				{"Услуга", "Шалтер", "Радно време"},
				{"Порез на имовину", "5", "7:30–15:30"},
				{"Изводи из матичних књига", "8", "7:30–15:30"},
			}},
			before: []string{"копија уговора о куповини или решења о наслеђивању"},
		},
		{
			file: "cene.pdf",
			tables: [][][]string{
				{
					{"Програм", "Месечна цена"},
					{"Целодневни боравак", "6.500 динара"},
					{"Полудневни боравак (до четири сата дневно, без ручка)", "3.200 динара"},
					{"Припремни предшколски програм", "бесплатно"},
				},
				{
					{"Служба", "Телефон"},
					{"Управа установе", "025/412-300"},
					{"Рачуноводство", "025/412-301"},
					{"Нутрициониста", "025/412-305"},
				},
			},
			before: []string{"Месечне цене", "Контакти"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			doc := mustLoad(t, tt.file)
			if got := tablesOf(doc); !reflect.DeepEqual(got, tt.tables) {
				t.Fatalf("tables:\n%q\nwant\n%q", got, tt.tables)
			}
			n := 0
			for i, b := range doc.Blocks {
				if b.Kind != Table {
					continue
				}
				if i == 0 || doc.Blocks[i-1].Text != tt.before[n] {
					t.Errorf("table %d follows %+v, want %q", n, doc.Blocks[max(i-1, 0)], tt.before[n])
				}
				n++
			}
			// No cell is left behind as a paragraph of its own (a heading
			// "Порез на имовину" is the title).
			for _, b := range doc.Blocks {
				for _, row := range tt.tables {
					for _, cells := range row[1:] {
						if b.Kind == Paragraph && slices.Contains(cells, b.Text) {
							t.Errorf("cell %q is also a %s", b.Text, b.Kind)
						}
					}
				}
			}
		})
	}
}

// TestPDFTablesChangeNothingElse: text with no table comes out block for
// block as the line heuristics read pdftotext's text alone: a heading
// beside a date, "label:<tab>value" lines, a contents list with
// right-aligned page numbers and prose in two columns are not tables.
func TestPDFTablesChangeNothingElse(t *testing.T) {
	t.Parallel()
	requirePdftotext(t)
	for _, file := range []string{"rasprava.pdf", "odluka.pdf"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("testdata", file)
			doc, err := LoadFile(context.Background(), path, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-eol", "unix", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			want := cleanBlocks(blocksFromText(string(out)))
			if !reflect.DeepEqual(doc.Blocks, want) {
				t.Errorf("blocks differ from the text-only reading:\n%+v\nwant\n%+v", doc.Blocks, want)
			}
			if n := countKind(doc, Table); n != 0 {
				t.Errorf("%d tables, want none", n)
			}
		})
	}
	doc := mustLoad(t, "rasprava.pdf")
	text := docText(doc)
	for _, want := range []string{"Место:", "025/468-150", "Казнене одредбе", "Сви пристигли предлози биће"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

// TestPDFTablesOnlyInTheTable: on porez.pdf, everything outside the table
// reads as it does from pdftotext's text alone.
func TestPDFTablesOnlyInTheTable(t *testing.T) {
	t.Parallel()
	requirePdftotext(t)
	path := filepath.Join("testdata", "porez.pdf")
	doc := mustLoad(t, "porez.pdf")
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", "-eol", "unix", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	old := cleanBlocks(blocksFromText(string(out)))
	i := slices.IndexFunc(doc.Blocks, func(b Block) bool { return b.Kind == Table })
	if i < 0 {
		t.Fatal("no table")
	}
	if !reflect.DeepEqual(doc.Blocks[:i], old[:i]) {
		t.Errorf("blocks before the table differ:\n%+v\nwant\n%+v", doc.Blocks[:i], old[:i])
	}
	if last, oldLast := doc.Blocks[len(doc.Blocks)-1], old[len(old)-1]; !reflect.DeepEqual(last, oldLast) {
		t.Errorf("last block %+v, want %+v", last, oldLast)
	}
}

// TestSpliceTablesNeedsMatchingText: a page whose text is not what the
// layout run read (OCR replaced it) keeps its text and gets no table.
func TestSpliceTablesNeedsMatchingText(t *testing.T) {
	t.Parallel()
	layout := []layoutPage{{
		keys:   []string{"Услуга", "Шалтер", "Порез", "5"},
		tables: []pageTable{{first: 0, last: 3, rows: [][]string{{"Услуга", "Шалтер"}, {"Порез", "5"}}}},
	}}
	ocr := "Текст који је прочитао OCR\nсасвим другачији\n\f"
	if got, tables := spliceTables(ocr, layout); got != ocr || tables != nil {
		t.Errorf("spliceTables changed OCR text: %q, %v", got, tables)
	}
	same := "Услуга\nШалтер\n\nПорез\n5\n\f"
	got, tables := spliceTables(same, layout)
	if len(tables) != 1 || strings.Contains(got, "Порез") {
		t.Errorf("spliceTables(%q) = %q, %v", same, got, tables)
	}
	blocks := blocksFromPDFText(got, tables)
	if len(blocks) != 1 || blocks[0].Kind != Table {
		t.Errorf("blocks = %+v, want one table", blocks)
	}
}

// TestPlausibleTable: the cell checks that keep look-alikes out.
func TestPlausibleTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows [][]string
		want bool
	}{
		{"price list", [][]string{{"Програм", "Цена"}, {"Целодневни боравак", "6.500 динара"}}, true},
		{"empty corner cell", [][]string{{"", "Пон", "Уто"}, {"Шалтер 5", "7:30", "7:30"}, {"Шалтер 8", "8:00", "8:00"}}, true},
		{"label: value lines", [][]string{{"Место:", "Велика сала"}, {"Телефон:", "025/468-150"}}, false},
		{"labels below a header", [][]string{{"Податак", "Вредност"}, {"Место:", "сала"}, {"Телефон:", "025/468-150"}}, false},
		{"contents with page numbers", [][]string{{"Опште одредбе", "3"}, {"Казнене одредбе", "9"}}, false},
		{"heading beside a date", [][]string{{"ОБАВЕШТЕЊЕ", "12.03.2027."}, {"Градска управа", "Сомбор"}}, false},
		{"leader dots", [][]string{{"Поглавље", "Страна"}, {"Увод", "....."}, {"Крај", "7"}}, false},
		{"a list in two columns", [][]string{{"• изводи", "• уверења"}, {"• пријаве", "• жалбе"}}, false},
		{"a column filled once", [][]string{{"Услуга", "Напомена"}, {"Порез", ""}, {"Изводи", ""}}, false},
	}
	for _, tt := range tests {
		if got := plausibleTable(tt.rows); got != tt.want {
			t.Errorf("%s: plausibleTable = %v, want %v", tt.name, got, tt.want)
		}
	}
}
