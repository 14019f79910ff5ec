package replica_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/replica"
	"github.com/miasrbija/mia/rag"
)

// TestSearchRunsOnReplica: with a replica configured, every statement of
// the assistant's search runs on the replica and none on the primary; the
// read path sees a server in recovery; an idle, caught-up replica stays in
// use past the lag bound (lag is measured on WAL positions, not on the age
// of the last replayed transaction).
func TestSearchRunsOnReplica(t *testing.T) {
	c := newCluster(t, 1)
	set := c.openSet(t, replica.Options{MaxLag: time.Second, Interval: 100 * time.Millisecond})
	ctx := context.Background()

	var inRecovery bool
	if err := c.db.Read(ctx, func(ctx context.Context, db *postgres.DB) error {
		return db.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&inRecovery)
	}); err != nil || !inRecovery {
		t.Fatalf("the read path reached a server with pg_is_in_recovery() = %v (err %v); want the standby", inRecovery, err)
	}

	primaryBefore, replicaBefore := chunkStatements(t, c.primary.URL()), chunkStatements(t, c.replicas[0].URL())
	s := c.searcher()
	qs := questions(t)
	found := 0
	for _, q := range qs {
		res, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		if len(res.Hits) > 0 {
			found++
		}
	}
	if found < len(qs)*9/10 {
		t.Fatalf("only %d of %d questions found passages: the replica's corpus is not the primary's", found, len(qs))
	}
	primaryStmts := chunkStatements(t, c.primary.URL()) - primaryBefore
	replicaStmts := chunkStatements(t, c.replicas[0].URL()) - replicaBefore - 1 // this count itself
	if primaryStmts != 0 {
		t.Errorf("%d knowledge-base statements ran on the primary during %d searches; want 0", primaryStmts, len(qs))
	}
	if replicaStmts < 2*len(qs) {
		t.Errorf("%d knowledge-base statements on the replica for %d searches; want at least two per search", replicaStmts, len(qs))
	}
	if got := set.Counts(); got.Primary != 0 || got.Replica == 0 {
		t.Errorf("reads %+v: want all on the replica", got)
	}
	t.Logf("%d searches: %d statements on the replica, %d on the primary", len(qs), replicaStmts, primaryStmts)

	// Nothing is written: the replica must not be taken for lagging past
	// MaxLag. (A check may time out on a loaded machine; that is another
	// reason, and the next check clears it.)
	time.Sleep(1500 * time.Millisecond)
	if st := set.Status()[0]; strings.Contains(st.Reason, "lags") || st.Lag > time.Second {
		t.Errorf("idle, caught-up replica: %+v; want no lag beyond the bound", st)
	}
}

// TestStoppedReplicaCostsNoSearch: searches run without pause from eight
// goroutines while one of two replicas is stopped (fast shutdown, which
// ends its in-flight queries) and started again. No search fails; while
// it is down the other replica answers; once it is back it is used again.
func TestStoppedReplicaCostsNoSearch(t *testing.T) {
	c := newCluster(t, 2)
	set := c.openSet(t, replica.Options{MaxLag: 5 * time.Second, Interval: 100 * time.Millisecond})
	s := c.searcher()
	qs := questions(t)

	var ok, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: qs[i%len(qs)]})
				cancel()
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				} else {
					ok.Add(1)
				}
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()

	down := c.replicas[0]
	waitFor(t, 30*time.Second, "both replicas answer searches", func() bool {
		st := set.Status()
		return st[0].Reads > 20 && st[1].Reads > 20
	})
	down.Stop()
	stoppedAt := ok.Load()
	waitFor(t, 10*time.Second, "the stopped replica is skipped", func() bool { return !set.Status()[0].Healthy })
	during, countsDuring := set.Status(), set.Counts()
	waitFor(t, 30*time.Second, "searches go on while it is down", func() bool { return ok.Load() > stoppedAt+100 })
	after := set.Status()
	if got := after[1].Reads - during[1].Reads; got < 100 {
		t.Errorf("the other replica answered %d reads while the first was down", got)
	}
	// A read already underway on the stopped replica may still end in a
	// retry on the primary; no new read may choose the primary.
	if cnt := set.Counts(); cnt.Primary-countsDuring.Primary != cnt.Retries-countsDuring.Retries {
		t.Errorf("reads %+v after %+v: reads went to the primary while a healthy replica remained", cnt, countsDuring)
	}

	down.Start()
	waitFor(t, 30*time.Second, "the restarted replica is used again", func() bool {
		st := set.Status()
		return st[0].Healthy && st[0].Reads > after[0].Reads+50
	})
	close(stop)
	wg.Wait()
	stop = make(chan struct{}) // for the deferred close

	if failed.Load() != 0 {
		t.Fatalf("%d of %d searches failed; first: %v", failed.Load(), failed.Load()+ok.Load(), firstErr.Load())
	}
	cnt := set.Counts()
	t.Logf("%d searches, none failed; reads: %d on replicas, %d on the primary (%d retries after the stop)",
		ok.Load(), cnt.Replica, cnt.Primary, cnt.Retries)
}

