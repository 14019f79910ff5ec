package viberstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/viberstore"
	"github.com/miasrbija/mia/queue"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	db    *postgres.DB
	store *viberstore.Store
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	jobs, err := queue.NewClient(db.Pool, nil, queue.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return &testBundle{db: db, store: viberstore.New(db, jobs)}
}

func (b *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func turn(token uint64, user string) viber.Incoming {
	return viber.Incoming{Municipality: "sombor", Token: token, User: viber.User{ID: user}, Message: viber.InMessage{Type: "text", Text: "zdravo"}}
}

// keep keeps in and queues every kept message, as the enqueuer does.
func (b *testBundle) keep(t *testing.T, in ...viber.Incoming) int {
	t.Helper()
	ctx := context.Background()
	kept, err := b.store.KeepTurns(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.QueueTurns(ctx, 100); err != nil {
		t.Fatal(err)
	}
	return kept
}

func TestKeepAndQueueTurnsOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const big = 1<<64 - 1 // beyond bigint
	// A copy within the batch and a second user with the same token.
	if kept, err := b.store.KeepTurns(ctx, []viber.Incoming{turn(big, "a"), turn(big, "a"), turn(big, "b")}); err != nil || kept != 2 {
		t.Fatalf("kept %d, %v; want 2", kept, err)
	}
	// A redelivery and a new message.
	if kept, err := b.store.KeepTurns(ctx, []viber.Incoming{turn(big, "b"), turn(1, "a")}); err != nil || kept != 1 {
		t.Fatalf("kept %d, %v; want 1", kept, err)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job`); n != 0 {
		t.Errorf("%d jobs before queuing", n)
	}
	// Kept but not queued is not abandoned.
	if m, _, err := b.store.DeleteAbandoned(ctx); err != nil || m != 0 {
		t.Fatalf("deleted %d messages waiting for their jobs, %v", m, err)
	}
	if err := func() error { _, err := viberstore.New(b.db, nil).QueueTurns(ctx, 10); return err }(); err == nil {
		t.Error("a store without a River client queued")
	}
	for i, want := range []int{2, 1, 0} {
		if n, err := b.store.QueueTurns(ctx, 2); err != nil || n != want {
			t.Fatalf("queue %d: %d, %v; want %d", i, n, err, want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn'`); n != 3 {
		t.Errorf("%d turn jobs, want 3", n)
	}
	// Jobs in the order the messages came, each naming its own message.
	if n := b.count(t, `SELECT count(*) FROM river_job j JOIN viber_inbox i ON (j.args->>'inbox')::bigint = i.id
		WHERE (j.args->>'token')::numeric = i.token AND j.args->>'municipality' = i.municipality`); n != 3 {
		t.Errorf("%d jobs name their message, want 3", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job a JOIN river_job b ON a.id < b.id
		WHERE (a.args->>'inbox')::bigint > (b.args->>'inbox')::bigint`); n != 0 {
		t.Errorf("%d job pairs out of the messages' order", n)
	}
	if n := b.count(t, `SELECT count(*) FROM channel_events WHERE token = '18446744073709551615'`); n != 2 {
		t.Errorf("%d events of the max token, want 2", n)
	}
	// Replies are worked before queued turns: under a burst of callbacks
	// an answered turn's reply must not wait behind every turn still
	// queued (River works a lower priority number first).
	send := viber.SendArgs{}.InsertOpts().Priority
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn' AND priority <= $1`, send); n != 0 || send < 1 {
		t.Errorf("%d turn jobs at or before the replies' priority %d", n, send)
	}
}

// TestQueueTurnsConcurrently: processes queuing at once (each web
// replica's queuer and sweep) give every kept message exactly one job.
func TestQueueTurnsConcurrently(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const n = 60
	var in []viber.Incoming
	for i := range n {
		in = append(in, turn(uint64(100+i), "u"))
	}
	if kept, err := b.store.KeepTurns(ctx, in); err != nil || kept != n {
		t.Fatalf("kept %d, %v", kept, err)
	}
	var wg sync.WaitGroup
	var queued atomic.Int64
	for range 4 {
		wg.Go(func() {
			for {
				k, err := b.store.QueueTurns(ctx, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if k == 0 {
					return
				}
				queued.Add(int64(k))
			}
		})
	}
	wg.Wait()
	if queued.Load() != n {
		t.Errorf("queued %d, want %d", queued.Load(), n)
	}
	if got := b.count(t, `SELECT count(DISTINCT args->>'inbox') FROM river_job WHERE kind = 'viber_turn'`); got != n {
		t.Errorf("%d distinct messages with jobs, want %d", got, n)
	}
	if got := b.count(t, `SELECT count(*) FROM river_job`); got != n {
		t.Errorf("%d jobs, want %d", got, n)
	}
}

// TestKeepTurnsDeadline: a statement blocked by a held row lock returns
// with the caller's deadline. It may still commit once the lock goes (one
// statement, committed on its own); whether it did or not, the
// redelivery that follows the 503 leaves each message kept once, with one
// job.
func TestKeepTurnsDeadline(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	holder, err := b.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if _, err := holder.Exec(ctx, `INSERT INTO channel_events (municipality, channel, event, token, user_id) VALUES ('sombor', 'viber', 'message', 5, 'a')`); err != nil {
		t.Fatal(err)
	}
	dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	batch := []viber.Incoming{turn(6, "b"), turn(5, "a")}
	_, err = b.store.KeepTurns(dctx, batch)
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("blocked commit: %v after %v", err, time.Since(start))
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.KeepTurns(ctx, batch); err != nil { // Viber's redelivery
		t.Fatal(err)
	}
	if _, err := b.store.QueueTurns(ctx, 10); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"channel_events": 2, "viber_inbox": 2, "river_job": 2} {
		if n := b.count(t, `SELECT count(*) FROM `+table); n != want {
			t.Errorf("%s: %d rows after the deadline and the redelivery, want %d", table, n, want)
		}
	}
}

func TestEventsUsersAndParts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	e := viber.Event{Municipality: "sombor", Event: viber.EventSeen, Token: 9, User: "u"}
	for i, want := range []bool{true, false} {
		if fresh, err := b.store.RecordEvent(ctx, e); err != nil || fresh != want {
			t.Errorf("record %d: fresh %v, %v", i, fresh, err)
		}
	}

	sub := viber.Event{Municipality: "sombor", Event: viber.EventUnsubscribed, Token: 10, User: "u"}
	if err := b.store.SaveUser(ctx, "sombor", viber.User{ID: "u", Name: "Petar", APIVersion: 10}, true); err != nil {
		t.Fatal(err)
	}
	if err := b.store.RecordSubscription(ctx, sub, viber.User{ID: "u"}, false); err != nil {
		t.Fatal(err)
	}
	// A redelivery of the callback changes nothing, whatever it carries.
	if err := b.store.RecordSubscription(ctx, sub, viber.User{ID: "u"}, true); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM viber_users WHERE user_id = 'u' AND NOT subscribed AND name = 'Petar' AND api_version = 10`); n != 1 {
		t.Error("the user's name, level or unsubscription is lost")
	}
	if err := b.store.SaveUser(ctx, "sombor", viber.User{ID: "u"}, true); err != nil {
		t.Fatal(err)
	}
	if err := b.store.MarkUnsubscribed(ctx, "sombor", "u"); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM viber_users WHERE user_id = 'u' AND NOT subscribed AND name = 'Petar'`); n != 1 {
		t.Error("not marked unsubscribed")
	}

	for range 2 { // idempotent
		if err := b.store.RecordSent(ctx, viber.SentPart{JobID: 1, Part: 1, Municipality: "sombor", Receiver: "u", Token: 1 << 63}); err != nil {
			t.Fatal(err)
		}
	}
	if parts, err := b.store.SentParts(ctx, 1); err != nil || len(parts) != 1 || !parts[1] {
		t.Errorf("sent parts %v, %v", parts, err)
	}

	if _, err := b.db.Exec(ctx, `UPDATE channel_events SET received_at = now() - interval '2 days' WHERE token = 9`); err != nil {
		t.Fatal(err)
	}
	events, parts, err := b.store.DeleteBefore(ctx, time.Now().Add(-24*time.Hour))
	if err != nil || events != 1 || parts != 0 {
		t.Errorf("deleted %d events, %d parts, %v", events, parts, err)
	}
}

