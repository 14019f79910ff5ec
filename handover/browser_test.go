package handover_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/ingest"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/docstore"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/postgres/limitstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/postgres/staffstore"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/server"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const password = "lozinka-za-test-1"

// alwaysOpen is the embedded municipalities file with Sombor's info desk
// open around the clock, so the test does not depend on when it runs.
func alwaysOpen(t *testing.T) *municipality.Registry {
	t.Helper()
	data := string(municipality.DefaultFile())
	for _, r := range [][2]string{
		{`{days: [mon, tue, wed, thu, fri], open: "07:30", close: "15:30"}`,
			`{days: [mon, tue, wed, thu, fri, sat, sun], open: "00:00", close: "24:00"}`},
		{"holidays: [2026-01-01, 2026-01-02, 2026-01-07, 2026-02-16, 2026-02-17, 2026-04-10, 2026-04-13,\n                 2026-05-01, 2026-11-11]", "holidays: []"},
	} {
		if !strings.Contains(data, r[0]) {
			t.Fatalf("municipalities file lacks %q", r[0])
		}
		data = strings.Replace(data, r[0], r[1], 1)
	}
	reg, err := municipality.Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// stack is MIA's web channel, back office and engine with handover, on
// one server, as `mia serve` wires them.
type stack struct {
	srv      *httptest.Server
	db       *postgres.DB
	store    *handoverstore.Store
	service  *handover.Service
	engine   *assistant.Engine
	reg      *municipality.Registry
	staffRow *backoffice.Staff
}

func newStack(t *testing.T, reg *municipality.Registry) *stack {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	db, _ := pgtest.NewDB(t)
	if err := db.SyncMunicipalities(ctx, reg); err != nil {
		t.Fatal(err)
	}
	docs := docstore.New(db)
	emb := rag.NewHashEmbedder()
	if _, err := (&ingest.Runner{Store: docs, Embedder: emb, Municipality: "sombor"}).Run(ctx, []string{"../corpus/sombor"}); err != nil {
		t.Fatal(err)
	}
	crypt, err := forms.NewCrypter("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: reg, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	mem := convstore.New(db)
	hs := handoverstore.New(db)
	lctx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go hs.Listen(lctx, log)
	eng, err := assistant.New(assistant.Config{Municipalities: reg, Search: rag.NewSearcher(docs, emb), Memory: mem, Forms: svc,
		Handover: hs, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	service, err := handover.NewService(handover.Config{Store: hs, Municipalities: reg, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{db: db, store: hs, service: service, engine: eng, reg: reg}
	s.srv = httptest.NewUnstartedServer(nil)
	t.Cleanup(s.srv.Close)
	// Live streams end before the server closes, as on a shutdown.
	liveDone := make(chan struct{})
	t.Cleanup(func() { close(liveDone) })
	chat, err := web.New(web.Config{Municipalities: reg, Assistant: eng, History: mem, Documents: docs, Log: log,
		Limiter: limitstore.New(db, log), PublicOrigins: []string{"http://" + s.srv.Listener.Addr().String()}, Live: hs, LiveDone: liveDone})
	if err != nil {
		t.Fatal(err)
	}
	staff := staffstore.New(db)
	office := backoffice.New(backoffice.Config{Store: staff, Limiter: limitstore.New(db, log), Forms: svc, Usage: mem,
		Municipalities: reg, Log: log, InsecureCookies: true, Handovers: service})
	if s.staffRow, err = backoffice.CreateStaff(ctx, staff, reg, backoffice.NewStaff{Municipality: "sombor", Email: "ana@sombor.rs",
		Name: "Ana Petrović", Role: backoffice.RoleStaff, BodyKey: "info-pult", Password: password}); err != nil {
		t.Fatal(err)
	}
	if _, err := backoffice.CreateStaff(ctx, staff, reg, backoffice.NewStaff{Municipality: "sombor", Email: "cistoca@sombor.rs",
		Name: "Petar Čistoća", Role: backoffice.RoleStaff, BodyKey: "jkp-cistoca", Password: password}); err != nil {
		t.Fatal(err)
	}
	s.srv.Config.Handler = server.New(server.Config{DB: db, Logger: log, Mount: func(r chi.Router) {
		chat.Routes(r)
		office.Routes(r)
	}}).Handler()
	s.srv.Start()
	return s
}

// logText is the widget's conversation as the citizen sees it.
func logText(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".mia-log")))
}

// waitLog waits until the widget's conversation shows want.
func waitLog(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector(".mia-log").innerText.includes(`+jsString(want)+`)`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		got, _ := logText(ctx)
		t.Fatalf("the widget never showed %q: %v\n%s", want, err, got)
	}
}

func jsString(s string) string {
	return "`" + strings.NewReplacer("`", "\\`", "\\", "\\\\", "$", "\\$").Replace(s) + "`"
}

// askWidget types a message in the widget and waits for the turn to end.
func askWidget(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	before, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".mia-msg-user").length`))
	if err != nil {
		t.Fatal(err)
	}
	if err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#mia-input"), text),
		chromedp.Click(chromedp.CSS(".mia-send")),
	); err != nil {
		t.Fatalf("send %q: %v", text, err)
	}
	_, err = chromedp.Run(ctx,
		chromedp.Poll[bool](`document.querySelectorAll(".mia-msg-user").length > `+strconv.Itoa(before)+
			` && document.querySelector(".mia-log").getAttribute("aria-busy") === "false"`, chromedp.WithPollingTimeout(30*time.Second)),
	)
	if err != nil {
		t.Fatalf("send %q: %v", text, err)
	}
}