// TestLaggingReplicaSkipped: with replay paused on the replica and a new
// document on the primary, the replica is skipped once its lag passes the
// bound, searches go to the primary (and find the new document); after
// replay resumes it is used again.
func TestLaggingReplicaSkipped(t *testing.T) {
	c := newCluster(t, 1)
	const bound = time.Second
	set := c.openSet(t, replica.Options{MaxLag: bound, Interval: 100 * time.Millisecond})
	ctx := context.Background()
	s := c.searcher()
	r := c.replicas[0]

	exec(t, r.URL(), `SELECT pg_wal_replay_pause()`)
	paused := time.Now()
	if _, err := c.db.Exec(ctx, `UPDATE documents SET title = title || ' (izmenjeno)' WHERE source = 'porez-na-imovinu.md'`); err != nil {
		t.Fatal(err)
	}
	if st := set.Status()[0]; !st.Healthy {
		t.Fatalf("skipped before the bound: %+v", st)
	}
	waitFor(t, 10*time.Second, "the lagging replica is skipped", func() bool {
		return strings.Contains(set.Status()[0].Reason, "lags")
	})
	t.Logf("skipped %s after replay was paused", time.Since(paused).Round(time.Millisecond))
	st := set.Status()[0]
	if !strings.Contains(st.Reason, "replay paused") || st.Lag <= bound {
		t.Errorf("status %+v; want a lag over %s and the reason naming the paused replay", st, bound)
	}

	before := set.Counts()
	res, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: "Do kada se plaća prva rata poreza na imovinu?"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || !strings.HasSuffix(res.Hits[0].Title, "(izmenjeno)") {
		t.Errorf("search did not see the primary's write: %+v", res.Hits)
	}
	if got := set.Counts(); got.Replica != before.Replica || got.Primary == before.Primary {
		t.Errorf("reads %+v after %+v: want the primary to answer while the replica lags", got, before)
	}

	exec(t, r.URL(), `SELECT pg_wal_replay_resume()`)
	waitFor(t, 10*time.Second, "the caught-up replica answers searches again", func() bool {
		before := set.Counts()
		res, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: "Do kada se plaća prva rata poreza na imovinu?"})
		if err != nil || len(res.Hits) == 0 || !strings.HasSuffix(res.Hits[0].Title, "(izmenjeno)") {
			t.Fatalf("search after replay resumed: %v, %+v", err, res)
		}
		got := set.Counts()
		return got.Replica > before.Replica && got.Primary == before.Primary
	})
}

