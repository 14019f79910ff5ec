package docstore

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/rag"
)

// TestMunicipalityIndexServesFilteredSearch: building the vector index
// builds each municipality's own; a search filtered to one municipality
// is planned on that municipality's index every time (also past the
// executions after which a cached statement could take a generic plan),
// and the index's name is the one migration 00017 computes.
func TestMunicipalityIndexServesFilteredSearch(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	ctx := context.Background()
	s := New(db)
	emb := rag.NewHashEmbedder()
	for _, town := range []string{"sombor", "laktasi"} {
		texts := make([]string, 40)
		for i := range texts {
			texts[i] = fmt.Sprintf("Zahtev broj %d za %s podnosi se na šalteru %d uslužnog centra.", i, town, i%7)
		}
		replaceTown(t, s, emb, town, "h", texts)
	}
	if err := s.BuildVectorIndex(ctx, emb.Model(), emb.Dim(), rag.IndexBuild{}); err != nil {
		t.Fatal(err)
	}
	for _, town := range []string{"sombor", "laktasi"} {
		var exists bool
		var sqlName string
		err := db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL,
			'chunks_hnsw_t_' || left(md5($2 || '/' || $3 || '/' || $4::int), 20)`,
			townIndexName(town, emb.Model(), emb.Dim()), town, emb.Model(), emb.Dim()).Scan(&exists, &sqlName)
		if err != nil {
			t.Fatal(err)
		}
		if !exists {
			t.Fatalf("%s has no vector index of its own", town)
		}
		if sqlName != townIndexName(town, emb.Model(), emb.Dim()) {
			t.Fatalf("migration's name %s, Go's %s", sqlName, townIndexName(town, emb.Model(), emb.Dim()))
		}
	}
	if _, err := db.Exec(ctx, `ANALYZE chunks`); err != nil {
		t.Fatal(err)
	}

	v, _ := emb.Embed(ctx, []string{"gde se podnosi zahtev"})
	q := rag.VectorQuery{Municipality: "laktasi", Model: emb.Model(), Dim: emb.Dim(), Vector: v[0], Limit: 10, EfSearch: 400}
	own := townIndexName("laktasi", emb.Model(), emb.Dim())
	for i := range 8 {
		// Keep the sequential scan out of the way, as on a table of real
		// size, so the choice is between the two indexes.
		plan := explainNearest(t, db, q, false, "EXPLAIN ")
		if text := strings.Join(plan, "\n"); !strings.Contains(text, own) {
			t.Fatalf("execution %d not planned on laktasi's own index %s:\n%s", i+1, own, text)
		}
	}
}

func TestTownIndexSQLRefusesUnsafeInput(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		town, model string
		dim         int
	}{
		{"sombor'; DROP TABLE chunks; --", "m", 384},
		{"Sombor", "m", 384},
		{"sombor", "bad'model", 384},
		{"sombor", "m", 4000},
	} {
		if _, err := townIndexSQL(tt.town, tt.model, tt.dim, false); err == nil {
			t.Errorf("townIndexSQL(%q, %q, %d): no error", tt.town, tt.model, tt.dim)
		}
	}
	ddl, err := townIndexSQL("novi-sad", "text-embedding-3-small", 1536, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ddl, "WHERE model = 'text-embedding-3-small' AND municipality = 'novi-sad'") ||
		!strings.Contains(ddl, "embedding::vector(1536)") {
		t.Errorf("DDL: %s", ddl)
	}
	if _, err := townIndexSQL("sombor'; --", "m", 384, true); err == nil {
		t.Errorf("dense townIndexSQL accepted an unsafe slug")
	}
}

// TestLargeMunicipalitySearchesItsDenseIndex: a municipality of DenseAbove
// chunks or more gets the dense own index in place of the standard one
// (and back when it shrinks); its search runs on that index, never on the
// shared graph the planner could prefer, also when the store's guess of
// its kind is stale, and returns what the exact scan returns on a set this
// small (ids, distances, equal distances by id); a small municipality's
// search keeps its standard own index.
func TestLargeMunicipalitySearchesItsDenseIndex(t *testing.T) {
	t.Parallel()
	db, s := denseTestStore(t, 60)
	ctx := context.Background()
	// Searches go through another store, as in a serving process that
	// learns of index changes only from the database.
	reader := New(db)
	emb := rag.NewHashEmbedder()
	load := func(town string, n int) {
		t.Helper()
		texts := make([]string, n)
		for i := range texts {
			// Every 23rd text repeats, so equal distances occur.
			texts[i] = fmt.Sprintf("Zahtev broj %d za %s podnosi se na šalteru %d uslužnog centra.", i%23, town, i%7)
		}
		replaceTown(t, s, emb, town, fmt.Sprint(n), texts)
		// As after an ingestion: the vocabulary, then the own index.
		if err := s.RefreshLexemes(ctx, town); err != nil {
			t.Fatal(err)
		}
	}
	has := func(name string) bool {
		t.Helper()
		var ok bool
		if err := db.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	load("sombor", 90)
	load("laktasi", 30)
	// The shared graph exists, so the planner has it to choose.
	if err := s.BuildVectorIndex(ctx, emb.Model(), emb.Dim(), rag.IndexBuild{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `ANALYZE chunks`); err != nil {
		t.Fatal(err)
	}
	shared := vectorIndexName(emb.Model(), emb.Dim())
	std := func(town string) string { return townIndexName(town, emb.Model(), emb.Dim()) }
	dense := func(town string) string { return denseIndexName(town, emb.Model(), emb.Dim()) }
	if has(std("sombor")) || !has(dense("sombor")) || !has(std("laktasi")) || has(dense("laktasi")) {
		t.Fatalf("sombor standard %v dense %v; laktasi standard %v dense %v",
			has(std("sombor")), has(dense("sombor")), has(std("laktasi")), has(dense("laktasi")))
	}
	var def string
	if err := db.QueryRow(ctx, `SELECT pg_get_indexdef(to_regclass($1))`, dense("sombor")).Scan(&def); err != nil ||
		!strings.Contains(def, "m='32'") || !strings.Contains(def, "vector_ip_ops") {
		t.Errorf("dense index: %s (%v)", def, err)
	}

	// ran returns the indexes the query's plan scanned, run as the search
	// runs it; the sequential scan is off, as on a table of real size.
	ran := func(q rag.VectorQuery, dense bool) []string {
		t.Helper()
		plan := explainNearest(t, db, q, dense, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ")
		var used []string
		for _, line := range plan {
			if i := strings.Index(line, "Index Scan using "); i >= 0 && !strings.Contains(line, "never executed") {
				used = append(used, strings.Fields(line[i+len("Index Scan using "):])[0])
			}
		}
		return used
	}
	query := func(town, text string) rag.VectorQuery {
		v, err := emb.Embed(ctx, []string{text})
		if err != nil {
			t.Fatal(err)
		}
		return rag.VectorQuery{Municipality: town, Model: emb.Model(), Dim: emb.Dim(), Vector: v[0], Limit: 10, EfSearch: 400}
	}
	texts := []string{"gde se podnosi zahtev", "šalter broj 3", "уславни центар захтев", "zahtev 7 sombor"}
	// Through ReadIndex (a store per call, on whichever server reads), the
	// kind one search learnt is kept for the next: each search of a dense
	// town would otherwise walk the standard graph first and find nothing.
	if hits, err := reader.ReadIndex().VectorSearch(ctx, query("sombor", texts[0])); err != nil || len(hits) == 0 {
		t.Fatalf("read index search: %d hits, %v", len(hits), err)
	}
	if v, _ := reader.dense.Load(dense("sombor")); v != true {
		t.Errorf("the dense index found through ReadIndex is not remembered (%v)", v)
	}
	same := func(town string) {
		t.Helper()
		for _, text := range texts {
			q := query(town, text)
			got, err := reader.Nearest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			q.Exact = true
			want, err := reader.Nearest(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %q: index %v, exact %v", town, text, got, want)
			}
			q.Exact = false
			hits, err := reader.VectorSearch(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != len(want) {
				t.Fatalf("%s %q: %d hits, %d exact", town, text, len(hits), len(want))
			}
			for i, h := range hits {
				if h.Hit.ChunkID != want[i].ChunkID || h.Score != 1-want[i].Distance {
					t.Errorf("%s %q hit %d: chunk %d score %v, exact chunk %d distance %v", town, text, i,
						h.Hit.ChunkID, h.Score, want[i].ChunkID, want[i].Distance)
				}
			}
		}
	}
	tied := false
	for _, text := range texts {
		q := query("sombor", text)
		q.Exact = true
		want, err := s.Nearest(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(want); i++ {
			tied = tied || want[i].Distance == want[i-1].Distance
		}
	}
	if !tied {
		t.Fatal("no equal distances among the nearest: the test no longer checks their order")
	}

	// Each query runs on its own index; a query of the other kind (a stale
	// guess) runs on none, least of all the shared graph.
	for range 3 { // past the executions after which a cached statement could go generic
		for _, tt := range []struct {
			town  string
			dense bool
			want  []string
		}{
			{"sombor", true, []string{dense("sombor")}},
			{"sombor", false, nil},
			{"laktasi", false, []string{std("laktasi")}},
			{"laktasi", true, nil},
		} {
			if used := ran(query(tt.town, texts[0]), tt.dense); fmt.Sprint(used) != fmt.Sprint(tt.want) {
				t.Fatalf("%s, dense query %v: searched %v, want %v (shared %s)", tt.town, tt.dense, used, tt.want, shared)
			}
		}
	}
	// The reader starts from the standard guess and learns sombor's kind.
	same("sombor")
	same("laktasi")
	if v, _ := reader.dense.Load(dense("sombor")); v != true {
		t.Errorf("the store did not learn that sombor's own index is dense")
	}

	// Shrunk below DenseAbove: the standard own index again, its search on
	// it, and the store's stale guess corrected.
	load("sombor", 40)
	if !has(std("sombor")) || has(dense("sombor")) {
		t.Fatalf("sombor at 40 chunks: standard %v, dense %v", has(std("sombor")), has(dense("sombor")))
	}
	if used := ran(query("sombor", texts[0]), false); fmt.Sprint(used) != fmt.Sprint([]string{std("sombor")}) {
		t.Fatalf("sombor at 40 chunks searched %v, want %s", used, std("sombor"))
	}
	same("sombor")
	if v, _ := reader.dense.Load(dense("sombor")); v != false {
		t.Errorf("the store still takes sombor's own index for dense")
	}
}

// TestStaleDenseIndexRebuilt: a dense index built with older settings
// than denseOptions (m 24, as before) is rebuilt with the current ones
// under its own name, the search then runs on it and returns what the
// exact scan returns, and an index with the current settings is left as
// it is.
func TestStaleDenseIndexRebuilt(t *testing.T) {
	t.Parallel()
	db, s := denseTestStore(t, 30)
	ctx := context.Background()
	emb := rag.NewHashEmbedder()
	texts := make([]string, 40)
	for i := range texts {
		texts[i] = fmt.Sprintf("Zahtev broj %d podnosi se na šalteru %d uslužnog centra.", i, i%7)
	}
	replaceTown(t, s, emb, "sombor", "h", texts)
	name := denseIndexName("sombor", emb.Model(), emb.Dim())
	old := fmt.Sprintf(`CREATE INDEX %s ON chunks USING hnsw ((l2_normalize(embedding)::vector(384)) vector_ip_ops)
		WITH (m = 24, ef_construction = 200) WHERE model = '%s' AND municipality = 'sombor'`, name, emb.Model())
	for _, sql := range []string{`DROP INDEX IF EXISTS ` + name, old} {
		if _, err := db.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	settings := func() (opts []string, oid uint32) {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT reloptions, oid FROM pg_class WHERE oid = to_regclass($1)`, name).Scan(&opts, &oid); err != nil {
			t.Fatal(err)
		}
		return opts, oid
	}
	before, oldOID := settings()
	if fmt.Sprint(before) != "[m=24 ef_construction=200]" {
		t.Fatalf("the old index has %v", before)
	}
	if err := s.EnsureMunicipalityIndexes(ctx, "sombor"); err != nil {
		t.Fatal(err)
	}
	after, newOID := settings()
	if fmt.Sprint(after) != fmt.Sprint(denseOptions) || newOID == oldOID {
		t.Fatalf("after the rebuild: %v (oid %d, was %d), want %v", after, newOID, oldOID, denseOptions)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'chunks' AND indexname LIKE 'chunks\_hnsw\_t\_%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d own indexes after the rebuild (%v), want the dense one alone", n, err)
	}
	v, err := emb.Embed(ctx, []string{"šalter broj 3"})
	if err != nil {
		t.Fatal(err)
	}
	q := rag.VectorQuery{Municipality: "sombor", Model: emb.Model(), Dim: emb.Dim(), Vector: v[0], Limit: 10, EfSearch: 400}
	plan := explainNearest(t, db, q, true, "EXPLAIN (COSTS OFF) ")
	if !strings.Contains(strings.Join(plan, "\n"), "Index Scan using "+name) {
		t.Fatalf("the search does not use %s:\n%s", name, strings.Join(plan, "\n"))
	}
	got, err := s.Nearest(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.Exact = true
	want, err := s.Nearest(ctx, q)
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("index %v, exact %v (%v)", got, want, err)
	}
	// Current settings: nothing to do.
	if err := s.EnsureMunicipalityIndexes(ctx, "sombor"); err != nil {
		t.Fatal(err)
	}
	if _, again := settings(); again != newOID {
		t.Errorf("an index with the current settings was rebuilt (oid %d, was %d)", again, newOID)
	}
}

