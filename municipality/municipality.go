// Package municipality holds the cities one MIA deployment serves: their
// names, contacts, office hours, territory and which utility or department
// is responsible for which kind of communal problem.
//
// Municipalities are configuration, not data entered at run time: a YAML
// file (the embedded default serves Sombor) is loaded at start and every
// table row carries the slug of the municipality it belongs to.
package municipality

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/miasrbija/mia/serbian"
)

// Municipality is one city or municipality served by the deployment.
type Municipality struct {
	Slug    string `yaml:"slug"`     // stable key stored on every row, e.g. "sombor"
	Name    string `yaml:"name"`     // Latin, e.g. "Grad Sombor"
	NameCyr string `yaml:"name_cyr"` // Cyrillic, e.g. "Град Сомбор"
	// RefPrefix starts every case reference number, e.g. "SO" in SO-KP-2026-000123.
	RefPrefix   string `yaml:"ref_prefix"`
	Address     string `yaml:"address"`
	Phone       string `yaml:"phone"`
	Email       string `yaml:"email"`
	Website     string `yaml:"website"`
	OfficeHours string `yaml:"office_hours"`
	// Boundary is the territory reports must fall in (see Boundary);
	// Bounds, a rectangle, serves only a municipality that has none.
	Boundary *Boundary `yaml:"boundary"`
	// Settlements are the places outside the seat (villages, local
	// communities), Latin, nominative: a typed address naming one is in
	// the municipality and in a village.
	Settlements  []string `yaml:"settlements,omitempty"`
	Bounds       Bounds   `yaml:"bounds"`
	Bodies       []Body   `yaml:"bodies"`
	AllowOrigins []string `yaml:"allow_origins"` // web origins allowed to embed the chat widget
	// ViberTokenEnv names the environment variable holding this municipality's
	// Viber bot token; tokens are secrets and never live in the file.
	ViberTokenEnv string `yaml:"viber_token_env"`
	// MediaRetentionDays is how long the photos and videos of a filed case
	// are kept after the case's last change; then the retention job
	// deletes them (the case itself stays). 0 in the file means
	// DefaultMediaRetentionDays; see MediaRetention.
	MediaRetentionDays int `yaml:"media_retention_days"`
	// PersonalDataDays is how long a closed case (resolved or rejected)
	// keeps the personal data its citizen gave (JMBG, name, phone,
	// e-mail, postal address) after it closed; then the retention job
	// erases them and the case stays for its history and the figures.
	// 0 in the file means DefaultPersonalDataDays; see PersonalDataRetention.
	PersonalDataDays int `yaml:"personal_data_days"`
	// Sources are the web sites the knowledge base follows (see Source).
	Sources []Source `yaml:"sources,omitempty"`
	// Handover is when staff take live conversations (hours.go); nil:
	// asking for a person gets the contacts.
	Handover *Handover `yaml:"handover,omitempty"`
	// Suggested are questions a first-time citizen may ask, offered as
	// buttons on the web widget's welcome (Serbian Latin; the widget
	// mirrors them to Cyrillic). At most MaxSuggested.
	Suggested []string `yaml:"suggested,omitempty"`
	// Topics are the municipality's own short questions offered as
	// buttons beside the forms after a greeting or a refusal (Latin, in
	// the municipality's variant: "Porez na nepokretnosti", "Dječiji
	// dodatak"); empty: the defaults of prompts (property tax, child
	// allowance). At most MaxTopics.
	Topics []string `yaml:"topics,omitempty"`
	// Referrals send questions about other institutions' services, which
	// the documents do not answer, to those institutions (referral.go).
	Referrals []Referral `yaml:"referrals,omitempty"`
	// Variant is the municipality's official Serbian: ekavian (empty, the
	// default: Serbia) or ijekavian (Republika Srpska, Montenegro). MIA's
	// own texts are written ekavian; Say converts them for an ijekavian
	// municipality.
	Variant string `yaml:"variant,omitempty"`
	// Country is where the municipality lies, ISO 3166 alpha-2: RS
	// (empty, the default: Serbia) or BA (Republika Srpska is in Bosnia and
	// Herzegovina). Phone numbers citizens type without a country code are
	// read in its numbering plan.
	Country string `yaml:"country,omitempty"`
	// CivilRegistry is how the registry office hands out extracts: what a
	// citizen is told when a request is filed. Empty fields take the
	// defaults of the country (forms).
	CivilRegistry CivilRegistry `yaml:"civil_registry,omitempty"`
}

