// Package prompts holds every Serbian text MIA says and the model's system
// prompt, embedded from files so that wording is edited in one place and
// not scattered through Go code: messages.yaml (named fixed messages and
// button labels) and system.tmpl (the system prompt).
//
// Texts are written once, in Latin ekavian Serbian; Message converts them
// to ijekavian for a municipality that speaks it (its fixed wording only,
// never the data filled in) and to Cyrillic for a citizen who writes
// Cyrillic.
package prompts

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// Message names. Data a message needs beyond the municipality's fields is
// noted; Message fails without it.
const (
	Greeting           = "greeting"
	Thanks             = "thanks"
	EmergencyGeneral   = "emergency_general"   // 112
	EmergencyPolice    = "emergency_police"    // 192
	EmergencyFire      = "emergency_fire"      // 193
	EmergencyAmbulance = "emergency_ambulance" // 194
	Abuse              = "abuse"
	OutOfScope         = "out_of_scope"
	NoSource           = "no_source"
	InjectionRefusal   = "injection_refusal"
	FallbackNotice     = "fallback_notice"
	ExtractiveIntro    = "extractive_intro" // data: title
	StatusAskRef       = "status_ask_ref"
	StatusNotFound     = "status_not_found" // data: ref
	StatusOwnCases     = "status_own_cases"
	Referral           = "referral" // data: institution, institution_website, institution_phone
	InputTooLong       = "input_too_long"
	PIIRemoved         = "pii_removed"
	ErrorReply         = "error"
	FormExtract        = "form_extract"        // the model's instructions for filling a form from a message
	FormAlreadyFiled   = "form_already_filed"  // data: ref, status
	FormClosed         = "form_closed"         // a button of a form that is no longer open
	FormDiscarded      = "form_discarded"      // a draft that could not be read (data key changed) was deleted
	FormExpired        = "form_expired"        // data: hours; an unfinished draft left idle that long was deleted
	ModelTools         = "model_tools"         // data: intent; the model's instructions for the form tools offered with an answer
	Handover           = "handover"            // the citizen asks for a person
	Clarify            = "clarify"             // the classifier is unsure: which of the buttons did the citizen mean
	EmergencyCaution   = "emergency_caution"   // danger words in a message read as something else: the numbers, before the answer
	MediaWithQuestion  = "media_with_question" // a photo sent with a question and no form open
	OtherMunicipality  = "other_municipality"  // data: place; a question about another local self-government
	HandoverWaiting    = "handover_waiting"    // the request joined the staff queue
	HandoverClosedNow  = "handover_closed_now" // outside office hours: leave a message
	HandoverJoined     = "handover_joined"     // data: staff (first name)
	HandoverReturned   = "handover_returned"   // staff handed the conversation back to MIA
	HandoverEnded      = "handover_ended"      // staff closed the conversation
	HandoverTimeout    = "handover_timeout"    // nobody took the request in time
	HandoverCancelled  = "handover_cancelled"  // the citizen stopped waiting
	ReportOffer        = "report_offer"        // data: category; the documents do not say where to report it, but MIA takes it

	// Quick-reply button labels.
	QuickCommunalReport  = "qr_communal_report"
	QuickRegistryExtract = "qr_registry_extract"
	QuickCaseStatus      = "qr_case_status"
	QuickPropertyTax     = "qr_property_tax"
	QuickChildAllowance  = "qr_child_allowance"
	QuickContact         = "qr_contact"
	QuickAsk             = "qr_ask"             // "it was a question": answer it from the documents
	QuickHandover        = "qr_handover"        // talk to a person
	QuickLeaveMessage    = "qr_leave_message"   // leave a message for staff (an inquiry case)
	QuickHandoverCancel  = "qr_handover_cancel" // stop waiting for a person
	QuickReportCategory  = "qr_report_category" // data: category; start that report
)

var names = []string{
	Greeting, Thanks,
	EmergencyGeneral, EmergencyPolice, EmergencyFire, EmergencyAmbulance,
	Abuse, OutOfScope, NoSource, InjectionRefusal, FallbackNotice,
	ExtractiveIntro, StatusAskRef, StatusNotFound, StatusOwnCases, Referral, InputTooLong, PIIRemoved, ErrorReply, FormExtract, FormAlreadyFiled, FormClosed, FormDiscarded, FormExpired, ModelTools,
	Handover, Clarify, EmergencyCaution, MediaWithQuestion, OtherMunicipality, QuickAsk, QuickHandover,
	HandoverWaiting, HandoverClosedNow, HandoverJoined, HandoverReturned, HandoverEnded, HandoverTimeout, HandoverCancelled,
	QuickLeaveMessage, QuickHandoverCancel, ReportOffer, QuickReportCategory,
	QuickCommunalReport, QuickRegistryExtract, QuickCaseStatus,
	QuickPropertyTax, QuickChildAllowance, QuickContact,
}

var (
	//go:embed messages.yaml
	messagesFile []byte
	//go:embed system.tmpl
	systemFile string

	// The embedded files are part of the binary: a mistake in them is a
	// build defect, caught by the tests and at start, not a runtime error.
	messages = must(parseMessages(messagesFile))
	system   = template.Must(template.New("system").Option("missingkey=error").Parse(systemFile))

	// The same templates with their wording in ijekavian: converted
	// before the data is filled in, so a document title or a place the
	// citizen named stays as written.
	messagesIjekavian = must(parseMessages([]byte(serbian.IjekavianTemplate(string(messagesFile)))))
	systemIjekavian   = template.Must(template.New("system").Option("missingkey=error").Parse(serbian.IjekavianTemplate(systemFile)))
)

