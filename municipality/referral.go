package municipality

import (
	"net/url"
	"strings"
)

// Referral names an institution outside the municipality's remit that
// citizens often ask the city about (passports are the police's, pensions
// the pension fund's), so that a question the documents cannot answer is
// sent to the right door instead of the city's info desk.
type Referral struct {
	// Name is the institution as a citizen would look for it, Latin.
	Name    string `yaml:"name"`
	Website string `yaml:"website,omitempty"`
	Phone   string `yaml:"phone,omitempty"`
	// Topics are words and phrases of its remit, Latin, as citizens say
	// them ("lična karta", "pasoš", "penzija"); a question naming every
	// word of one, in any form, script or variant, is about it.
	Topics []string `yaml:"topics"`
}

func (r Referral) validate(slug string, bad func(string, ...any)) {
	if strings.TrimSpace(r.Name) == "" {
		bad("%s: a referral needs a name", slug)
	}
	if len(r.Topics) == 0 {
		bad("%s: referral %q names no topic", slug, r.Name)
	}
	for _, t := range r.Topics {
		if strings.TrimSpace(t) == "" {
			bad("%s: referral %q has an empty topic", slug, r.Name)
		}
	}
	if r.Website != "" {
		if u, err := url.Parse(r.Website); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("%s: referral %q: website %q is not an http(s) URL", slug, r.Name, r.Website)
		}
	}
}
