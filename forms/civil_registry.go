package forms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// registryDefaults are a country's civil-registry texts, for a
// municipality whose file leaves them out. Serbia's follow its law on
// republic administrative fees (one account for the whole country);
// Bosnia and Herzegovina's fees differ by entity and municipality, so the
// citizen is sent to check them.
var registryDefaults = map[string]municipality.CivilRegistry{
	municipality.Serbia: {
		Counter: "matičnoj službi",
		Fee: "Plaća se republička administrativna taksa za {year}. godinu: iznos proverite u važećoj tarifi Zakona o republičkim " +
			"administrativnim taksama ili na info-pultu ({phone}); uplata na račun 840-742221843-57, model 97.",
		Exempt: "Za navedenu svrhu ne plaća se republička administrativna taksa (oslobođenje po Zakonu o republičkim administrativnim " +
			"taksama); svrhu ćete možda morati da dokažete.",
	},
	municipality.Bosnia: {
		Counter: "matičnoj službi",
		Fee:     "Plaća se administrativna taksa: iznos i način uplate proverite u matičnoj službi ili na info-pultu ({phone}).",
		Exempt:  "Za navedenu svrhu izvod se izdaje bez takse; svrhu ćete možda morati da dokažete.",
	},
}

// civilRegistry returns m's civil-registry texts, its country's defaults
// where its file says nothing.
func civilRegistry(m *municipality.Municipality) municipality.CivilRegistry {
	r := m.CivilRegistry
	d := registryDefaults[m.CountryCode()]
	if r.Counter == "" {
		r.Counter = d.Counter
	}
	if r.Fee == "" {
		r.Fee = d.Fee
	}
	if r.Exempt == "" {
		r.Exempt = d.Exempt
	}
	return r
}

// feeText fills a fee sentence's {year} and {phone}.
func feeText(m *municipality.Municipality, text string, year int) string {
	return strings.NewReplacer("{year}", strconv.Itoa(year), "{phone}", m.Phone).Replace(text)
}

// feeExempt reports whether the option chosen for f exempts a request
// from the fee in m: for the purpose, the list m's file gives, which
// replaces the form's marks (Serbia's law); otherwise the marks.
func feeExempt(m *municipality.Municipality, f *Field, o Option) bool {
	if list := m.CivilRegistry.ExemptPurposes; len(list) > 0 && f.Name == "purpose" {
		return slices.Contains(list, o.Value)
	}
	return o.FeeExempt
}

// checkCivilRegistries reports a municipality whose exempt purposes are
// not purposes of the registry form: a typo would silently charge the fee.
func checkCivilRegistries(reg *municipality.Registry) error {
	def, ok := Lookup("registry_extract")
	if !ok {
		return nil
	}
	f, ok := def.Field("purpose")
	if !ok {
		return nil
	}
	for _, m := range reg.All() {
		for _, p := range m.CivilRegistry.ExemptPurposes {
			if _, ok := f.Option(p); !ok {
				return fmt.Errorf("forms: %s: civil_registry.exempt_purposes: %q is not a purpose of the registry form", m.Slug, p)
			}
		}
	}
	return nil
}
