package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/serbian"
)

// widgetDriver drives the widget in one browser tab.
type widgetDriver struct {
	t       *testing.T
	ctx     context.Context
	answers int // finished answers on the page so far
}

const doneSel = `.mia-msg-assistant[data-done="true"]`

func evalJS[T any](d *widgetDriver, js string) T {
	d.t.Helper()
	v, err := chromedp.Run(d.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		d.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (d *widgetDriver) poll(what, js string) {
	d.t.Helper()
	if _, err := chromedp.Run(d.ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		browsertest.Screenshot(d.t, d.ctx, "history-failed.png", false)
		d.t.Fatalf("%s: %v", what, err)
	}
}

// wait waits for the next answer of this page and returns its text.
func (d *widgetDriver) wait(step string) string {
	d.t.Helper()
	d.answers++
	d.poll(step, fmt.Sprintf(`document.querySelectorAll(%q).length >= %d`, doneSel, d.answers))
	return evalJS[string](d, fmt.Sprintf(`(() => { const l = document.querySelectorAll(%q); return l[l.length - 1].textContent; })()`, doneSel+" .mia-body"))
}

func (d *widgetDriver) click(sel string) {
	d.t.Helper()
	if err := chromedp.Do(d.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		d.t.Fatalf("click %s: %v", sel, err)
	}
}

func (d *widgetDriver) button(label string) {
	d.t.Helper()
	sel := chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll(".mia-qr button")].find(b => b.textContent === %q)`, label))
	if err := chromedp.Do(d.ctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
		d.t.Fatalf("button %q: %v", label, err)
	}
}

func (d *widgetDriver) typeText(s string) {
	d.t.Helper()
	if err := chromedp.Do(d.ctx, chromedp.SendKeys(chromedp.CSS("#mia-input"), s), chromedp.Click(chromedp.CSS(".mia-send"))); err != nil {
		d.t.Fatalf("type %q: %v", s, err)
	}
}

// reload opens the page again; the widget reopens with the conversation.
func (d *widgetDriver) reload(url, ready string) {
	d.t.Helper()
	d.answers = 0
	if err := chromedp.Do(d.ctx, chromedp.Navigate(url)); err != nil {
		d.t.Fatal(err)
	}
	d.poll("history after reload", ready)
}

// TestWidgetConversationInBrowser: first-run questions on the welcome ask;
// "Novi razgovor" asks first while a form is open and while a filed case
// is in the conversation, keeping its reference in sight; a reloaded
// answer keeps its working citation and sources; the script switch
// changes the history and the next reply, server side.
func TestWidgetConversationInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 412, 915)
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t)
	b := setup(t, func(c *web.Config) { c.PerConversation = web.Limit{Rate: 100, Burst: 100} })
	m, err := b.cfg.Municipalities.Get("sombor")
	if err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	d := &widgetDriver{t: t, ctx: tctx}
	home := b.srv.URL + "/"

	// First run: the municipality's questions are buttons on the welcome.
	if err := chromedp.Do(tctx, chromedp.Navigate(home), chromedp.Click(chromedp.CSS(".mia-launcher"), chromedp.NodeVisible)); err != nil {
		t.Fatalf("open the widget: %v", err)
	}
	d.poll("suggested questions", fmt.Sprintf(`document.querySelectorAll(".mia-suggest button").length === %d`, len(m.Suggested)))
	labels := evalJS[[]string](d, `[...document.querySelectorAll(".mia-suggest button")].map(b => b.textContent)`)
	for i, l := range labels {
		if l != m.Suggested[i] {
			t.Errorf("suggestion %d reads %q, want %q", i, l, m.Suggested[i])
		}
	}
	browsertest.Screenshot(t, tctx, "conv-1-suggested.png", false)
	report := m.Suggested[len(m.Suggested)-1] // "Želim da prijavim rupu na ulici"
	suggestion := chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll(".mia-suggest button")].find(b => b.textContent === %q)`, report))
	if err := chromedp.Do(tctx, chromedp.Click(suggestion, chromedp.NodeVisible)); err != nil {
		t.Fatalf("suggested question: %v", err)
	}
	if a := d.wait("suggested question"); !strings.Contains(a, "Prijava komunalnog problema") {
		t.Fatalf("the suggested report did not start the form: %q", a)
	}
	if asked := evalJS[string](d, `document.querySelector(".mia-msg-user .mia-body").textContent`); asked != report {
		t.Errorf("the citizen's bubble reads %q, want the suggestion %q", asked, report)
	}

	// A form is open: a new conversation is asked for first; declining keeps all.
	before := evalJS[int](d, `document.querySelectorAll(".mia-msg").length`)
	d.click(".mia-new")
	d.poll("confirmation with a form open", `!!document.querySelector(".mia-confirm") && document.querySelector(".mia-confirm").textContent.includes("obrazac")`)
	browsertest.Screenshot(t, tctx, "conv-2-confirm-form.png", false)
	d.click(".mia-confirm-no")
	after := evalJS[int](d, `document.querySelectorAll(".mia-msg").length`)
	focusedNew := evalJS[bool](d, `!document.querySelector(".mia-confirm") && document.activeElement.classList.contains("mia-new")`)
	if after != before || !focusedNew {
		t.Errorf("declining a new conversation: %d messages, was %d; confirmation gone and focus back = %v", after, before, focusedNew)
	}

	// File the report.
	d.button("Ne")
	d.wait("village")
	d.typeText("Kralja Petra I 5, Sombor")
	d.wait("location")
	d.button("Preskoči")
	d.wait("photos")
	d.button("Ne")
	d.wait("contact")
	d.button("Potvrdi")
	ref := regexp.MustCompile(`SO-KP-[0-9-]+`).FindString(d.wait("confirm"))
	if ref == "" {
		t.Fatal("no case reference after confirming")
	}

	// After a reload the history knows the case: a new conversation names it.
	d.reload(home, fmt.Sprintf(`[...document.querySelectorAll(".mia-msg-assistant .mia-body")].some(e => e.textContent.includes(%q))`, ref))
	d.click(".mia-new")
	d.poll("confirmation with a case", fmt.Sprintf(`!!document.querySelector(".mia-confirm") && document.querySelector(".mia-confirm").textContent.includes(%q)`, ref))
	browsertest.Screenshot(t, tctx, "conv-3-confirm-case.png", false)
	d.click(".mia-confirm-yes")
	d.poll("a new conversation keeps the reference in sight",
		fmt.Sprintf(`document.querySelectorAll(".mia-msg").length === 1 && document.querySelector(".mia-lastcase").textContent.includes(%q) && document.querySelectorAll(".mia-suggest button").length > 0`, ref))
	d.answers = 0

	// A form cancelled is no longer a reason to ask.
	d.click(".mia-suggest button:last-child")
	d.wait("report again")
	d.button("Otkaži")
	d.wait("cancel")
	d.click(".mia-new")
	d.poll("a new conversation at once after a cancelled form", `!document.querySelector(".mia-confirm") && document.querySelectorAll(".mia-msg").length === 1`)
	d.answers = 0

	// A cited answer, then a reload: the [1] marker is still a link to the
	// passage, and the sources are listed.
	d.typeText("Gde se podnosi zahtev za dečiji dodatak?")
	if a := d.wait("cited answer"); !strings.Contains(a, "[1]") {
		t.Fatalf("no citation in %q", a)
	}
	const histLink = `.mia-msg-user + .mia-msg-assistant .mia-body a`
	d.reload(home, fmt.Sprintf(`!!document.querySelector(%q) && !!document.querySelector(".mia-sources a")`, histLink))
	browsertest.Screenshot(t, tctx, "conv-4-reloaded.png", false)
	inline, source := attr(t, tctx, histLink, "href"), attr(t, tctx, ".mia-sources a", "href")
	if inline != source || !strings.Contains(inline, "/documents/") || !strings.Contains(inline, "chunk=") {
		t.Errorf("after reload [1] links to %q, the sources to %q", inline, source)
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(inline), chromedp.WaitVisible(chromedp.CSS("mark"))); err != nil {
		t.Fatalf("the reloaded citation's document page %s: %v", inline, err)
	}

	// The script switch: the history comes back in Cyrillic, and so does the
	// answer to the next question though it is typed in Latin.
	d.reload(home, fmt.Sprintf(`!!document.querySelector(%q)`, histLink))
	d.click(".mia-script")
	d.poll("history mirrored to Cyrillic", fmt.Sprintf(`(() => { const a = document.querySelector(%q); return !!a && /[\u0400-\u04FF]/.test(a.parentNode.textContent); })()`, histLink))
	browsertest.Screenshot(t, tctx, "conv-5-cyrillic.png", false)
	if stored := evalJS[string](d, `localStorage.getItem("mia:sombor:script")`); stored != "cyr" {
		t.Errorf("the choice is not remembered: %q", stored)
	}
	d.answers = 0
	d.typeText("Koliko košta izvod iz matične knjige rođenih?")
	if a := d.wait("answer after choosing Cyrillic"); serbian.DetectScript(a) != serbian.Cyrillic {
		t.Errorf("a Latin question after choosing Cyrillic was answered in Latin: %q", a)
	}
	if send := text(t, tctx, ".mia-send"); send != "Пошаљи" {
		t.Errorf("a Latin question switched the widget back from the chosen Cyrillic: %q", send)
	}
}
