package ingest

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
)

func TestGuessSerbianCodepage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		cm   *charmap.Charmap
		want string
	}{
		{"Градски услужни центар прима пријаве за порез на имовину.", charmap.Windows1251, "windows-1251"},
		{"Ђурђевдан, љубичица, њива, ћуприја, џеп, јеж.", charmap.Windows1251, "windows-1251"},
		{"ПОРЕЗ", charmap.Windows1251, "windows-1251"},
		{"Gradski uslužni centar prima prijave za porez na imovinu.", charmap.Windows1250, "windows-1250"},
		{"Šabac, Čačak, Ćuprija, Đurđevo, Žabalj.", charmap.Windows1250, "windows-1250"},
		{"Szabadka főútvonal, öt év múlva.", charmap.Windows1250, "windows-1250"},
		{"Lokalna poreska administracija; Пореска управа (oba pisma).", charmap.Windows1251, "windows-1251"},
	}
	for _, tt := range tests {
		data, err := tt.cm.NewEncoder().Bytes([]byte(tt.text))
		if err != nil {
			t.Fatalf("encode %q: %v", tt.text, err)
		}
		if _, got := guessSerbianCodepage(data); got != tt.want {
			t.Errorf("%q: guessed %s, want %s", tt.text, got, tt.want)
		}
		decoded, err := decodeText(data)
		if err != nil || decoded != tt.text {
			t.Errorf("decodeText = %q, %v; want %q", decoded, err, tt.text)
		}
	}
}

func TestDecodeText(t *testing.T) {
	t.Parallel()
	utf16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes([]byte("Порез на имовину"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		want string
		err  error
	}{
		{name: "utf-8", in: []byte("Порез, plaćanje"), want: "Порез, plaćanje"},
		{name: "utf-8 with bom", in: []byte("\xef\xbb\xbfПорез"), want: "Порез"},
		{name: "utf-16 with bom", in: utf16, want: "Порез на имовину"},
		{name: "utf-8 with one broken byte", in: []byte("Порез на имовину плаћа власник \xff непокретности."), want: "Порез на имовину плаћа власник \uFFFD непокретности."},
		{name: "nul bytes", in: []byte("PK\x03\x04\x00\x00binary"), err: ErrBinary},
		{name: "control bytes", in: []byte(strings.Repeat("\x01\x02\x1b", 10) + "tekst"), err: ErrBinary},
		{name: "empty", in: nil, err: ErrEmpty},
		{name: "whitespace", in: []byte("\r\n \t\n"), err: ErrEmpty},
	}
	for _, tt := range tests {
		got, err := decodeText(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: err = %v, want %v", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

// TestPlainTextNoLetters: digits and punctuation only is not a document.
func TestPlainTextNoLetters(t *testing.T) {
	t.Parallel()
	if _, err := parsePlainText([]byte("12 34 -- 56\n78")); !errors.Is(err, ErrNoText) {
		t.Fatalf("err = %v, want ErrNoText", err)
	}
}
