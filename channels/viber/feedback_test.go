package viber_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/viber"
	"github.com/miasrbija/mia/channels/viber/vibertest"
)

// lastDelivered waits for the n-th delivered message and returns it.
func (b *bundle) lastDelivered(t *testing.T, n int) viber.Message {
	t.Helper()
	b.fake.WaitCalls(t, 15*time.Second, func(s *vibertest.Server) bool { return len(s.Delivered()) >= n })
	sent := b.fake.Delivered()
	var m viber.Message
	if err := json.Unmarshal(sent[n-1].Body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// button returns the payload of the keyboard button whose text contains label.
func button(t *testing.T, m viber.Message, label string) string {
	t.Helper()
	if m.Keyboard != nil {
		for _, b := range m.Keyboard.Buttons {
			if strings.Contains(b.Text, label) {
				return b.ActionBody
			}
		}
	}
	t.Fatalf("no %q button on %q (%+v)", label, m.Text, m.Keyboard)
	return ""
}

// TestFeedbackThroughKeyboard: an answer comes with 👍/👎 buttons; the
// citizen taps 👎 (Viber sends the button's payload as text), gets a short
// thanks with the reasons, taps one; one vote is stored, with the reason,
// and the engine never sees the taps. A payload naming someone else's
// answer records nothing.
func TestFeedbackThroughKeyboard(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, feedback: true})
	const user = "ocena-korisnik=="
	if res, _ := b.post(t, message(101, user, "Где се подноси захтев за дечији додатак?")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	answer := b.lastDelivered(t, 1)
	if !strings.Contains(answer.Text, "Извори:") {
		t.Fatalf("not an answer with sources: %q", answer.Text)
	}
	down := button(t, answer, "👎")
	if !regexp.MustCompile(`^feedback:\d+:c:down$`).MatchString(down) || !strings.Contains(button(t, answer, "👍"), ":up") {
		t.Fatalf("rating payloads %q", down)
	}
	if label := answer.Keyboard.Buttons[len(answer.Keyboard.Buttons)-1].Text; label != "👎 Није користан" {
		t.Errorf("the 👎 button is not in the citizen's script: %q", label)
	}

	if res, _ := b.post(t, message(102, user, down)); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	thanks := b.lastDelivered(t, 2)
	if !strings.HasPrefix(thanks.Text, "Хвала.") || strings.Contains(thanks.Text, "Извори") {
		t.Errorf("reply to 👎: %q", thanks.Text)
	}
	outdated := button(t, thanks, "Застарело")
	if res, _ := b.post(t, message(103, user, outdated)); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if last := b.lastDelivered(t, 3); !strings.Contains(last.Text, "Ваша оцена нам помаже") {
		t.Errorf("reply to the reason: %q", last.Text)
	}
	var rating, reason string
	var votes int
	err := b.db.QueryRow(context.Background(), `SELECT count(*) OVER (), rating, coalesce(reason, '') FROM answer_feedback`).Scan(&votes, &rating, &reason)
	if err != nil || votes != 1 || rating != "down" || reason != "outdated" {
		t.Errorf("stored: %d %s %s (%v)", votes, rating, reason, err)
	}
	if turns := b.engine.Turns(); len(turns) != 1 {
		t.Errorf("the engine got %d turns, want only the question: %+v", len(turns), turns)
	}
	if thanks.Keyboard != nil {
		for _, q := range thanks.Keyboard.Buttons {
			if strings.Contains(q.ActionBody, "handover:") {
				t.Errorf("a person offered at the first 👎")
			}
		}
	}

	// A second answer, a second 👎: a person is offered on the keyboard.
	if res, _ := b.post(t, message(105, user, "Где се плаћа порез на имовину?")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res, _ := b.post(t, message(106, user, button(t, b.lastDelivered(t, 4), "👎"))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if person := button(t, b.lastDelivered(t, 5), "Разговор са службеником"); person != "handover:" {
		t.Errorf("second 👎 offers %q, want a person", person)
	}

	// Another citizen sends the same payload: not their answer.
	if res, _ := b.post(t, message(104, "drugi==", strings.Replace(down, ":down", ":up", 1))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if gone := b.lastDelivered(t, 6); !strings.Contains(gone.Text, "није могуће оценити") {
		t.Errorf("reply to a foreign vote: %q", gone.Text)
	}
	if n := b.count(t, `SELECT count(*) FROM answer_feedback WHERE rating = 'up'`); n != 0 {
		t.Errorf("a foreign vote was stored")
	}
}

// TestFeedbackOtherTakesWords: after 👎 and "Drugo" Viber has no text box,
// so MIA asks for the words in a message: the next one is the vote's
// comment (personal data masked), not a question for the engine; the
// message after it is a question again. "Preskoči" ends the wait without
// words.
func TestFeedbackOtherTakesWords(t *testing.T) {
	t.Parallel()
	b := setup(t, opts{engine: true, feedback: true})
	const user = "drugo-korisnik=="
	if res, _ := b.post(t, message(301, user, "Gde se podnosi zahtev za dečiji dodatak?")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res, _ := b.post(t, message(302, user, button(t, b.lastDelivered(t, 1), "👎"))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res, _ := b.post(t, message(303, user, button(t, b.lastDelivered(t, 2), "Drugo"))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	ask := b.lastDelivered(t, 3)
	if !strings.Contains(ask.Text, "Napišite u jednoj poruci") || button(t, ask, "Preskoči") != "feedback-skip:l" {
		t.Fatalf("after Drugo: %q", ask.Text)
	}
	if res, _ := b.post(t, message(304, user, "Šalter 6 ne radi sredom, zvao sam 064 123 4567")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if thanks := b.lastDelivered(t, 4); !strings.Contains(thanks.Text, "Vaša ocena nam pomaže") {
		t.Errorf("reply to the words: %q", thanks.Text)
	}
	var reason, comment string
	if err := b.db.QueryRow(context.Background(), `SELECT reason, comment FROM answer_feedback`).Scan(&reason, &comment); err != nil ||
		reason != "other" || comment != "Šalter 6 ne radi sredom, zvao sam [TELEFON]" {
		t.Errorf("stored %q %q (%v)", reason, comment, err)
	}
	if turns := b.engine.Turns(); len(turns) != 1 {
		t.Errorf("the engine got %d turns, want only the question", len(turns))
	}
	// The next message is a question again.
	if res, _ := b.post(t, message(305, user, "Gde se plaća porez na imovinu?")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.lastDelivered(t, 5) // waits for the answer
	if turns := b.engine.Turns(); len(turns) != 2 {
		t.Errorf("after the comment the engine got %d turns, want 2", len(turns))
	}

	// Drugo, then Preskoči: no words, and the next message is a question.
	if res, _ := b.post(t, message(306, user, button(t, b.lastDelivered(t, 5), "👎"))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res, _ := b.post(t, message(307, user, button(t, b.lastDelivered(t, 6), "Drugo"))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if res, _ := b.post(t, message(308, user, button(t, b.lastDelivered(t, 7), "Preskoči"))); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	if ok := b.lastDelivered(t, 8); !strings.HasPrefix(ok.Text, "U redu.") {
		t.Errorf("reply to Preskoči: %q", ok.Text)
	}
	if res, _ := b.post(t, message(309, user, "Koje je radno vreme uslužnog centra?")); res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	b.lastDelivered(t, 9)
	if turns := b.engine.Turns(); len(turns) != 3 {
		t.Errorf("after Preskoči the engine got %d turns, want 3", len(turns))
	}
	if n := b.count(t, `SELECT count(*) FROM answer_feedback WHERE comment_wanted_until IS NOT NULL`); n != 0 {
		t.Errorf("%d votes still wait for words", n)
	}
}
