package handover_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/municipality"
)

// closedToday is the embedded municipalities file with today and
// tomorrow (in Belgrade) among Sombor's holidays: the info desk is closed
// whenever the test runs.
func closedToday(t *testing.T) *municipality.Registry {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Belgrade")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	data := strings.Replace(string(municipality.DefaultFile()), "holidays: [2026-01-01,",
		"holidays: ["+now.Format(time.DateOnly)+", "+now.AddDate(0, 0, 1).Format(time.DateOnly)+", 2026-01-01,", 1)
	reg, err := municipality.Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func turn(t *testing.T, s *stack, user, text, payload string) *assistant.Reply {
	t.Helper()
	r, err := s.engine.Handle(context.Background(), assistant.Turn{Municipality: "sombor", Channel: assistant.ChannelWeb,
		UserID: user, Text: text, Payload: payload}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestOutsideHoursLeavesMessage: outside office hours a request for a
// person says so and starts the message form; the message is filed as an
// inquiry case (SO-UP-…) for the info desk, and no request joins the queue.
func TestOutsideHoursLeavesMessage(t *testing.T) {
	s := newStack(t, closedToday(t))
	r := turn(t, s, "citizen-1", "Hoću da razgovaram sa službenikom", "")
	if r.Route != assistant.RouteFormStart || r.Form != "inquiry" || !strings.Contains(r.Text, "nisu na vezi") {
		t.Fatalf("outside hours: route %s form %q: %q", r.Route, r.Form, r.Text)
	}
	r = turn(t, s, "citizen-1", "Zanima me kada radi matična služba subotom.", "")
	if len(r.QuickReplies) == 0 {
		t.Fatalf("after the message: %q", r.Text)
	}
	// The contact is optional: skip it, then confirm.
	for i := 0; i < 4 && r.CaseRef == ""; i++ {
		var next string
		for _, q := range r.QuickReplies {
			if strings.Contains(q.Payload, "skip") || strings.Contains(q.Payload, "confirm") {
				next = q.Payload
				break
			}
		}
		if next == "" {
			t.Fatalf("no skip or confirm button: %q %+v", r.Text, r.QuickReplies)
		}
		r = turn(t, s, "citizen-1", "", next)
	}
	if !strings.HasPrefix(r.CaseRef, "SO-UP-") {
		t.Fatalf("no inquiry case filed: %q %q", r.CaseRef, r.Text)
	}
	var body, kind string
	if err := s.db.QueryRow(context.Background(), `SELECT body_key, kind FROM cases WHERE ref = $1`, r.CaseRef).Scan(&body, &kind); err != nil {
		t.Fatal(err)
	}
	if body != "info-pult" || kind != "UP" {
		t.Errorf("case routed to %q as %q", body, kind)
	}
	if q, err := s.service.Queue(context.Background(), handover.Staff{Municipality: "sombor"}); err != nil || len(q) != 0 {
		t.Errorf("queue outside hours: %+v %v", q, err)
	}
}

// TestWaitRunsOut: a request nobody takes within the municipality's wait
// is timed out by the sweep, and the citizen is told with a button to
// leave a message; the citizen who withdraws instead abandons it; both
// count in the figures.
func TestWaitRunsOut(t *testing.T) {
	s := newStack(t, alwaysOpen(t))
	ctx := context.Background()
	if r := turn(t, s, "citizen-2", "Želim da razgovaram sa službenikom", ""); r.Route != assistant.RouteHandover || len(r.QuickReplies) != 2 {
		t.Fatalf("request: %s %q %+v", r.Route, r.Text, r.QuickReplies)
	}
	turn(t, s, "citizen-3", "", handover.PayloadRequest)
	// citizen-2 has waited eleven minutes (Sombor waits ten).
	if _, err := s.db.Exec(ctx, `UPDATE handover_requests SET requested_at = now() - interval '11 minutes'
		WHERE channel_user = 'citizen-2'`); err != nil {
		t.Fatal(err)
	}
	n, err := s.service.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("sweep timed out %d: %v", n, err)
	}
	var text, buttons string
	if err := s.db.QueryRow(ctx, `SELECT m.body, m.buttons::text FROM handover_messages m JOIN handover_requests r ON r.id = m.request_id
		WHERE r.channel_user = 'citizen-2' AND m.sender = 'system'`).Scan(&text, &buttons); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "nijedan službenik") || !strings.Contains(buttons, handover.PayloadMessage) {
		t.Errorf("timeout notice %q with %s", text, buttons)
	}
	// Now MIA answers citizen-2 again.
	if r := turn(t, s, "citizen-2", "Gde se podnosi zahtev za dečiji dodatak?", ""); r.Text == "" || r.Route == assistant.RouteHandover {
		t.Errorf("after the timeout MIA did not answer: %s %q", r.Route, r.Text)
	}
	// citizen-3 stops waiting.
	if r := turn(t, s, "citizen-3", "", handover.PayloadCancel); !strings.Contains(r.Text, "ne čekate više") {
		t.Errorf("cancel: %q", r.Text)
	}
	st, err := s.service.Stats(ctx, "sombor", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != 2 || st.TimedOut != 1 || st.Abandoned != 1 || st.Taken != 0 || st.Waiting != 0 {
		t.Errorf("stats %+v", *st)
	}
}
