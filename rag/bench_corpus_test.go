package rag_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/jackc/pgx/v5"
	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// corpusVersion names cached benchmark corpora; change it with the
// generator.
const corpusVersion = "v2"

// benchCorpus returns a municipality ("sombor") of n chunks: the demo
// corpus, then synthetic documents written the way a city's documents
// are: each about one demo document's subject, its chunks a few sentences
// drawn mostly from that document and partly from others, with numbers,
// dates and some words varied. Passages repeat phrasing, as real ones do,
// but few are near-copies of each other. The vector index is built after
// the load, as a first ingestion does.
//
// With MIA_BENCH_KEEP=1 the corpus is kept in a database of its own
// (mia_bench_N_VERSION, or MIA_BENCH_DB_PREFIX_N_VERSION, so that runs
// sharing a server keep apart the corpora they drop and rebuild) and reused
// by later runs.
func benchCorpus(tb testing.TB, n int) (*postgres.DB, *docstore.Store, rag.Embedder) {
	tb.Helper()
	ctx := context.Background()
	emb := rag.NewHashEmbedder()
	if os.Getenv("MIA_BENCH_KEEP") == "1" {
		name := fmt.Sprintf("%s_%d_%s", cmp(os.Getenv("MIA_BENCH_DB_PREFIX"), "mia_bench"), n, corpusVersion)
		url := pgtest.WithDatabase(pgtest.ServerURL(), name)
		if db, err := postgres.Open(ctx, url); err == nil {
			var ready bool
			if db.QueryRow(ctx, `SELECT count(*) > 0 FROM lexicon_state`).Scan(&ready); ready {
				tb.Cleanup(db.Close)
				return db, docstore.New(db), emb
			}
			db.Close()
		}
		admin, err := pgx.Connect(ctx, pgtest.ServerURL())
		if err != nil {
			tb.Fatal(err)
		}
		admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
		_, err = admin.Exec(ctx, "CREATE DATABASE "+name)
		admin.Close(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := postgres.Migrate(ctx, url, nil); err != nil {
			tb.Fatal(err)
		}
		db, err := postgres.Open(ctx, url)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO municipalities (slug, name) VALUES ('sombor', 'Sombor') ON CONFLICT DO NOTHING`); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(db.Close)
		fillCorpus(tb, db, emb, n)
		return db, docstore.New(db), emb
	}
	db, _ := pgtest.NewDB(tb)
	fillCorpus(tb, db, emb, n)
	return db, docstore.New(db), emb
}

func fillCorpus(tb testing.TB, db *postgres.DB, emb rag.Embedder, n int) {
	ctx := context.Background()
	store := docstore.New(db)
	if _, err := (&ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}).Run(ctx, []string{"../corpus/sombor"}); err != nil {
		tb.Fatal(err)
	}
	type base struct {
		title     string
		path      []string
		sentences []string
	}
	rows, err := db.Query(ctx, `SELECT d.title, c.heading_path, c.content FROM chunks c JOIN documents d ON d.id = c.document_id ORDER BY c.id`)
	if err != nil {
		tb.Fatal(err)
	}
	bases, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (base, error) {
		var x base
		var content string
		err := r.Scan(&x.title, &x.path, &content)
		x.sentences = sentences(content)
		return x, err
	})
	if err != nil {
		tb.Fatal(err)
	}
	byTitle := map[string][]int{}
	var titles []string
	var vocab []string
	for i, x := range bases {
		if _, ok := byTitle[x.title]; !ok {
			titles = append(titles, x.title)
		}
		byTitle[x.title] = append(byTitle[x.title], i)
		for _, s := range x.sentences {
			vocab = append(vocab, strings.Fields(s)...)
		}
	}
	if _, err := db.Exec(ctx, `DROP INDEX IF EXISTS chunks_hnsw_local_ngram_v1_384`); err != nil {
		tb.Fatal(err)
	}
	const perDoc = 50
	docs := max(n-len(bases), 0) / perDoc
	rng := rand.New(rand.NewPCG(1, 2))
	type job struct {
		doc    int
		chunks []rag.Chunk
		title  string
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	errs := make(chan error, runtime.NumCPU())
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				texts := make([]string, len(j.chunks))
				for i, c := range j.chunks {
					texts[i] = rag.EmbedText(j.title, c.HeadingPath, c.Content)
				}
				vecs, _ := emb.Embed(ctx, texts)
				for i := range j.chunks {
					j.chunks[i].Embedding = vecs[i]
				}
				_, err := store.ReplaceDocument(ctx, rag.Document{Municipality: "sombor", Source: fmt.Sprintf("synthetic/%06d.md", j.doc),
					Title: j.title, Format: "md", ContentHash: "x", EmbedModel: emb.Model(), Body: ""}, j.chunks)
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for d := range docs {
		topic := titles[rng.IntN(len(titles))]
		own := byTitle[topic]
		chunks := make([]rag.Chunk, perDoc)
		for i := range chunks {
			x := bases[own[rng.IntN(len(own))]]
			var parts []string
			for range 3 + rng.IntN(5) {
				from := x
				if rng.IntN(10) < 3 {
					from = bases[rng.IntN(len(bases))]
				}
				if len(from.sentences) > 0 {
					parts = append(parts, vary(rng, from.sentences[rng.IntN(len(from.sentences))], vocab))
				}
			}
			chunks[i] = rag.Chunk{Ord: i, HeadingPath: x.path, Content: strings.Join(parts, " "), Tokens: 200}
		}
		title := fmt.Sprintf("%s (%s %d)", topic, []string{"izmena", "dopuna", "obaveštenje", "odluka", "uputstvo"}[rng.IntN(5)], 2010+rng.IntN(16))
		jobs <- job{doc: d, chunks: chunks, title: title}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		tb.Fatal(err)
	default:
	}
	if err := store.BuildVectorIndex(ctx, emb.Model(), emb.Dim(), rag.IndexBuild{WorkMem: "1GB"}); err != nil {
		tb.Fatal(err)
	}
	if err := store.RefreshLexemes(ctx, "sombor"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(ctx, `VACUUM ANALYZE chunks`); err != nil {
		tb.Fatal(err)
	}
}

// sentences cuts passage text at sentence ends.
func sentences(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		for len(line) > 0 {
			i := strings.Index(line, ". ")
			if i < 0 {
				out = append(out, strings.TrimSpace(line))
				break
			}
			out = append(out, strings.TrimSpace(line[:i+1]))
			line = line[i+2:]
		}
	}
	return out
}

// vary changes a sentence's numbers and, now and then, a word.
func vary(rng *rand.Rand, s string, vocab []string) string {
	words := strings.Fields(s)
	for i, w := range words {
		switch {
		case strings.IndexFunc(w, unicode.IsDigit) >= 0:
			words[i] = strings.Map(func(r rune) rune {
				if unicode.IsDigit(r) {
					return '0' + rune(rng.IntN(10))
				}
				return r
			}, w)
		case rng.IntN(12) == 0:
			words[i] = vocab[rng.IntN(len(vocab))]
		}
	}
	return strings.Join(words, " ")
}

// benchQueries are citizens' questions from an evaluation split of both
// demo municipalities, each as written and in a second spelling: Cyrillic
// for a Latin question, Latin without diacritics for a Cyrillic one.
// Tune on dev, measure on test.
func benchQueries(tb testing.TB, split string) []string {
	tb.Helper()
	var out []string
	for _, m := range []string{"sombor", "laktasi"} {
		p := filepath.Join("..", "eval", "datasets", m, split+".yaml")
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		// Only the questions are needed: eval's own loader would tie this
		// benchmark to the whole assistant.
		var items []struct {
			Question string `yaml:"question"`
		}
		if err := yaml.Unmarshal(data, &items); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		for _, it := range items {
			q := it.Question
			out = append(out, q)
			if serbian.DetectScript(q) == serbian.Cyrillic {
				out = append(out, asciiLatin(serbian.ToLatin(q)))
			} else {
				out = append(out, serbian.ToCyrillic(q))
			}
		}
	}
	if len(out) < 200 {
		tb.Fatalf("%d %s queries, want at least 200", len(out), split)
	}
	// MIA_BENCH_QUERIES takes that many, evenly spread (default 250).
	want := 250
	if env := os.Getenv("MIA_BENCH_QUERIES"); env != "" {
		if n, err := strconv.Atoi(env); err == nil && n >= 200 {
			want = n
		}
	}
	if len(out) > want {
		picked := make([]string, want)
		for i := range picked {
			picked[i] = out[i*len(out)/want]
		}
		out = picked
	}
	return out
}

// asciiLatin writes Serbian Latin without diacritics, as many citizens do.
func asciiLatin(s string) string {
	return strings.NewReplacer("č", "c", "ć", "c", "š", "s", "ž", "z", "đ", "dj", "Č", "C", "Ć", "C", "Š", "S", "Ž", "Z", "Đ", "Dj").Replace(s)
}
