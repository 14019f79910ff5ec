package web

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/miasrbija/mia/municipality"
)

// The widget carries its words ekavian and ijekavian, and names the
// municipalities that get the latter.
func TestWidgetTextsByVariant(t *testing.T) {
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	js, err := buildWidget(reg)
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(js, []byte(`{"ekavian"`))
	if start < 0 {
		t.Fatal("no texts in widget.js")
	}
	var texts struct {
		Ekavian, Ijekavian map[string]map[string]string
		Slugs              []string `json:"ijekavianSlugs"`
	}
	if err := json.NewDecoder(bytes.NewReader(js[start:])).Decode(&texts); err != nil {
		t.Fatal(err)
	}
	if len(texts.Slugs) != 1 || texts.Slugs[0] != "laktasi" {
		t.Errorf("ijekavian municipalities: %v", texts.Slugs)
	}
	for _, c := range []struct {
		set               map[string]map[string]string
		script, key, want string
	}{
		{texts.Ekavian, "lat", "followWait", "Proveravam…"},
		{texts.Ijekavian, "lat", "followWait", "Provjeravam…"},
		{texts.Ijekavian, "cyr", "followWait", "Провјеравам…"},
		{texts.Ijekavian, "lat", "reasonOutdated", "Zastarjelo"},
	} {
		if got := c.set[c.script][c.key]; got != c.want {
			t.Errorf("%s %s = %q, want %q", c.script, c.key, got, c.want)
		}
	}
}

// A document page frames the document in the municipality's variant and
// shows the document as written.
func TestDocumentPageVariant(t *testing.T) {
	v := documentView{Lang: "sr-Latn", Municipality: "Opština Laktaši", Title: "Rešenje o vremenu odvoza",
		Before: "Odvoz je posle podne, ", Marked: "svake nedelje.", Detached: true, Changed: "1. 12. 2026."}
	var ij, ek bytes.Buffer
	if err := documentTmplIjekavian.Execute(&ij, v); err != nil {
		t.Fatal(err)
	}
	if err := documentTmpl.Execute(&ek, v); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Izmijenjeno 1. 12. 2026.", "dio baze znanja", "Cio dokument", "Rešenje o vremenu odvoza", "Odvoz je posle podne", "svake nedelje.", citeScript} {
		if !bytes.Contains(ij.Bytes(), []byte(want)) {
			t.Errorf("ijekavian page lacks %q", want)
		}
	}
	if !bytes.Contains(ek.Bytes(), []byte("Ceo dokument")) || !bytes.Contains(ek.Bytes(), []byte("Izmenjeno 1. 12. 2026.")) {
		t.Errorf("ekavian page changed:\n%s", ek.String())
	}
}
