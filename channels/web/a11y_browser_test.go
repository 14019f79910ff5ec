package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/miasrbija/mia/internal/browsertest"
)

// TestWidgetAxe runs axe-core on the demo page with the chat closed, open,
// after an answer with sources, rating and quick replies, and with the
// reason form after 👎, on a phone and on a desktop.
func TestWidgetAxe(t *testing.T) {
	b := setupFeedback(t, bundleOpts{})
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 320, 568}, {"desktop", 1280, 800}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browsertest.New(t, size.w, size.h)
			tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
			defer cancel()
			ctx = tctx
			if err := browsertest.Viewport(ctx, size.w, size.h, size.w < 600); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(b.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".mia-launcher"))); err != nil {
				t.Fatalf("open the demo page: %v", err)
			}
			browsertest.NoAxeViolations(t, ctx, "chat closed")
			err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(".mia-launcher")),
				chromedp.WaitVisible(chromedp.CSS("#mia-input")),
			)
			if err != nil {
				t.Fatalf("open the chat: %v", err)
			}
			browsertest.NoAxeViolations(t, ctx, "chat open")
			// Modal only where it covers the page.
			if m, want := attr(t, ctx, "#mia-panel", "aria-modal"), fmt.Sprint(size.w < 600); m != want {
				t.Errorf("aria-modal=%q at %d px, want %s", m, size.w, want)
			}

			err = chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#mia-input"), "Где се подноси захтев за дечији додатак?"),
				chromedp.Click(chromedp.CSS(".mia-send")),
				chromedp.WaitVisible(chromedp.CSS(`.mia-msg-assistant[data-done="true"] .mia-down`)),
				chromedp.Click(chromedp.CSS(".mia-down")),
				chromedp.WaitVisible(chromedp.CSS(".mia-reason fieldset")),
			)
			browsertest.Screenshot(t, ctx, fmt.Sprintf("a11y-%s-answer.png", size.name), false)
			if err != nil {
				t.Fatalf("answer and 👎: %v", err)
			}
			browsertest.NoAxeViolations(t, ctx, "answer with the reason form")

			err = chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS("#mia-input"), "Zdravo"),
				chromedp.Click(chromedp.CSS(".mia-send")),
				chromedp.WaitVisible(chromedp.CSS(".mia-qr button")),
			)
			if err != nil {
				t.Fatalf("greeting with quick replies: %v", err)
			}
			browsertest.NoAxeViolations(t, ctx, "quick replies")
		})
	}
}

