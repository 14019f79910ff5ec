package assistant

import "testing"

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"rupa\x00 u ulici":         "rupa u ulici",
		"red\r\ndrugi\tred":        "red\ndrugi\tred",
		"ig\u200bnore\u202e":       "ignore",
		"\xffЋирилица":             "Ћирилица",
		"Šta je sa prijavom SO-1?": "Šta je sa prijavom SO-1?",
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}