// CivilRegistry says, in the municipality's own terms, where extracts from
// the civil registers are collected and how their fee is paid. The texts
// are MIA's (written ekavian, said through Say).
type CivilRegistry struct {
	// Counter is where an extract is collected in person, as a place in
	// the locative after "u" ("Gradskom uslužnom centru, šalter 8").
	Counter string `yaml:"counter,omitempty"`
	// Fee is said when the purpose does not exempt the request from the
	// fee: the amount or where to check it, and how to pay.
	Fee string `yaml:"fee,omitempty"`
	// Exempt is said when it does.
	Exempt string `yaml:"exempt,omitempty"`
	// ExemptPurposes are the purposes (the registry form's purpose
	// values) exempt from the fee here; empty: the form's own, which
	// follow Serbia's law on administrative fees.
	ExemptPurposes []string `yaml:"exempt_purposes,omitempty"`
	// InPerson are the registry form's forms (its "form" values, e.g.
	// international) collected only in person here: such a request is
	// never filed for the post or e-mail.
	InPerson []string `yaml:"in_person,omitempty"`
}

// Countries MIA reads phone numbers of (Municipality.Country).
const (
	Serbia = "RS"
	Bosnia = "BA"
)

// CountryCode returns the municipality's country, Serbia by default.
func (m *Municipality) CountryCode() string {
	if m == nil || m.Country == "" {
		return Serbia
	}
	return m.Country
}

// Language variants of Serbian (Municipality.Variant).
const (
	Ekavian   = "ekavian"
	Ijekavian = "ijekavian"
)

// IsIjekavian reports whether the municipality's official Serbian is
// ijekavian. A nil municipality is ekavian.
func (m *Municipality) IsIjekavian() bool { return m != nil && m.Variant == Ijekavian }

// Say returns one of MIA's own texts (written ekavian) in the
// municipality's variant. Never pass it a citizen's words or a quoted
// document: those are given as they were written.
func (m *Municipality) Say(text string) string {
	if m.IsIjekavian() {
		return serbian.Ijekavian(text)
	}
	return text
}

// Limits of the suggested questions: a handful of short buttons.
const (
	MaxSuggested       = 4
	MaxSuggestedLength = 80
)

// Limits of the topic buttons: two short labels beside the two forms.
const (
	MaxTopics      = 2
	MaxTopicLength = 40
)

// Bounds of MediaRetentionDays. A case is handled within weeks; a year
// covers complaints and appeals, and ten years is the longest a city
// keeps such records at all.
const (
	DefaultMediaRetentionDays = 365
	MaxMediaRetentionDays     = 3650
)

// Bounds of PersonalDataDays. Once a case is closed its personal data
// serve only a complaint or an appeal about it, which comes within
// months; a registry extract is issued, not archived, by MIA.
const (
	DefaultPersonalDataDays = 180
	MinPersonalDataDays     = 30
	MaxPersonalDataDays     = 3650
)

