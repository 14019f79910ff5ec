package convstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/serbian"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	ctx   context.Context
	db    *postgres.DB
	store *convstore.Store
}

// setup returns the store on a fresh database that knows Sombor and a
// second city, Apatin.
func setup(t testing.TB) *testBundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	tb := &testBundle{ctx: context.Background(), db: db, store: convstore.New(db)}
	if _, err := db.Exec(tb.ctx, `INSERT INTO municipalities (slug, name) VALUES ('apatin', 'Opština Apatin') ON CONFLICT DO NOTHING`); err != nil {
		t.Fatal(err)
	}
	return tb
}

// mustConversation returns the conversation of user on ch in Sombor.
func (tb *testBundle) mustConversation(t *testing.T, muni string, ch assistant.Channel, user string) int64 {
	t.Helper()
	id, err := tb.store.Conversation(tb.ctx, muni, ch, user)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestConversation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	if _, ok, err := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelWeb, "a"); ok || err != nil {
		t.Fatalf("found a conversation before first contact: %v %v", ok, err)
	}
	id := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "a")
	if again := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "a"); again != id {
		t.Fatalf("a second contact opened conversation %d, not %d", again, id)
	}
	found, ok, err := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelWeb, "a")
	if err != nil || !ok || found != id {
		t.Fatalf("find: %d %v %v; want %d", found, ok, err, id)
	}
	// The same id on another channel or in another city is someone else.
	for _, other := range []int64{
		tb.mustConversation(t, "sombor", assistant.ChannelViber, "a"),
		tb.mustConversation(t, "apatin", assistant.ChannelWeb, "a"),
	} {
		if other == id {
			t.Fatal("two citizens share a conversation")
		}
	}
	if _, err := tb.store.Script(tb.ctx, id+1000); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("script of an unknown conversation: %v", err)
	}
	// Each turn asks for its conversation: one that exists is read, not
	// rewritten (no new row version, no WAL, no durable commit).
	version := func() (xmin string) {
		t.Helper()
		if err := tb.db.QueryRow(tb.ctx, `SELECT xmin::text FROM conversations WHERE id = $1`, id).Scan(&xmin); err != nil {
			t.Fatal(err)
		}
		return xmin
	}
	before := version()
	tb.mustConversation(t, "sombor", assistant.ChannelWeb, "a")
	if after := version(); after != before {
		t.Fatalf("asking for an existing conversation rewrote its row (xmin %s, then %s)", before, after)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "a")
	if s, err := tb.store.Script(tb.ctx, id); err != nil || s != serbian.Latin {
		t.Fatalf("script before any message: %v %v", s, err)
	}
	if err := tb.store.SaveUser(tb.ctx, id, "sombor", "здраво", serbian.Cyrillic); err != nil {
		t.Fatal(err)
	}
	if s, err := tb.store.Script(tb.ctx, id); err != nil || s != serbian.Cyrillic {
		t.Fatalf("script after a Cyrillic message: %v %v", s, err)
	}
	conf, ms := 0.75, 420
	reply := &assistant.Reply{Text: "Порез се плаћа тромесечно [1].", Route: assistant.RouteInfo, Status: assistant.StatusAnswered,
		Latency: 1500 * time.Millisecond, Citations: []assistant.Citation{{N: 1, DocumentID: 3, ChunkID: 7, Source: "porez.md", Title: "Porez"}}}
	if err := tb.store.SaveAnswer(tb.ctx, id, "sombor", assistant.Answer{Reply: reply, Confidence: &conf, ModelMillis: &ms,
		PromptTokens: 900, CompletionTokens: 40, Model: "test-model"}); err != nil {
		t.Fatal(err)
	}
	// Offline: no model figures, no citations.
	if err := tb.store.SaveAnswer(tb.ctx, id, "sombor", assistant.Answer{Reply: &assistant.Reply{Text: "Грешка", Route: assistant.RouteInfo,
		Status: assistant.StatusError}, Error: "index gone"}); err != nil {
		t.Fatal(err)
	}
	if err := tb.store.SaveNotice(tb.ctx, "sombor", assistant.ChannelWeb, "a", "Ваша пријава је решена."); err != nil {
		t.Fatal(err)
	}

	hist, err := tb.store.History(tb.ctx, id, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, h.Role+":"+h.Content)
	}
	if want := "assistant:Порез се плаћа тромесечно [1].|assistant:Грешка|assistant:Ваша пријава је решена."; strings.Join(got, "|") != want {
		t.Fatalf("history %q, want the latest three oldest first", got)
	}
	if all, _ := tb.store.History(tb.ctx, id, 50); len(all) != 4 || all[0].Role != "user" {
		t.Fatalf("whole history %+v", all)
	}

	rows, err := tb.db.Query(tb.ctx, `
		SELECT role, coalesce(route, ''), coalesce(status, ''), jsonb_array_length(citations), coalesce(confidence, -1)::float8,
			coalesce(latency_ms, -1), coalesce(model_ms, -1), coalesce(prompt_tokens, -1), coalesce(completion_tokens, -1),
			coalesce(model, '-'), coalesce(error, '-')
		FROM messages WHERE conversation_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got = nil
	for rows.Next() {
		var role, route, status, model, errText string
		var cites, latency, modelMS, pt, ct int
		var confidence float64
		if err := rows.Scan(&role, &route, &status, &cites, &confidence, &latency, &modelMS, &pt, &ct, &model, &errText); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %s %d %.2f %d %d %d %d %s %s", role, route, status, cites, confidence, latency, modelMS, pt, ct, model, errText))
	}
	want := []string{
		"user   0 -1.00 -1 -1 -1 -1 - -",
		"assistant info answered 1 0.75 1500 420 900 40 test-model -",
		"assistant info error 0 -1.00 0 -1 -1 -1 - index gone",
		"assistant case_status answered 0 -1.00 -1 -1 -1 -1 - -",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("recorded\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNoticeOpensConversation: a notice to a citizen without a conversation
// on that channel opens one.
func TestNoticeOpensConversation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	if err := tb.store.SaveNotice(tb.ctx, "sombor", assistant.ChannelViber, "v-1", "Prijava je primljena."); err != nil {
		t.Fatal(err)
	}
	id, ok, err := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelViber, "v-1")
	if err != nil || !ok {
		t.Fatalf("no conversation: %v", err)
	}
	if hist, _ := tb.store.History(tb.ctx, id, 10); len(hist) != 1 || hist[0].Content != "Prijava je primljena." {
		t.Fatalf("history %+v", hist)
	}
}

func TestConcurrentFirstContact(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	ids := make([]int64, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			id, err := tb.store.Conversation(tb.ctx, "sombor", assistant.ChannelWeb, "same")
			if err != nil {
				t.Error(err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("one citizen got conversations %v", ids)
		}
	}
}
