package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/internal/browsertest"
	"github.com/miasrbija/mia/serbian"
)

// text reads the text of the first element matching a CSS selector,
// waiting until it is visible.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

func attr(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		t.Fatalf("%s of %s: %v", name, sel, err)
	}
	return v.Value
}

// TestWidgetInBrowser asks in Cyrillic through the widget on the demo
// page, follows the citation to the document page, and reloads the page
// to find the conversation again.
func TestWidgetInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 412, 915) // a phone: the widget is mobile first
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t) // the demo and document pages under their CSP
	b := setup(t, nil)
	// The source list says when the document changed, a Belgrade day.
	if _, err := b.db.Exec(context.Background(), `UPDATE documents SET updated_at = '2026-03-11 23:30Z' WHERE source = 'decji-dodatak.md'`); err != nil {
		t.Fatal(err)
	}
	const question = "Где се подноси захтев за дечији додатак?"
	const answer = `.mia-msg-assistant[data-done="true"] .mia-body`

	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	ctx = tctx

	err := chromedp.Do(ctx,
		chromedp.Navigate(b.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".mia-launcher")),
	)
	if err != nil {
		t.Fatalf("open the demo page: %v", err)
	}
	launcher := text(t, ctx, ".mia-launcher")
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")),
		chromedp.SendKeys(chromedp.CSS("#mia-input"), question),
		chromedp.Click(chromedp.CSS(".mia-send")),
		chromedp.WaitVisible(chromedp.CSS(answer)),
	)
	browsertest.Screenshot(t, ctx, "1-answer.png", false)
	if err != nil {
		t.Fatalf("ask through the widget: %v", err)
	}
	notice, answerText := text(t, ctx, ".mia-notice"), text(t, ctx, answer)
	expanded, busy := attr(t, ctx, ".mia-launcher", "aria-expanded"), attr(t, ctx, ".mia-log", "aria-busy")
	href, inline := attr(t, ctx, ".mia-sources a", "href"), attr(t, ctx, answer+" a", "href")
	if launcher != "Pitajte MIA" || expanded != "true" || !strings.Contains(notice, "аутоматизованим асистентом") {
		t.Errorf("launcher %q expanded %q notice %q", launcher, expanded, notice)
	}
	if serbian.DetectScript(answerText) != serbian.Cyrillic || !strings.Contains(answerText, "[1]") || busy != "false" {
		t.Errorf("answer not Cyrillic, not cited or still busy (%q):\n%s", busy, answerText)
	}
	if inline != href {
		t.Errorf("the [1] marker links to %q, the source list to %q", inline, href)
	}
	if sources := text(t, ctx, ".mia-sources"); !strings.Contains(sources, "измењено 12. 3. 2026.") {
		t.Errorf("the source list does not say when the document changed: %q", sources)
	}
	// The widget's own texts follow the citizen's script.
	if send := text(t, ctx, ".mia-send"); send != "Пошаљи" {
		t.Errorf("send button %q after a Cyrillic question", send)
	}

	// The citation opens the document with the passage marked.
	err = chromedp.Do(ctx, chromedp.Navigate(href), chromedp.WaitVisible(chromedp.CSS("mark")))
	browsertest.Screenshot(t, ctx, "2-document.png", true)
	if err != nil {
		t.Fatalf("document page at %s: %v", href, err)
	}
	if mark := text(t, ctx, "mark"); strings.TrimSpace(mark) == "" || !strings.Contains(href, "chunk=") {
		t.Errorf("mark %q at %s", mark, href)
	}

	// Back on the city page the conversation is still there.
	err = chromedp.Do(ctx,
		chromedp.Navigate(b.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".mia-msg-user + .mia-msg-assistant .mia-body")),
	)
	browsertest.Screenshot(t, ctx, "3-reloaded.png", false)
	if err != nil {
		t.Fatalf("history after reload: %v", err)
	}
	if first := text(t, ctx, ".mia-msg-user .mia-body"); first != question {
		t.Errorf("first message after reload %q", first)
	}

	// The script switch changes the widget's own texts; Escape closes the
	// panel and gives focus back to the launcher.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-script"))); err != nil {
		t.Fatal(err)
	}
	if send := text(t, ctx, ".mia-send"); send != "Pošalji" {
		t.Errorf("send button %q after switching to Latin", send)
	}
	err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#mia-input")), chromedp.KeyEvent(kb.Escape))
	if err != nil {
		t.Fatal(err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.activeElement.classList.contains("mia-launcher") && document.getElementById("mia-panel").hidden`))
	if err != nil || !focused || attr(t, ctx, ".mia-launcher", "aria-expanded") != "false" {
		t.Errorf("after Escape: launcher focused and panel hidden = %v (%v)", focused, err)
	}
}

// TestCommunalReportInBrowser files a communal report through the widget:
// buttons, typed answers, the location from the browser (refused first,
// then granted), a photo with its preview, and the confirmation with the
// case reference; a reload shows the conversation again.
func TestCommunalReportInBrowser(t *testing.T) {
	ctx := browsertest.New(t, 412, 915) // a phone: the widget is mobile first
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t)
	b := setup(t, func(c *web.Config) { c.PerConversation = web.Limit{Rate: 100, Burst: 100} })
	photo := filepath.Join(t.TempDir(), "kontejner.jpg")
	if err := os.WriteFile(photo, jpegPhoto(t), 0o644); err != nil {
		t.Fatal(err)
	}

	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	ctx = tctx

	const done = `.mia-msg-assistant[data-done="true"]`
	answers := 0
	// wait waits for the next answer and returns its text.
	wait := func(step string) string {
		t.Helper()
		answers++
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelectorAll(%q).length >= %d`, done, answers),
			chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil {
			browsertest.Screenshot(t, ctx, "kp-failed.png", false)
			t.Fatalf("%s: answer %d not shown: %v", step, answers, err)
		}
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const l = document.querySelectorAll(%q); return l[l.length - 1].textContent; })()`, done+" .mia-body")))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lastUser := func() string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const l = document.querySelectorAll(".mia-msg-user .mia-body"); return l[l.length - 1].textContent; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// button clicks the quick reply with this label.
	button := func(label string) {
		t.Helper()
		sel := chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll(".mia-qr button")].find(b => b.textContent === %q)`, label))
		if err := chromedp.Do(ctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
			t.Fatalf("button %q: %v", label, err)
		}
	}
	typeText := func(s string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#mia-input"), s), chromedp.Click(chromedp.CSS(".mia-send"))); err != nil {
			t.Fatalf("type %q: %v", s, err)
		}
	}
	permission := func(setting cdpbrowser.PermissionSetting) {
		t.Helper()
		_, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: setting, Origin: b.srv.URL})
		if err != nil {
			t.Fatalf("geolocation permission %s: %v", setting, err)
		}
	}

	err := chromedp.Do(ctx,
		chromedp.Navigate(b.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(".mia-launcher"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")),
	)
	if err != nil {
		t.Fatalf("open the widget: %v", err)
	}
	// Both buttons are in the composer, named for screen readers.
	if l1, l2 := attr(t, ctx, ".mia-photo", "aria-label"), attr(t, ctx, ".mia-location", "aria-label"); l1 != "Dodaj fotografiju ili video" || l2 != "Podeli moju lokaciju" {
		t.Errorf("composer buttons labelled %q and %q", l1, l2)
	}
	if accept := attr(t, ctx, "#mia-file", "accept"); accept != "image/*,video/*" {
		t.Errorf("file input accepts %q", accept)
	}
	text(t, ctx, ".mia-photo")
	text(t, ctx, ".mia-location")

	typeText("Zdravo")
	wait("greeting")
	button("Prijavi komunalni problem")
	if a := wait("start the report"); !strings.Contains(a, "vrstu problema") {
		t.Errorf("category not asked: %q", a)
	}
	button("Otpad i kontejneri")
	wait("category")
	typeText("ne")
	wait("village")
	typeText("Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje")
	if a := wait("description"); !strings.Contains(a, "lokacij") {
		t.Fatalf("location not asked: %q", a)
	}

	// Location refused by the browser: a clear message, nothing is sent.
	permission(cdpbrowser.PermissionSettingDenied)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-location")), chromedp.WaitVisible(chromedp.CSS(".mia-alert"))); err != nil {
		t.Fatalf("denied location: %v", err)
	}
	if msg := text(t, ctx, ".mia-alert"); !strings.Contains(msg, "Pristup lokaciji nije dozvoljen") || !strings.Contains(msg, "upišite adresu") {
		t.Errorf("denied location message %q", msg)
	}
	browsertest.Screenshot(t, ctx, "kp-1-location-denied.png", false)

	// Granted, at a point in Sombor.
	permission(cdpbrowser.PermissionSettingGranted)
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
		Latitude: ptr(45.7733), Longitude: ptr(19.1151), Accuracy: ptr(10.0)}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-location"))); err != nil {
		t.Fatal(err)
	}
	if a := wait("location"); !strings.Contains(a, "fotografij") {
		t.Fatalf("photos not asked after the location: %q", a)
	}
	if u := lastUser(); u != "📍 lokacija" {
		t.Errorf("location bubble %q", u)
	}

	// A photo: previewed before it is sent.
	// Drawn on a canvas, so a city's img-src need not allow blob: URLs.
	err = chromedp.Do(ctx,
		chromedp.SetUploadFiles(chromedp.CSS("#mia-file"), []string{photo}),
		chromedp.WaitVisible(chromedp.CSS(`.mia-preview .mia-thumb canvas[data-ready="true"]`)),
	)
	if err != nil {
		t.Fatalf("choose a photo: %v", err)
	}
	browsertest.Screenshot(t, ctx, "kp-2-photo-preview.png", false)
	if label := attr(t, ctx, ".mia-thumb canvas", "aria-label"); label != "Pregled fotografije kontejner.jpg" || attr(t, ctx, ".mia-thumb canvas", "role") != "img" {
		t.Errorf("preview labelled %q", label)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-send"))); err != nil {
		t.Fatal(err)
	}
	if a := wait("photo"); !strings.Contains(a, "pristajete") {
		t.Fatalf("contact consent not asked after the photo: %q", a)
	}
	if u := lastUser(); u != "📷 fotografija" {
		t.Errorf("photo bubble %q", u)
	}
	if hidden, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(".mia-preview").hidden`)); !hidden {
		t.Error("the preview is still shown after sending")
	}

	button("Ne")
	if a := wait("contact"); !strings.Contains(a, "Proverite prijavu") {
		t.Fatalf("no summary: %q", a)
	}
	button("Potvrdi")
	a := wait("confirm")
	browsertest.Screenshot(t, ctx, "kp-3-filed.png", false)
	if !regexp.MustCompile(`SO-KP-\S+`).MatchString(a) {
		t.Fatalf("no case reference in the last answer: %q", a)
	}

	// After a reload the report is still in the conversation.
	err = chromedp.Do(ctx, chromedp.Navigate(b.srv.URL+"/"))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll(".mia-msg-assistant .mia-body")].some(e => e.textContent.includes("SO-KP-"))`,
			chromedp.WithPollingTimeout(20*time.Second)))
	}
	browsertest.Screenshot(t, ctx, "kp-4-reloaded.png", false)
	if err != nil {
		t.Fatalf("history after reload: %v", err)
	}
	if first := text(t, ctx, ".mia-msg-user .mia-body"); first != "Zdravo" {
		t.Errorf("first message after reload %q", first)
	}
}

func ptr[T any](v T) *T { return &v }
