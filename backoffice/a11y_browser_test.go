package backoffice_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/feedbackstore"
	"github.com/miasrbija/mia/postgres/handoverstore"
	"github.com/miasrbija/mia/serbian"
)

// TestStaffPagesAxe runs axe-core on every staff page, each with content
// on it (a case with a photo, a knowledge gap, a waiting handover), on a
// phone and on a desktop.
func TestStaffPagesAxe(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.fileReport(t, "viber-citizen-9")
	tb.gapTurn(t, "sombor", "gap-user", "Koliko košta parking u centru?",
		assistant.Reply{Text: "U dokumentima nema odgovora.", Route: assistant.RouteInfo, Status: assistant.StatusNoSource})
	hs := handoverstore.New(tb.db)
	conv, err := convstore.New(tb.db).Conversation(tb.ctx, "sombor", assistant.ChannelWeb, "handover-user")
	if err != nil {
		t.Fatal(err)
	}
	if err := convstore.New(tb.db).SaveUser(tb.ctx, conv, "sombor", "Želim da razgovaram sa službenikom", serbian.Latin); err != nil {
		t.Fatal(err)
	}
	req, _, err := hs.CreateRequest(tb.ctx, handover.Request{Municipality: "sombor", ConversationID: conv, Channel: "web",
		ChannelUser: "handover-user", Body: "info-pult", Script: serbian.Latin, RequestedAt: time.Now().Add(-3 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	service, err := handover.NewService(handover.Config{Store: hs, Municipalities: tb.reg})
	if err != nil {
		t.Fatal(err)
	}
	office := backoffice.New(tb.config(backoffice.Config{InsecureCookies: true, Feedback: feedbackstore.New(tb.db), Handovers: service}))
	r := chi.NewRouter()
	office.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	pages := []struct{ path, ready string }{
		{"/staff/", "table.cases"},
		{fmt.Sprintf("/staff/cases/%d", c.ID), "#case-status"},
		{"/staff/analytics", `svg[role="img"]`},
		{"/staff/sources", "h1"},
		{"/staff/gaps", "section.gap"},
		{"/staff/handovers", fmt.Sprintf("#handover-%d", req.ID)},
		{fmt.Sprintf("/staff/handovers/%d", req.ID), "#chat"},
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 360, 740}, {"desktop", 1280, 800}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t, size.w, size.h)
			step, cancel := context.WithTimeout(ctx, 90*time.Second)
			defer cancel()
			if err := browsertest.Viewport(step, size.w, size.h, size.w < 600); err != nil {
				t.Fatal(err)
			}
			err := chromedp.Do(step, chromedp.Navigate(srv.URL+"/staff/login"), chromedp.WaitVisible(chromedp.CSS(`#email`)))
			if err != nil {
				t.Fatalf("login page: %v", err)
			}
			browsertest.NoAxeViolations(t, step, "/staff/login")
			err = chromedp.Do(step,
				chromedp.SendKeys(chromedp.CSS(`#email`), "admin@sombor.rs"),
				chromedp.SendKeys(chromedp.CSS(`#password`), password),
				chromedp.Click(chromedp.CSS(`#login`)),
				chromedp.WaitVisible(chromedp.CSS(`table.cases`)),
			)
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			for _, p := range pages {
				if err := chromedp.Do(step, chromedp.Navigate(srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.ready))); err != nil {
					t.Fatalf("%s: %v", p.path, err)
				}
				browsertest.NoAxeViolations(t, step, p.path)
				if p.path == "/staff/analytics" {
					browsertest.Screenshot(t, step, "a11y-analytics-"+size.name+".png", true)
					chartLabelsFit(t, step)
				}
			}
		})
	}
}

// chartLabelsFit fails the test for every chart label that does not fit
// inside its chart, as the browser lays it out.
func chartLabelsFit(t *testing.T, ctx context.Context) {
	t.Helper()
	cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("svg text")].filter(e => {
		const s = e.ownerSVGElement.getBoundingClientRect(), r = e.getBoundingClientRect();
		return r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5;
	}).map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg text").length`))
	if err != nil || n == 0 {
		t.Fatalf("no chart labels on the analytics page (%v)", err)
	}
	for _, l := range cut {
		t.Errorf("chart label cut: %q", l)
	}
}
