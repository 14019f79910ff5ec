package docstore

import (
	"strings"
	"testing"

	"github.com/pgvector/pgvector-go"

	"github.com/miasrbija/mia/rag"
)

// TestVectorQueriesMatchIndex: the search and nearest-neighbour queries
// cast the embedding exactly as the partial indexes do and filter on the
// same model, or PostgreSQL would scan every vector; the dense query
// orders by the dense index's expression alone, each approximate query is
// gated by the dense index's name, and all return the exact scan's
// distance.
func TestVectorQueriesMatchIndex(t *testing.T) {
	t.Parallel()
	q := rag.VectorQuery{Municipality: "sombor", Model: "local-ngram-v1", Dim: 384, Vector: []float32{1, 0}, Limit: 40, EfSearch: 400}
	ddl, err := vectorIndexSQL(q.Model, q.Dim)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(embedding::vector(384))", "vector_cosine_ops", "WHERE model = 'local-ngram-v1'", "chunks_hnsw_local_ngram_v1_384"} {
		if !strings.Contains(ddl, want) {
			t.Errorf("index DDL lacks %q:\n%s", want, ddl)
		}
	}
	dense, err := townIndexSQL(q.Municipality, q.Model, q.Dim, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(l2_normalize(embedding)::vector(384)) vector_ip_ops", strings.Join(denseOptions, ", "), denseIndexName(q.Municipality, q.Model, q.Dim)} {
		if !strings.Contains(dense, want) {
			t.Errorf("dense index DDL lacks %q:\n%s", want, dense)
		}
	}
	for _, tt := range []struct{ exact, dense bool }{{true, false}, {false, false}, {false, true}} {
		q.Exact = tt.exact
		for name, build := range map[string]func(rag.VectorQuery, bool) (string, []any){"search": vectorSearchQuery, "nearest": nearestQuery} {
			sql, args := build(q, tt.dense)
			// The exact and standard queries order by the distance they
			// return; the dense one returns it but orders by its own.
			wantDist, wantDense, gate := 2, 0, ""
			switch {
			case tt.dense:
				wantDist, wantDense, gate = 1, 1, "to_regclass($5) IS NOT NULL"
			case !tt.exact:
				gate = "to_regclass($5) IS NULL"
			}
			if n := strings.Count(sql, "embedding::vector(384) <=> $3"); n != wantDist {
				t.Errorf("%+v, %s: the distance is not on the indexed expression (%d times):\n%s", tt, name, n, sql)
			}
			if n := strings.Count(sql, "ORDER BY l2_normalize(c.embedding)::vector(384) <#> l2_normalize($3::vector)"); n != wantDense {
				t.Errorf("%+v, %s: dense order %d times:\n%s", tt, name, n, sql)
			}
			if gate != "" && strings.Count(sql, gate) != 1 || strings.Count(sql, "to_regclass") != strings.Count(gate, "to_regclass") {
				t.Errorf("%+v, %s: not gated by %q alone:\n%s", tt, name, gate, sql)
			}
			if !strings.Contains(sql, "model = $2") {
				t.Errorf("%s: no model filter:\n%s", name, sql)
			}
			wantArgs := 5
			if tt.exact {
				wantArgs = 4
			}
			if len(args) != wantArgs || args[0] != "sombor" || args[1] != "local-ngram-v1" || args[3] != 40 ||
				!tt.exact && args[4] != denseIndexName(q.Municipality, q.Model, q.Dim) {
				t.Errorf("%+v, %s: args %v", tt, name, args)
			}
			if v, ok := args[2].(pgvector.Vector); !ok || len(v.Slice()) != 2 {
				t.Errorf("%s: vector arg %#v", name, args[2])
			}
		}
	}
	// More candidates than twice the rows asked for are taken from the
	// index to be re-ranked; fewer change nothing; the exact scan takes
	// the rows asked for.
	for _, tt := range []struct {
		candidates int
		exact      bool
		want       string
	}{{1500, false, "LIMIT 1500"}, {60, false, "LIMIT 2 * $4"}, {1500, true, "LIMIT $4"}} {
		q.Candidates, q.Exact = tt.candidates, tt.exact
		for _, dense := range []bool{false, true} {
			if sql := nearestSQL(q, dense); !strings.HasSuffix(strings.TrimSpace(sql), tt.want) {
				t.Errorf("%+v, dense %v: want %q:\n%s", tt, dense, tt.want, sql)
			}
		}
	}
}

