package viber_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/channels/viber/vibertest"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/feedbackstore"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/viberstore"
	"github.com/miasrbija/mia/queue"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/server"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The official SDKs' signature test vector.
const (
	vectorToken = "44dafb7e0f40021e-61a47a1e6778d187-f2c5a676a07050b3"
	vectorBody  = `{"event":"webhook","timestamp":4977069964384421269,"message_token":1478683725125}`
	vectorSig   = "d21b343448c8aee33b8e93768ef6ceb64a6ba6163099973a2b8bd028fea510ef"
)

// recorder is the real engine, recording the turns it gets; a turn whose
// text is "long" gets a long reply instead (for the splitting and
// retry tests).
type recorder struct {
	eng   *assistant.Engine
	mu    sync.Mutex
	turns []assistant.Turn
}

func (r *recorder) Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error) {
	r.mu.Lock()
	r.turns = append(r.turns, t)
	r.mu.Unlock()
	if t.Text == "long" {
		return &assistant.Reply{Text: longText(12000), QuickReplies: []assistant.QuickReply{{Label: "Da", Payload: "ask:da"}}}, nil
	}
	return r.eng.Handle(ctx, t, emit)
}

func (r *recorder) Turns() []assistant.Turn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]assistant.Turn(nil), r.turns...)
}

// longText is about n characters of numbered sentences.
func longText(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Rečenica broj %d govori o gradskim uslugama i porezu na imovinu. ", i)
	}
	return strings.TrimSpace(b.String())
}

type bundle struct {
	db     *postgres.DB
	store  *viberstore.Store
	fake   *vibertest.Server
	srv    *httptest.Server
	engine *recorder
	queue  *queue.Client
	// reg and handovers are set with opts.handover (handover_test.go).
	reg       *municipality.Registry
	handovers *handoverstore.Store
}

type opts struct {
	engine   bool  // ingest the corpus and run the workers
	forms    bool  // the engine files cases (citizen services)
	maxMedia int64 // Config.MaxMedia
	// enqueueTimeout is Config.EnqueueTimeout.
	enqueueTimeout time.Duration
	feedback       bool          // answers carry rating buttons (feedback_test.go)
	handover       bool          // the engine hands conversations to staff, open all day (handover_test.go)
	sweep          time.Duration // Config.QueueSweep
}

func setup(t testing.TB, o opts) *bundle {
	t.Helper()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if o.handover {
		reg = openAllDay(t)
	}
	b := &bundle{db: db, fake: vibertest.New(t), reg: reg}
	b.store = viberstore.New(db, nil) // the workers' store: they insert through the client running them
	cfg := viber.Config{
		Store: b.store, Municipalities: reg, APIURL: b.fake.URL, RetryBackoff: 20 * time.Millisecond, MaxMedia: o.maxMedia,
		Tokens: map[string]string{"sombor": vectorToken}, EnqueueTimeout: o.enqueueTimeout, QueueSweep: o.sweep,
		MediaHosts: []string{"127.0.0.1"}, // the fake's media; "localhost" stands for a foreign host
	}
	var workers *river.Workers
	if o.engine {
		store := docstore.New(db)
		emb := rag.NewHashEmbedder()
		if _, err := (&ingest.Runner{Store: store, Embedder: emb, Municipality: "sombor"}).Run(ctx, []string{"../../corpus/sombor"}); err != nil {
			t.Fatal(err)
		}
		ecfg := assistant.Config{Municipalities: reg, Search: rag.NewSearcher(store, emb), Memory: convstore.New(db)}
		if o.forms {
			crypt, err := forms.NewCrypter(base64.StdEncoding.EncodeToString(make([]byte, 32)))
			if err != nil {
				t.Fatal(err)
			}
			if ecfg.Forms, err = forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: reg, Crypter: crypt}); err != nil {
				t.Fatal(err)
			}
		}
		if o.handover {
			b.handovers = handoverstore.New(db)
			ecfg.Handover = b.handovers
		}
		eng, err := assistant.New(ecfg)
		if err != nil {
			t.Fatal(err)
		}
		b.engine = &recorder{eng: eng}
		cfg.Engine = b.engine
		if o.feedback {
			cfg.Feedback = feedbackstore.New(db)
		}
		workers = river.NewWorkers()
		if err := viber.RegisterWorkers(workers, cfg); err != nil {
			t.Fatal(err)
		}
	}
	b.queue, err = queue.NewClient(db.Pool, workers, queue.Config{FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store = viberstore.New(db, b.queue) // the webhook's store inserts turn jobs
	bot, err := viber.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bot.Close) // after the server's close below: cleanups run last first
	// The production router and middleware (request ids, metrics, logs).
	b.srv = httptest.NewServer(server.New(server.Config{DB: db, Mount: bot.Routes}).Handler())
	t.Cleanup(b.srv.Close)
	if o.engine {
		if err := b.queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			_ = b.queue.Stop(stop)
		})
	}
	return b
}

