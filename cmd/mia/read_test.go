package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
)

// TestReadReplicaSettings: the replica list and the lag bound are checked
// with the rest, a replica URL's password is never echoed, and serve, ask,
// eval and search take them.
func TestReadReplicaSettings(t *testing.T) {
	good := "postgres://postgres@127.0.0.1:5432/mia"
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"MIA_DATABASE_READ_URL": good + ",postgres://u:secret@host:notaport/db"}, []string{"serve"}, "MIA_DATABASE_READ_URL (--database-read-url)"},
		{map[string]string{"MIA_DATABASE_READ_MAX_LAG": "0s"}, []string{"search", "porez"}, "MIA_DATABASE_READ_MAX_LAG (--database-read-max-lag)"},
		{nil, []string{"ask", "--database-read-max-lag", "soon", "zdravo"}, "MIA_DATABASE_READ_MAX_LAG (--database-read-max-lag)"},
	} {
		env := map[string]string{"DATABASE_URL": good}
		for k, v := range tt.env {
			env[k] = v
		}
		_, _, err := runCmd(context.Background(), env, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%v %v: error %v; want one naming %s without the password", tt.env, tt.args, err, tt.want)
		}
	}
	e := &env{getenv: func(k string) string {
		return map[string]string{"DATABASE_URL": good, "MIA_DATABASE_READ_URL": " postgres://r1/mia , postgres://r2:5433/mia "}[k]
	}}
	fs := newFlagSet("serve", e)
	c, err := bindConfig(fs, e, commonSettings, engineSettings).load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ReadURLs) != 2 || c.ReadURLs[1] != "postgres://r2:5433/mia" || c.ReadMaxLag != 10*time.Second {
		t.Errorf("read replicas %q, max lag %s", c.ReadURLs, c.ReadMaxLag)
	}
}

// TestReadsGoToReplica: `mia search` with MIA_DATABASE_READ_URL naming a
// real streaming replica finds the passage there, and the primary runs no
// statement on the knowledge base for it; the back-office's figures and
// crawl runs, as serve wires them, read there too, and /metrics shows it.
func TestReadsGoToReplica(t *testing.T) {
	pg := pgtest.StartServer(t, "shared_preload_libraries=pg_stat_statements")
	ctx := context.Background()
	primary := map[string]string{"DATABASE_URL": pg.URL()}
	docs, _ := filepath.Glob("../../corpus/sombor/porez-na-imovinu.md")
	if _, stderr, err := runCmd(ctx, primary, append([]string{"ingest"}, docs...)...); err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr)
	}
	exec(t, pg.URL(), `CREATE EXTENSION pg_stat_statements`)
	r := pg.StartReplica(t)
	deadline := time.Now().Add(20 * time.Second)
	for statements(t, r.URL(), `SELECT count(*)::int FROM pg_extension WHERE extname = 'pg_stat_statements'`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the replica did not catch up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	chunkStmts := `SELECT coalesce(sum(calls), 0)::int FROM pg_stat_statements WHERE query ILIKE '%chunks%' AND query NOT ILIKE '%pg_stat_statements%'`
	before := statements(t, pg.URL(), chunkStmts)

	withReplica := map[string]string{"DATABASE_URL": pg.URL(), "MIA_DATABASE_READ_URL": r.URL()}
	out, stderr, err := runCmd(ctx, withReplica, "search", "--json", "Do kada se plaća prva rata poreza na imovinu?")
	if err != nil {
		t.Fatalf("search: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "porez-na-imovinu.md") {
		t.Errorf("search found nothing:\n%s", out)
	}
	if got := statements(t, pg.URL(), chunkStmts) - before; got != 0 {
		t.Errorf("%d knowledge-base statements ran on the primary; want 0", got)
	}
	if got := statements(t, r.URL(), chunkStmts); got == 0 {
		t.Error("no knowledge-base statement ran on the replica")
	}

	c := &Config{ReadURLs: []string{r.URL()}, ReadMaxLag: 10 * time.Second}
	db, err := postgres.Open(ctx, pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := c.openReplicas(ctx, db, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	registerReadMetrics(reg, db)
	// The first health check runs in the background: on a loaded machine
	// the replica may not be in use yet.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if replicaUp(t, reg) || time.Now().After(deadline) {
			break
		}
	}
	if _, err := (readUsage{db}).Usage(ctx, "sombor"); err != nil {
		t.Fatal(err)
	}
	if _, err := (readCrawlRuns{db}).Runs(ctx, "sombor", 10); err != nil {
		t.Fatal(err)
	}
	if _, err := (readCrawlRuns{db}).StalePages(ctx, "sombor", time.Now()); err != nil {
		t.Fatal(err)
	}
	var metrics strings.Builder
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			// Labels are written by hand: protobuf's own text form varies
			// its spacing on purpose.
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s:%q", l.GetName(), l.GetValue()))
			}
			fmt.Fprintf(&metrics, "%s [%s] %v %v\n", f.GetName(), strings.Join(labels, " "), m.GetGauge().GetValue(), m.GetCounter().GetValue())
		}
	}
	// The replica is named host:port/database, never with its user.
	name, _, _ := strings.Cut(strings.Split(r.URL(), "@")[1], "?")
	for _, want := range []string{
		`mia_db_replica_up [replica:"` + name + `"] 1 0`,
		`mia_db_reads_total [target:"` + name + `"] 0 3`,
		`mia_db_reads_total [target:"primary"] 0 0`,
	} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, metrics.String())
		}
	}
}

func statements(t *testing.T, dsn, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// replicaUp reports whether the registry's replica gauge says a replica is
// up.
func replicaUp(t *testing.T, reg *prometheus.Registry) bool {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "mia_db_replica_up" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetGauge().GetValue() == 1 {
				return true
			}
		}
	}
	return false
}