func TestSettingsQueries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    rag.VectorQuery
		want []any
	}{
		{rag.VectorQuery{EfSearch: 400}, []any{"400", "true", "false"}},
		{rag.VectorQuery{EfSearch: 100, Exact: true}, []any{"100", "false", "true"}},
	}
	for _, tt := range tests {
		sql, args := searchSettingsQuery(tt.q)
		if !strings.Contains(sql, "set_config('hnsw.ef_search', $1, true)") || !strings.Contains(sql, "set_config('enable_indexscan', $2, true)") ||
			!strings.Contains(sql, "relaxed_order") {
			t.Errorf("settings: %s", sql)
		}
		if len(args) != 3 || args[0] != tt.want[0] || args[1] != tt.want[1] || args[2] != tt.want[2] {
			t.Errorf("%+v: args %v, want %v", tt.q, args, tt.want)
		}
		// Only a graph walk needs the municipality and model as constants
		// (partial indexes); an exact scan keeps its cached plan.
		if forced := strings.Contains(sql, "force_custom_plan"); forced == tt.q.Exact {
			t.Errorf("%+v: custom plans forced %t", tt.q, forced)
		}
	}
}

// TestTextSettingsPlanCache: only a small town's query whose parts are
// all read through the full-text index keeps its cached plan.
func TestTextSettingsPlanCache(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		q      rag.TextQuery
		cached bool
	}{
		{rag.TextQuery{TSQuery: "a", Sparse: true, Small: true}, true},
		{rag.TextQuery{TSQuery: "a", Fallback: "a | b", Sparse: true, FallbackSparse: true, Small: true}, true},
		{rag.TextQuery{TSQuery: "a", Fallback: "a | b", Sparse: true, Small: true}, false},
		{rag.TextQuery{TSQuery: "a", Small: true}, false},
		{rag.TextQuery{TSQuery: "a", Fallback: "a | b", Sparse: true, FallbackSparse: true}, false},
	} {
		sql := textSettingsQuery(tt.q)
		if cached := !strings.Contains(sql, "force_custom_plan"); cached != tt.cached {
			t.Errorf("%+v: cached plan %t, want %t", tt.q, cached, tt.cached)
		}
		if !strings.Contains(sql, "set_config('enable_seqscan', 'off', true)") {
			t.Errorf("%+v: %s", tt.q, sql)
		}
	}
}