// TestWidgetKeyboardSmallScreen uses the chat on a 320×568 phone: the
// panel is modal there and Tab stays inside it, Enter on a quick reply
// keeps focus in the chat, Escape closes, the script button's accessible
// name is its visible word, the conversation gets most of the screen with
// the notice collapsed, and the placeholder fits its box.
func TestWidgetKeyboardSmallScreen(t *testing.T) {
	b := setup(t, nil)
	ctx := browsertest.New(t, 500, 800)
	tctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	ctx = tctx
	if err := browsertest.Viewport(ctx, 320, 568, true); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(b.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(".mia-launcher"), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")),
	)
	if err != nil {
		t.Fatalf("open the chat: %v", err)
	}
	browsertest.Screenshot(t, ctx, "a11y-320-open.png", false)
	eval := func(js string) bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	const inPanel = `document.getElementById("mia-panel").contains(document.activeElement)`

	if m := attr(t, ctx, "#mia-panel", "aria-modal"); m != "true" {
		t.Errorf("full-screen panel aria-modal=%q", m)
	}
	// The accessible name as Chromium computes it for assistive technology.
	for _, script := range []string{"Ćirilica", "Latinica"} {
		name := accessibleName(t, ctx, ".mia-script")
		if visible := text(t, ctx, ".mia-script"); name != visible || visible != script {
			t.Errorf("script button shows %q (want %q), accessible name %q", visible, script, name)
		}
		placeholderFits(t, ctx)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-script"))); err != nil {
			t.Fatal(err)
		}
	}

	// The notice is cut to its first lines and opens whole.
	layout := func() (logShare float64, clamped bool) {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
			const n = document.getElementById("mia-notice"), l = document.querySelector(".mia-log");
			return [l.getBoundingClientRect().height / innerHeight, n.scrollHeight - n.clientHeight];
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return v[0], v[1] > 1
	}
	share, clamped := layout()
	if !clamped || share <= 0.5 { // "most of the screen"
		t.Errorf("notice clamped %v, conversation %.0f%% of the screen height", clamped, 100*share)
	}
	t.Logf("the conversation takes %.0f%% of a 320×568 screen", 100*share)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-notice-more"))); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "a11y-320-notice.png", false)
	if _, clamped := layout(); clamped || attr(t, ctx, ".mia-notice-more", "aria-expanded") != "true" {
		t.Error("the notice does not open whole")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".mia-notice-more"))); err != nil {
		t.Fatal(err)
	}

	// Enter on a quick reply: focus stays in the chat while the buttons go.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#mia-input"), "Zdravo"),
		chromedp.Click(chromedp.CSS(".mia-send")),
		chromedp.WaitVisible(chromedp.CSS(`.mia-msg-assistant[data-done="true"]`)),
		chromedp.Focus(chromedp.CSS(".mia-qr button"), chromedp.NodeVisible),
		chromedp.KeyEvent(kb.Enter),
	)
	if err != nil {
		t.Fatalf("quick reply by keyboard: %v", err)
	}
	if !eval(inPanel + ` && document.activeElement !== document.body`) {
		t.Error("focus left the chat after Enter on a quick reply")
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll(".mia-msg-assistant[data-done=true]").length >= 2`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("answer to the quick reply: %v", err)
	}
	browsertest.Screenshot(t, ctx, "a11y-320-quick-reply.png", false)
	// Many quick replies (the report's categories) scroll in one row.
	if share, _ := layout(); share < 0.4 {
		t.Errorf("with quick replies the conversation gets only %.0f%% of the screen height", 100*share)
	}
	if !eval(inPanel) {
		t.Error("focus left the chat when the answer came")
	}

	// Tab and Shift+Tab go round inside the panel, past its last and first
	// control.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#mia-panel button, #mia-panel a[href], #mia-panel textarea").length`))
	if err != nil {
		t.Fatal(err)
	}
	for _, shift := range []bool{false, true} {
		var mods []chromedp.KeyOption
		if shift {
			mods = append(mods, chromedp.KeyModifiers(chromedp.ModifierShift))
		}
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#mia-input"))); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n+3; i++ {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab, mods...)); err != nil {
				t.Fatal(err)
			}
			if !eval(inPanel) {
				tag, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.outerHTML.slice(0, 80)`))
				t.Fatalf("Tab %d (shift %v) left the full-screen chat for %s", i+1, shift, tag)
			}
		}
	}

	// Escape closes and gives focus back to the launcher.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if !eval(`document.getElementById("mia-panel").hidden && document.activeElement.classList.contains("mia-launcher")`) {
		t.Error("Escape did not close the chat and focus the launcher")
	}
}

// accessibleName returns the name Chromium's accessibility tree gives the
// element.
func accessibleName(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	dom, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS(sel)))
	if err != nil || len(dom) == 0 {
		t.Fatalf("%s: %v", sel, err)
	}
	res, err := chromedp.Call(ctx, accessibility.GetPartialAXTree,
		accessibility.GetPartialAXTreeParams{BackendNodeID: dom[0].BackendNodeID, FetchRelatives: new(false)})
	if err != nil || len(res.Nodes) == 0 || res.Nodes[0].Name == nil {
		t.Fatalf("accessibility node of %s: %v", sel, err)
	}
	var name string
	if err := json.Unmarshal(res.Nodes[0].Name.Value, &name); err != nil {
		t.Fatalf("accessible name of %s: %v", sel, err)
	}
	return name
}

// placeholderFits fails the test when the question box's placeholder is
// wider than the room inside the box, measured in the box's own font.
func placeholderFits(t *testing.T, ctx context.Context) {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => {
		const i = document.getElementById("mia-input"), s = getComputedStyle(i);
		const c = document.createElement("canvas").getContext("2d");
		c.font = s.font;
		const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
		return [i.placeholder, c.measureText(i.placeholder).width, room];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if v[1].(float64) > v[2].(float64) {
		t.Errorf("placeholder %q is %.0f px wide in a %.0f px box", v[0], v[1], v[2])
	}
}
