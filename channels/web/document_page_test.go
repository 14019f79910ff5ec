package web_test

import (
	"io"
	"strings"
	"testing"
)

func TestPages(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	tests := []struct {
		path, contains string
		status         int
	}{
		{"/", `data-municipality="sombor"`, 200},
		{"/widget.js", `"cyr":{`, 200},
		{"/widget.css", ".mia-launcher", 200},
		{"/documents/1?chunk=999999", "<h1>", 200},
		{"/documents/999999", "nije pronađen", 404},
		{"/documents/1?municipality=atlantida", "nije pronađen", 404},
		{"/documents/abc", "nije pronađen", 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := b.do(t, "GET", tt.path, nil, nil)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status || !strings.Contains(string(body), tt.contains) {
				t.Errorf("%s, want %d containing %q:\n%.400s", res.Status, tt.status, tt.contains, body)
			}
		})
	}
	// Without a valid chunk nothing is marked; the widget script's texts are in both scripts.
	res := b.do(t, "GET", "/documents/1?chunk=999999", nil, nil)
	if body, _ := io.ReadAll(res.Body); strings.Contains(string(body), "<mark") {
		t.Error("a chunk of another document is marked")
	}
	js := b.do(t, "GET", "/widget.js", nil, nil)
	if body, _ := io.ReadAll(js.Body); !strings.Contains(string(body), "Пошаљи") {
		t.Error("widget.js lacks the Cyrillic texts")
	}
}
