package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/feedbackstore"
	"github.com/miasrbija/mia/postgres/staffstore"
)

// TestFeedbackLoopInBrowser closes the loop in one headless Chromium: a
// citizen rates an answer 👎 in the widget and says why; a clerk of the
// city finds the question on /staff/gaps, marks its group "document
// added", and sees the rating in the analytics, with no chart label cut.
func TestFeedbackLoopInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 412, 915)
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t)
	// The back office shares the server: /staff goes to it.
	var office http.Handler
	b := setupFeedback(t, bundleOpts{wrap: func(chat http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/staff") {
				office.ServeHTTP(w, r)
				return
			}
			chat.ServeHTTP(w, r)
		})
	}})
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	staff := staffstore.New(b.db)
	const password = "lozinka-za-test-1"
	if _, err := backoffice.CreateStaff(context.Background(), staff, reg, backoffice.NewStaff{Municipality: "sombor",
		Email: "znanje@sombor.rs", Name: "Jelena Službenica", Role: backoffice.RoleAdmin, Password: password}); err != nil {
		t.Fatal(err)
	}
	o := backoffice.New(backoffice.Config{Store: staff, Forms: b.forms, Usage: convstore.New(b.db), Municipalities: reg,
		InsecureCookies: true, Feedback: feedbackstore.New(b.db), Limiter: b.cfg.Limiter})
	r := chi.NewRouter()
	o.Routes(r)
	office = r

	step, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	const question = "Где се подноси захтев за дечији додатак?"
	const comment = "Шалтер 6 више не ради средом."
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err = chromedp.Do(step,
		chromedp.Navigate(b.srv.URL+"/"),
		chromedp.Click(css(".mia-launcher")),
		chromedp.WaitVisible(css("#mia-input")),
		chromedp.SendKeys(css("#mia-input"), question),
		chromedp.Click(css(".mia-send")),
		chromedp.WaitVisible(css(`.mia-msg-assistant[data-done="true"] .mia-down`)),
	)
	if err != nil {
		t.Fatalf("ask: %v", err)
	}
	// The buttons are named in the citizen's script (Cyrillic here).
	if v := attr(t, step, ".mia-down", "aria-label"); v != "Не, одговор није користан" {
		t.Errorf("👎 button's name %q", v)
	}
	// Keyboard: focus 👎 and press Enter; the reason form opens.
	err = chromedp.Do(step,
		chromedp.Focus(css(".mia-down")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(css(".mia-reason fieldset")),
		chromedp.Click(css(`.mia-reason input[value="outdated"]`)),
		chromedp.SendKeys(css(".mia-comment"), comment),
		chromedp.Click(css(".mia-reason-send")),
		chromedp.WaitNotVisible(css(".mia-reason")),
	)
	browsertest.Screenshot(t, step, "feedback-1-widget.png", false)
	if err != nil {
		t.Fatalf("rate 👎 with a reason: %v", err)
	}
	if pressed, note := attr(t, step, ".mia-down", "aria-pressed"), text(t, step, ".mia-rate-note"); pressed != "true" || !strings.Contains(note, "Хвала") {
		t.Errorf("after the reason: pressed %q, note %q", pressed, note)
	}
	// A reload shows the thumb the citizen pressed, not a fresh pair.
	err = chromedp.Do(step,
		chromedp.Reload(),
		chromedp.WaitVisible(css(".mia-launcher")),
		chromedp.Click(css(".mia-launcher")),
		chromedp.WaitVisible(css(".mia-msg-assistant .mia-down")),
	)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if down, up := attr(t, step, ".mia-down", "aria-pressed"), attr(t, step, ".mia-up", "aria-pressed"); down != "true" || up != "false" {
		t.Errorf("after a reload: 👎 pressed %q, 👍 pressed %q", down, up)
	}
	var reason, stored string
	if err := b.db.QueryRow(context.Background(), `SELECT reason, comment FROM answer_feedback`).Scan(&reason, &stored); err != nil || reason != "outdated" || stored != comment {
		t.Errorf("stored %q %q (%v)", reason, stored, err)
	}

	// The clerk.
	err = chromedp.Do(step,
		chromedp.Navigate(b.srv.URL+"/staff/login"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "znanje@sombor.rs"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("#login")),
		chromedp.WaitVisible(css(`a[href="/staff/gaps"]`)),
		chromedp.Click(css(`a[href="/staff/gaps"]`)),
		chromedp.WaitVisible(css("section.gap")),
	)
	browsertest.Screenshot(t, step, "feedback-2-gaps.png", true)
	if err != nil {
		t.Fatalf("gaps page: %v", err)
	}
	gaps := text(t, step, "section.gap")
	for _, want := range []string{question, "zastarelo", comment, "novo"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("the gaps page lacks %q:\n%s", want, gaps)
		}
	}
	groupID := strings.TrimPrefix(attr(t, step, "section.gap", "id"), "gap-")
	err = chromedp.Do(step,
		chromedp.SetValue(css("#status-"+groupID), "document_added"),
		chromedp.Click(css("#save-"+groupID)),
		chromedp.WaitVisible(css(`p.notice[role="status"]`)),
	)
	if err != nil {
		t.Fatalf("change the group's status: %v", err)
	}
	if status := text(t, step, "#gap-"+groupID+" .status"); status != "dokument dodat" {
		t.Errorf("status shown %q", status)
	}

	// Analytics: the rating charts, every label within its chart.
	err = chromedp.Do(step,
		chromedp.Navigate(b.srv.URL+"/staff/analytics"),
		chromedp.WaitVisible(css(`svg[aria-labelledby="t-rating-weeks"]`)),
	)
	browsertest.Screenshot(t, step, "feedback-3-analytics.png", true)
	if err != nil {
		t.Fatalf("analytics: %v", err)
	}
	ratingBars, err := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll('svg[aria-labelledby="t-rating-documents"] rect.bar-down').length`))
	if err != nil {
		t.Fatal(err)
	}
	overflow, err := chromedp.Run(step, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('svg text')).filter(t => {
		const b = t.getBBox(), w = t.ownerSVGElement.viewBox.baseVal.width;
		return b.x < -0.5 || b.x + b.width > w + 0.5;
	}).map(t => t.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if ratingBars != 1 {
		t.Errorf("👎 parts in the documents' rating chart: %d, want 1", ratingBars)
	}
	if len(overflow) > 0 {
		t.Errorf("chart texts outside their chart: %q", overflow)
	}
}