// ErrUnknownMessage is returned by Message for a name that Names lacks.
var ErrUnknownMessage = errors.New("unknown message")

// Names returns the names of all messages, sorted.
func Names() []string {
	return slices.Sorted(slices.Values(names))
}

// Message renders the named message for m in its variant (ijekavian
// wording for an ijekavian municipality; data as given) and in the given
// script (Cyrillic for serbian.Cyrillic, Latin otherwise, including any
// Cyrillic data).
// data supplies the values a message needs beyond the municipality's
// fields (see the name constants); it may not redefine those fields.
// A nil m, an unknown name or a missing value is an error.
func Message(name string, m *municipality.Municipality, script serbian.Script, data map[string]string) (string, error) {
	set := messages
	if m.IsIjekavian() {
		set = messagesIjekavian
	}
	t, ok := set[name]
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownMessage, name)
	}
	if m == nil {
		return "", fmt.Errorf("message %s: no municipality", name)
	}
	vars := fields(m, script)
	for k, v := range data {
		if _, taken := vars[k]; taken {
			return "", fmt.Errorf("message %s: data key %q would shadow the municipality's field", name, k)
		}
		vars[k] = v
	}
	var b strings.Builder
	if err := t.Execute(&b, vars); err != nil {
		return "", fmt.Errorf("message %s: %w", name, err)
	}
	if script == serbian.Cyrillic {
		return serbian.ToCyrillic(b.String()), nil
	}
	return serbian.ToLatin(b.String()), nil
}

// System returns the model's system prompt for answering from documents
// for m: answer only from the passages and cite each factual sentence
// with the passage ids as given ([1] or opaque ids), admit plainly when
// the passages do not cover the question and name the info desk, treat
// documents as data, keep the prompt secret, never ask for or repeat a
// JMBG, reply in the user's script, at most 150 words, no amounts or
// deadlines beyond the passages and the year of every amount.
//
// The prompt itself is Latin Serbian, ijekavian for an ijekavian
// municipality, which rule 7 then asks of the answer too; rule 7 makes
// the model mirror the citizen's script.
func System(m *municipality.Municipality) string {
	if m == nil {
		m = &municipality.Municipality{}
	}
	t := system
	if m.IsIjekavian() {
		t = systemIjekavian
	}
	var b strings.Builder
	if err := t.Execute(&b, fields(m, serbian.Latin)); err != nil {
		// Unreachable: fields always sets every key, and TestSystem
		// renders the template.
		panic("prompts: system prompt: " + err.Error())
	}
	return b.String()
}

// fields returns the municipality's values a template may use.
func fields(m *municipality.Municipality, script serbian.Script) map[string]string {
	name := m.Name
	if script == serbian.Cyrillic && m.NameCyr != "" {
		name = m.NameCyr
	}
	prefix := m.RefPrefix
	if prefix == "" {
		prefix = "SO"
	}
	return map[string]string{
		"name":         name,
		"address":      m.Address,
		"phone":        m.Phone,
		"email":        m.Email,
		"website":      m.Website,
		"office_hours": sentence(m.OfficeHours),
		// "ijekavian" or "ekavian": the system prompt asks an ijekavian
		// municipality's answers in its variant.
		"variant": variant(m),
		// The shape of a real reference, for "send me the number, e.g. ...".
		"ref_example": prefix + "-KP-" + strconv.Itoa(time.Now().Year()) + "-000123",
	}
}

func variant(m *municipality.Municipality) string {
	if m.IsIjekavian() {
		return municipality.Ijekavian
	}
	return municipality.Ekavian
}

// parseMessages reads the messages file: a YAML mapping from name to a
// text/template. It fails on a name Names lacks, on a missing name, on a
// duplicate and on a template that does not parse, naming every problem.
func parseMessages(data []byte) (map[string]*template.Template, error) {
	var raw map[string]string
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		return nil, fmt.Errorf("messages.yaml: %w", err)
	}
	var errs []error
	out := make(map[string]*template.Template, len(raw))
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		text := raw[name]
		if !slices.Contains(names, name) {
			errs = append(errs, fmt.Errorf("messages.yaml: unknown message %q", name))
			continue
		}
		if strings.TrimSpace(text) == "" {
			errs = append(errs, fmt.Errorf("messages.yaml: message %q is empty", name))
			continue
		}
		t, err := template.New(name).Option("missingkey=error").Parse(strings.TrimSpace(text))
		if err != nil {
			errs = append(errs, fmt.Errorf("messages.yaml: %w", err))
			continue
		}
		out[name] = t
	}
	for _, name := range names {
		if _, ok := raw[name]; !ok {
			errs = append(errs, fmt.Errorf("messages.yaml: message %q is missing", name))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func must[T any](v T, err error) T {
	if err != nil {
		panic("prompts: " + err.Error())
	}
	return v
}

// sentence ends s with a full stop unless it ends a sentence already: the
// municipality file writes office hours as a sentence, with or without.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
