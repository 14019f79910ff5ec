package municipality

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the zones must resolve on a machine without tzdata (a slim container)
)

// Handover is when and to whom a citizen who asks for a person is handed
// over: the weekly office hours in the municipality's time zone, the
// public holidays when nobody answers, how long a citizen waits before
// being offered to leave a message, and the body (the info desk) whose
// staff take the live conversations and the messages left.
type Handover struct {
	// TimeZone is an IANA zone, e.g. Europe/Belgrade or Europe/Sarajevo.
	TimeZone string `yaml:"time_zone"`
	// Hours are the weekly opening periods; a day may have several.
	Hours []Hours `yaml:"hours"`
	// Holidays are closed dates, YYYY-MM-DD, in TimeZone.
	Holidays []string `yaml:"holidays,omitempty"`
	// WaitMinutes is how long a request may wait untaken; 0 in the file
	// means DefaultWaitMinutes.
	WaitMinutes int `yaml:"wait_minutes,omitempty"`
	// Body is the key of the body (one of Bodies) whose staff answer.
	Body string `yaml:"body"`

	loc      *time.Location
	holidays map[string]bool
}

// Hours is one opening period on the named days, Open to Close (HH:MM,
// Close excluded).
type Hours struct {
	Days  []string `yaml:"days"` // mon, tue, wed, thu, fri, sat, sun
	Open  string   `yaml:"open"`
	Close string   `yaml:"close"`
}

// Bounds of WaitMinutes.
const (
	DefaultWaitMinutes = 10
	MaxWaitMinutes     = 120
)

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} // time.Weekday order

// Wait is how long a request may wait before the citizen is offered to
// leave a message instead.
func (h *Handover) Wait() time.Duration {
	if h.WaitMinutes == 0 {
		return DefaultWaitMinutes * time.Minute
	}
	return time.Duration(h.WaitMinutes) * time.Minute
}

// Location is the handover's time zone (UTC before validation).
func (h *Handover) Location() *time.Location {
	if h.loc == nil {
		return time.UTC
	}
	return h.loc
}

// Open reports whether staff answer at instant t: a weekday period holds
// the local time and the local date is no holiday.
func (h *Handover) Open(t time.Time) bool {
	local := t.In(h.Location())
	if h.holidays[local.Format(time.DateOnly)] {
		return false
	}
	day := weekdays[local.Weekday()]
	minute := local.Hour()*60 + local.Minute()
	for _, p := range h.Hours {
		if !slices.Contains(p.Days, day) {
			continue
		}
		open, _ := clockMinutes(p.Open)
		closing, _ := clockMinutes(p.Close)
		if minute >= open && minute < closing {
			return true
		}
	}
	return false
}

// clockMinutes reads HH:MM as minutes after midnight; "24:00" is the end of a day.
func clockMinutes(s string) (int, bool) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); n != 2 || err != nil || len(s) != 5 {
		return 0, false
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// prepare checks the handover settings of municipality m and readies
// them (time zone, holiday set); it returns every problem found.
func (h *Handover) prepare(m *Municipality) []error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: handover: "+format, append([]any{m.Slug}, a...)...))
	}
	loc, err := time.LoadLocation(h.TimeZone)
	switch {
	case strings.TrimSpace(h.TimeZone) == "" || h.TimeZone == "Local":
		bad("time_zone is required (an IANA zone such as Europe/Belgrade)")
	case err != nil:
		bad("time_zone %q: %v", h.TimeZone, err)
	default:
		h.loc = loc
	}
	if len(h.Hours) == 0 {
		bad("hours: at least one opening period is required")
	}
	for i, p := range h.Hours {
		if len(p.Days) == 0 {
			bad("hours[%d]: days are required (mon … sun)", i)
		}
		for _, d := range p.Days {
			if !slices.Contains(weekdays, d) {
				bad("hours[%d]: day %q: expected one of %s", i, d, strings.Join(weekdays, ", "))
			}
		}
		open, ok1 := clockMinutes(p.Open)
		closing, ok2 := clockMinutes(p.Close)
		if !ok1 || !ok2 || open >= closing {
			bad("hours[%d]: open %q and close %q: expected HH:MM with open before close", i, p.Open, p.Close)
		}
	}
	h.holidays = map[string]bool{}
	for _, d := range h.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			bad("holiday %q: expected YYYY-MM-DD", d)
			continue
		}
		h.holidays[d] = true
	}
	if h.WaitMinutes < 0 || h.WaitMinutes > MaxWaitMinutes {
		bad("wait_minutes %d: expected 1 to %d (0 or absent: %d)", h.WaitMinutes, MaxWaitMinutes, DefaultWaitMinutes)
	}
	if _, ok := m.Body(h.Body); !ok {
		bad("body %q is not one of the municipality's bodies", h.Body)
	}
	return errs
}
