package viber_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/channels/viber/vibertest"
	"github.com/miasrbija/mia/postgres/viberstore"
)

// converse posts each text as the user's next message and waits for its
// reply; it returns the replies' bodies.
func (b *bundle) converse(t *testing.T, user string, first uint64, texts ...string) []string {
	t.Helper()
	var out []string
	for i, text := range texts {
		before := len(b.fake.Delivered())
		if res, body := b.post(t, message(first+uint64(i), user, text)); res.StatusCode != http.StatusOK {
			t.Fatalf("%q: %d %s", text, res.StatusCode, body)
		}
		b.fake.WaitCalls(t, 20*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) > before })
		out = append(out, string(b.fake.Delivered()[before].Body))
	}
	return out
}

// TestJobArgsHoldNoPersonalData: a civil-registry request on Viber (a
// JMBG, an e-mail address and a phone number typed, a summary repeating
// them sent back) leaves none of them in River's job rows, and once the
// jobs are done no message or reply is kept either.
func TestJobArgsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, forms: true})
	const (
		jmbg  = "0101990710008"
		email = "petar.petrovic@example.com"
		phone = "0641234567"
		name  = "Petar Petrović"
	)
	replies := b.converse(t, "citizen==", 200,
		"Moj JMBG je "+jmbg+", pišite mi na "+email+" ili zovite "+phone,
		"form:registry_extract", "form:set:register=births", "form:set:form=domestic",
		name, jmbg, "form:set:relation=self", "form:set:purpose=other", "form:set:delivery=electronic",
		email, phone)
	summary := replies[len(replies)-1]
	if !strings.Contains(summary, email) {
		t.Fatalf("the summary does not repeat the e-mail (the test would prove nothing): %s", summary)
	}
	if r := b.converse(t, "citizen==", 300, "form:confirm"); !strings.Contains(r[0], "SO-IZ-") {
		t.Fatalf("not filed: %s", r[0])
	}
	b.waitJobs(t, "viber_turn", "viber_send")
	rows, err := b.db.Query(context.Background(), `SELECT kind, args::text FROM river_job`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var jobs int
	for rows.Next() {
		var kind, args string
		if err := rows.Scan(&kind, &args); err != nil {
			t.Fatal(err)
		}
		jobs++
		for _, leak := range []string{jmbg, email, phone, "064 123", "Petar", "JMBG", "pišite"} {
			if strings.Contains(args, leak) {
				t.Errorf("%s job args hold %q: %s", kind, leak, args)
			}
		}
	}
	if jobs < 24 {
		t.Errorf("%d jobs, want a turn and a send per message", jobs)
	}
	if n := b.count(t, `SELECT count(*) FROM viber_inbox`) + b.count(t, `SELECT count(*) FROM viber_replies`); n != 0 {
		t.Errorf("%d messages or replies kept after their jobs", n)
	}
}

