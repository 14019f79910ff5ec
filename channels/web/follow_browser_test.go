package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/internal/browsertest"
)

// TestFollowCaseInBrowser: a report filed on one device is followed from
// another, a separate browser context that shares no cookies and no
// localStorage: a wrong contact shows nothing of the case, the right one
// its status as a sentence.
const tokenJS = `localStorage.getItem("mia:sombor:token") || ""`

func TestFollowCaseInBrowser(t *testing.T) {
	first := browsertest.New(t, 412, 915)
	b := setupFollow(t, web.Limit{Rate: -1})
	c := b.fileReport(t, "device-a", "064 123 4567")
	if _, err := b.forms.ChangeStatus(context.Background(), c.ID, forms.StatusForwarded, "staff:1", ""); err != nil {
		t.Fatal(err)
	}
	// The device that filed it has a conversation of its own.
	err := chromedp.Do(first, chromedp.Navigate(b.srv.URL+"/"), chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.WaitVisible(chromedp.CSS("#mia-input")), chromedp.SendKeys(chromedp.CSS("#mia-input"), "Dobar dan"),
		chromedp.Click(chromedp.CSS(".mia-send")), chromedp.WaitVisible(chromedp.CSS(`.mia-msg-assistant[data-done="true"]`)))
	if err != nil {
		t.Fatalf("first device: %v", err)
	}
	firstToken, err := chromedp.Run(first, chromedp.Evaluate[string](tokenJS))
	if err != nil || firstToken == "" {
		t.Fatalf("first device: %v (token %q)", err, firstToken)
	}

	second, cancel := chromedp.NewContext(first, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelT := context.WithTimeout(second, 60*time.Second)
	defer cancelT()
	out := ".mia-follow-out"
	if err := chromedp.Do(ctx, chromedp.Navigate(b.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".mia-launcher"))); err != nil {
		t.Fatal(err)
	}
	secondToken, err := chromedp.Run(ctx, chromedp.Evaluate[string](tokenJS))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(".mia-launcher")),
		chromedp.Click(chromedp.CSS(".mia-follow summary")),
		chromedp.WaitVisible(chromedp.CSS("#mia-follow-ref")),
		chromedp.SendKeys(chromedp.CSS("#mia-follow-ref"), strings.ToLower(c.Ref)),
		chromedp.SendKeys(chromedp.CSS("#mia-follow-contact"), "064 765 4321"),
		chromedp.Click(chromedp.CSS(".mia-follow-form button")),
		chromedp.WaitVisible(chromedp.CSS(out)),
	)
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector(".mia-follow-out").textContent.includes("Nismo")`,
			chromedp.WithPollingTimeout(20*time.Second)))
	}
	if err != nil {
		t.Fatalf("second device, wrong contact: %v", err)
	}
	if secondToken != "" {
		t.Fatalf("the second context shares the first one's storage: %q", secondToken)
	}
	miss := text(t, ctx, out)
	browsertest.Screenshot(t, ctx, "follow-wrong-contact.png", false)
	if !strings.Contains(miss, "Nismo pronašli") || strings.Contains(miss, "prosleđena") || strings.Contains(miss, "Zelenilo") {
		t.Errorf("a wrong contact shows: %q", miss)
	}

	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("mia-follow-contact").value = ""`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#mia-follow-contact"), "+381 64 123 4567"),
		chromedp.Click(chromedp.CSS(".mia-follow-form button")),
	)
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector(".mia-follow-out").textContent.includes("prosleđena")`,
			chromedp.WithPollingTimeout(20*time.Second)))
	}
	browsertest.Screenshot(t, ctx, "follow-status.png", false)
	if err != nil {
		t.Fatalf("second device, right contact: %v", err)
	}
	want := "Vaša prijava " + c.Ref + " je prosleđena JKP „Zelenilo” Sombor."
	if got := text(t, ctx, out); !strings.HasPrefix(got, want) {
		t.Errorf("status shown: %q, want %q", got, want)
	}
	browsertest.NoAxeViolations(t, ctx, "follow a case")
}
