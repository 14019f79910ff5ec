package convstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/serbian"
)

// A reloaded conversation shows each reply as first shown: its citations,
// buttons, form and case, and a staff reply with the staff's name.
func TestHistoryKeepsWhatWasShown(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	conv := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "reload")
	if err := tb.store.SaveUser(tb.ctx, conv, "sombor", "Kako da dobijem izvod?", serbian.Latin); err != nil {
		t.Fatal(err)
	}
	updated := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	answer := &assistant.Reply{
		Text:         "Izvod se traži na šalteru [1].",
		Citations:    []assistant.Citation{{N: 1, DocumentID: 7, ChunkID: 70, Source: "izvod.pdf", Title: "Izvodi", UpdatedAt: updated}},
		QuickReplies: []assistant.QuickReply{{Label: "Podnesi zahtev", Payload: "form:extract"}},
		Route:        assistant.RouteInfo, Status: assistant.StatusAnswered,
	}
	filed := &assistant.Reply{Text: "Zahtev je podnet: SO-IZ-2026-000001.", Route: assistant.RouteForm,
		Status: assistant.StatusAnswered, Form: "extract", CaseRef: "SO-IZ-2026-000001"}
	for _, r := range []*assistant.Reply{answer, filed} {
		if err := tb.store.SaveAnswer(tb.ctx, conv, "sombor", assistant.Answer{Reply: r}); err != nil {
			t.Fatal(err)
		}
	}
	hs := handoverstore.New(tb.db)
	req, _, err := hs.CreateRequest(tb.ctx, handover.Request{Municipality: "sombor", ConversationID: conv,
		Channel: string(assistant.ChannelWeb), ChannelUser: "reload", Body: "uprava", RequestedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hs.AddMessage(tb.ctx, req, handover.Message{From: handover.FromStaff, StaffID: 0, StaffName: "Ana", Text: "Tu sam."}, true); err != nil {
		t.Fatal(err)
	}

	got, err := tb.store.History(tb.ctx, conv, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("history has %d messages, want 4: %+v", len(got), got)
	}
	u, a, f, s := got[0], got[1], got[2], got[3]
	if u.Role != "user" || u.Sender != "" || len(u.Citations) != 0 || u.ID == 0 {
		t.Errorf("citizen's message: %+v", u)
	}
	if len(a.Citations) != 1 || a.Citations[0].DocumentID != 7 || a.Citations[0].ChunkID != 70 ||
		!a.Citations[0].UpdatedAt.Equal(updated) || a.Citations[0].Title != "Izvodi" {
		t.Errorf("answer's citations: %+v", a.Citations)
	}
	if len(a.QuickReplies) != 1 || a.QuickReplies[0] != answer.QuickReplies[0] || a.Sender != "" ||
		a.Route != assistant.RouteInfo || a.Status != assistant.StatusAnswered {
		t.Errorf("answer's buttons or sender: %+v", a)
	}
	if f.Form != "extract" || f.CaseRef != "SO-IZ-2026-000001" || len(f.QuickReplies) != 0 {
		t.Errorf("filing reply: %+v", f)
	}
	if s.Role != "assistant" || s.Sender != string(handover.FromStaff) || s.StaffName != "Ana" || s.Content != "Tu sam." {
		t.Errorf("staff reply: %+v", s)
	}
	if !(u.ID < a.ID && a.ID < f.ID && f.ID < s.ID) {
		t.Errorf("ids out of order: %d %d %d %d", u.ID, a.ID, f.ID, s.ID)
	}
}

// A chosen script outlives the script of the citizen's later messages and
// is the conversation's script from then on.
func TestScriptPreference(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	conv := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "script")
	if _, chosen, err := tb.store.ScriptPreference(tb.ctx, conv); chosen || err != nil {
		t.Fatalf("a new conversation has a chosen script: %v %v", chosen, err)
	}
	if err := tb.store.SetScriptPreference(tb.ctx, conv, serbian.Cyrillic); err != nil {
		t.Fatal(err)
	}
	if err := tb.store.SaveUser(tb.ctx, conv, "sombor", "latinicom", serbian.Latin); err != nil {
		t.Fatal(err)
	}
	if s, chosen, err := tb.store.ScriptPreference(tb.ctx, conv); !chosen || s != serbian.Cyrillic || err != nil {
		t.Fatalf("preference after a Latin message = %v %v %v, want Cyrillic", s, chosen, err)
	}
	if err := tb.store.SetScriptPreference(tb.ctx, conv, serbian.Latin); err != nil {
		t.Fatal(err)
	}
	if s, err := tb.store.Script(tb.ctx, conv); s != serbian.Latin || err != nil {
		t.Fatalf("conversation script after choosing Latin = %v %v", s, err)
	}
	if err := tb.store.SetScriptPreference(tb.ctx, conv, serbian.Unknown); !errors.Is(err, fault.ErrInvalid) {
		t.Errorf("an unknown script: %v, want invalid", err)
	}
	if err := tb.store.SetScriptPreference(tb.ctx, conv+1000, serbian.Latin); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("an unknown conversation: %v, want not found", err)
	}
	if _, _, err := tb.store.ScriptPreference(tb.ctx, conv+1000); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("reading an unknown conversation: %v, want not found", err)
	}
}

// BenchmarkHistory reads a reloaded widget's history: 20 messages, each
// answer with two citations and buttons, joined with the handover messages.
func BenchmarkHistory(b *testing.B) {
	tb := setup(b)
	conv, err := tb.store.Conversation(tb.ctx, "sombor", assistant.ChannelWeb, "bench")
	if err != nil {
		b.Fatal(err)
	}
	reply := &assistant.Reply{Text: "Odgovor [1] i [2].", Route: assistant.RouteInfo, Status: assistant.StatusAnswered,
		Citations:    []assistant.Citation{{N: 1, DocumentID: 1, ChunkID: 10, Title: "A"}, {N: 2, DocumentID: 2, ChunkID: 20, Title: "B"}},
		QuickReplies: []assistant.QuickReply{{Label: "Da", Payload: "da"}, {Label: "Ne", Payload: "ne"}}}
	for range 10 {
		if err := tb.store.SaveUser(tb.ctx, conv, "sombor", "Pitanje?", serbian.Latin); err != nil {
			b.Fatal(err)
		}
		if err := tb.store.SaveAnswer(tb.ctx, conv, "sombor", assistant.Answer{Reply: reply}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := tb.store.History(tb.ctx, conv, 20); err != nil {
			b.Fatal(err)
		}
	}
}