// TestMessagesKeptOutOfJobs: the turn job names the kept message and
// holds none of its text; the message reads back whole (a token beyond
// bigint included) and goes once its job no longer runs.
func TestMessagesKeptOutOfJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	const secret = "Moj JMBG je 0101990710006, mejl petar@example.com, telefon 0641234567"
	in := turn(1<<64-1, "u")
	in.User.Name = "Petar Petrović"
	in.Message.Text = secret
	b.keep(t, in)
	var args string
	var inbox int64
	if err := b.db.QueryRow(ctx, `SELECT args::text, (args->>'inbox')::bigint FROM river_job WHERE kind = 'viber_turn'`).Scan(&args, &inbox); err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"0101990710006", "petar@", "0641234567", "Petar", "zdravo"} {
		if strings.Contains(args, leak) {
			t.Errorf("job args hold %q: %s", leak, args)
		}
	}
	got, err := b.store.Incoming(ctx, inbox)
	if err != nil || got.Message.Text != secret || got.User.Name != "Petar Petrović" || got.Token != 1<<64-1 || got.Municipality != "sombor" {
		t.Fatalf("kept message %+v, %v", got, err)
	}
	// While its job is still to run, the message stays.
	if m, r, err := b.store.DeleteAbandoned(ctx); err != nil || m != 0 || r != 0 {
		t.Fatalf("deleted %d messages, %d replies while the job is pending, %v", m, r, err)
	}
	if _, err := b.db.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now()`); err != nil {
		t.Fatal(err)
	}
	if m, _, err := b.store.DeleteAbandoned(ctx); err != nil || m != 1 {
		t.Fatalf("deleted %d messages of a discarded job, %v", m, err)
	}
	if _, err := b.store.Incoming(ctx, inbox); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("abandoned message still there: %v", err)
	}
}

func TestReplyDeleted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if _, err := b.store.Reply(ctx, 1); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("missing reply: %v", err)
	}
	// A reply row with no job (its job was pruned): abandoned.
	if _, err := b.db.Exec(ctx, `INSERT INTO viber_replies (municipality, receiver, payload) VALUES ('sombor', 'u', '[{"type":"text","text":"x","sender":{"name":"S"}}]')`); err != nil {
		t.Fatal(err)
	}
	r, err := b.store.Reply(ctx, 1)
	if err != nil || r.Receiver != "u" || len(r.Messages) != 1 || r.Messages[0].Text != "x" {
		t.Fatalf("reply %+v, %v", r, err)
	}
	for range 2 { // idempotent
		if err := b.store.DeleteReply(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM viber_replies`); n != 0 {
		t.Errorf("%d replies left", n)
	}
}
