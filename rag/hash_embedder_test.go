package rag

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

const (
	childAllowanceDoc = `Dečji dodatak je pravo koje ostvaruje roditelj za decu do navršenih 19 godina
života. Zahtev za dečji dodatak podnosi se Centru za socijalni rad ili gradskoj
upravi, uz izvod iz matične knjige rođenih i dokaz o prihodima domaćinstva.
Visina dečjeg dodatka usklađuje se dva puta godišnje.`

	propertyTaxDoc = `Porez na imovinu plaćaju vlasnici nepokretnosti na teritoriji grada.
Rešenje o porezu na imovinu izdaje Lokalna poreska administracija, a porez se
plaća tromesečno. Poreska prijava podnosi se u roku od 30 dana od sticanja
imovine.`
)

// childAllowanceQueries are one question in the ways citizens type it:
// Latin with and without diacritics, Cyrillic, ijekavian, and with typos.
var childAllowanceQueries = []string{
	"dečji dodatak",
	"decji dodatak",
	"дечји додатак",
	"dječji dodatak",
	"djecji dodatk",
	"Kako da dobijem DEČJI DODATAK?",
}

func embedOne(t testing.TB, e Embedder, text string) []float32 {
	t.Helper()
	v, err := e.Embed(context.Background(), []string{text})
	if err != nil {
		t.Fatal(err)
	}
	return v[0]
}

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func TestHashEmbedderModelAndDim(t *testing.T) {
	t.Parallel()
	e := NewHashEmbedder()
	if e.Model() != "local-ngram-v1" || e.Dim() != 384 {
		t.Errorf("Model, Dim = %q, %d", e.Model(), e.Dim())
	}
}

func TestHashEmbedderRanksChildAllowanceAboveTax(t *testing.T) {
	t.Parallel()
	e := NewHashEmbedder()
	child := embedOne(t, e, childAllowanceDoc)
	tax := embedOne(t, e, propertyTaxDoc)
	for _, q := range childAllowanceQueries {
		v := embedOne(t, e, q)
		c, p := cosine(v, child), cosine(v, tax)
		t.Logf("%-34q child %.3f  tax %.3f", q, c, p)
		if c <= p {
			t.Errorf("%q: cosine to child-allowance doc %.3f <= to property-tax doc %.3f", q, c, p)
		}
	}

	// And the other way round, in Cyrillic.
	q := embedOne(t, e, "порез на имовину")
	if c, p := cosine(q, child), cosine(q, tax); p <= c {
		t.Errorf("porez na imovinu: cosine to tax doc %.3f <= to child doc %.3f", p, c)
	}
}

func TestHashEmbedderSpellingVariantsAgree(t *testing.T) {
	t.Parallel()
	e := NewHashEmbedder()
	other := embedOne(t, e, "porez na imovinu")
	vecs := make([][]float32, len(childAllowanceQueries))
	for i, q := range childAllowanceQueries {
		vecs[i] = embedOne(t, e, q)
	}
	// Diacritics, script and dj/đ are folded away: these are identical.
	for i := 1; i < 4; i++ {
		if c := cosine(vecs[0], vecs[i]); c < 0.9999 {
			t.Errorf("cosine(%q, %q) = %.4f, want 1", childAllowanceQueries[0], childAllowanceQueries[i], c)
		}
	}
	for i, a := range vecs {
		for j, b := range vecs {
			if i == j {
				continue
			}
			near, far := cosine(a, b), cosine(a, other)
			if near <= far+0.2 {
				t.Errorf("cosine(%q, %q) = %.3f, not clearly above cosine to %q = %.3f",
					childAllowanceQueries[i], childAllowanceQueries[j], near, "porez na imovinu", far)
			}
		}
	}
}

func TestHashEmbedderDeterministicUnitVectors(t *testing.T) {
	t.Parallel()
	e := NewHashEmbedder()
	texts := []string{childAllowanceDoc, propertyTaxDoc, "a", "Č", "2024", childAllowanceQueries[2]}
	first, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range texts {
		if len(first[i]) != 384 {
			t.Fatalf("%q: dim %d", texts[i], len(first[i]))
		}
		if fmt.Sprint(first[i]) != fmt.Sprint(second[i]) {
			t.Errorf("%q: two calls differ", texts[i])
		}
		var norm float64
		for _, x := range first[i] {
			norm += float64(x) * float64(x)
		}
		if math.Abs(math.Sqrt(norm)-1) > 1e-5 {
			t.Errorf("%q: norm %.7f, want 1", texts[i], math.Sqrt(norm))
		}
	}
	// A batch gives what single calls give.
	if fmt.Sprint(first[1]) != fmt.Sprint(embedOne(t, e, propertyTaxDoc)) {
		t.Errorf("batch and single call differ")
	}
}

func TestHashEmbedderEmptyTextIsZero(t *testing.T) {
	t.Parallel()
	e := NewHashEmbedder()
	vecs, err := e.Embed(context.Background(), []string{"", "   ", "?!, — …", "\u200b"})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		if len(v) != 384 {
			t.Fatalf("text %d: dim %d", i, len(v))
		}
		for _, x := range v {
			if x != 0 || math.IsNaN(float64(x)) {
				t.Fatalf("text %d: got %v, want the zero vector", i, x)
			}
		}
	}
	if vecs, err := e.Embed(context.Background(), nil); err != nil || len(vecs) != 0 {
		t.Errorf("Embed(nil) = %v, %v", vecs, err)
	}
}

func TestHashEmbedderStopsOnCancelledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewHashEmbedder().Embed(ctx, []string{"x"}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestHashEmbedderConcurrentUse(t *testing.T) {
	t.Parallel()
	e := NewHashEmbedder()
	want := fmt.Sprint(embedOne(t, e, childAllowanceDoc))
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for range 20 {
				v, err := e.Embed(context.Background(), []string{childAllowanceDoc, propertyTaxDoc})
				if err == nil && fmt.Sprint(v[0]) != want {
					err = errors.New("concurrent result differs")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

// benchChunks returns chunks of about 400 words of municipal Serbian text,
// mixed Latin and Cyrillic as in the real corpus.
func benchChunks(n int) []string {
	src := strings.Fields(childAllowanceDoc + " " + propertyTaxDoc +
		" Захтев за издавање грађевинске дозволе подноси се електронским путем преко Централне евиденције обједињених процедура.")
	chunks := make([]string, n)
	for c := range chunks {
		words := make([]string, 400)
		for i := range words {
			words[i] = src[(c*7+i)%len(src)]
		}
		chunks[c] = strings.Join(words, " ")
	}
	return chunks
}

func BenchmarkHashEmbedder(b *testing.B) {
	e := NewHashEmbedder()
	// One chunk per op, so ns/op is the cost of one chunk.
	chunks := benchChunks(16)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Embed(ctx, chunks[i%len(chunks):i%len(chunks)+1]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "chunks/s")
}

func TestCounterGrowsAndCounts(t *testing.T) {
	t.Parallel()
	var c counter
	for round := range 2 { // the second round reuses the table, as the pool does
		c.reset(0)
		for i := range 1000 {
			for range i%3 + 1 {
				c.add(uint64(i))
			}
		}
		if len(c.used) != 1000 || 2*len(c.used) > len(c.keys) {
			t.Fatalf("round %d: %d keys in a table of %d", round, len(c.used), len(c.keys))
		}
		total := 0
		for _, i := range c.used {
			total += int(c.counts[i])
		}
		if want := 334*1 + 333*2 + 333*3; total != want {
			t.Errorf("round %d: counted %d occurrences, want %d", round, total, want)
		}
	}
}
