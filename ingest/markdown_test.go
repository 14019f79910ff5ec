package ingest

import (
	"errors"
	"testing"
)

func TestMarkdownBlocks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []Block
	}{
		{
			name: "atx headings with closing hashes, setext headings",
			in:   "# Порез #\n\nТекст.\n\nРокови\n======\n\nОбвезници\n---------\nДо маја.\n\n####### седам\n",
			want: []Block{
				{Kind: Heading, Level: 1, Text: "Порез"},
				{Kind: Paragraph, Text: "Текст."},
				{Kind: Heading, Level: 1, Text: "Рокови"},
				{Kind: Heading, Level: 2, Text: "Обвезници"},
				{Kind: Paragraph, Text: "До маја."},
				{Kind: Paragraph, Text: "####### седам"},
			},
		},
		{
			name: "lists with lazy continuation and a thematic break",
			in:   "- прва\n  ставка\n* друга\n1. трећа\n2) четврта\n\n***\n\nКрај.",
			want: []Block{
				{Kind: ListItem, Text: "прва ставка"},
				{Kind: ListItem, Text: "друга"},
				{Kind: ListItem, Text: "трећа"},
				{Kind: ListItem, Text: "четврта"},
				{Kind: Paragraph, Text: "Крај."},
			},
		},
		{
			name: "pipe table without outer pipes, alignment row",
			in:   "Шалтер | Услуга\n:---|---:\n5 | Порез `ППИ-1`\n8 | [Изводи](https://x)\n\nПосле табеле.",
			want: []Block{
				{Kind: Table, Rows: [][]string{{"Шалтер", "Услуга"}, {"5", "Порез ППИ-1"}, {"8", "Изводи"}}},
				{Kind: Paragraph, Text: "После табеле."},
			},
		},
		{
			name: "fenced code kept verbatim, unclosed fence runs to the end",
			in:   "~~~\nа  б\n# није наслов\n~~~\n```go\nx := 1\n",
			want: []Block{
				{Kind: Paragraph, Text: "а  б\n# није наслов"},
				{Kind: Paragraph, Text: "x := 1\n"},
			},
		},
		{
			name: "inline markup stripped",
			in:   "> **Важно:** уплата на _рачун_ *840* ![слика](a.png) <br/> <https://sombor.rs> \\*звездица\\* file_name_x `a\\*b`",
			want: []Block{
				{Kind: Paragraph, Text: "Важно: уплата на рачун 840 слика  https://sombor.rs *звездица* file_name_x a\\*b"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := markdownBlocks(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("got\n%swant\n%s", blockDump(got), blockDump(tt.want))
			}
			for i := range tt.want {
				if !sameBlock(got[i], tt.want[i]) {
					t.Errorf("block %d = %swant %s", i, blockDump(got[i:i+1]), blockDump(tt.want[i:i+1]))
				}
			}
		})
	}
}

func TestFrontMatter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		title     string
		url       string
		firstKind BlockKind
		err       error
	}{
		{name: "title and url, other keys ignored", in: "---\ntitle: Водич\nsource_url: https://sombor.rs/v\nlayout: page\n---\nТекст.", title: "Водич", url: "https://sombor.rs/v", firstKind: Paragraph},
		{name: "dots close it too", in: "---\ntitle: Водич\n...\nТекст.", title: "Водич", firstKind: Paragraph},
		{name: "CRLF", in: "---\r\ntitle: Водич\r\n---\r\nТекст.\r\n", title: "Водич", firstKind: Paragraph},
		{name: "unclosed: a thematic break, not front matter", in: "---\nТекст без заглавља.", firstKind: Paragraph},
		{name: "not at the start", in: "Увод.\n\n---\ntitle: x\n", firstKind: Paragraph},
		{name: "invalid yaml", in: "---\ntitle: [\n---\nТекст.", err: ErrMetadata},
		{name: "url not http", in: "---\nsource_url: ftp://sombor.rs/x\n---\nТекст.", err: ErrMetadata},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := parseMarkdown([]byte(tt.in))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tt.title || doc.URL != tt.url {
				t.Errorf("title, url = %q, %q; want %q, %q", doc.Title, doc.URL, tt.title, tt.url)
			}
			if len(doc.Blocks) == 0 || doc.Blocks[0].Kind != tt.firstKind {
				t.Errorf("blocks:\n%s", blockDump(doc.Blocks))
			}
		})
	}
}