// TestQueriesOrderTotally: every branch ends with an ORDER BY whose last
// key is the chunk id, and the exact scan orders by id inside too, so the
// same query gives the same ranking every time.
func TestQueriesOrderTotally(t *testing.T) {
	t.Parallel()
	for _, exact := range []bool{false, true} {
		q := rag.VectorQuery{Municipality: "sombor", Model: "m", Dim: 384, Vector: []float32{1}, Limit: 40, EfSearch: 400, Exact: exact}
		search, _ := vectorSearchQuery(q, false)
		nearest, _ := nearestQuery(q, false)
		for name, sql := range map[string]string{"search": search, "nearest": nearest} {
			if !strings.HasSuffix(strings.TrimSpace(sql), "dist, c.id") && !strings.HasSuffix(strings.TrimSpace(sql), "dist, id LIMIT $4") {
				t.Errorf("exact %v, %s: no final order with id:\n%s", exact, name, sql)
			}
			if inner := strings.Contains(sql, "<=> $3, c.id"); inner != exact {
				t.Errorf("exact %v, %s: inner id order %v:\n%s", exact, name, inner, sql)
			}
		}
	}
	for _, sparse := range []bool{false, true} {
		sql, _ := textSearchQuery(rag.TextQuery{Sparse: sparse, FallbackSparse: sparse, RankCap: 400, ShortList: 120})
		order := "ORDER BY c.id\n"
		if sparse {
			order = "ORDER BY c.id + 0\n"
		}
		for _, want := range []string{order, "ORDER BY rank DESC, x.id", "DESC, x.id\n\t\t\tLIMIT $7"} {
			if strings.Count(sql, want) != 2 {
				t.Errorf("sparse %v: text query's parts lack %q:\n%s", sparse, want, sql)
			}
		}
		if !strings.HasSuffix(strings.TrimSpace(sql), "ORDER BY m.part, m.rank DESC, c.id") {
			t.Errorf("text query's final order:\n%s", sql)
		}
	}
	if !strings.Contains(similarLexemesSQL, "ORDER BY sim DESC, lexeme") {
		t.Errorf("typo corrections without a tie-breaker:\n%s", similarLexemesSQL)
	}
}

func TestTextSearchQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q    rag.TextQuery
		want []any
	}{
		// No fallback: its part repeats the query, gated off.
		{rag.TextQuery{Municipality: "sombor", TSQuery: "(porez) & (imovin)", Limit: 40, RankCap: 400},
			[]any{"sombor", "(porez) & (imovin)", 40, 400, "(porez) & (imovin)", 0}},
		{rag.TextQuery{Municipality: "sombor", TSQuery: "(porez) & (imovin)", Limit: 40, RankCap: 400, Fallback: "porez | imovin",
			FallbackBelow: 20, ShortList: 120}, []any{"sombor", "(porez) & (imovin)", 40, 400, "porez | imovin", 20, 120}},
	}
	for _, tt := range tests {
		sql, args := textSearchQuery(tt.q)
		for _, want := range []string{"to_tsquery('simple', $2)", "to_tsquery('simple', $5)", "LIMIT $4)", "LIMIT $3", "(SELECT count(*) FROM main) < $6"} {
			if !strings.Contains(sql, want) {
				t.Errorf("text query lacks %q:\n%s", want, sql)
			}
		}
		if strings.Contains(sql, "ts_rank(") != (tt.q.ShortList > 0) {
			t.Errorf("short list %d:\n%s", tt.q.ShortList, sql)
		}
		if len(args) != len(tt.want) {
			t.Fatalf("args %v, want %v", args, tt.want)
		}
		for i := range tt.want {
			if args[i] != tt.want[i] {
				t.Errorf("arg %d = %v, want %v", i+1, args[i], tt.want[i])
			}
		}
	}
}

// TestVectorIndexSQLRefusesUnsafeInput: DDL cannot bind parameters, so
// anything but a plain model name and a dimension pgvector can index is
// refused before it reaches SQL.
func TestVectorIndexSQLRefusesUnsafeInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model string
		dim   int
		ok    bool
	}{
		{"text-embedding-3-small", 1536, true},
		{"org/model:v1.2", 768, true},
		{"x'; DROP TABLE chunks; --", 384, false},
		{"", 384, false},
		{"ok", 0, false},
		{"ok", 2001, false},
		{strings.Repeat("m", 101), 384, false},
	}
	for _, tt := range tests {
		_, err := vectorIndexSQL(tt.model, tt.dim)
		if (err == nil) != tt.ok {
			t.Errorf("vectorIndexSQL(%q, %d): err %v, want ok %v", tt.model, tt.dim, err, tt.ok)
		}
	}
	if got := vectorIndexName("Org/Model:V1."+strings.Repeat("x", 50), 768); got != "chunks_hnsw_org_model_v1_"+strings.Repeat("x", 27)+"_768" {
		t.Errorf("index name %q", got)
	}
}
