package assistant

import (
	"cmp"
	"strings"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
)

// Intent is what the engine makes of one message, before any
// knowledge-base lookup or model call.
type Intent struct {
	Route Route
	// Form is FormCommunalReport or FormRegistryExtract when Route is
	// RouteFormStart, otherwise empty.
	Form string
	// CaseRef is the normalised case reference ("SO-KP-2026-000123") when
	// Route is RouteStatus and the message carries one; empty means the
	// engine has to ask for it.
	CaseRef string
	// Emergency is one of the Emergency* services when Route is
	// RouteEmergency.
	Emergency string
	// Slots are the field values the message carries (nlu.Result.Slots),
	// keyed by the field names of Form.
	Slots map[string]string
	// Clarify lists the actions to offer when the classifier is unsure
	// between a question and filing something; empty when it is sure.
	Clarify []nlu.Intent
	// Hint is the classifier's intent, for a model that decides itself
	// whether to answer or to start a form.
	Hint string
	// Caution is set when an emergency rule matched a message the
	// classifier reads as something else ("izgorela nam je kuća, ima li
	// pomoći?"): the reply answers it and names the number to call.
	Caution string
	// Offer is the communal report category a question asks how or where
	// to report ("Gde da prijavim rupu na putu?"): MIA takes such reports
	// itself, so the answer, or the decline, offers that report.
	Offer string
}

// Forms the engine can start.
const (
	FormCommunalReport  = "communal_report"
	FormRegistryExtract = "registry_extract"
)

// Emergency services, with the Serbian numbers the reply gives.
const (
	EmergencyGeneral   = "general"   // 112
	EmergencyPolice    = "police"    // 192
	EmergencyFire      = "fire"      // 193
	EmergencyAmbulance = "ambulance" // 194
)

// Classify reads a message with the built-in understanding (nlu.Default)
// and no municipality; the engine uses its own Understander and the
// citizen's municipality.
func Classify(text string) Intent { return classify(nlu.Default(), text, nil) }

// classify decides what one citizen message is. The trained classifier
// (package nlu) decides the intent; three checks do not depend on
// training data: a case reference number is a status question, the
// emergency rules name the number to call, and a directed insult is
// abuse. It never returns RouteForm: a form in progress is the engine's
// state, not a property of the text.
func classify(u *nlu.Understander, text string, m *municipality.Municipality) Intent {
	ws := routeWords(text)
	if len(ws) == 0 {
		// An emoji or a sticker: the greeting offers the menu.
		return Intent{Route: RouteGreeting}
	}
	r := u.Understand(text, m, "")
	svc, harmless := emergencyRead(ws)
	if r.Intent == nlu.Emergency && harmless != "" {
		// The danger word the classifier went by is used in its harmless
		// sense (hail, a light that is out): the next reading decides, and
		// the reply still names the number to call.
		r = u.UnderstandExcept(text, m, "", nlu.Emergency)
	}
	switch {
	case r.Intent == nlu.Emergency && !r.Clarify:
		// A missed emergency costs more than a needless 112 reply.
		if svc == "" {
			svc = EmergencyGeneral
		}
		return Intent{Route: RouteEmergency, Emergency: svc}
	case svc != "" && r.Intent == nlu.CommunalReport && !r.Clarify && r.Slots["category"] != "" && eventOver(ws):
		// The danger is past ("juče su psi napali dete…, neka to neko
		// reši", "prekjuče je goreo kontejner"): the classifier, sure of
		// a report with its problem named, decides; the reply still names
		// the number to call (Caution, below).
	case svc != "" && !(asksAbout(r.Intent) && !r.Clarify && interrogative(ws, text)):
		// Danger words are an emergency unless the classifier is sure the
		// message is a question about something ("izgorela nam je kuća,
		// da li možemo da dobijemo pomoć?"): a fire is never a communal
		// report, and "poplava u kući" states no question.
		return Intent{Route: RouteEmergency, Emergency: svc, Hint: string(r.Intent)}
	case r.Intent == nlu.Abuse && !r.Clarify || isAbuse(ws):
		return Intent{Route: RouteAbuse}
	}
	in := intentOf(r, text)
	if in.Route == RouteFormStart && len(in.Clarify) == 0 && (asksForFact(ws) || asksForFact(lastQuestion(text))) {
		// "Ko popravlja semafor…?", "Do kada MZ može da predloži novu
		// rasvetu?" name a report's subject but ask for a fact, which no
		// form gives: the documents answer it, and a decline offers the
		// forms.
		in.Route, in.Form = RouteInfo, ""
	}
	if in.Route == RouteFormStart && in.Form == FormCommunalReport && len(in.Clarify) == 0 &&
		in.Slots["category"] == "" && !mentionsReporting(ws) {
		// A report names a problem, or asks to report one: a message that
		// does neither ("salter 1 urbanizam namena poslovnog prostora",
		// "Porez na nepokretnosti") is a question for the documents, and a
		// decline offers the report.
		in.Route, in.Form = RouteInfo, ""
	}
	if in.Route == RouteStatus && in.CaseRef == "" && asksOwnStep(ws) {
		// "Kupio sam stan… U kom roku moram da ga prijavim poreskoj?",
		// "…Šta da ponesem?": what the citizen must do next is a question
		// for the documents, whatever was done before; a case's status is
		// what someone else has done with it.
		in.Route = RouteInfo
	}
	if in.Route == RouteInfo && mentionsReporting(ws) {
		if c := u.Category(text, m); c != "" && c != "other" {
			in.Offer = c
		}
	}
	if svc = cmp.Or(svc, harmless); svc != "" {
		in.Caution = svc
	}
	return in
}

