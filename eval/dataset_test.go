package eval_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
)

// The example, verbatim: datasets written elsewhere must run
// unchanged.
const specExample = `
- id: q01
  question: "Do kada se plaća prva rata poreza na imovinu?"
  municipality: sombor          # optional, default municipality otherwise
  expect_sources: [porez-na-imovinu.docx]   # any one among the answer's sources counts
  expect_facts: ["14. februar"] # substrings of a good answer, compared after lowercasing,
                                # Cyrillic->Latin and folding diacritics
  expect_refusal: false         # true: the answer must decline and cite nothing
  expect_tool: ""               # communal_report | registry_extract: the turn must start that form
- id: q02
  question: "Hoću da prijavim rupu na putu"
  expect_tool: communal_report
`

func TestParseSpecExample(t *testing.T) {
	items, err := eval.Parse([]byte(specExample))
	if err != nil {
		t.Fatal(err)
	}
	want := []eval.Item{
		{ID: "q01", Question: "Do kada se plaća prva rata poreza na imovinu?", Municipality: "sombor",
			ExpectSources: []string{"porez-na-imovinu.docx"}, ExpectFacts: []string{"14. februar"}},
		{ID: "q02", Question: "Hoću da prijavim rupu na putu", ExpectTool: "communal_report"},
	}
	if !reflect.DeepEqual(items, want) {
		t.Errorf("got %+v\nwant %+v", items, want)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // every one must be in the error
	}{
		{"unknown key", "- id: a\n  question: q\n  expect_source: [x.md]\n", []string{"expect_source"}},
		{"empty", "", []string{"empty"}},
		{"empty list", "[]\n", []string{"empty"}},
		{"not a list", "id: a\nquestion: q\n", []string{"parse dataset"}},
		{"two documents", "- id: a\n  question: q\n---\n- id: b\n  question: q\n", []string{"one YAML document"}},
		{"all problems at once",
			"- id: a\n  question: q\n- id: a\n  question: \"  \"\n  expect_tool: file_complaint\n- question: q\n  expect_facts: [\"\"]\n",
			[]string{`item 2 (id "a"): id appears twice`, "item 2", "question is empty", `expect_tool "file_complaint"`,
				"item 3", "id is empty", "empty fact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := eval.Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("- id: a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := eval.Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "question is empty") {
		t.Errorf("err = %v", err)
	}
	if _, err := eval.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}
