package assistant_test

import (
	"context"
	"testing"

	"github.com/miasrbija/mia/postgres/docstore"
)

// TestCitationCarriesLastChange: a citation shows when its document last
// changed, the document's updated_at, in the reply and in the history.
func TestCitationCarriesLastChange(t *testing.T) {
	b := setup(t)
	e := b.engine(t)
	r, _ := ask(t, e, "freshness", "Do kada se plaća porez na imovinu?")
	if len(r.Citations) == 0 {
		t.Fatalf("no citation: %s", r.Text)
	}
	store := docstore.New(b.db)
	for _, c := range r.Citations {
		doc, err := store.Document(context.Background(), "sombor", c.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		if doc.UpdatedAt.IsZero() || !c.UpdatedAt.Equal(doc.UpdatedAt) {
			t.Errorf("[%d] %s: updated %v, want the document's %v", c.N, c.Source, c.UpdatedAt, doc.UpdatedAt)
		}
	}
}