// post signs body with the test token and posts it to Sombor's webhook.
func (b *bundle) post(t testing.TB, body []byte) (*http.Response, []byte) {
	t.Helper()
	return b.postSigned(t, body, viber.Sign(vectorToken, body))
}

func (b *bundle) postSigned(t testing.TB, body []byte, sig string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/viber/sombor", bytes.NewReader(body))
	req.Header.Set("X-Viber-Content-Signature", sig)
	res, err := b.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	return res, out.Bytes()
}

func (b *bundle) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitQueued waits until every kept message has its turn job: the
// webhook answers once the message is kept, and the job follows.
func (b *bundle) waitQueued(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for b.count(t, `SELECT count(*) FROM viber_inbox WHERE NOT queued`) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("kept messages without a turn job after 15s")
		}
		time.Sleep(5 * time.Millisecond) // polling interval of a bounded wait
	}
}

// waitJobs waits until no job is left to work (all finalized), polling
// the database until a deadline.
func (b *bundle) waitJobs(t testing.TB, kinds ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		n := b.count(t, `SELECT count(*) FROM river_job WHERE finalized_at IS NULL`) +
			b.count(t, `SELECT count(*) FROM viber_inbox WHERE NOT queued`)
		done := b.count(t, `SELECT count(*) FROM river_job WHERE finalized_at IS NOT NULL AND kind = ANY($1)`, kinds)
		if n == 0 && done >= len(kinds) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still pending after 15s: %d", n)
		}
		time.Sleep(10 * time.Millisecond) // polling interval of a bounded wait
	}
}

func message(token uint64, user, text string) []byte {
	return fmt.Appendf(nil, `{"event":"message","timestamp":1457764197627,"message_token":%d,"sender":{"id":%q,"name":"Petar","api_version":10},"message":{"type":"text","text":%q}}`, token, user, text)
}

func TestSignatureVector(t *testing.T) {
	t.Parallel()
	if got := viber.Sign(vectorToken, []byte(vectorBody)); got != vectorSig {
		t.Fatalf("Sign = %s, want %s", got, vectorSig)
	}
	if !viber.ValidSignature(vectorToken, []byte(vectorBody), vectorSig) {
		t.Fatal("the official vector does not verify")
	}
	for name, c := range map[string]struct{ token, body, sig string }{
		"body changed":  {vectorToken, vectorBody + " ", vectorSig},
		"other token":   {vectorToken + "x", vectorBody, vectorSig},
		"empty sig":     {vectorToken, vectorBody, ""},
		"not hex":       {vectorToken, vectorBody, "zz" + vectorSig[2:]},
		"uppercase hex": {"", vectorBody, strings.ToUpper(vectorSig)},
	} {
		if viber.ValidSignature(c.token, []byte(c.body), c.sig) {
			t.Errorf("%s: verified", name)
		}
	}
}

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{})
	// The official vector, posted as Viber would: accepted.
	if res, _ := b.postSigned(t, []byte(vectorBody), vectorSig); res.StatusCode != http.StatusOK {
		t.Fatalf("official vector: %d", res.StatusCode)
	}
	// A message with a wrong signature: 403 and nothing recorded or enqueued.
	body := message(4912661846655238145, "u1==", "zdravo")
	for _, sig := range []string{vectorSig, "", "00"} {
		if res, _ := b.postSigned(t, body, sig); res.StatusCode != http.StatusForbidden {
			t.Fatalf("bad signature %q: %d, want 403", sig, res.StatusCode)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM channel_events`); n != 0 {
		t.Errorf("%d events recorded", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job`); n != 0 {
		t.Errorf("%d jobs enqueued", n)
	}
	// The signature as a query parameter (Viber appends ?sig= too).
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/viber/sombor?sig="+viber.Sign(vectorToken, body), bytes.NewReader(body))
	res, err := b.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("sig query parameter: %d", res.StatusCode)
	}
	// Unknown municipality, too large body.
	req, _ = http.NewRequest(http.MethodPost, b.srv.URL+"/viber/novi-sad", bytes.NewReader(body))
	if res, _ := b.srv.Client().Do(req); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown municipality: %d", res.StatusCode)
	}
	big := append([]byte(`{"event":"message","x":"`), bytes.Repeat([]byte("a"), 1<<20)...)
	if res, _ := b.post(t, big); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d, want 413", res.StatusCode)
	}
}

