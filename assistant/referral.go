package assistant

import (
	"slices"
	"strings"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// referral is a municipality's referral whose topic a question is about,
// with the topic's tokens.
type referral struct {
	municipality.Referral
	topic []string
}

// purposeWords mark what follows as a purpose, not as what is asked
// about: "izvod za pasoš" asks for an extract.
var purposeWords = wordSet("za radi zbog")

// referralFor returns the municipality's referral whose topic the
// question is about: every word of the topic in it, in any form, script
// or variant ("pasoša", "пасош"), and not named as a purpose ("izvod za
// pasoš"); of several, the one with the longest topic.
func referralFor(m *municipality.Municipality, question string) (referral, bool) {
	if m == nil || len(m.Referrals) == 0 {
		return referral{}, false
	}
	var words []string
	purpose := map[string]bool{}
	ws := routeWords(question)
	for i, w := range ws {
		for _, t := range serbian.Tokens(w) {
			words = append(words, t)
			if i > 0 && purposeWords[ws[i-1]] {
				purpose[t] = true
			}
		}
	}
	var best referral
	for _, r := range m.Referrals {
		for _, topic := range r.Topics {
			tw := serbian.Tokens(topic)
			if len(tw) > len(best.topic) && !purpose[tw[0]] &&
				!slices.ContainsFunc(tw, func(w string) bool { return !slices.Contains(words, w) }) {
				best = referral{Referral: r, topic: tw}
			}
		}
	}
	return best, best.topic != nil
}

// isAbout reports whether a passage's document or section is about the
// topic: every word of it in the title or the headings. A document that
// mentions the topic on the way ("ponesite ličnu kartu") does not answer
// "Gde se vadi lična karta?".
func (r referral) isAbout(p passage) bool {
	have := serbian.Tokens(p.hit.Title + " " + strings.Join(p.hit.HeadingPath, " "))
	return !slices.ContainsFunc(r.topic, func(w string) bool { return !slices.Contains(have, w) })
}
