package replica_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/replica"
	"github.com/miasrbija/mia/rag"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// cluster is a throwaway primary holding the Sombor demo corpus and its
// streaming replicas, all real PostgreSQL servers of the test's own.
type cluster struct {
	primary  *pgtest.Server
	db       *postgres.DB
	replicas []*pgtest.Server
}

// newCluster starts a primary, ingests the demo corpus's Markdown
// documents through the ingest pipeline, and starts n replicas from it.
// pg_stat_statements counts every statement on each server.
func newCluster(tb testing.TB, n int) *cluster {
	tb.Helper()
	ctx := context.Background()
	c := &cluster{primary: pgtest.StartServer(tb, "shared_preload_libraries=pg_stat_statements")}
	c.db = c.primary.NewDB(tb)
	if _, err := c.db.Exec(ctx, `CREATE EXTENSION pg_stat_statements`); err != nil {
		tb.Fatal(err)
	}
	paths, err := filepath.Glob("../../corpus/sombor/*.md")
	if err != nil || len(paths) < 10 {
		tb.Fatalf("corpus: %d files, %v", len(paths), err)
	}
	run := ingest.Runner{Store: docstore.New(c.db), Embedder: rag.NewHashEmbedder(), Municipality: "sombor"}
	sum, err := run.Run(ctx, paths)
	if err != nil || sum.Added != len(paths) {
		tb.Fatalf("ingest: %+v, %v", sum, err)
	}
	for range n {
		r := c.primary.StartReplica(tb)
		c.replicas = append(c.replicas, r)
		waitFor(tb, 30*time.Second, "replica holds the corpus", func() bool {
			return count(tb, r.URL(), `SELECT count(*) FROM chunks`) == sum.Chunks
		})
	}
	return c
}

// openSet makes the primary's DB read through a Set over the replicas.
func (c *cluster) openSet(tb testing.TB, opts replica.Options) *replica.Set {
	tb.Helper()
	var urls []string
	for _, r := range c.replicas {
		urls = append(urls, r.URL())
	}
	set, err := replica.Open(context.Background(), c.db, urls, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(set.Close)
	c.db.SetReader(set)
	return set
}

// searcher is the assistant's hybrid search over the store's read side.
func (c *cluster) searcher() *rag.Searcher {
	return rag.NewSearcher(docstore.New(c.db).ReadIndex(), rag.NewHashEmbedder())
}

// chunkStatements is how many statements reading the knowledge base a
// server has run (pg_stat_statements, per server: a standby counts its own).
func chunkStatements(tb testing.TB, url string) int {
	return count(tb, url, `SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements
		WHERE query ILIKE '%chunks%' AND query NOT ILIKE '%pg_stat_statements%'`)
}

// allStatements is how many statements a server has run, of any kind.
func allStatements(tb testing.TB, url string) int {
	return count(tb, url, `SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements
		WHERE query NOT ILIKE '%pg_stat_statements%'`)
}

func count(tb testing.TB, url, sql string) int {
	tb.Helper()
	var n int
	onServer(tb, url, sql, func(ctx context.Context, conn *pgx.Conn) error { return conn.QueryRow(ctx, sql).Scan(&n) })
	return n
}

func exec(tb testing.TB, url, sql string) {
	tb.Helper()
	onServer(tb, url, sql, func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, sql)
		return err
	})
}

// onServer runs do on a connection of its own to url, failing the test
// on any error (sql names the statement in the message).
func onServer(tb testing.TB, url, sql string, do func(context.Context, *pgx.Conn) error) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if err := do(ctx, conn); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

func waitFor(tb testing.TB, within time.Duration, what string, ok func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting until %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// questions are the citizens' questions of the Sombor dev split.
func questions(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("../../eval/datasets/sombor/dev.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	var items []struct {
		Question string `yaml:"question"`
	}
	if err := yaml.Unmarshal(data, &items); err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, it := range items {
		if it.Question != "" {
			out = append(out, it.Question)
		}
	}
	if len(out) < 20 {
		tb.Fatalf("only %d questions", len(out))
	}
	return out
}