// TestTownIndexMemoryApplied: the own index is built with the store's
// maintenance_work_mem (an HNSW build that does not fit it is several
// times slower): a value PostgreSQL refuses fails the build, and the
// setting does not outlive it.
func TestTownIndexMemoryApplied(t *testing.T) {
	t.Parallel()
	db, _ := pgtest.NewDB(t)
	ctx := context.Background()
	s := New(db)
	emb := rag.NewHashEmbedder()
	replaceTown(t, s, emb, "sombor", "h", []string{"Zahtev se podnosi na šalteru."})
	if _, err := db.Exec(ctx, `DROP INDEX IF EXISTS `+townIndexName("sombor", emb.Model(), emb.Dim())); err != nil {
		t.Fatal(err)
	}
	s.TownIndexMemory = "a lot"
	if err := s.EnsureMunicipalityIndexes(ctx, "sombor"); err == nil || !strings.Contains(err.Error(), "maintenance_work_mem") {
		t.Fatalf("a refused maintenance_work_mem: %v", err)
	}
	s.TownIndexMemory = "64MB"
	if err := s.EnsureMunicipalityIndexes(ctx, "sombor"); err != nil {
		t.Fatal(err)
	}
	var mem string
	if err := db.QueryRow(ctx, `SHOW maintenance_work_mem`).Scan(&mem); err != nil || mem == "a lot" {
		t.Fatalf("maintenance_work_mem after the build: %q %v", mem, err)
	}
}