// TestHandoverInBrowser follows a handover from both sides in Chromium: a
// citizen asks for a person in the widget, a clerk of the info desk takes
// the conversation in /staff/handovers, they write to each other and each
// sees the other's messages without reloading, MIA stays silent meanwhile,
// and once the clerk hands the conversation back MIA answers again.
func TestHandoverInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 412, 915)
	citizenConsole := browsertest.WatchConsole(t, ctx)
	defer citizenConsole.NoCSPViolations(t)
	s := newStack(t, alwaysOpen(t))
	citizen, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	clerkTab, closeTab := chromedp.NewContext(ctx)
	defer closeTab()
	clerkConsole := browsertest.WatchConsole(t, clerkTab)
	defer clerkConsole.NoCSPViolations(t) // the handover pages' own script under their CSP
	clerk, cancel2 := context.WithTimeout(clerkTab, 3*time.Minute)
	defer cancel2()

	err := chromedp.Do(citizen,
		chromedp.Navigate(s.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")),
	)
	if err != nil {
		t.Fatalf("open the widget: %v", err)
	}
	askWidget(t, citizen, "Želim da razgovaram sa službenikom")
	waitLog(t, citizen, "Prosleđujem Vaš zahtev službeniku")
	browsertest.Screenshot(t, citizen, "handover-1-waiting.png", false)

	// A clerk of another body does not see the queue.
	err = chromedp.Do(clerk,
		chromedp.Navigate(s.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), "cistoca@sombor.rs"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("nav form[action='/staff/logout']")),
	)
	if err != nil {
		t.Fatalf("login of another body: %v", err)
	}
	if nav, _ := chromedp.Run(clerk, chromedp.Text(chromedp.CSS("nav"))); strings.Contains(nav, "Razgovori") {
		t.Errorf("staff of jkp-cistoca get the handover link: %q", nav)
	}
	err = chromedp.Do(clerk,
		chromedp.Click(chromedp.CSS("form[action='/staff/logout'] button")),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "ana@sombor.rs"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("nav form[action='/staff/logout']")),
		chromedp.Click(chromedp.CSS(`a[href="/staff/handovers"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[id^="take-"]`)),
	)
	if err != nil {
		t.Fatalf("the clerk's queue: %v", err)
	}
	queue, _ := chromedp.Run(clerk, chromedp.Text(chromedp.CSS("#handover-queue")))
	browsertest.Screenshot(t, clerk, "handover-2-queue.png", true)
	if !strings.Contains(queue, "web") || !strings.Contains(queue, "min") {
		t.Errorf("queue row lacks channel or wait: %q", queue)
	}
	err = chromedp.Do(clerk,
		chromedp.Click(chromedp.CSS(`button[id^="take-"]`)),
		chromedp.WaitVisible(chromedp.CSS("#reply-text")),
	)
	if err != nil {
		t.Fatalf("take: %v", err)
	}
	transcript, _ := chromedp.Run(clerk, chromedp.Text(chromedp.CSS("main")))
	if !strings.Contains(transcript, "Želim da razgovaram sa službenikom") {
		t.Errorf("the clerk does not see the conversation so far:\n%s", transcript)
	}
	// The citizen learns at once who joined, without reloading.
	waitLog(t, citizen, "Službenik Ana se uključio")

	const reply = "Dobar dan, ovde Ana iz Gradskog uslužnog centra. Kako mogu da pomognem?"
	err = chromedp.Do(clerk,
		chromedp.SendKeys(chromedp.CSS("#reply-text"), reply),
		chromedp.Click(chromedp.CSS("#send-reply")),
		chromedp.WaitVisible(chromedp.CSS("#reply-text")),
	)
	if err != nil {
		t.Fatalf("reply: %v", err)
	}
	waitLog(t, citizen, reply)
	who, err := chromedp.Run(citizen, chromedp.Text(chromedp.CSS(".mia-msg-staff .mia-who")))
	if err != nil || who != "Službenik Ana" {
		t.Errorf("the staff reply is signed %q (%v)", who, err)
	}

	// The citizen answers: the clerk sees it live, MIA says nothing.
	const question = "Treba mi uverenje o prebivalištu, moj telefon je 064 123 4567"
	askWidget(t, citizen, question)
	_, err = chromedp.Run(clerk, chromedp.Poll[bool](`document.getElementById("chat").innerText.includes("Treba mi uverenje o prebivalištu")`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("the clerk never saw the citizen's message: %v", err)
	}
	chat, _ := chromedp.Run(clerk, chromedp.Text(chromedp.CSS("#chat")))
	browsertest.Screenshot(t, clerk, "handover-3-chat.png", true)
	if strings.Contains(chat, "123 4567") || !strings.Contains(chat, "[") {
		t.Errorf("the citizen's phone number reached the clerk unmasked:\n%s", chat)
	}
	var answers int
	if err := s.db.QueryRow(context.Background(), `SELECT count(*) FROM messages m JOIN handover_requests r ON r.conversation_id = m.conversation_id
		WHERE m.role = 'assistant' AND m.latency_ms IS NOT NULL AND m.created_at > r.taken_at`).Scan(&answers); err != nil {
		t.Fatal(err)
	}
	if answers != 0 {
		t.Errorf("MIA answered %d messages while the clerk held the conversation", answers)
	}
	browsertest.Screenshot(t, citizen, "handover-4-citizen.png", false)

	// Handed back: MIA answers again, with its sources.
	err = chromedp.Do(clerk, chromedp.Click(chromedp.CSS("#release")), chromedp.WaitVisible(chromedp.CSS("#handover-queue")))
	if err != nil {
		t.Fatalf("hand back: %v", err)
	}
	waitLog(t, citizen, "Ponovo Vam odgovara MIA")
	askWidget(t, citizen, "Gde se podnosi zahtev za dečiji dodatak?")
	last, err := chromedp.Run(citizen, chromedp.Text(chromedp.CSS(`.mia-msg-assistant[data-done="true"]:last-of-type .mia-body`)))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, citizen, "handover-5-mia-again.png", false)
	if !strings.Contains(last, "[1]") {
		t.Errorf("MIA did not answer from the documents after the hand-back: %q", last)
	}
	var status, reason string
	if err := s.db.QueryRow(context.Background(), `SELECT status, close_reason FROM handover_requests`).Scan(&status, &reason); err != nil {
		t.Fatal(err)
	}
	if status != "closed" || reason != handover.ReasonReturned {
		t.Errorf("request %s/%s", status, reason)
	}
	var audited int
	if err := s.db.QueryRow(context.Background(), `SELECT count(*) FROM staff_audit WHERE action IN ('take_handover', 'reply_handover', 'release_handover')`).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 3 {
		t.Errorf("%d audited handover actions, want 3", audited)
	}
}
