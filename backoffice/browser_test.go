package backoffice_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/backoffice"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/internal/browsertest"
)

// fileReport files a communal report through forms.Service as a citizen
// on Viber would, with a photo, and returns the case.
func (tb *testBundle) fileReport(t *testing.T, user string) *forms.Case {
	t.Helper()
	var convID int64
	if err := tb.db.QueryRow(tb.ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ('sombor', 'viber', $1) RETURNING id`, user).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	st, err := tb.forms.Start(tb.ctx, forms.StartInput{ConversationID: convID, Municipality: "sombor", Channel: "viber", ChannelUser: user, Form: forms.FormCommunalReport})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{uint8(x * 6), 120, uint8(y * 8), 255})
		}
	}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, img, nil); err != nil {
		t.Fatal(err)
	}
	for range 12 {
		d, err := tb.forms.Active(tb.ctx, convID)
		if err != nil || d == nil {
			t.Fatalf("active draft: %v %v", d, err)
		}
		var in forms.Input
		switch st.Field {
		case "category":
			in.Payload = forms.PayloadSet + "category=waste"
		case "village":
			in.Payload = forms.PayloadSet + "village=no"
		case "description":
			in.Text = "Kontejner u Ulici kralja Petra je prepun već tri dana."
		case "location":
			in.Location = &forms.Location{Lat: 45.7741, Lon: 19.1122}
		case "attachments":
			in.Attachments = []forms.Attachment{{Name: "kontejner.jpg", ContentType: "image/jpeg", Data: photo.Bytes()}}
		case "contact_consent":
			in.Payload = forms.PayloadSet + "contact_consent=no"
		case "":
			in.Payload = forms.PayloadConfirm
		default:
			t.Fatalf("unexpected field %q: %s", st.Field, st.Prompt)
		}
		if st, err = tb.forms.Step(tb.ctx, d, in); err != nil {
			t.Fatal(err)
		}
		if st.Field == "attachments" && in.Attachments != nil {
			in = forms.Input{Payload: forms.PayloadSkip} // the photo is in; go on
			if st, err = tb.forms.Step(tb.ctx, d, in); err != nil {
				t.Fatal(err)
			}
		}
		if st.Case != nil {
			return st.Case
		}
		if len(st.Errors) > 0 {
			t.Fatalf("refused: %+v", st.Errors)
		}
	}
	t.Fatal("the form did not finish")
	return nil
}

func TestBrowserResolveCase(t *testing.T) {
	t.Parallel()
	ctx := browsertest.New(t, 412, 915)
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t) // the staff pages under their strict CSP
	tb := setup(t)
	c := tb.fileReport(t, "viber-citizen-42")
	if c.BodyKey != "jkp-cistoca" {
		t.Fatalf("routed to %q", c.BodyKey)
	}
	// The office took it on before this member's shift.
	for _, to := range []forms.CaseStatus{forms.StatusForwarded, forms.StatusInProgress} {
		if _, err := tb.forms.ChangeStatus(tb.ctx, c.ID, to, "staff:test", ""); err != nil {
			t.Fatal(err)
		}
	}
	o := backoffice.New(tb.config(backoffice.Config{InsecureCookies: true}))
	r := chi.NewRouter()
	o.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)

	step, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	note := "Kontejner je ispražnjen, hvala na prijavi."
	err := chromedp.Do(step,
		chromedp.Navigate(srv.URL+"/staff/"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "cistoca@sombor.rs"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`table.cases`)),
	)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	listText, err := chromedp.Run(step, chromedp.Text(chromedp.CSS(`table.cases`)))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, step, "staff-queue.png", true)
	if !strings.Contains(listText, c.Ref) {
		t.Fatalf("queue lacks %s: %s", c.Ref, listText)
	}
	err = chromedp.Do(step,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/staff/cases/%d"]`, c.ID))),
		chromedp.WaitVisible(chromedp.CSS(`#case-status`)),
	)
	if err != nil {
		t.Fatalf("case page: %v", err)
	}
	photoWidth, err := chromedp.Run(step, chromedp.Poll[int](`(() => { const i = document.querySelector('.media img'); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0; })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		t.Fatalf("photo: %v", err)
	}
	if photoWidth != 40 {
		t.Errorf("photo width %d, want 40", photoWidth)
	}
	browsertest.Screenshot(t, step, "staff-case.png", true)
	err = chromedp.Do(step,
		chromedp.SetValue(chromedp.CSS(`#to`), "resolved"),
		chromedp.SendKeys(chromedp.CSS(`#note`), note),
		chromedp.Click(chromedp.CSS(`#change-status`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice[role="status"]`)),
	)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	status, err := chromedp.Run(step, chromedp.Text(chromedp.CSS(`#case-status`)))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, step, "staff-case-resolved.png", true)
	if status != "rešena" {
		t.Errorf("status shown: %q", status)
	}
	var channel, user, text, nstatus string
	err = tb.db.QueryRow(tb.ctx, `
		SELECT n.channel, n.channel_user, n.text, n.status FROM case_notifications n
		JOIN case_events e ON e.id = n.event_id
		WHERE n.case_id = $1 AND e.to_status = 'resolved'`, c.ID).Scan(&channel, &user, &text, &nstatus)
	if err != nil {
		t.Fatalf("outbox row: %v", err)
	}
	if channel != "viber" || user != "viber-citizen-42" || nstatus != "pending" || !strings.Contains(text, note) || !strings.Contains(text, c.Ref) {
		t.Fatalf("outbox: %s %s %s %q", channel, user, nstatus, text)
	}
}

func TestBrowserAnalytics(t *testing.T) {
	t.Parallel()
	ctx := browsertest.New(t, 412, 915)
	console := browsertest.WatchConsole(t, ctx)
	defer console.NoCSPViolations(t) // the staff pages under their strict CSP
	tb := setup(t)
	tb.fileReport(t, "viber-citizen-7")
	tb.mustCase(t, caseOpts{Body: "jkp-vodokanal", Fields: map[string]string{"category": "water_sewage"}})
	r := chi.NewRouter()
	tb.office.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	step, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(step,
		chromedp.Navigate(srv.URL+"/staff/login"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "admin@sombor.rs"),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`table.cases`)),
		chromedp.Navigate(srv.URL+"/staff/analytics"),
		chromedp.WaitVisible(chromedp.CSS(`svg[role="img"]`)),
	)
	if err != nil {
		t.Fatalf("analytics: %v", err)
	}
	bars, err := chromedp.Run(step, chromedp.Evaluate[int](`document.querySelectorAll('svg[aria-labelledby="t-bodies"] rect.bar').length`))
	if err != nil {
		t.Fatal(err)
	}
	if bars != 2 {
		t.Errorf("bars in the bodies chart: %d, want 2", bars)
	}
	browsertest.Screenshot(t, step, "staff-analytics.png", true)
}