// pastDays are the words that date an event to an earlier day; with
// "pre"/"prije" a count of days or longer ("pre dva dana", "pre nedelju
// dana") does too. Hours ("pre sat vremena") do not: that may still be
// going on.
var (
	pastDays  = wordSet("juče jučer jucer prekjuče prekjučer sinoć")
	pastLast  = wordSet("prošle prošlog prošli prošlu")
	pastSpans = wordSet("dan dana dva tri nedelju nedelje nedelja sedmicu sedmice mesec meseca meseci godinu godine")
)

// eventOver reports whether the message dates what happened to an earlier
// day: "juče", "sinoć", "prošle nedelje", "pre tri dana".
func eventOver(ws []string) bool {
	for i, w := range ws {
		switch {
		case pastDays[w]:
			return true
		case pastLast[w] && i+1 < len(ws) && pastSpans[ws[i+1]]:
			return true
		case (w == "pre" || w == "prije") && i+1 < len(ws) && (pastSpans[ws[i+1]] || isNumber(ws[i+1])):
			if w2 := ws[min(i+2, len(ws)-1)]; !strings.HasPrefix(w2, "sat") && !strings.HasPrefix(w2, "minut") {
				return true
			}
		}
	}
	return false
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// asksAbout reports whether an intent is a question rather than an event
// happening now.
func asksAbout(i nlu.Intent) bool {
	return i == nlu.Info || i == nlu.Status || i == nlu.Handover
}

// interrogatives open or mark a question in Serbian: interrogative
// pronouns and adverbs, and (in interrogative) the particle li ("da li",
// "ima li"; "da" and "ima" alone ask nothing: "mislim da ima srčani
// udar"). They are grammar, a closed class, not phrases learnt from
// examples.
var interrogatives = wordSet(`kako gde gdje koliko kada kad šta što ko kome koga čemu čega zašto
	koji koja koje koju kojoj kojem kom kojim kojih kakav kakva kakvo kakvu koliki kolika čiji čija čije`)

// prepositions may open a question before its interrogative ("do kada",
// "u kom roku", "na koji broj", "kod koga", "za koliko dana").
var prepositions = wordSet("na u za do od kod sa s po pre posle prema o iz kroz")

// interrogative reports whether a message asks something: a question
// mark, or an interrogative word in its first three words.
func interrogative(ws []string, text string) bool {
	if strings.Contains(text, "?") {
		return true
	}
	for i, w := range ws {
		if i >= 3 {
			break
		}
		if interrogatives[w] || w == "li" {
			return true
		}
	}
	return false
}

// asksForFact reports whether a message opens by asking for a fact ("Ko
// popravlja semafor…?", "Do kada se prijavljuje…?", "Koliko košta…?") rather
// than how to act itself: an interrogative not followed by "da", a modal or
// an infinitive ("Kome da prijavim rupu?", "Gde mogu da prijavim…",
// "Kome prijaviti…" ask for the way to file, which a form is).
func asksForFact(ws []string) bool {
	i := 0
	if len(ws) > 1 && prepositions[ws[0]] {
		i = 1
	}
	if i >= len(ws) || !interrogatives[ws[i]] {
		return false
	}
	i++
	if i >= len(ws) {
		return true
	}
	next := ws[i]
	return !actWords[next] && !strings.HasSuffix(next, "ti") && !strings.HasSuffix(next, "ci")
}

// lastQuestion returns the words of a message's closing question when it
// is a clause of its own ("Pao je stub rasvete, koga zovem osim
// prijave?"): what the message ends by asking. Nil when the message does
// not end with a question mark or is one clause.
func lastQuestion(text string) []string {
	t := strings.TrimSpace(text)
	if !strings.HasSuffix(t, "?") {
		return nil
	}
	t = strings.TrimRight(t, "?! ")
	i := strings.LastIndexAny(t, ",.;:!?")
	if i < 0 {
		return nil
	}
	return routeWords(t[i+1:])
}

// mentionsReporting reports whether a message speaks of reporting
// ("prijaviti", "prijava", "javljam", "da javim"): the form's own verb.
func mentionsReporting(ws []string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, "prijav") || strings.HasPrefix(w, "javlj") || strings.HasPrefix(w, "javi") || strings.HasPrefix(w, "reklamac") {
			return true
		}
	}
	return false
}

