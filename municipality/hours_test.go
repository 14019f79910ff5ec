package municipality

import (
	"strings"
	"testing"
	"time"
)

// TestHandoverHours checks the demo municipalities' office hours at
// instants given in UTC, so each case also checks the time zone: Sombor
// (Europe/Belgrade) and Laktaši (Europe/Sarajevo) are both UTC+1 in
// winter and UTC+2 in summer.
func TestHandoverHours(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		slug, at string
		open     bool
		why      string
	}{
		{"sombor", "2026-03-03T06:29:00Z", false, "Tuesday 07:29 local (UTC+1): before opening"},
		{"sombor", "2026-03-03T06:30:00Z", true, "Tuesday 07:30 local: opening minute"},
		{"sombor", "2026-03-03T14:29:00Z", true, "Tuesday 15:29 local"},
		{"sombor", "2026-03-03T14:30:00Z", false, "Tuesday 15:30 local: closed (close is excluded)"},
		{"sombor", "2026-07-07T05:45:00Z", true, "Tuesday 07:45 local in summer (UTC+2)"},
		{"sombor", "2026-07-07T13:45:00Z", false, "Tuesday 15:45 local in summer: 13:45 UTC would be open in winter"},
		{"sombor", "2026-03-07T09:00:00Z", false, "Saturday"},
		{"sombor", "2026-11-11T09:00:00Z", false, "Armistice Day, a Wednesday holiday"},
		{"sombor", "2026-02-17T09:00:00Z", false, "Statehood Day moved from Sunday to Tuesday"},
		{"sombor", "2026-04-13T09:00:00Z", false, "Orthodox Easter Monday"},
		{"laktasi", "2026-03-05T15:30:00Z", true, "Thursday 16:30 local: Thursdays until 17"},
		{"laktasi", "2026-03-05T16:00:00Z", false, "Thursday 17:00 local"},
		{"laktasi", "2026-03-04T14:30:00Z", false, "Wednesday 15:30 local: other days until 15"},
		{"laktasi", "2026-03-04T06:00:00Z", true, "Wednesday 07:00 local"},
		{"laktasi", "2026-06-11T14:30:00Z", true, "Thursday 16:30 local in summer (UTC+2)"},
		{"laktasi", "2026-01-09T09:00:00Z", false, "Day of Republika Srpska, a Friday"},
		{"laktasi", "2026-11-21T09:00:00Z", false, "Dayton Agreement day (a Saturday anyway)"},
		{"laktasi", "2026-05-08T22:30:00Z", false, "Saturday 00:30 local: the UTC date is a Friday, the holiday is local"},
		{"laktasi", "2026-05-08T21:30:00Z", false, "Friday 23:30 local"},
	}
	for _, tt := range tests {
		m, err := r.Get(tt.slug)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Handover.Open(utc(tt.at)); got != tt.open {
			t.Errorf("%s at %s (%s): open = %v, want %v", tt.slug, tt.at, tt.why, got, tt.open)
		}
	}
	if got := must(r.Get("sombor")).Handover.Wait(); got != 10*time.Minute {
		t.Errorf("Sombor wait = %v", got)
	}
}

// TestHandoverHolidayLocalDate: a holiday is a date where the city is,
// not in UTC: 23:30 UTC on 10 January is already the 11th in Belgrade.
func TestHandoverHolidayLocalDate(t *testing.T) {
	h := &Handover{TimeZone: "Europe/Belgrade", Body: "jkp", Holidays: []string{"2026-01-11"},
		Hours: []Hours{{Days: []string{"sun"}, Open: "00:00", Close: "24:00"}}}
	m := &Municipality{Slug: "x", Bodies: []Body{{Key: "jkp", Name: "JKP"}}}
	if errs := h.prepare(m); len(errs) > 0 {
		t.Fatal(errs)
	}
	if h.Open(time.Date(2026, 1, 10, 23, 30, 0, 0, time.UTC)) {
		t.Error("open on the local holiday")
	}
	if !h.Open(time.Date(2026, 1, 18, 12, 0, 0, 0, time.UTC)) {
		t.Error("closed on an ordinary Sunday of a 00:00–24:00 period")
	}
}

func TestHandoverRejects(t *testing.T) {
	base := `
municipalities:
  - slug: novi-grad
    name: Novi Grad
    ref_prefix: NG
    bounds: {min_lat: 45, max_lat: 46, min_lon: 19, max_lon: 20}
    bodies:
      - key: jkp
        name: JKP
        handles: [waste, street_cleaning, greenery, public_lighting, water_sewage, roads, illegal_dumping, animals, other]
    handover:
      time_zone: Europe/Belgrade
      body: jkp
      hours:
        - {days: [mon], open: "08:00", close: "16:00"}
      holidays: [2026-01-01]
`
	if _, err := Parse([]byte(base)); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	tests := []struct{ name, from, to, want string }{
		{"no zone", "time_zone: Europe/Belgrade", "time_zone: ''", "time_zone is required"},
		{"unknown zone", "time_zone: Europe/Belgrade", "time_zone: Europe/Nowhere", "Europe/Nowhere"},
		{"unknown day", "days: [mon]", "days: [monday]", `day "monday"`},
		{"no days", "days: [mon]", "days: []", "days are required"},
		{"inverted", `open: "08:00", close: "16:00"`, `open: "16:00", close: "08:00"`, "open before close"},
		{"bad clock", `open: "08:00"`, `open: "8"`, "HH:MM"},
		{"bad holiday", "[2026-01-01]", "[1. 1. 2026]", "YYYY-MM-DD"},
		{"unknown body", "body: jkp", "body: info", `body "info"`},
		{"long wait", "body: jkp", "body: jkp\n      wait_minutes: 500", "wait_minutes 500"},
		{"no hours", "hours:\n        - {days: [mon], open: \"08:00\", close: \"16:00\"}", "hours: []", "at least one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(base, tt.from, tt.to, 1)
			if data == base {
				t.Fatalf("replacement %q not found", tt.from)
			}
			_, err := Parse([]byte(data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
