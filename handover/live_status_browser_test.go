package handover_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/notify"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
)

// TestLiveStatusInBrowser: a citizen files a report in the widget and
// keeps it open; staff forward the case; once the notification is
// delivered to the conversation, the open widget shows the new status
// without a reload.
func TestLiveStatusInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 412, 915)
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t)
	s := newStack(t, alwaysOpen(t))
	citizen, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if err := chromedp.Do(citizen,
		chromedp.Navigate(s.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")),
	); err != nil {
		t.Fatalf("open the widget: %v", err)
	}

	// File the report by typing, answering whatever the form still asks.
	askWidget(t, citizen, "Ispred zgrade u Ulici kralja Petra I 5 je velika rupa na putu, opasna je za bicikliste")
	answers := []struct{ asks, say string }{
		{"vrstu problema", "Putevi i trotoari"},
		{"od sela", "ne"},
		{"Opišite", "Velika rupa na kolovozu, opasna za bicikliste, već nedelju dana."},
		{"Gde se problem", "Kralja Petra I 5, Sombor"},
		{"fotografije", "preskoči"},
		{"kontaktirati", "ne"},
		{"Proverite prijavu", "potvrdi"},
	}
	refRE := regexp.MustCompile(`SO-KP-\d{4}-\d{6}`)
	var ref string
	for turn := 0; turn < 10 && ref == ""; turn++ {
		last, err := chromedp.Run(citizen, chromedp.Evaluate[string](
			`(() => { const l = document.querySelectorAll(".mia-msg-assistant .mia-body"); return l[l.length - 1].innerText; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if ref = refRE.FindString(last); ref != "" {
			break
		}
		said := false
		for _, a := range answers {
			if strings.Contains(last, a.asks) {
				askWidget(t, citizen, a.say)
				said = true
				break
			}
		}
		if !said {
			t.Fatalf("the form asks something the test cannot answer: %q", last)
		}
	}
	if ref == "" {
		t.Fatal("no case filed")
	}

	// Staff forward the case; the outbox delivers the notice to the web
	// conversation, and the live stream brings it to the open widget.
	var caseID int64
	if err := s.db.QueryRow(context.Background(), `SELECT id FROM cases WHERE ref = $1`, ref).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	crypt, err := forms.NewCrypter("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(s.db), Municipalities: s.reg, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeStatus(context.Background(), caseID, forms.StatusForwarded, "staff:1", ""); err != nil {
		t.Fatal(err)
	}
	w, err := notify.NewWorker(notify.Config{Outbox: casestore.New(s.db), Senders: map[string]notify.Sender{
		string(assistant.ChannelWeb): notify.ConversationSender{Notices: convstore.New(s.db), Channel: assistant.ChannelWeb},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w.Deliver(context.Background()); err != nil || n != 1 {
		t.Fatalf("delivered %d notifications: %v", n, err)
	}
	waitLog(t, citizen, ref+" je prosleđena")
	browsertest.Screenshot(t, citizen, "live-status.png", false)
}
