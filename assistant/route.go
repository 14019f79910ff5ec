package assistant

import (
	"regexp"
	"strings"

	"github.com/miasrbija/mia/serbian"
)

// Intent is what Classify makes of one message, before any knowledge-base
// lookup or model call.
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
}

// Forms Classify can start.
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

// Classify decides deterministically and offline what one citizen message
// is. It never returns RouteForm (a form in progress is the engine's
// state, not a property of the text). Matching works on folded words
// (serbian.Fold, ijekavian reduced to ekavian), so Cyrillic, Latin with or
// without diacritics and both dialects meet; phrases match whole words,
// never substrings.
//
// Priority: emergency, abuse, case status, form start, small talk,
// greeting/thanks, and RouteInfo for everything else: the knowledge base,
// not keyword lists, decides whether a question is in scope.
func Classify(text string) Intent {
	ws := routeWords(text)
	if len(ws) == 0 {
		// An emoji or a sticker: the greeting offers the menu.
		return Intent{Route: RouteGreeting}
	}
	if svc := emergencyOf(ws); svc != "" {
		return Intent{Route: RouteEmergency, Emergency: svc}
	}
	if isAbuse(ws) {
		return Intent{Route: RouteAbuse}
	}
	if ref := FindCaseRef(text); ref != "" {
		return Intent{Route: RouteStatus, CaseRef: ref}
	}
	if statusAsk.any(ws) || filedBefore.any(ws) && stillWaiting.any(ws) && !wouldFile.any(ws) ||
		len(ws) == 1 && ws[0] == "status" {
		return Intent{Route: RouteStatus}
	}
	if form := formOf(ws, strings.Contains(text, "?")); form != "" {
		return Intent{Route: RouteFormStart, Form: form}
	}
	if len(ws) <= 8 && smallTalk.any(ws) {
		return Intent{Route: RouteOutOfScope}
	}
	if r, ok := courtesyOf(ws); ok {
		return Intent{Route: r}
	}
	return Intent{Route: RouteInfo}
}

// caseRefRE finds a reference such as SO-KP-2026-000123 in folded text:
// a 2–4 letter prefix, the kind (kp: komunalna prijava, iz: izvod), the
// year and 3–8 digits, with any of " -_/." or nothing between the parts.
// At least three digits keep "dete je iz 2020" from looking like a case.
var caseRefRE = regexp.MustCompile(`(?:^|[^a-z0-9])([a-z]{2,4})[ ._/-]{0,2}(kp|iz)[ ._/-]{0,2}(20\d\d)[ ._/-]{0,2}(\d{3,8})(?:$|[^0-9])`)

// FindCaseRef returns the first case reference in s, normalised to upper
// case with dashes and a number of at least six digits
// ("so kp 2026 123" → "SO-KP-2026-000123"), or "" when there is none.
// Cyrillic is accepted ("СО-КП-2026-000123").
func FindCaseRef(s string) string {
	m := caseRefRE.FindStringSubmatch(serbian.Fold(s))
	if m == nil {
		return ""
	}
	num := m[4]
	if len(num) < 6 {
		num = strings.Repeat("0", 6-len(num)) + num
	}
	return strings.ToUpper(m[1]+"-"+m[2]) + "-" + m[3] + "-" + num
}
