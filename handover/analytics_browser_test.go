package handover_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/postgres/staffstore"
)

// TestHandoverFiguresOnAnalytics: the handover figures of the queue page
// (requests, taken, waiting time, abandoned) are on /staff/analytics too.
func TestHandoverFiguresOnAnalytics(t *testing.T) {
	ctx := browsertest.New(t, 1280, 900)
	s := newStack(t, alwaysOpen(t))
	bg := context.Background()
	_, err := backoffice.CreateStaff(bg, staffstore.New(s.db), s.reg, backoffice.NewStaff{Municipality: "sombor",
		Email: "admin@sombor.rs", Name: "Mira Admin", Role: backoffice.RoleAdmin, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	turn(t, s, "citizen-a", "Želim da razgovaram sa službenikom", "")
	turn(t, s, "citizen-b", "Želim da razgovaram sa službenikom", "")
	clerk := handover.Staff{ID: s.staffRow.ID, Name: s.staffRow.Name, Municipality: "sombor", Body: s.staffRow.BodyKey}
	q, err := s.service.Queue(bg, clerk)
	if err != nil || len(q) != 2 {
		t.Fatalf("queue: %v %v", q, err)
	}
	if _, err := s.service.Take(bg, clerk, q[0].ID); err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	err = chromedp.Do(tctx,
		chromedp.Navigate(s.srv.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), "admin@sombor.rs"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login")),
		chromedp.WaitVisible(chromedp.CSS("nav form[action='/staff/logout']")),
		chromedp.Navigate(s.srv.URL+"/staff/analytics"),
		chromedp.WaitVisible(chromedp.CSS("#handover-title")),
	)
	if err != nil {
		t.Fatalf("analytics: %v", err)
	}
	browsertest.Screenshot(t, tctx, "analytics-handovers.png", true)
	for sel, want := range map[string]string{"#an-handover-requests": "2", "#an-handover-taken": "1", "#an-handover-abandoned": "0"} {
		if got, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel))); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %s", sel, got, err, want)
		}
	}
	if got, _ := chromedp.Run(tctx, chromedp.Text(chromedp.CSS("#an-handover-wait"))); got == "" || got == "—" {
		t.Errorf("median wait %q with one taken", got)
	}
}