// ownDuty are the first-person modals of obligation and permission: the
// asker asks what they must or may do.
var ownDuty = wordSet("moram moramo trebam trebamo smem smemo smijem smijemo dužan dužna dužni")

// clitics may stand between "da" and its verb ("kome da se obratim").
var clitics = wordSet("se ga je ih mu joj im me te ti mi vam nam li")

// asksOwnStep reports whether a message asks what the asker must or may do
// next: a first-person modal of obligation ("u kom roku moram da…"), or an
// interrogative, "da" and a first-person verb ("šta da ponesem", "kome da
// se obratim"). Grammar, not phrases: the closed class of modals and the
// person ending of the verb.
func asksOwnStep(ws []string) bool {
	for i, w := range ws {
		if ownDuty[w] {
			return true
		}
		if !interrogatives[w] || i+1 >= len(ws) || ws[i+1] != "da" {
			continue
		}
		j := i + 2
		for j < len(ws) && clitics[ws[j]] {
			j++
		}
		if j < len(ws) && firstPersonVerb(ws[j]) {
			return true
		}
	}
	return false
}

// firstPersonVerb reports whether a word has a present tense's first
// person ending (-am, -em, -im; -mo for the plural), and is not one of the
// auxiliaries that end so ("sam", "smo").
func firstPersonVerb(w string) bool {
	if len(w) < 4 || w == "smo" {
		return false
	}
	for _, end := range []string{"am", "em", "im", "amo", "emo", "imo"} {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

// actWords after an interrogative make the question about the asker's own
// next step: "da", modals.
var actWords = wordSet("da mogu moze mozemo moze li treba trebam trebalo moram moramo bih bi smem smijem smemo")

// intentOf maps the classifier's reading to a route.
func intentOf(r nlu.Result, text string) Intent {
	if ref := FindCaseRef(text); ref != "" {
		return Intent{Route: RouteStatus, CaseRef: ref}
	}
	in := Intent{Slots: r.Slots, Hint: string(r.Intent)}
	switch r.Intent {
	case nlu.CommunalReport, nlu.RegistryExtract:
		in.Route, in.Form = RouteFormStart, r.Intent.Form()
	case nlu.Status:
		in.Route = RouteStatus
	case nlu.Handover:
		in.Route = RouteHandover
	case nlu.Greeting:
		in.Route = RouteGreeting
	case nlu.Thanks:
		in.Route = RouteThanks
	case nlu.OutOfScope:
		in.Route = RouteOutOfScope
	case nlu.Cancel, nlu.Deny, nlu.Confirm, nlu.Correct:
		// Form words with no form open: the menu says what MIA can do.
		in.Route = RouteGreeting
	default:
		in.Route = RouteInfo
	}
	if r.Clarify {
		in.Clarify = clarifyChoices(r, in)
	}
	return in
}

// clarifyChoices returns the actions to offer when the classifier is
// unsure: the two most probable of asking, filing a report, requesting an
// extract, a case's status and a person, when they differ in what the
// engine would do. An unsure question stays a question: the knowledge
// base decides whether it can answer.
func clarifyChoices(r nlu.Result, in Intent) []nlu.Intent {
	switch in.Route {
	case RouteFormStart, RouteStatus, RouteHandover:
	default:
		return nil
	}
	var out []nlu.Intent
	for _, s := range r.Ranking {
		switch s.Intent {
		case nlu.Info, nlu.CommunalReport, nlu.RegistryExtract, nlu.Status, nlu.Handover:
			out = append(out, s.Intent)
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// FindCaseRef returns the first case reference in s, normalised
// ("so kp 2026 123" → "SO-KP-2026-000123"), or "" when there is none.
func FindCaseRef(s string) string { return nlu.FindCaseRef(s) }