// explainNearest returns the plan of the vector query (explain is the
// EXPLAIN clause) with the search's settings and the sequential scan off,
// as on a table of real size, in a read-only transaction.
func explainNearest(t *testing.T, db *postgres.DB, q rag.VectorQuery, dense bool, explain string) []string {
	t.Helper()
	ctx := context.Background()
	var plan []string
	err := pgx.BeginTxFunc(ctx, db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		settings, args := searchSettingsQuery(q)
		if _, err := tx.Exec(ctx, settings, args...); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		sql, args := nearestQuery(q, dense)
		rows, err := tx.Query(ctx, explain+sql, args...)
		if err != nil {
			return err
		}
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// replaceTown stores texts as the chunks of one document of town, hash
// its content hash (a new one replaces the document).
func replaceTown(t *testing.T, s *Store, emb *rag.HashEmbedder, town, hash string, texts []string) {
	t.Helper()
	ctx := context.Background()
	chunks := make([]rag.Chunk, len(texts))
	for i, text := range texts {
		v, err := emb.Embed(ctx, []string{text})
		if err != nil {
			t.Fatal(err)
		}
		chunks[i] = rag.Chunk{Ord: i, Content: text, Tokens: 12, Embedding: v[0]}
	}
	if _, err := s.ReplaceDocument(ctx, rag.Document{Municipality: town, Source: "a.md", Title: "Zahtevi", Format: "md",
		ContentHash: hash, EmbedModel: emb.Model()}, chunks); err != nil {
		t.Fatal(err)
	}
}

// denseTestStore returns a new database and a store on it that builds a
// municipality's dense own index from denseAbove chunks, so a test town of
// a few dozen passages gets one.
func denseTestStore(t *testing.T, denseAbove int) (*postgres.DB, *Store) {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	s := New(db)
	s.DenseAbove = denseAbove
	return db, s
}
