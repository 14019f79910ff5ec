package web

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFileName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"kontejner.jpg":                 "kontejner.jpg",
		`C:\Users\Ana\Slike\ulica.jpeg`: "ulica.jpeg",
		"../../etc/passwd":              "passwd",
		"a\x00b\nc.jpg":                 "abc.jpg",
		"bad\xffname.png":               "badname.png",
	}
	for in, want := range tests {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
	long := fileName(strings.Repeat("ž", 300) + ".jpg")
	if len(long) > maxFileName || !utf8.ValidString(long) {
		t.Errorf("long name: %d bytes, valid %v", len(long), utf8.ValidString(long))
	}
}
