package viber

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

func TestSplitText(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for b.Len() < 30000 {
		b.WriteString("Ово је реченица о комуналним услугама у граду. ")
	}
	text := strings.TrimSpace(b.String())
	parts := SplitText(text, splitAt)
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	for i, p := range parts {
		if n := utf8.RuneCountInString(p); n > MaxTextChars || n == 0 {
			t.Errorf("part %d: %d characters", i, n)
		}
		if !strings.HasSuffix(p, ".") {
			t.Errorf("part %d does not end a sentence: …%s", i, p[len(p)-20:])
		}
	}
	if strings.Join(parts, " ") != text {
		t.Error("the parts do not make up the text")
	}
	for _, c := range []struct {
		text  string
		limit int
		want  []string
	}{
		{"", 10, []string{""}},
		{"kratko", 10, []string{"kratko"}},
		{"Prva rečenica. Druga.", 16, []string{"Prva rečenica.", "Druga."}},
		{"Prva. Druga rečenica.", 12, []string{"Prva. Druga", "rečenica."}}, // no tiny part for a sentence end
		{"aaaaaaaaaaaa", 5, []string{"aaaaa", "aaaaa", "aa"}},
		{"Prvi pasus ovde.\n\nDrugi.", 20, []string{"Prvi pasus ovde.", "Drugi."}},
	} {
		if got := SplitText(c.text, c.limit); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitText(%q, %d) = %q, want %q", c.text, c.limit, got, c.want)
		}
	}
}

func TestReplyMessages(t *testing.T) {
	t.Parallel()
	m := &municipality.Municipality{Name: "Gradska opština Savski venac u Beogradu"}
	r := &assistant.Reply{
		Text:         strings.Repeat("Jedna rečenica o porezu. ", 600),
		Citations:    []assistant.Citation{{N: 1, Title: "Porez na imovinu", URL: "https://example.rs/porez"}, {N: 2, Source: "a.md"}},
		QuickReplies: []assistant.QuickReply{{Label: "Porez", Payload: "ask:Porez"}},
	}
	msgs := ReplyMessages(m, "u==", 0, r)
	if len(msgs) != 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	for i, msg := range msgs {
		if utf8.RuneCountInString(msg.Sender.Name) > MaxSenderChars || msg.Receiver != "u==" || msg.Type != "text" {
			t.Errorf("message %d: %+v", i, msg.Sender)
		}
		if (msg.Keyboard != nil) != (i == len(msgs)-1) {
			t.Errorf("message %d: keyboard %v", i, msg.Keyboard)
		}
	}
	last := msgs[len(msgs)-1]
	if !strings.HasSuffix(last.Text, "Izvori:\n[1] Porez na imovinu — https://example.rs/porez\n[2] a.md") {
		t.Errorf("citations: …%s", last.Text[len(last.Text)-80:])
	}
	kinds := []string{}
	for _, b := range last.Keyboard.Buttons {
		kinds = append(kinds, b.ActionType)
	}
	if strings.Join(kinds, ",") != "reply,location-picker,share-phone" || last.MinAPIVersion != 3 {
		t.Errorf("keyboard %v, min_api_version %d", kinds, last.MinAPIVersion)
	}
	if got := ReplyMessages(m, "u==", 0, &assistant.Reply{Text: " \n", QuickReplies: r.QuickReplies}); got != nil {
		t.Errorf("empty reply: %+v", got)
	}
	// A user whose devices are older than API 3 gets the reply buttons only.
	old := ReplyMessages(m, "u==", 2, &assistant.Reply{Text: "Да.", Script: serbian.Cyrillic, QuickReplies: r.QuickReplies, Citations: r.Citations[:1]})
	if len(old) != 1 || len(old[0].Keyboard.Buttons) != 1 || old[0].MinAPIVersion != 0 || !strings.Contains(old[0].Text, "Извори:") {
		t.Errorf("old client: %+v", old)
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		data        string
		ctype, name string
		want        string
	}{
		{"\x89PNG\r\n\x1a\n0000", "application/octet-stream", "", "image/png"},
		{"\xff\xd8\xff\xe0 JFIF", "", "a.png", "image/jpeg"},
		{"%PDF-1.7 ...", "", "", "application/pdf"},
		{"\x00\x01\x02", "video/mp4", "", "video/mp4"},
		{"\x00\x01\x02", "", "", "application/octet-stream"},
	} {
		if got := sniff([]byte(c.data), c.ctype, c.name); got != c.want {
			t.Errorf("sniff(%q, %q, %q) = %s, want %s", c.data, c.ctype, c.name, got, c.want)
		}
	}
}
