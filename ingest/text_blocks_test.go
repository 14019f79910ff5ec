package ingest

import (
	"errors"
	"strings"
	"testing"
)

func TestBlocksFromText(t *testing.T) {
	t.Parallel()
	long := "Градски услужни центар прима пријаве за порез на имовину сваког радног"
	tests := []struct {
		name string
		in   string
		want []Block
	}{
		{
			name: "wrapped lines join, short line ends the paragraph",
			in:   long + "\nдана од 7:30 до 15:30 часова.\nНова реченица почиње овде.\n",
			want: []Block{
				{Kind: Paragraph, Text: long + " дана од 7:30 до 15:30 часова."},
				{Kind: Paragraph, Text: "Нова реченица почиње овде."},
			},
		},
		{
			name: "hyphenated line break",
			in:   "Obveznik podnosi prijavu Odeljenju lokalne poreske admini-\nstracije u roku od trideset dana od dana sticanja.\n\nКопија ППИ-\n1 образац.",
			want: []Block{
				{Kind: Paragraph, Text: "Obveznik podnosi prijavu Odeljenju lokalne poreske administracije u roku od trideset dana od dana sticanja."},
				{Kind: Paragraph, Text: "Копија ППИ-1 образац."},
			},
		},
		{
			name: "title, numbered headings, article heading, bullets",
			in:   "ОДЛУКА О ТАКСАМА\n\n1. Опште одредбе\n1.1 Предмет\nОвом одлуком уводе се таксе.\n\nЧлан 5.\nТакса се плаћа:\n• за истицање фирме;\n– за коришћење простора.\na) посебно\n",
			want: []Block{
				{Kind: Heading, Level: 1, Text: "ОДЛУКА О ТАКСАМА"},
				{Kind: Heading, Level: 2, Text: "1. Опште одредбе"},
				{Kind: Heading, Level: 3, Text: "1.1 Предмет"},
				{Kind: Paragraph, Text: "Овом одлуком уводе се таксе."},
				{Kind: Heading, Level: 4, Text: "Члан 5."},
				{Kind: Paragraph, Text: "Такса се плаћа:"},
				{Kind: ListItem, Text: "за истицање фирме;"},
				{Kind: ListItem, Text: "за коришћење простора."},
				{Kind: ListItem, Text: "посебно"},
			},
		},
		{
			name: "a run of numbered short lines is a list, not headings",
			in:   "Увод у документ који је довољно дугачак да буде пасус.\n\n1. Лична карта\n2. Извод из матичне књиге\n3. Фотографија\nЗахтев се подноси лично.",
			want: []Block{
				{Kind: Paragraph, Text: "Увод у документ који је довољно дугачак да буде пасус."},
				{Kind: Paragraph, Text: "1. Лична карта"},
				{Kind: Paragraph, Text: "2. Извод из матичне књиге"},
				{Kind: Paragraph, Text: "3. Фотографија"},
				{Kind: Paragraph, Text: "Захтев се подноси лично."},
			},
		},
		{
			name: "short lines without body are not headings (table cells)",
			in:   "Увод у табелу која следи у наставку овог документа.\n\nУслуга\nШалтер\nПорез на имовину\n5\n",
			want: []Block{
				{Kind: Paragraph, Text: "Увод у табелу која следи у наставку овог документа."},
				{Kind: Paragraph, Text: "Услуга"},
				{Kind: Paragraph, Text: "Шалтер"},
				{Kind: Paragraph, Text: "Порез на имовину"},
				{Kind: Paragraph, Text: "5"},
			},
		},
		{
			name: "page numbers and running headers dropped, paragraph continues across pages",
			in: "ГРАД СОМБОР\nПрва страна садржи текст о порезу на имовину који се наставља на\n1\f" +
				"ГРАД СОМБОР\nследећој страни без прекида пасуса.\n2\f" +
				"ГРАД СОМБОР\nТрећа страна.\nСтрана 3 од 3\f",
			want: []Block{
				{Kind: Paragraph, Text: "Прва страна садржи текст о порезу на имовину који се наставља на следећој страни без прекида пасуса."},
				{Kind: Paragraph, Text: "Трећа страна."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := cleanBlocks(blocksFromText(tt.in))
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

func TestCheckExtractedText(t *testing.T) {
	t.Parallel()
	good := strings.Repeat("Порез на имовину плаћа се тромесечно. ", 5)
	tests := []struct {
		name  string
		text  string
		pages int
		want  error
	}{
		{"good text", good, 1, nil},
		{"amounts table", "Стан 0,30% 1.234.567,00 | 2.345,00 | 12,5%\n" + good, 1, nil},
		{"only form feeds", "\f\f", 2, ErrNoText},
		{"a stamp on three pages", "Страна 1\fСтрана 2\fСтрана 3\f", 3, ErrNoText},
		{"replacement characters", good + strings.Repeat("\uFFFD", 20), 1, ErrGarbled},
		{"private-use glyphs", good + strings.Repeat("\uE012\uE013", 10), 1, ErrGarbled},
		{"control characters", good + strings.Repeat("\x14\x03", 10), 1, ErrGarbled},
		{"broken ToUnicode map", strings.Repeat(`\x14>3>2>@ #$%^&* `, 20) + "Ab", 1, ErrGarbled},
	}
	for _, tt := range tests {
		err := checkExtractedText(tt.text, tt.pages)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"  по\u00adрез  на\u00a0\u00a0имовину ": "порез на имовину",
		"c\u030cas\r\n\r\n  drugi red ":         "čas\ndrugi red",
		"Ime:\t\t Petar":                        "Ime:\tPetar",
		"a\u200bb\ufeffc":                       "abc",
	}
	for in, want := range tests {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