// fixture reads a callback fixture: the project's copy, or ../shared's
// when present.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return data
}

func TestOfficialFixturesAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{})
	for _, name := range []string{
		"conversation_started_official.json", "subscribed_official.json", "unsubscribed_official.json",
		"seen_official.json", "failed_official.json", "message_official.json",
	} {
		res, body := b.post(t, fixture(t, name))
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", name, res.StatusCode, body)
		}
	}
	for _, extra := range []string{
		`{"event":"delivered","timestamp":1457764197627,"message_token":4912661846655238145,"user_id":"01234567890A="}`,
		`{"event":"failed","timestamp":1457764197627,"message_token":4912661846655238146,"user_id":"01234567890A=","udid":null}`, // no desc
		`{"event":"client_status","timestamp":1457764197627,"message_token":1}`,                                                  // unknown: ignored
		`{"event":"future_event","message_token":"abc","user":[]}`,                                                               // unknown, with fields unlike any known: ignored
		vectorBody,
	} {
		if res, body := b.post(t, []byte(extra)); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", extra, res.StatusCode, body)
		}
	}
	b.waitQueued(t)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn'`); n != 1 {
		t.Errorf("%d turn jobs, want 1 (the message fixture)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM viber_users WHERE user_id = '01234567890A=' AND NOT subscribed`); n != 1 {
		t.Errorf("the unsubscribed fixture's user is not recorded unsubscribed")
	}
	// 6 fixtures' events + delivered + the second failed; not the unknown one or the webhook.
	if n := b.count(t, `SELECT count(*) FROM channel_events`); n != 7 {
		t.Errorf("%d events recorded, want 7", n)
	}
}

