package web_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestCitationShowsLastChange: the citation event and the final reply
// carry the document's updated_at, and its page says when it changed.
func TestCitationShowsLastChange(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	// 23:30 UTC is already the next day in Belgrade.
	changed := time.Date(2026, 3, 11, 23, 30, 0, 0, time.UTC)
	if _, err := b.db.Exec(context.Background(), `UPDATE documents SET updated_at = $1 WHERE source = 'decji-dodatak.md'`, changed); err != nil {
		t.Fatal(err)
	}
	tok := b.newConversation(t)
	evs := readSSE(t, b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages",
		map[string]string{"text": "Где се подноси захтев за дечији додатак?"}, nil).Body)
	var cites []map[string]any
	for _, e := range evs {
		switch e.Name {
		case "citation":
			cites = append(cites, e.Data["citation"].(map[string]any))
		case "done":
			for _, c := range e.Data["reply"].(map[string]any)["citations"].([]any) {
				cites = append(cites, c.(map[string]any))
			}
		}
	}
	var href string
	for _, c := range cites {
		if c["source"] != "decji-dodatak.md" {
			continue
		}
		href, _ = c["href"].(string)
		got, err := time.Parse(time.RFC3339Nano, c["updated_at"].(string))
		if err != nil || !got.Equal(changed) {
			t.Errorf("citation updated_at %v (%v), want %v", c["updated_at"], err, changed)
		}
	}
	if href == "" {
		t.Fatalf("decji-dodatak.md not cited: %v", cites)
	}
	page := b.do(t, "GET", href, nil, nil)
	body, _ := io.ReadAll(page.Body)
	if !strings.Contains(string(body), "Izmenjeno 12. 3. 2026.") {
		t.Errorf("document page does not say when it changed:\n%.800s", body)
	}
}