// TestCancelledFormLeavesNoMedia: a photo sent into a communal report
// that the citizen then cancels is stored nowhere afterwards, which is
// what MIA tells them.
func TestCancelledFormLeavesNoMedia(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, forms: true})
	var jpg bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(2, 2, color.RGBA{200, 10, 10, 255})
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	photo := b.fake.AddMedia("rupa.jpg", "image/jpeg", jpg.Bytes())
	const user = "canceller=="
	b.converse(t, user, 400, "Hoću da prijavim problem sa smećem", "form:set:category=waste", "ne",
		"Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje")
	before := len(b.fake.Delivered())
	for i, body := range []string{
		fmt.Sprintf(`{"event":"message","message_token":410,"sender":{"id":%q,"api_version":10},"message":{"type":"location","location":{"lat":45.7733,"lon":19.1151}}}`, user),
		fmt.Sprintf(`{"event":"message","message_token":411,"sender":{"id":%q,"api_version":10},"message":{"type":"picture","text":"","media":%q,"file_size":%d}}`, user, photo, jpg.Len()),
	} {
		if res, _ := b.post(t, []byte(body)); res.StatusCode != http.StatusOK {
			t.Fatal(res.Status)
		}
		b.fake.WaitCalls(t, 20*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) > before+i })
	}
	if n := b.count(t, `SELECT count(*) FROM attachment_blobs`); n != 1 {
		t.Fatalf("%d photos stored with the draft, want 1 (the test would prove nothing)", n)
	}
	r := b.converse(t, user, 420, "form:cancel")
	if !strings.Contains(r[0], "Ništa nije poslato ni sačuvano") {
		t.Fatalf("cancel reply: %s", r[0])
	}
	b.waitJobs(t, "viber_turn", "viber_send")
	for _, table := range []string{"attachment_blobs", "case_attachments", "viber_inbox", "viber_replies"} {
		if n := b.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM pg_tables WHERE tablename = 'viber_media'`); n != 0 {
		t.Error("the channel still has a table of raw media")
	}
}

// TestNULMessageDoesNotFailOthers: a message carrying U+0000 (which
// PostgreSQL text and jsonb refuse) arriving with other users' messages
// is cleaned and answered, and so are the others.
func TestNULMessageDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	const users = 8
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := range users {
		body := message(uint64(500+i), fmt.Sprintf("nul-%d==", i), "Kako da platim porez na imovinu?")
		if i == 3 { // JSON escapes, as Viber sends them
			body = []byte(`{"event":"message","message_token":503,"sender":{"id":"nul-3==","name":"Pe\u0000tar"},"message":{"type":"text","text":"Kako da platim\u0000 porez\u202e na imovinu?"}}`)
		}
		wg.Go(func() {
			if res, _ := b.post(t, body); res.StatusCode == http.StatusOK {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != users {
		t.Fatalf("%d of %d messages acknowledged", ok.Load(), users)
	}
	b.fake.WaitCalls(t, 20*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= users })
	answered := map[string]bool{}
	for _, c := range b.fake.Delivered() {
		var m viber.Message
		_ = json.Unmarshal(c.Body, &m)
		answered[m.Receiver] = true
	}
	if len(answered) != users {
		t.Errorf("%d users answered, want %d", len(answered), users)
	}
	for _, tr := range b.engine.Turns() {
		if tr.UserID == "nul-3==" && tr.Text != "Kako da platim porez na imovinu?" {
			t.Errorf("the NUL message reached the engine as %q", tr.Text)
		}
	}
}

// TestEnqueueIsolatesBadMessage: when one message of a batch cannot be
// committed, the others of the same batch are, each alone.
func TestEnqueueIsolatesBadMessage(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{})
	// A municipality the database does not know fails its rows (foreign
	// key); the webhook never sends one, so it stands for any bad row.
	errs := viber.CommitBatch(viberstore.New(b.db, b.queue), 5*time.Second, []viber.Pending{
		{Slug: "sombor", Callback: callback(t, message(601, "good-1==", "zdravo"))},
		{Slug: "atlantida", Callback: callback(t, message(602, "bad==", "zdravo"))},
		{Slug: "sombor", Callback: callback(t, message(603, "good-2==", "zdravo"))},
	})
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("errors %v; want only the second to fail", errs)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn'`); n != 2 {
		t.Errorf("%d turn jobs, want 2", n)
	}
}

// TestMediaOnForeignHostNotFetched: a media link (or a redirect) to a
// host other than Viber's is not followed; the turn goes on without it.
func TestMediaOnForeignHostNotFetched(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	var hits atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...))
	}))
	defer foreign.Close()
	foreignURL := strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1) + "/x.png" // same server, a host not allowed
	// An allowed host redirecting to the foreign one.
	redirector := httptest.NewServer(http.RedirectHandler(foreignURL, http.StatusFound))
	defer redirector.Close()
	for i, link := range []string{foreignURL, redirector.URL + "/y.png", "file:///etc/passwd"} {
		body := fmt.Sprintf(`{"event":"message","message_token":%d,"sender":{"id":"foreign=="},"message":{"type":"picture","text":"rupa","media":%q}}`, 700+i, link)
		if res, _ := b.post(t, []byte(body)); res.StatusCode != http.StatusOK {
			t.Fatal(res.Status)
		}
	}
	b.fake.WaitCalls(t, 20*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= 3 })
	if n := hits.Load(); n != 0 {
		t.Errorf("the foreign host got %d requests", n)
	}
	for _, tr := range b.engine.Turns() {
		if len(tr.Attachments) != 0 {
			t.Errorf("a turn got foreign media: %+v", tr.Attachments[0].Name)
		}
	}
}

func callback(t *testing.T, body []byte) *viber.Callback {
	t.Helper()
	var cb viber.Callback
	if err := json.Unmarshal(body, &cb); err != nil {
		t.Fatal(err)
	}
	return &cb
}