func TestTokenDecodedExactly(t *testing.T) {
	t.Parallel()
	const tok = "4912661846655238145" // > 2^53: a float64 would make it ...144
	var cb viber.Callback
	if err := json.Unmarshal(fixture(t, "message_official.json"), &cb); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cb.MessageToken); got != tok {
		t.Fatalf("token %s, want %s", got, tok)
	}
	if err := json.Unmarshal([]byte(`{"event":"seen","message_token":18446744073709551615}`), &cb); err != nil || cb.MessageToken != 1<<64-1 {
		t.Fatalf("max uint64: %d, %v", cb.MessageToken, err)
	}

	b := setup(t, opts{})
	if res, _ := b.post(t, fixture(t, "message_official.json")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.waitQueued(t)
	var stored, inJob string
	if err := b.db.QueryRow(context.Background(), `SELECT token::text FROM channel_events`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if err := b.db.QueryRow(context.Background(), `SELECT (args->'token')::text FROM river_job`).Scan(&inJob); err != nil {
		t.Fatal(err)
	}
	if stored != tok || inJob != tok {
		t.Errorf("stored %s, in the job %s; want %s", stored, inJob, tok)
	}
}

func TestConversationStartedWelcome(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{})
	res, body := b.post(t, fixture(t, "conversation_started_official.json"))
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	// The official welcome body's shape: sender, type, text; no receiver.
	var official map[string]any
	_ = json.Unmarshal(fixture(t, "api_welcome_message_response_body_official.json"), &official)
	for k := range official {
		if _, ok := got[k]; !ok {
			t.Errorf("welcome lacks %q: %s", k, body)
		}
	}
	if _, ok := got["receiver"]; ok {
		t.Error("welcome has a receiver")
	}
	var w viber.Message
	_ = json.Unmarshal(body, &w)
	if w.Type != "text" || !strings.Contains(w.Text, "MIA") || w.Sender.Name != "Grad Sombor" {
		t.Errorf("welcome: %+v", w)
	}
	if w.Keyboard == nil || len(w.Keyboard.Buttons) != 4 || w.Keyboard.Buttons[0].ActionBody != "form:communal_report" || w.Keyboard.Buttons[0].ActionType != "reply" {
		t.Fatalf("keyboard: %+v", w.Keyboard)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job`); n != 0 {
		t.Errorf("%d jobs for a conversation start", n)
	}
}

func TestRedeliveredMessageAnsweredOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	body := message(9223372036854775807, "redeliver==", "Kako da platim porez na imovinu?")
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 3 { // Viber redelivers when the answer is slow: concurrently too
		wg.Go(func() {
			if res, _ := b.post(t, body); res.StatusCode == http.StatusOK {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 3 {
		t.Fatalf("%d of 3 deliveries acknowledged", ok.Load())
	}
	b.fake.WaitCalls(t, 15*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= 1 })
	b.waitJobs(t, "viber_turn", "viber_send")
	// A redelivery after the answer went out: acknowledged, nothing done.
	if res, _ := b.post(t, body); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job`); n != 2 {
		t.Errorf("%d jobs, want 2 (one turn, one send)", n)
	}
	if n := b.count(t, `SELECT count(*) FROM viber_users WHERE user_id = 'redeliver==' AND subscribed AND api_version = 10`); n != 1 {
		t.Error("the sender is not recorded as a subscriber")
	}
	sends := b.fake.Delivered()
	if len(sends) != 1 {
		t.Fatalf("%d messages sent, want 1", len(sends))
	}
	var m viber.Message
	_ = json.Unmarshal(sends[0].Body, &m)
	if m.Receiver != "redeliver==" || sends[0].Token != vectorToken || m.Sender.Name != "Grad Sombor" {
		t.Errorf("sent %+v with token %q", m, sends[0].Token)
	}
	if !strings.Contains(m.Text, "Izvori:") || !strings.Contains(m.Text, "http") {
		t.Errorf("no citations in %q", m.Text)
	}
	if turns := b.engine.Turns(); len(turns) != 1 || turns[0].Channel != assistant.ChannelViber || turns[0].UserID != "redeliver==" {
		t.Errorf("turns: %+v", turns)
	}
}

func TestRateLimitRetriedWithoutDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	// A two-part reply: the first part goes through, the second is rate
	// limited; the retry must send only the second.
	b.fake.Script("send_message", 0, viber.StatusTooManyRequests)
	if res, _ := b.post(t, message(1, "ratelimit==", "long")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.fake.WaitCalls(t, 15*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= 2 })
	b.waitJobs(t, "viber_turn", "viber_send")
	calls, sent := b.fake.Calls("send_message"), b.fake.Delivered()
	if len(calls) != 3 || len(sent) != 2 {
		t.Fatalf("%d calls, %d delivered; want 3 and 2", len(calls), len(sent))
	}
	var first, second viber.Message
	_ = json.Unmarshal(sent[0].Body, &first)
	_ = json.Unmarshal(sent[1].Body, &second)
	if first.Text == second.Text || first.Keyboard != nil || second.Keyboard == nil || second.MinAPIVersion != 3 {
		t.Errorf("parts: %q… / %q… keyboard %v/%v", first.Text[:20], second.Text[:20], first.Keyboard, second.Keyboard)
	}
	var errs int
	if err := b.db.QueryRow(context.Background(), `SELECT coalesce(array_length(errors, 1), 0) FROM river_job WHERE kind = 'viber_send' AND state = 'completed'`).Scan(&errs); err != nil || errs != 1 {
		t.Errorf("send job: %d errors recorded, %v", errs, err)
	}
}

