package convstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
)

func TestUsage(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	answer := func(conv int64, muni string, route assistant.Route, status assistant.Status, cites ...assistant.Citation) {
		t.Helper()
		if err := tb.store.SaveUser(tb.ctx, conv, muni, "pitanje", 0); err != nil {
			t.Fatal(err)
		}
		r := &assistant.Reply{Text: "odgovor", Route: route, Status: status, Citations: cites}
		if err := tb.store.SaveAnswer(tb.ctx, conv, muni, assistant.Answer{Reply: r}); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(title string) assistant.Citation { return assistant.Citation{Title: title, Source: "x.md"} }
	// Three citizens (one on two channels counts twice: web and viber ids
	// differ), four conversations in Sombor.
	c1 := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "a")
	c2 := tb.mustConversation(t, "sombor", assistant.ChannelViber, "b")
	c3 := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "c")
	c4 := tb.mustConversation(t, "sombor", assistant.ChannelViber, "a")
	other := tb.mustConversation(t, "apatin", assistant.ChannelWeb, "z")
	answer(c1, "sombor", "knowledge", assistant.StatusAnswered, doc("Dečji dodatak"), doc("Dečji dodatak"))
	answer(c1, "sombor", "knowledge", assistant.StatusAnswered, doc("Dečji dodatak"), doc("Porez na imovinu"))
	answer(c1, "sombor", "knowledge", assistant.StatusAnswered, assistant.Citation{Source: "bez-naslova.md"})
	answer(c2, "sombor", "knowledge", assistant.StatusNoSource)
	answer(c3, "sombor", "greeting", assistant.StatusAnswered)
	answer(c4, "sombor", "knowledge", assistant.StatusOutOfScope)
	answer(c4, "sombor", "form", assistant.StatusError)
	answer(other, "apatin", "knowledge", assistant.StatusAnswered, doc("Apatin"))
	// `mia eval` and `mia ask` talk on the cli channel: not citizens.
	answer(tb.mustConversation(t, "sombor", assistant.ChannelCLI, "eval-1-q01"), "sombor", "knowledge", assistant.StatusAnswered, doc("Dečji dodatak"))

	u, err := tb.store.Usage(tb.ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	str := func(cs []assistant.Count) string {
		var parts []string
		for _, c := range cs {
			parts = append(parts, fmt.Sprintf("%s=%d", c.Key, c.N))
		}
		return strings.Join(parts, " ")
	}
	checks := map[string][2]string{
		"citizens":      {fmt.Sprint(u.Citizens), "4"},
		"conversations": {fmt.Sprint(u.Conversations), "4"},
		"answers":       {str(u.Answers), "answered=4 error=1 no_source=1 out_of_scope=1"},
		"routes":        {str(u.Routes), "knowledge=5 form=1 greeting=1"},
		"documents":     {str(u.Documents), "Dečji dodatak=2 Porez na imovinu=1 bez-naslova.md=1"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %s, want %s", name, c[0], c[1])
		}
	}

	empty, err := tb.store.Usage(tb.ctx, "apatin")
	if err != nil {
		t.Fatal(err)
	}
	if empty.Citizens != 1 || str(empty.Answers) != "answered=1" || str(empty.Documents) != "Apatin=1" {
		t.Errorf("Apatin: %+v", empty)
	}
}

// TestUsageTopTen: routes and documents stop at ten, the most frequent first.
func TestUsageTopTen(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	conv := tb.mustConversation(t, "sombor", assistant.ChannelWeb, "a")
	for i := range 12 {
		for range i + 1 {
			r := &assistant.Reply{Text: "odgovor", Route: assistant.Route(fmt.Sprintf("r%02d", i)), Status: assistant.StatusAnswered,
				Citations: []assistant.Citation{{Title: fmt.Sprintf("D%02d", i)}}}
			if err := tb.store.SaveAnswer(tb.ctx, conv, "sombor", assistant.Answer{Reply: r}); err != nil {
				t.Fatal(err)
			}
		}
	}
	u, err := tb.store.Usage(tb.ctx, "sombor")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Routes) != 10 || u.Routes[0] != (assistant.Count{Key: "r11", N: 12}) || u.Routes[9].Key != "r02" {
		t.Errorf("routes %+v", u.Routes)
	}
	if len(u.Documents) != 10 || u.Documents[0] != (assistant.Count{Key: "D11", N: 12}) || u.Documents[9].Key != "D02" {
		t.Errorf("documents %+v", u.Documents)
	}
}
