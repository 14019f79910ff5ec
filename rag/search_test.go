package rag_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// demoSearcher ingests the demo corpus into a fresh database.
func demoSearcher(t *testing.T) *rag.Searcher {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	store := docstore.New(db)
	emb := rag.NewHashEmbedder()
	r := &ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}
	sum, err := r.Run(context.Background(), []string{"../corpus/sombor"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed > 0 || sum.Added < 15 {
		t.Fatalf("demo corpus: %+v", sum)
	}
	return rag.NewSearcher(store, emb)
}

// TestSearchVariants: every way citizens write a question finds the
// intended document in the top 5: both scripts, no diacritics, dj for đ,
// ijekavian, inflected forms and typos.
func TestSearchVariants(t *testing.T) {
	s := demoSearcher(t)
	const (
		decji     = "decji-dodatak.md"
		roditelj  = "roditeljski-dodatak.pdf"
		porez     = "porez-na-imovinu.md"
		izvodi    = "izvodi-iz-maticnih-knjiga.docx"
		eizvod    = "eizvod-i-bebo-dobro-dosla.md"
		drzav     = "uverenje-o-drzavljanstvu.md"
		uverenje  = "uverenje-o-izmirenim-lokalnim-javnim-prihodima.md"
		ljp       = "lokalni-javni-prihodi.md"
		socijalna = "novcana-socijalna-pomoc.html"
		cistoca   = "jkp-cistoca-kabasti-otpad-zoohigijena.md"
		zelenilo  = "jkp-zelenilo-javna-rasveta.md"
		vodokanal = "jkp-vodokanal.md"
		prostor   = "jkp-prostor-odrzavanje-sela.md"
		inspekc   = "komunalna-inspekcija-i-komunalna-policija.md"
		komunalni = "komunalni-problemi.html"
		centar    = "gradski-usluzni-centar.html"
		uprava    = "gradska-uprava-adresa-i-kontakti.md"
		biznis    = "pokretanje-biznisa-u-somboru.docx"
		jmbg      = "jmbg-vodic.pdf"
		mesec     = "obavestenje-mesec-cistoce-cp1251.txt"
		sneg      = "obavestenje-sneg-i-led-cp1250.txt"
		mia       = "mia-kako-koristiti.md"
	)
	tests := []struct {
		query string
		want  []string // any one in the top 5 passes
	}{
		{"dečji dodatak", []string{decji}},
		{"decji dodatak", []string{decji}},
		{"дечји додатак", []string{decji}},
		{"dječji dodatak", []string{decji}},
		{"djecji dodatk", []string{decji}},
		{"kako da dobijem dečiji dodatak za dete", []string{decji}},
		{"DECJI DODATAK USLOVI", []string{decji}},
		{"roditeljski dodatak za drugo dete", []string{roditelj}},
		{"родитељски додатак", []string{roditelj}},
		{"roditeljskog dodatka rok za podnošenje", []string{roditelj}},
		{"do kada se plaća prva rata poreza na imovinu", []string{porez}},
		{"порез на имовину рокови плаћања", []string{porez}},
		{"porez na imovinu tromesecne rate", []string{porez}},
		{"porz na imovnu", []string{porez}},
		{"izvod iz matične knjige rođenih", []string{izvodi, eizvod}},
		{"izvod iz maticne knjige rodjenih", []string{izvodi, eizvod}},
		{"извод из матичне књиге рођених", []string{izvodi, eizvod}},
		{"izvod iz matične knjige vjenčanih", []string{izvodi}},
		{"međunarodni izvod", []string{izvodi, eizvod}},
		{"medjunarodni obrazac izvoda", []string{izvodi, eizvod}},
		{"uvjerenje o državljanstvu", []string{drzav}},
		{"uverenje o drzavljanstvu", []string{drzav}},
		{"уверење о држављанству", []string{drzav}},
		{"uverenje o izmirenim obavezama po osnovu lokalnih javnih prihoda", []string{uverenje}},
		{"kako se obračunava poreski dug", []string{uverenje, ljp, porez}},
		{"novčana socijalna pomoć", []string{socijalna}},
		{"novcana socijalna pomoc uslovi", []string{socijalna}},
		{"новчана социјална помоћ", []string{socijalna}},
		{"socijalne pomoći centar za socijalni rad", []string{socijalna}},
		{"odvoz kabastog otpada", []string{cistoca, mesec}},
		{"uginula životinja na ulici", []string{cistoca, komunalni}},
		{"ne radi ulična rasveta", []string{zelenilo, komunalni}},
		{"не ради улична расвета", []string{zelenilo, komunalni}},
		{"pukla cev curi voda", []string{vodokanal, komunalni}},
		{"zapušena kanalizacija", []string{vodokanal, komunalni}},
		{"održavanje sela mesne zajednice", []string{prostor}},
		{"divlja deponija komunalna policija", []string{inspekc, komunalni}},
		{"šalter 8 uslužni centar", []string{centar}},
		{"telefon info pulta", []string{centar, uprava}},
		{"adresa gradske uprave", []string{uprava}},
		{"kako da otvorim firmu u Somboru", []string{biznis}},
		{"registracija preduzetnika u APR", []string{biznis}},
		{"elektronski izvod eIzvod", []string{eizvod, izvodi}},
		{"Bebo, dobro došla na svet", []string{eizvod}},
		{"kontrolna cifra JMBG", []string{jmbg}},
		{"mesec čistoće u aprilu", []string{mesec, cistoca}},
		{"čišćenje snega i leda ispred kuće", []string{sneg}},
		{"šta sve MIA može da uradi", []string{mia}},
		{"prijava komunalnog problema sa fotografijom", []string{komunalni, mia}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := s.Search(context.Background(), rag.Query{Municipality: "sombor", Text: tt.query, K: 5})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Source)
			}
			if !slices.ContainsFunc(got, func(s string) bool { return slices.Contains(tt.want, s) }) {
				t.Errorf("top 5 = %v (terms %v); want one of %v", got, res.Terms, tt.want)
			}
		})
	}
}