func TestNotSubscribedStops(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	b.fake.Script("send_message", viber.StatusReceiverNotSubscribed)
	if res, _ := b.post(t, message(2, "gone==", "zdravo")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.waitJobs(t, "viber_turn", "viber_send")
	if n := len(b.fake.Calls("send_message")); n != 1 {
		t.Errorf("%d send attempts, want 1", n)
	}
	var state string
	if err := b.db.QueryRow(context.Background(), `SELECT state FROM river_job WHERE kind = 'viber_send'`).Scan(&state); err != nil || state != "cancelled" {
		t.Errorf("send job %s, %v", state, err)
	}
	if n := b.count(t, `SELECT count(*) FROM viber_users WHERE user_id = 'gone==' AND NOT subscribed`); n != 1 {
		t.Error("user not marked unsubscribed")
	}
}

func TestIncomingMessageTypes(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, maxMedia: 1000})
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	pic := b.fake.AddMedia("rupa.jpg", "application/octet-stream", png) // a lying Content-Type
	posts := []string{
		fmt.Sprintf(`{"event":"message","message_token":10,"sender":{"id":"types=="},"message":{"type":"picture","text":"rupa na putu","media":%q,"file_size":108}}`, pic),
		`{"event":"message","message_token":11,"sender":{"id":"types=="},"message":{"type":"location","location":{"lat":45.77,"lon":19.11}}}`,
		`{"event":"message","message_token":12,"sender":{"id":"types=="},"message":{"type":"text","text":"form:communal_report"}}`,
		`{"event":"message","message_token":13,"sender":{"id":"types=="},"message":{"type":"contact","contact":{"name":"Petar","phone_number":"+381641234567"}}}`,
		`{"event":"message","message_token":14,"sender":{"id":"types=="},"message":{"type":"sticker","sticker_id":40133}}`,
		`{"event":"message","message_token":15,"sender":{"id":"types=="},"message":{"type":"url","media":"https://www.sombor.rs/"}}`,
		fmt.Sprintf(`{"event":"message","message_token":17,"sender":{"id":"types=="},"message":{"type":"video","media":%q}}`, b.fake.AddMedia("big.mp4", "video/mp4", make([]byte, 1001))),
		fmt.Sprintf(`{"event":"message","message_token":18,"sender":{"id":"types=="},"message":{"type":"video","media":%q,"file_size":2000}}`, b.fake.URL+"/media/big.mp4"),
		fmt.Sprintf(`{"event":"message","message_token":16,"sender":{"id":"types=="},"message":{"type":"file","media":%q,"file_name":"x.pdf","file_size":3}}`, b.fake.URL+"/media/expired"),
	}
	for _, p := range posts {
		if res, body := b.post(t, []byte(p)); res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", p, res.StatusCode, body)
		}
	}
	b.fake.WaitCalls(t, 20*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= len(posts) })
	byText := map[string]assistant.Turn{}
	var picture, location *assistant.Turn
	for _, tr := range b.engine.Turns() {
		switch {
		case len(tr.Attachments) > 0:
			picture = &tr
		case tr.Location != nil:
			location = &tr
		}
		byText[tr.Text+"|"+tr.Payload] = tr
	}
	if picture == nil || picture.Attachments[0].MIME != "image/png" || picture.Attachments[0].Size != int64(len(png)) ||
		!bytes.Equal(picture.Attachments[0].Data, png) || picture.Text != "rupa na putu" {
		t.Fatalf("picture turn: %+v", picture)
	}
	if location == nil || location.Location.Lat != 45.77 {
		t.Errorf("location turn: %+v", location)
	}
	if _, ok := byText["|form:communal_report"]; !ok {
		t.Errorf("button payload not passed as Payload: %v", byText)
	}
	if _, ok := byText["Petar +381641234567|"]; !ok {
		t.Errorf("contact turn missing: %v", byText)
	}
	if _, ok := byText["https://www.sombor.rs/|"]; !ok {
		t.Errorf("url turn missing: %v", byText)
	}
	var pictures int
	for _, tr := range b.engine.Turns() {
		pictures += len(tr.Attachments)
	}
	if pictures != 1 {
		t.Errorf("%d media passed on, want 1 (the expired link and the videos over the cap are skipped)", pictures)
	}
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	ctx := context.Background()
	if _, err := b.db.Exec(ctx, `
		INSERT INTO channel_events (municipality, channel, event, token, user_id, received_at) VALUES
		('sombor', 'viber', 'message', 1, 'old', now() - interval '31 days'),
		('sombor', 'viber', 'message', 2, 'new', now())`); err != nil {
		t.Fatal(err)
	}
	if _, err := b.queue.Insert(ctx, viber.CleanupArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	b.waitJobs(t, "viber_cleanup")
	if n := b.count(t, `SELECT count(*) FROM channel_events WHERE user_id = 'old'`); n != 0 {
		t.Error("old event kept")
	}
	if n := b.count(t, `SELECT count(*) FROM channel_events WHERE user_id = 'new'`); n != 1 {
		t.Error("new event deleted")
	}
}

