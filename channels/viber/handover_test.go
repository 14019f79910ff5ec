package viber_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/handover"
	"github.com/miasrbija/mia/municipality"
)

// openAllDay is the embedded municipalities file with Sombor's info desk
// open around the clock, so a handover test does not depend on the hour.
func openAllDay(t testing.TB) *municipality.Registry {
	t.Helper()
	data := strings.Replace(string(municipality.DefaultFile()),
		`{days: [mon, tue, wed, thu, fri], open: "07:30", close: "15:30"}`,
		`{days: [mon, tue, wed, thu, fri, sat, sun], open: "00:00", close: "24:00"}`, 1)
	data = strings.Replace(data, "holidays: [2026-01-01", "holidays: [1999-01-01", 1)
	reg, err := municipality.Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(data, `open: "00:00", close: "24:00"`) {
		t.Fatal("the municipalities file changed: Sombor's hours were not found")
	}
	return reg
}

// TestHandoverThroughWebhook: a citizen on Viber asks for a person
// (signed webhook messages), gets the waiting message with its buttons; a
// clerk takes the conversation, and the citizen gets "the clerk joined"
// and the clerk's reply as the bot's messages; the citizen's next message
// reaches the clerk and MIA sends nothing; handed back, MIA answers again.
func TestHandoverThroughWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, forms: true, handover: true})
	ctx := context.Background()
	sender, err := viber.NewHandoverSender(viber.Config{Municipalities: b.reg, APIURL: b.fake.URL,
		Tokens: map[string]string{"sombor": vectorToken}})
	if err != nil {
		t.Fatal(err)
	}
	service, err := handover.NewService(handover.Config{Store: b.handovers, Municipalities: b.reg,
		Senders: map[string]handover.ChannelSender{"viber": sender}})
	if err != nil {
		t.Fatal(err)
	}
	var staffID int64
	if err := b.db.QueryRow(ctx, `INSERT INTO staff (municipality, email, name, role, body_key, password_hash)
		VALUES ('sombor', 'ana@sombor.rs', 'Ana Petrović', 'staff', 'info-pult', 'x') RETURNING id`).Scan(&staffID); err != nil {
		t.Fatal(err)
	}
	clerk := handover.Staff{ID: staffID, Name: "Ana Petrović", Municipality: "sombor", Body: "info-pult"}
	const user = "predaja-korisnik=="

	if res, _ := b.post(t, message(201, user, "Želim da razgovaram sa službenikom")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	waiting := b.lastDelivered(t, 1)
	if !strings.Contains(waiting.Text, "Prosleđujem Vaš zahtev službeniku") {
		t.Fatalf("reply to the request: %q", waiting.Text)
	}
	if p := button(t, waiting, "Ostavite poruku"); p != handover.PayloadMessage {
		t.Errorf("leave-a-message button sends %q", p)
	}
	queue, err := service.Queue(ctx, clerk)
	if err != nil || len(queue) != 1 || queue[0].Channel != "viber" || queue[0].Status != handover.Waiting {
		t.Fatalf("queue %+v %v", queue, err)
	}
	id := queue[0].ID
	if _, err := service.Take(ctx, clerk, id); err != nil {
		t.Fatal(err)
	}
	if joined := b.lastDelivered(t, 2); joined.Text != "Službenik Ana se uključio u razgovor." {
		t.Errorf("joined: %q", joined.Text)
	}
	// A JMBG typed by the clerk is masked before it is stored or sent; the
	// city's phone stays, clerks give it out.
	const reply = "Dobar dan, ovde Ana. Ne šaljite JMBG 0101990710006 ovde, pozovite 025/468-222."
	const masked = "Dobar dan, ovde Ana. Ne šaljite JMBG [JMBG] ovde, pozovite 025/468-222."
	if _, err := service.Reply(ctx, clerk, id, reply); err != nil {
		t.Fatal(err)
	}
	if got := b.lastDelivered(t, 3); got.Text != masked || got.Receiver != user {
		t.Errorf("the clerk's reply reached Viber as %q to %q", got.Text, got.Receiver)
	}
	var clear int
	if err := b.db.QueryRow(ctx, `SELECT (SELECT count(*) FROM messages WHERE content LIKE '%0101990710006%')
		+ (SELECT count(*) FROM handover_messages WHERE body LIKE '%0101990710006%')`).Scan(&clear); err != nil || clear != 0 {
		t.Errorf("%d stored messages hold the JMBG in clear (%v)", clear, err)
	}

	if res, _ := b.post(t, message(202, user, "Treba mi uverenje o prebivalištu")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.waitJobs(t, "viber_turn")
	msgs, err := service.Messages(ctx, clerk, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if last := msgs[len(msgs)-1]; last.From != handover.FromCitizen || last.Text != "Treba mi uverenje o prebivalištu" {
		t.Errorf("the clerk got %+v", last)
	}
	// waitJobs waited for every job: a reply's send job too, had there been one.
	if n := len(b.fake.Delivered()); n != 3 {
		t.Errorf("%d messages sent while the clerk held the conversation, want 3 (MIA must stay silent)", n)
	}

	if _, err := service.Release(ctx, clerk, id); err != nil {
		t.Fatal(err)
	}
	if back := b.lastDelivered(t, 4); !strings.Contains(back.Text, "Ponovo Vam odgovara MIA") {
		t.Errorf("hand-back: %q", back.Text)
	}
	if res, _ := b.post(t, message(203, user, "Gde se podnosi zahtev za dečiji dodatak?")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if answer := b.lastDelivered(t, 5); !strings.Contains(answer.Text, "Izvori:") {
		t.Errorf("MIA does not answer from the documents after the hand-back: %q", answer.Text)
	}
}