// PersonalDataRetention returns how long a closed case keeps its
// citizen's personal data.
func (m *Municipality) PersonalDataRetention() time.Duration {
	days := m.PersonalDataDays
	if days == 0 {
		days = DefaultPersonalDataDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// MediaRetention returns how long a filed case's media is kept after the
// case's last change.
func (m *Municipality) MediaRetention() time.Duration {
	days := m.MediaRetentionDays
	if days == 0 {
		days = DefaultMediaRetentionDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// InTerritory reports whether a point (WGS 84 degrees) lies in the
// municipality: inside its Boundary, or, for a municipality configured
// without one, inside its Bounds rectangle.
func (m *Municipality) InTerritory(lat, lon float64) bool {
	if m.Boundary != nil {
		return m.Boundary.Contains(lat, lon)
	}
	return m.Bounds.Contains(lat, lon)
}

// Bounds is a rectangle: the coarse territory of a municipality configured
// without a Boundary. A rectangle takes in neighbours' land, so a
// municipality should have a Boundary.
type Bounds struct {
	MinLat float64 `yaml:"min_lat"`
	MaxLat float64 `yaml:"max_lat"`
	MinLon float64 `yaml:"min_lon"`
	MaxLon float64 `yaml:"max_lon"`
}

// Contains reports whether the point lies inside the bounds.
func (b Bounds) Contains(lat, lon float64) bool {
	return lat >= b.MinLat && lat <= b.MaxLat && lon >= b.MinLon && lon <= b.MaxLon
}

// Body is a utility company or city department that handles cases.
type Body struct {
	Key   string `yaml:"key"` // e.g. "jkp-cistoca"
	Name  string `yaml:"name"`
	Phone string `yaml:"phone"`
	Email string `yaml:"email"`
	// Handles lists the communal problem categories routed to this body.
	Handles []string `yaml:"handles"`
	// Villages marks a body that takes a category over outside the city
	// proper (in Sombor, JKP Prostor for the village local communities).
	Villages bool `yaml:"villages"`
}

// Categories are the communal problem categories a report can have. The
// configuration must route every one of them.
var Categories = []string{
	"waste", "street_cleaning", "greenery", "public_lighting", "water_sewage",
	"roads", "illegal_dumping", "animals", "other",
}

// BodyFor returns the body responsible for a category; village selects
// a body marked as serving the villages when one handles the category.
// It returns false when no body handles it, which Validate rules out.
func (m *Municipality) BodyFor(category string, village bool) (Body, bool) {
	var found *Body
	for i := range m.Bodies {
		b := &m.Bodies[i]
		if !slices.Contains(b.Handles, category) {
			continue
		}
		if b.Villages == village {
			return *b, true
		}
		if found == nil && !b.Villages {
			found = b
		}
	}
	if found == nil {
		return Body{}, false
	}
	return *found, true
}

// Body returns the body with the given key.
func (m *Municipality) Body(key string) (Body, bool) {
	for _, b := range m.Bodies {
		if b.Key == key {
			return b, true
		}
	}
	return Body{}, false
}

var (
	slugRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{1,40}$`)
	prefixRE = regexp.MustCompile(`^[A-Z]{2,4}$`)
)

// Validate reports every problem with the municipality at once, so a
// maintainer fixes the file in one go.
func (m *Municipality) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !slugRE.MatchString(m.Slug) {
		bad("slug %q: expected lowercase letters, digits and dashes", m.Slug)
	}
	if strings.TrimSpace(m.Name) == "" {
		bad("%s: name is empty", m.Slug)
	}
	if !prefixRE.MatchString(m.RefPrefix) {
		bad("%s: ref_prefix %q: expected 2-4 capital letters", m.Slug, m.RefPrefix)
	}
	// Bounds are required without a boundary, and checked whenever given.
	if b := m.Bounds; m.Boundary == nil || b != (Bounds{}) {
		if b.MinLat >= b.MaxLat || b.MinLon >= b.MaxLon || b.MinLat < -90 || b.MaxLat > 90 || b.MinLon < -180 || b.MaxLon > 180 {
			bad("%s: bounds: expected min_lat < max_lat and min_lon < max_lon in degrees (or a boundary)", m.Slug)
		}
	}
	if m.MediaRetentionDays < 0 || m.MediaRetentionDays > MaxMediaRetentionDays {
		bad("%s: media_retention_days %d: expected 1 to %d days (0 or absent: %d)", m.Slug, m.MediaRetentionDays,
			MaxMediaRetentionDays, DefaultMediaRetentionDays)
	}
	if d := m.PersonalDataDays; d != 0 && (d < MinPersonalDataDays || d > MaxPersonalDataDays) {
		bad("%s: personal_data_days %d: expected %d to %d days (0 or absent: %d)", m.Slug, d,
			MinPersonalDataDays, MaxPersonalDataDays, DefaultPersonalDataDays)
	}
	keys := map[string]bool{}
	for _, body := range m.Bodies {
		if body.Key == "" || body.Name == "" {
			bad("%s: every body needs a key and a name", m.Slug)
		}
		if keys[body.Key] {
			bad("%s: body key %q appears twice", m.Slug, body.Key)
		}
		keys[body.Key] = true
		for _, c := range body.Handles {
			if !slices.Contains(Categories, c) {
				bad("%s: body %s handles unknown category %q (known: %s)", m.Slug, body.Key, c, strings.Join(Categories, ", "))
			}
		}
	}
	for _, c := range Categories {
		if _, ok := m.BodyFor(c, false); !ok {
			bad("%s: no body handles category %q", m.Slug, c)
		}
	}
	errs = append(errs, m.ValidateSources()...)
	if len(m.Suggested) > MaxSuggested {
		bad("%s: %d suggested questions, at most %d", m.Slug, len(m.Suggested), MaxSuggested)
	}
	for _, q := range m.Suggested {
		if n := utf8.RuneCountInString(strings.TrimSpace(q)); n == 0 || n > MaxSuggestedLength {
			bad("%s: suggested question %q must have 1 to %d characters", m.Slug, q, MaxSuggestedLength)
		}
	}
	if len(m.Topics) > MaxTopics {
		bad("%s: %d topics, at most %d", m.Slug, len(m.Topics), MaxTopics)
	}
	for _, t := range m.Topics {
		if n := utf8.RuneCountInString(strings.TrimSpace(t)); n == 0 || n > MaxTopicLength {
			bad("%s: topic %q must have 1 to %d characters", m.Slug, t, MaxTopicLength)
		}
	}
	for _, r := range m.Referrals {
		r.validate(m.Slug, bad)
	}
	if m.Variant != "" && m.Variant != Ekavian && m.Variant != Ijekavian {
		bad("%s: variant %q: expected %s or %s (absent: %s)", m.Slug, m.Variant, Ekavian, Ijekavian, Ekavian)
	}
	if m.Country != "" && m.Country != Serbia && m.Country != Bosnia {
		bad("%s: country %q: expected %s or %s (absent: %s)", m.Slug, m.Country, Serbia, Bosnia, Serbia)
	}
	if m.Handover != nil {
		errs = append(errs, m.Handover.prepare(m)...)
	}
	return errors.Join(errs...)
}