func TestOldClientGetsReducedKeyboard(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true})
	b.fake.Script("send_message", viber.StatusAPIVersionUnsupported)
	// No api_version in the callback: the full keyboard is tried first.
	body := []byte(`{"event":"message","message_token":3,"sender":{"id":"old=="},"message":{"type":"text","text":"zdravo"}}`)
	if res, _ := b.post(t, body); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.fake.WaitCalls(t, 15*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= 1 })
	b.waitJobs(t, "viber_turn", "viber_send")
	calls := b.fake.Calls("send_message")
	if len(calls) != 2 {
		t.Fatalf("%d calls, want 2", len(calls))
	}
	var first, second viber.Message
	_ = json.Unmarshal(calls[0].Body, &first)
	_ = json.Unmarshal(calls[1].Body, &second)
	if first.MinAPIVersion != 3 || second.MinAPIVersion != 0 || second.Keyboard == nil || len(second.Keyboard.Buttons) != len(first.Keyboard.Buttons)-2 {
		t.Errorf("first %d/%v, second %d/%v", first.MinAPIVersion, first.Keyboard, second.MinAPIVersion, second.Keyboard)
	}
	for _, btn := range second.Keyboard.Buttons {
		if btn.ActionType != viber.ActionReply {
			t.Errorf("button %+v kept", btn)
		}
	}
}

