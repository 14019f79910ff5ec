package handoverstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type bundle struct {
	ctx   context.Context
	store *handoverstore.Store
	conv  *convstore.Store
	staff []int64
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	b := &bundle{ctx: context.Background(), store: handoverstore.New(db), conv: convstore.New(db)}
	for _, email := range []string{"ana@sombor.rs", "marko@sombor.rs"} {
		var id int64
		if err := db.QueryRow(b.ctx, `INSERT INTO staff (municipality, email, name, role, password_hash)
			VALUES ('sombor', $1, 'Ana Petrović', 'admin', 'x') RETURNING id`, email).Scan(&id); err != nil {
			t.Fatal(err)
		}
		b.staff = append(b.staff, id)
	}
	return b
}

func (b *bundle) request(t *testing.T, user string) *handover.Request {
	t.Helper()
	conv, err := b.conv.Conversation(b.ctx, "sombor", assistant.ChannelWeb, user)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.conv.SaveUser(b.ctx, conv, "sombor", "Želim službenika", 0); err != nil {
		t.Fatal(err)
	}
	r, created, err := b.store.CreateRequest(b.ctx, handover.Request{Municipality: "sombor", ConversationID: conv,
		Channel: "web", ChannelUser: user, Body: "info-pult", RequestedAt: time.Now()})
	if err != nil || !created || r.Status != handover.Waiting {
		t.Fatalf("create: %+v %v %v", r, created, err)
	}
	return r
}

// TestConcurrentTakes: of staff members taking one request at once,
// exactly one gets it; the others are told it is taken.
func TestConcurrentTakes(t *testing.T) {
	b := setup(t)
	r := b.request(t, "u1")
	// A second request of the conversation joins the open one.
	again, created, err := b.store.CreateRequest(b.ctx, handover.Request{Municipality: "sombor", ConversationID: r.ConversationID,
		Channel: "web", ChannelUser: "u1", Body: "info-pult", RequestedAt: time.Now()})
	if err != nil || created || again.ID != r.ID {
		t.Fatalf("second request: %+v created=%v err=%v", again, created, err)
	}
	const takers = 8
	var wg sync.WaitGroup
	wins, conflicts := make(chan int64, takers), make(chan error, takers)
	for i := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			staff := b.staff[i%2]
			got, err := b.store.Take(b.ctx, "sombor", r.ID, staff, "Ana Petrović", time.Now())
			if err != nil {
				conflicts <- err
				return
			}
			wins <- got.TakenBy
		}()
	}
	wg.Wait()
	close(wins)
	close(conflicts)
	if len(wins) != 1 {
		t.Fatalf("%d takes won, want 1", len(wins))
	}
	for err := range conflicts {
		if !errors.Is(err, fault.ErrConflict) {
			t.Errorf("losing take: %v, want a conflict", err)
		}
	}
	// Another municipality's staff cannot reach it at all.
	if _, err := b.store.Take(b.ctx, "laktasi", r.ID, b.staff[0], "x", time.Now()); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("take from another municipality: %v", err)
	}
}

