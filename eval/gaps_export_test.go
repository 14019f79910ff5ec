package eval_test

import (
	"strings"
	"testing"

	"github.com/miasrbija/mia/eval"
)

// TestGapItemsRoundTrip: exported gaps are a dataset Parse accepts, one
// refusal item per distinct question, with the group named in a comment.
func TestGapItemsRoundTrip(t *testing.T) {
	var b strings.Builder
	err := eval.WriteGapItems(&b, []eval.GapGroup{
		{ID: 7, Municipality: "sombor", Status: "new", Questions: []string{"Koliko košta parking?", "Колико кошта паркинг?", "Koliko košta parking?", " "},
			Documents: []string{"Lokalni javni prihodi (2)"}},
		{ID: 9, Municipality: "sombor", Status: "document_added", Questions: []string{"Zovite me na [TELEFON], gde je bazen?"}},
		{ID: 11, Municipality: "sombor", Status: "new"}, // nothing to export
	})
	if err != nil {
		t.Fatal(err)
	}
	items, err := eval.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("the export does not parse: %v\n%s", err, b.String())
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
		if !it.ExpectRefusal || it.Municipality != "sombor" {
			t.Errorf("item %+v", it)
		}
	}
	if strings.Join(ids, " ") != "gap-sombor-7-1 gap-sombor-7-2 gap-sombor-9-1" {
		t.Errorf("ids %v", ids)
	}
	if !strings.Contains(b.String(), "# group 7 (sombor), new: 2 question(s); documents retrieved: Lokalni javni prihodi (2)") {
		t.Errorf("no group comment:\n%s", b.String())
	}
	if err := eval.WriteGapItems(&b, nil); err == nil {
		t.Error("an empty export is not a dataset")
	}
}