// TestPictureMessageFilesReport: a citizen reports a full bin on Viber,
// shares a location and sends a photo; the conversation ends in a filed
// communal report that carries the photo.
func TestPictureMessageFilesReport(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, forms: true})
	var jpg bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(2, 2, color.RGBA{10, 200, 10, 255})
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	photo := b.fake.AddMedia("kontejner.jpg", "image/jpeg", jpg.Bytes())
	const user = "reporter=="
	steps := []struct{ body, want string }{
		{string(message(101, user, "Hoću da prijavim problem sa smećem")), ""},
		{string(message(102, user, "form:set:category=waste")), ""},
		{string(message(103, user, "ne")), ""},
		{string(message(104, user, "Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje")), ""},
		{fmt.Sprintf(`{"event":"message","message_token":105,"sender":{"id":%q,"api_version":10},"message":{"type":"location","location":{"lat":45.7733,"lon":19.1151}}}`, user), ""},
		{fmt.Sprintf(`{"event":"message","message_token":106,"sender":{"id":%q,"api_version":10},"message":{"type":"picture","text":"","media":%q,"file_size":%d}}`, user, photo, jpg.Len()), ""},
		{string(message(107, user, "form:set:contact_consent=no")), ""},
		{string(message(108, user, "form:confirm")), "SO-KP-"},
	}
	for i, st := range steps {
		if res, body := b.post(t, []byte(st.body)); res.StatusCode != http.StatusOK {
			t.Fatalf("step %d: %d %s", i, res.StatusCode, body)
		}
		b.fake.WaitCalls(t, 20*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= i+1 })
		last := b.fake.Delivered()[i]
		if !strings.Contains(string(last.Body), st.want) {
			t.Fatalf("step %d reply lacks %q: %s", i, st.want, last.Body)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM cases WHERE channel = 'viber' AND channel_user = $1`, user); n != 1 {
		t.Fatalf("%d cases filed", n)
	}
	if n := b.count(t, `SELECT count(*) FROM case_attachments a JOIN cases c ON c.id = a.case_id WHERE c.channel_user = $1`, user); n != 1 {
		t.Fatalf("%d photos attached to the case", n)
	}
}

// TestEnqueueCommitBounded: a commit that cannot finish (the dedupe row is
// locked by a transaction that neither commits nor rolls back) fails
// within Config.EnqueueTimeout with 503, instead of holding the callback
// forever; once the lock is gone, Viber's redelivery is enqueued.
func TestEnqueueCommitBounded(t *testing.T) {
	t.Parallel()
	const timeout = 300 * time.Millisecond
	b := setup(t, opts{enqueueTimeout: timeout})
	ctx := context.Background()
	const token, user = 77, "locked=="
	holder, err := b.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = holder.Rollback(ctx) })
	if _, err := holder.Exec(ctx, `
		INSERT INTO channel_events (municipality, channel, event, token, user_id)
		VALUES ('sombor', 'viber', 'message', $1, $2)`, token, user); err != nil {
		t.Fatal(err)
	}
	body := message(token, user, "zdravo")
	start := time.Now()
	res, _ := b.post(t, body)
	if took := time.Since(start); took > timeout+2*time.Second {
		t.Errorf("the stuck commit took %v to fail, timeout %v", took, timeout)
	}
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("stuck commit: %d, want 503", res.StatusCode)
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.post(t, body); res.StatusCode != http.StatusOK {
		t.Fatalf("redelivery after the lock: %d", res.StatusCode)
	}
	b.waitQueued(t)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn'`); n != 1 {
		t.Errorf("%d turn jobs, want 1", n)
	}
}

// TestKeptMessageQueuedBySweep: a message another process kept and did
// not live to queue (its job never inserted) gets its job from this
// process's sweep, once, beside the callbacks this process keeps.
func TestKeptMessageQueuedBySweep(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{sweep: 50 * time.Millisecond})
	ctx := context.Background()
	orphan := viber.Incoming{Municipality: "sombor", Token: 901, User: viber.User{ID: "orphan=="}, Message: viber.InMessage{Type: "text", Text: "zdravo"}}
	if kept, err := b.store.KeepTurns(ctx, []viber.Incoming{orphan}); err != nil || kept != 1 {
		t.Fatalf("kept %d, %v", kept, err)
	}
	b.waitQueued(t)
	if res, _ := b.post(t, message(902, "live==", "zdravo")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.waitQueued(t)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = 'viber_turn'`); n != 2 {
		t.Errorf("%d turn jobs, want 2", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job j JOIN viber_inbox i ON (j.args->>'inbox')::bigint = i.id WHERE i.user_id = 'orphan=='`); n != 1 {
		t.Errorf("the orphaned message has %d jobs, want 1", n)
	}
}

// TestWelcomeTopics: a municipality's own topics stand for the default
// ones in the welcome keyboard (Laktaši taxes real estate).
func TestWelcomeTopics(t *testing.T) {
	t.Parallel()
	m, err := municipality.Embedded("laktasi")
	if err != nil {
		t.Fatal(err)
	}
	w, err := viber.Welcome(m)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, b := range w.Keyboard.Buttons {
		labels = append(labels, b.Text)
	}
	all := strings.Join(labels, "|")
	if len(labels) != 4 || !strings.Contains(all, "Porez na nepokretnosti") || strings.Contains(all, "Porez na imovinu") {
		t.Errorf("keyboard: %v", labels)
	}
}
