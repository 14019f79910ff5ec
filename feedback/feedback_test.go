package feedback_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/feedback"
)

func TestVoteClean(t *testing.T) {
	base := feedback.Vote{Municipality: "sombor", Channel: assistant.ChannelWeb, User: "u", MessageID: 7}
	down := base
	down.Rating, down.Comment = feedback.Down, "Pogrešan broj, zovite me na 064 123 4567\x00"
	if err := down.Clean(); err != nil {
		t.Fatal(err)
	}
	if down.Reason != feedback.ReasonOther || strings.Contains(down.Comment, "4567") || !strings.Contains(down.Comment, "[TELEFON]") || strings.ContainsRune(down.Comment, 0) {
		t.Errorf("cleaned down vote: %+v", down)
	}
	up := base
	up.Rating, up.Reason, up.Comment = feedback.Up, feedback.ReasonWrong, "x"
	if err := up.Clean(); err != nil || up.Reason != "" || up.Comment != "" {
		t.Errorf("a 👍 keeps no reason: %+v %v", up, err)
	}
	for name, v := range map[string]feedback.Vote{
		"rating":  {Municipality: "sombor", Channel: "web", User: "u", MessageID: 7, Rating: "meh"},
		"reason":  {Municipality: "sombor", Channel: "web", User: "u", MessageID: 7, Rating: feedback.Down, Reason: "boring"},
		"message": {Municipality: "sombor", Channel: "web", User: "u", Rating: feedback.Up},
		"user":    {Municipality: "sombor", Channel: "web", MessageID: 7, Rating: feedback.Up},
		"long":    {Municipality: "sombor", Channel: "web", User: "u", MessageID: 7, Rating: feedback.Down, Comment: strings.Repeat("ž", feedback.MaxComment+1)},
	} {
		if err := v.Clean(); !errors.Is(err, fault.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func TestRatable(t *testing.T) {
	for _, c := range []struct {
		route  assistant.Route
		status assistant.Status
		want   bool
	}{
		{assistant.RouteInfo, assistant.StatusAnswered, true},
		{assistant.RouteInfo, assistant.StatusNoSource, true},
		{assistant.RouteInfo, assistant.StatusFallbackOffline, true},
		{assistant.RouteInfo, assistant.StatusError, false},
		{assistant.RouteOutOfScope, assistant.StatusOutOfScope, true},
		{assistant.RouteStatus, assistant.StatusAnswered, true},
		{assistant.RouteForm, assistant.StatusAnswered, false},
		{assistant.RouteFormStart, assistant.StatusAnswered, false},
		{assistant.RouteGreeting, assistant.StatusAnswered, false},
		{assistant.RouteEmergency, assistant.StatusAnswered, false},
	} {
		if got := feedback.Ratable(c.route, c.status); got != c.want {
			t.Errorf("Ratable(%s, %s) = %v", c.route, c.status, got)
		}
	}
}

func TestSignatureIgnoresScriptAndDialect(t *testing.T) {
	want := feedback.Signature("Gde se plaća porez na imovinu?")
	for _, q := range []string{"Где се плаћа порез на имовину?", "gdje se placa porez na imovinu", "GDE SE PLAĆA POREZ NA IMOVINU"} {
		if got := feedback.Signature(q); !reflect.DeepEqual(got, want) {
			t.Errorf("Signature(%q) = %v, want %v", q, got, want)
		}
	}
	if j := feedback.Jaccard([]string{"a", "b"}, []string{"b", "c"}); j < 0.333 || j > 0.334 {
		t.Errorf("Jaccard = %v", j)
	}
}

func TestAssignJoinsExistingGroups(t *testing.T) {
	members := []feedback.Member{
		{Group: 4, Tokens: feedback.Signature("Koliko košta parking u centru?")},
		{Group: 9, Tokens: feedback.Signature("Radno vreme gradskog bazena")},
	}
	got := feedback.Assign([]feedback.Pending{
		{AnswerID: 1, Question: "Колико кошта паркинг у центру града?"},
		{AnswerID: 2, Question: "Gde mogu da izvadim pasoš?"},
		{AnswerID: 3, Question: "vađenje pasoša gde"},
	}, members)
	if got[0].Group != 4 || got[1].Group != 0 || got[1].NewGroup == 0 || got[2].NewGroup != got[1].NewGroup {
		t.Errorf("assignments %+v", got)
	}
}

func TestMergeDocumentsAcrossScripts(t *testing.T) {
	got := feedback.MergeDocuments([]feedback.DocumentRatings{
		{Title: "Порез на имовину", Cited: 3, Tally: feedback.Tally{Up: 1}},
		{Title: "Porez na imovinu", Cited: 5, Tally: feedback.Tally{Up: 2, Down: 1}},
		{Title: "Dečji dodatak", Cited: 4},
		{Title: "Дечји додатак", Cited: 1, Tally: feedback.Tally{Down: 1}},
	})
	want := []feedback.DocumentRatings{
		{Title: "Porez na imovinu", Cited: 8, Tally: feedback.Tally{Up: 3, Down: 1}},
		{Title: "Dečji dodatak", Cited: 5, Tally: feedback.Tally{Down: 1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged %+v\nwant %+v", got, want)
	}
}
