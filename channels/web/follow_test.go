package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/forms"
)

// lateCases lets a test give the channel the bundle's forms service,
// which setupWith builds after the configuration.
type lateCases struct{ web.Cases }

// setupFollow serves the channel with case following on.
func setupFollow(tb testing.TB, limit web.Limit) *testBundle {
	tb.Helper()
	lc := &lateCases{}
	b := setup(tb, func(c *web.Config) { c.Cases, c.PerFollow = lc, limit })
	lc.Cases = b.forms
	return b
}

// fileReport files a lighting report from a web conversation with the
// citizen's phone and returns it.
func (b *testBundle) fileReport(tb testing.TB, user, phone string) *forms.Case {
	tb.Helper()
	ctx := context.Background()
	var conv int64
	if err := b.db.QueryRow(ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ('sombor', 'web', $1) RETURNING id`,
		user).Scan(&conv); err != nil {
		tb.Fatal(err)
	}
	if _, err := b.forms.Start(ctx, forms.StartInput{ConversationID: conv, Municipality: "sombor", Channel: "web", ChannelUser: user,
		Form: forms.FormCommunalReport}); err != nil {
		tb.Fatal(err)
	}
	d, err := b.forms.Active(ctx, conv)
	if err != nil {
		tb.Fatal(err)
	}
	for _, in := range []forms.Input{
		{Values: map[string]string{"category": "public_lighting", "village": "no", "description": "Ne radi ulična rasveta u celoj ulici",
			"location": "Apatinski put 12, Sombor", "contact_consent": "yes", "name": "Marko Marković", "phone": phone}},
		{Payload: forms.PayloadSkip},
		{Payload: forms.PayloadConfirm},
	} {
		st, err := b.forms.Step(ctx, d, in)
		if err != nil {
			tb.Fatal(err)
		}
		if st.Case != nil {
			return st.Case
		}
	}
	tb.Fatal("the report was not filed")
	return nil
}

func (b *testBundle) follow(t *testing.T, ref, contact string) (int, map[string]any) {
	t.Helper()
	res := b.do(t, "POST", "/api/v1/sombor/cases/follow", map[string]string{"ref": ref, "contact": contact}, nil)
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

// TestFollowCase: the reference and the contact show the status and its
// history; a wrong contact and an unknown reference answer the same 404.
func TestFollowCase(t *testing.T) {
	t.Parallel()
	b := setupFollow(t, web.Limit{Rate: -1})
	c := b.fileReport(t, "device-a", "064 123 4567")
	if _, err := b.forms.ChangeStatus(context.Background(), c.ID, forms.StatusForwarded, "staff:1", ""); err != nil {
		t.Fatal(err)
	}
	status, got := b.follow(t, strings.ToLower(c.Ref), "+381 64 123 4567")
	if status != http.StatusOK {
		t.Fatalf("follow: %d %v", status, got)
	}
	hist, _ := got["history"].([]any)
	if got["ref"] != c.Ref || got["status"] != "forwarded" || got["body"] != "JKP „Zelenilo” Sombor" || len(hist) != 2 ||
		got["text"] != "Vaša prijava "+c.Ref+" je prosleđena JKP „Zelenilo” Sombor. Lokacija: Apatinski put 12, Sombor" {
		t.Errorf("followed: %v", got)
	}
	raw, _ := json.Marshal(got)
	for _, s := range []string{"1234567", "Marko", "M. M."} {
		if strings.Contains(string(raw), s) {
			t.Errorf("the answer holds %q: %s", s, raw)
		}
	}
	var misses []string
	for _, tc := range [][2]string{{c.Ref, "064 123 4568"}, {"SO-KP-2026-999999", "064 123 4567"}, {c.Ref, "marko@primer.rs"}} {
		status, got := b.follow(t, tc[0], tc[1])
		if status != http.StatusNotFound {
			t.Errorf("%v: %d %v", tc, status, got)
		}
		raw, _ := json.Marshal(got)
		misses = append(misses, string(raw))
	}
	if misses[0] != misses[1] || misses[1] != misses[2] {
		t.Errorf("misses differ: %q", misses)
	}
	if status, got := b.follow(t, c.Ref, "Marko"); status != http.StatusBadRequest {
		t.Errorf("bad contact: %d %v", status, got)
	}
}

// TestFollowCaseLimited: attempts on one reference are limited whoever
// makes them, and the limit comes before the lookup, so the right contact
// after the allowance is spent still waits.
func TestFollowCaseLimited(t *testing.T) {
	t.Parallel()
	b := setupFollow(t, web.Limit{Rate: 0.001, Burst: 3})
	c := b.fileReport(t, "device-a", "064 123 4567")
	for i := range 3 {
		if status, _ := b.follow(t, c.Ref, "064 000 000"+string(rune('0'+i))); status != http.StatusNotFound {
			t.Fatalf("attempt %d: %d", i, status)
		}
	}
	res := b.do(t, "POST", "/api/v1/sombor/cases/follow", map[string]string{"ref": c.Ref, "contact": "064 123 4567"}, nil)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("after the allowance: %s", res.Status)
	}
}