// TestUnusableReplicasFallBackToPrimary: a replica that is down when MIA
// starts does not stop it, and a server that is not a standby (here the
// primary itself, as a wrong MIA_DATABASE_READ_URL would name it) is never
// read from; reads go to the primary.
func TestUnusableReplicasFallBackToPrimary(t *testing.T) {
	db, url := pgtest.NewDB(t)
	dead := "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=1"
	set, err := replica.Open(context.Background(), db, []string{dead, url}, replica.Options{Interval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("a replica that is down must not stop the start: %v", err)
	}
	defer set.Close()
	st := set.Status()
	if st[0].Healthy || !strings.Contains(st[0].Reason, "check failed") {
		t.Errorf("dead replica: %+v", st[0])
	}
	if st[1].Healthy || !strings.Contains(st[1].Reason, "not a standby") {
		t.Errorf("primary named as a replica: %+v", st[1])
	}
	if strings.Contains(st[0].Name, "postgres@") || st[0].Name != "127.0.0.1:1/postgres" {
		t.Errorf("replica name %q: want host:port/database without the user", st[0].Name)
	}
	ctx := context.Background()
	var n int
	if err := set.Read(ctx, func(ctx context.Context, d *postgres.DB) error {
		return d.QueryRow(ctx, `SELECT count(*) FROM municipalities`).Scan(&n)
	}); err != nil || n == 0 {
		t.Fatalf("read: %d, %v", n, err)
	}
	if got := set.Counts(); got.Primary != 1 || got.Replica != 0 {
		t.Errorf("reads %+v: want the one read on the primary", got)
	}
}

// TestVocabularyNeverCachedFromABehindReplica: the Searcher caches term
// look-ups under the vocabulary generation it read. With one replica's
// replay paused (within the lag bound, so still in use) and a new word
// ingested, a look-up must never be answered by the paused replica once
// the newer generation was seen: from the first search that knows the
// word, every search knows it, as on the primary.
func TestVocabularyNeverCachedFromABehindReplica(t *testing.T) {
	c := newCluster(t, 2)
	set := c.openSet(t, replica.Options{MaxLag: time.Minute, Interval: 100 * time.Millisecond})
	ctx := context.Background()
	s := c.searcher()
	const question = "Šta je kvantomatika?"
	if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: question}); err != nil {
		t.Fatal(err)
	}

	exec(t, c.replicas[1].URL(), `SELECT pg_wal_replay_pause()`)
	doc := filepath.Join(t.TempDir(), "kvantomatika.md")
	if err := os.WriteFile(doc, []byte("# Kvantomatika\n\nKvantomatika je nova gradska usluga: kvantomatika se zakazuje u Gradskom uslužnom centru.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := ingest.Runner{Store: docstore.New(c.db), Embedder: rag.NewHashEmbedder(), Municipality: "sombor"}
	if _, err := run.Run(ctx, []string{doc}); err != nil {
		t.Fatal(err)
	}
	want, err := rag.NewSearcher(docstore.New(c.db), rag.NewHashEmbedder()).Search(ctx, rag.Query{Municipality: "sombor", Text: question})
	if err != nil {
		t.Fatal(err)
	}
	fresh := c.replicas[0].URL()
	waitFor(t, 10*time.Second, "the running replica replays the ingestion", func() bool {
		return count(t, fresh, `SELECT count(*)::int FROM documents WHERE source = 'kvantomatika.md'`) == 1
	})

	known := 0
	for i := range 60 {
		res, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: question})
		if err != nil {
			t.Fatal(err)
		}
		switch same := slices.Equal(res.Terms, want.Terms); {
		case same:
			known++
		case known > 0:
			t.Fatalf("search %d: terms %q after the word was known (primary: %q): a stale look-up was cached", i, res.Terms, want.Terms)
		}
	}
	if known == 0 {
		t.Fatalf("no search knew the new word %q", want.Terms)
	}
	if set.Status()[1].Reads == 0 || !set.Status()[1].Healthy {
		t.Errorf("the paused replica took no reads: %+v", set.Status()[1])
	}
	t.Logf("60 searches, %d with the new vocabulary; reads %+v", known, set.Counts())
}

// TestHungReplicaCostsNoSearch: a replica that stops answering without
// closing its connections (its processes frozen) makes each read wait at
// most ReadTimeout before the primary answers it, until a check times out
// and skips the replica; thawed, it is used again. No search fails.
func TestHungReplicaCostsNoSearch(t *testing.T) {
	c := newCluster(t, 1)
	const timeout = 300 * time.Millisecond
	set := c.openSet(t, replica.Options{MaxLag: 5 * time.Second, Interval: 100 * time.Millisecond, ReadTimeout: timeout})
	ctx := context.Background()
	s := c.searcher()
	qs := questions(t)
	r := c.replicas[0]

	r.Freeze()
	frozen := true
	defer func() {
		if frozen {
			r.Thaw()
		}
	}()
	for i := range 10 {
		// Without ReadTimeout a read on the frozen replica would wait for
		// this deadline and fail.
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := s.Search(sctx, rag.Query{Municipality: "sombor", Text: qs[i]})
		cancel()
		if err != nil {
			t.Fatalf("search %d with the replica frozen: %v", i, err)
		}
	}
	waitFor(t, 10*time.Second, "the hung replica is skipped", func() bool { return !set.Status()[0].Healthy })
	if got := set.Counts(); got.Retries == 0 || got.Replica != 0 {
		t.Errorf("reads %+v: want retries on the primary and none answered by the frozen replica", got)
	}
	r.Thaw()
	frozen = false
	waitFor(t, 15*time.Second, "the thawed replica answers searches again", func() bool {
		before := set.Counts().Replica
		if _, err := s.Search(ctx, rag.Query{Municipality: "sombor", Text: qs[0]}); err != nil {
			t.Fatal(err)
		}
		return set.Counts().Replica > before
	})
}
