package notify_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/channels/notify"
	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/channels/viber/vibertest"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fileReport files a communal report for a channel user and returns it.
func fileReport(t *testing.T, svc *forms.Service, conv int64, channel, user string) *forms.Case {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.Start(ctx, forms.StartInput{ConversationID: conv, Municipality: "sombor", Channel: channel, ChannelUser: user, Form: forms.FormCommunalReport}); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Active(ctx, conv)
	if err != nil || d == nil {
		t.Fatal("no draft", err)
	}
	steps := []forms.Input{
		{Values: map[string]string{"category": "roads", "village": "no", "description": "Velika rupa na kolovozu ispred broja 5", "location": "Apatinski put 5, Sombor", "contact_consent": "no"}},
		{Payload: forms.PayloadSkip},
		{Payload: forms.PayloadConfirm},
	}
	var st *forms.Step
	for _, in := range steps {
		if d, err = svc.Active(ctx, conv); err != nil || d == nil {
			t.Fatalf("draft gone before %+v: %v", in, err)
		}
		if st, err = svc.Step(ctx, d, in); err != nil {
			t.Fatal(err)
		}
	}
	if st.Case == nil {
		t.Fatalf("not filed: %s", st.Prompt)
	}
	return st.Case
}

func TestDeliverToEachChannel(t *testing.T) {
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	crypt, _ := forms.NewCrypter(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	cases := casestore.New(db)
	svc, err := forms.NewService(forms.Config{Store: cases, Municipalities: reg, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	mem := convstore.New(db)
	webConv, _ := mem.Conversation(ctx, "sombor", assistant.ChannelWeb, "browser-1")
	viberConv, _ := mem.Conversation(ctx, "sombor", assistant.ChannelViber, "viber-user-1")
	webCase := fileReport(t, svc, webConv, "web", "browser-1")
	viberCase := fileReport(t, svc, viberConv, "viber", "viber-user-1")
	for _, c := range []*forms.Case{webCase, viberCase} {
		if _, err := svc.ChangeStatus(ctx, c.ID, forms.StatusForwarded, "ana@sombor.rs", ""); err != nil {
			t.Fatal(err)
		}
	}

	fake := vibertest.New(t)
	fake.Script("send_message", 12) // rate limited once: stays pending
	vn, err := viber.NewNotifier(viber.Config{Municipalities: reg, APIURL: fake.URL, Tokens: map[string]string{"sombor": "tok"}}, mem)
	if err != nil {
		t.Fatal(err)
	}
	worker, err := notify.NewWorker(notify.Config{Outbox: cases, Senders: map[string]notify.Sender{
		string(assistant.ChannelWeb):   notify.ConversationSender{Notices: mem, Channel: assistant.ChannelWeb},
		string(assistant.ChannelViber): vn,
		string(assistant.ChannelCLI):   notify.Discard{},
	}})
	if err != nil {
		t.Fatal(err)
	}

	n, err := worker.Deliver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("delivered %d, want only the web one while Viber is rate limited", n)
	}
	hist, _ := mem.History(ctx, webConv, 1)
	if len(hist) != 1 || !strings.Contains(hist[0].Content, webCase.Ref) {
		t.Fatalf("web conversation: %+v", hist)
	}
	n, err = worker.Deliver(ctx)
	if err != nil || n != 1 {
		t.Fatalf("second run delivered %d, %v", n, err)
	}
	sent := fake.Delivered()
	if len(sent) != 1 || !strings.Contains(string(sent[0].Body), viberCase.Ref) || !strings.Contains(string(sent[0].Body), "viber-user-1") {
		t.Fatalf("viber deliveries: %+v", sent)
	}
	// The Viber citizen's conversation remembers what they were told.
	if hist, _ := mem.History(ctx, viberConv, 1); len(hist) != 1 || !strings.Contains(hist[0].Content, viberCase.Ref) {
		t.Errorf("viber conversation: %+v", hist)
	}
	if n, _ := worker.Deliver(ctx); n != 0 {
		t.Fatalf("a third run delivered %d again", n)
	}
}

// TestUnsubscribedDropped: a Viber citizen who unsubscribed cannot be told;
// the notification is dropped (marked sent, not retried) and not recorded
// as told.
func TestUnsubscribedDropped(t *testing.T) {
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	crypt, _ := forms.NewCrypter(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	cases := casestore.New(db)
	svc, err := forms.NewService(forms.Config{Store: cases, Municipalities: reg, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	mem := convstore.New(db)
	conv, _ := mem.Conversation(ctx, "sombor", assistant.ChannelViber, "gone")
	c := fileReport(t, svc, conv, "viber", "gone")
	if _, err := svc.ChangeStatus(ctx, c.ID, forms.StatusForwarded, "ana@sombor.rs", ""); err != nil {
		t.Fatal(err)
	}
	fake := vibertest.New(t)
	fake.Script("send_message", viber.StatusReceiverNotSubscribed)
	vn, err := viber.NewNotifier(viber.Config{Municipalities: reg, APIURL: fake.URL, Tokens: map[string]string{"sombor": "tok"}}, mem)
	if err != nil {
		t.Fatal(err)
	}
	worker, err := notify.NewWorker(notify.Config{Outbox: cases, Senders: map[string]notify.Sender{"viber": vn}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := worker.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v; want the dropped one counted once", n, err)
	}
	if n, _ := worker.Deliver(ctx); n != 0 || len(fake.Calls("send_message")) != 1 {
		t.Fatalf("retried: %d delivered, %d calls", n, len(fake.Calls("send_message")))
	}
	if hist, _ := mem.History(ctx, conv, 5); len(hist) != 0 {
		t.Errorf("an undelivered notice recorded in the conversation: %+v", hist)
	}
	if len(fake.Delivered()) != 0 {
		t.Errorf("delivered to an unsubscribed citizen: %+v", fake.Delivered())
	}
}