// TestSearchConfidence: the relevance signal separates questions the
// corpus answers from those it does not.
func TestSearchConfidence(t *testing.T) {
	s := demoSearcher(t)
	inScope := []string{
		"do kada se plaća porez na imovinu",
		"дечји додатак услови",
		"gde se vadi izvod iz matične knjige rođenih",
		"kome da prijavim da ne radi ulična rasveta",
	}
	outOfScope := []string{
		"koliko košta avionska karta do Beča",
		"ko je osvojio svetsko prvenstvo u fudbalu",
		"recept za sarmu sa kiselim kupusom",
		// Weather and other small talk are the router's to decline
		// (assistant.Classify): "vreme" and "Novi Sad" occur in the
		// documents. A known limit of this lexical signal: a question
		// sharing rare generic words with them ("najbolji restoran u
		// gradu") scores as covered.
	}
	for _, q := range inScope {
		res, err := s.Search(context.Background(), rag.Query{Municipality: "sombor", Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Confident {
			t.Errorf("%q: confidence %.2f, want ≥ %.2f (terms %v)", q, res.Confidence, rag.ConfidenceThreshold, res.Terms)
		}
	}
	for _, q := range outOfScope {
		res, err := s.Search(context.Background(), rag.Query{Municipality: "sombor", Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Confident {
			top := ""
			if len(res.Hits) > 0 {
				top = res.Hits[0].Source
			}
			t.Errorf("%q: confidence %.2f (top %s), want below %.2f", q, res.Confidence, top, rag.ConfidenceThreshold)
		}
	}
}

// TestSearchResultShape: hits carry what citations need, no document
// floods the results, and another municipality sees nothing.
func TestSearchResultShape(t *testing.T) {
	s := demoSearcher(t)
	res, err := s.Search(context.Background(), rag.Query{Municipality: "sombor", Text: "porez na imovinu", K: 8})
	if err != nil {
		t.Fatal(err)
	}
	perDoc := map[string]int{}
	for _, h := range res.Hits {
		perDoc[h.Source]++
		if h.Title == "" || h.Content == "" || h.DocumentID == 0 || h.Score <= 0 {
			t.Errorf("incomplete hit %+v", h)
		}
		if perDoc[h.Source] > 3 {
			t.Errorf("%s has %d hits in the top 8", h.Source, perDoc[h.Source])
		}
	}
	if len(res.Hits) < 5 {
		t.Errorf("only %d hits", len(res.Hits))
	}
	if res.Hits[0].Source != "porez-na-imovinu.md" || !strings.Contains(strings.ToLower(res.Hits[0].Title), "порез") {
		t.Errorf("top hit %s %q", res.Hits[0].Source, res.Hits[0].Title)
	}
	other, err := s.Search(context.Background(), rag.Query{Municipality: "novi-sad", Text: "porez na imovinu"})
	if err != nil {
		t.Fatal(err)
	}
	if len(other.Hits) != 0 || other.Confident {
		t.Errorf("another municipality got %d hits", len(other.Hits))
	}
}

// efRecorder records the HNSW candidate list each vector search asks for.
type efRecorder struct {
	rag.Index
	ef, candidates []int
	found          []int
}

func (r *efRecorder) VectorSearch(ctx context.Context, q rag.VectorQuery) ([]rag.Candidate, error) {
	r.ef = append(r.ef, q.EfSearch)
	r.candidates = append(r.candidates, q.Candidates)
	found, err := r.Index.VectorSearch(ctx, q)
	r.found = append(r.found, len(found))
	return found, err
}

// TestEfSearchBySize: a municipality of LargeAbove chunks or more is
// searched with the larger candidate list and re-ranks CandidatesLarge
// rows, a smaller one with EfSearch and Candidates; both return the
// branch's Depth.
func TestEfSearchBySize(t *testing.T) {
	db, _ := pgtest.NewDB(t)
	store := docstore.New(db)
	emb := rag.NewHashEmbedder()
	if _, err := (&ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}).Run(context.Background(), []string{"../corpus/sombor"}); err != nil {
		t.Fatal(err)
	}
	rec := &efRecorder{Index: store}
	s := rag.NewSearcher(rec, emb)
	s.ExactBelow = 0 // walk the graph at any size
	q := rag.Query{Municipality: "sombor", Text: "Do kada se plaća porez na imovinu?"}
	if _, err := s.Search(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	s.LargeAbove = 100 // the demo corpus holds more chunks than that
	if _, err := s.Search(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	if want := []int{s.EfSearch, s.EfSearchLarge}; !slices.Equal(rec.ef, want) {
		t.Errorf("ef_search asked %v, want %v", rec.ef, want)
	}
	if want := []int{s.Candidates, s.CandidatesLarge}; !slices.Equal(rec.candidates, want) || s.CandidatesLarge <= 2*s.Depth {
		t.Errorf("candidates asked %v, want %v (more than twice the depth %d)", rec.candidates, want, s.Depth)
	}
	if want := []int{s.Depth, s.Depth}; !slices.Equal(rec.found, want) {
		t.Errorf("vector hits %v, want %v", rec.found, want)
	}
}