// TestMessagesAndNotices: a staff reply is in the request's messages and,
// as a notice, in the citizen's conversation (what the widget's live
// stream reads); a citizen's message is not a notice; an ordinary answer
// of the engine is not one either.
func TestMessagesAndNotices(t *testing.T) {
	b := setup(t)
	r := b.request(t, "u2")
	start, err := b.store.LastMessage(b.ctx, r.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = b.store.Take(b.ctx, "sombor", r.ID, b.staff[0], "Ana Petrović", time.Now()); err != nil {
		t.Fatal(err)
	}
	if st, err := b.store.State(b.ctx, r.ConversationID); err != nil || st.Status != handover.Active || st.StaffName != "Ana" {
		t.Fatalf("state %+v %v", st, err)
	}
	if _, err := b.store.AddMessage(b.ctx, r, handover.Message{From: handover.FromCitizen, Text: "Moj broj je [telefon]"}, true); err != nil {
		t.Fatal(err)
	}
	// The engine's own answer: recorded with its latency.
	if err := b.conv.SaveAnswer(b.ctx, r.ConversationID, "sombor", assistant.Answer{Reply: &assistant.Reply{Text: "odgovor",
		Route: assistant.RouteInfo, Status: assistant.StatusAnswered, Latency: time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	m, err := b.store.AddMessage(b.ctx, r, handover.Message{From: handover.FromStaff, StaffID: b.staff[0], StaffName: "Ana", Text: "Dobar dan!"}, true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.store.AddMessage(b.ctx, r, handover.Message{From: handover.FromSystem, Text: "Nažalost…",
		Buttons: []handover.Button{{Label: "Ostavite poruku", Payload: handover.PayloadMessage}}}, false)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := b.store.Messages(b.ctx, r.ID, 0)
	if err != nil || len(msgs) != 3 || msgs[1].ID != m.ID || msgs[2].Buttons[0].Payload != handover.PayloadMessage {
		t.Fatalf("messages %+v %v", msgs, err)
	}
	notices, err := b.store.Notices(b.ctx, r.ConversationID, start)
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 2 || notices[0].Text != "Dobar dan!" || notices[0].From != handover.FromStaff || notices[0].StaffName != "Ana" ||
		notices[1].From != handover.FromSystem || len(notices[1].Buttons) != 1 {
		t.Fatalf("notices %+v", notices)
	}
	// Only the second is still to be sent elsewhere, and not at once:
	// its first delivery may be under way.
	if out, err := b.store.Undelivered(b.ctx, 10); err != nil || len(out) != 0 {
		t.Fatalf("undelivered right away: %+v %v", out, err)
	}
	if again, _ := b.store.Notices(b.ctx, r.ConversationID, notices[1].ID); len(again) != 0 {
		t.Errorf("notices after the cursor: %+v", again)
	}
	lines, err := b.store.Transcript(b.ctx, r, 10)
	if err != nil || len(lines) != 1 || lines[0].Role != "user" {
		t.Errorf("transcript %+v %v", lines, err)
	}
}

// TestLiveWake: a notice written on one connection wakes a subscriber of
// the conversation through LISTEN/NOTIFY, and nobody else's.
func TestLiveWake(t *testing.T) {
	b := setup(t)
	r := b.request(t, "u3")
	other := b.request(t, "u4")
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	wake, stop := b.store.Subscribe(r.ConversationID)
	defer stop()
	wakeOther, stopOther := b.store.Subscribe(other.ConversationID)
	defer stopOther()
	go b.store.Listen(ctx, nil)
	<-wake // Listen wakes everyone once it listens: whatever came before is read
	<-wakeOther
	if _, err := b.store.Take(b.ctx, "sombor", r.ID, b.staff[0], "Ana", time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up for the conversation's change")
	}
	select {
	case <-wakeOther:
		t.Error("another conversation was woken")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestStats(t *testing.T) {
	b := setup(t)
	since := time.Now().Add(-time.Hour)
	taken := []time.Duration{2 * time.Minute, 4 * time.Minute, 9 * time.Minute}
	for i, wait := range taken {
		r := b.request(t, "s"+string(rune('a'+i)))
		if _, err := b.store.Take(b.ctx, "sombor", r.ID, b.staff[0], "Ana", r.RequestedAt.Add(wait)); err != nil {
			t.Fatal(err)
		}
	}
	gone := b.request(t, "gone")
	if _, err := b.store.Finish(b.ctx, gone.ID, []handover.Status{handover.Waiting}, handover.Abandoned, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	late := b.request(t, "late")
	if _, err := b.store.Finish(b.ctx, late.ID, []handover.Status{handover.Waiting}, handover.TimedOut, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	// Finishing twice is a conflict: the sweep and a citizen cannot both.
	if _, err := b.store.Finish(b.ctx, late.ID, []handover.Status{handover.Waiting}, handover.Abandoned, "", time.Now()); !errors.Is(err, fault.ErrConflict) {
		t.Errorf("second finish: %v", err)
	}
	b.request(t, "still")
	st, err := b.store.Stats(b.ctx, "sombor", since)
	if err != nil {
		t.Fatal(err)
	}
	want := handover.Stats{Requests: 6, Taken: 3, Abandoned: 1, TimedOut: 1, Waiting: 1, MedianWait: 4 * time.Minute}
	if st.MedianWait.Round(time.Second) != want.MedianWait || st.Requests != want.Requests || st.Taken != want.Taken ||
		st.Abandoned != want.Abandoned || st.TimedOut != want.TimedOut || st.Waiting != want.Waiting {
		t.Errorf("stats %+v, want %+v", *st, want)
	}
}
