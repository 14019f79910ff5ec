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

// inPerson collects in person what m issues only at its counter (an
// extract on the international form in Laktaši, whose e-service does not
// take it): the delivery is set to the counter, whatever was chosen or
// before it is asked, the address or e-mail given for it is dropped, and
// the citizen is told why. A request filed for the post would only come
// back.
func inPerson(m *municipality.Municipality, def *Definition, d *Draft, out *outcome) {
	form := d.values["form"]
	if def.Name != "registry_extract" || form == "" || !slices.Contains(m.CivilRegistry.InPerson, form) ||
		d.values["delivery"] == "counter" {
		return
	}
	delivery, ok := def.Field("delivery")
	if !ok {
		return
	}
	out.set(d, delivery, "counter")
	for _, name := range []string{"post_address", "email"} {
		if f, ok := def.Field(name); ok && !f.applies(d.values) {
			delete(d.values, name)
		}
	}
	label := form
	if f, ok := def.Field("form"); ok {
		if o, ok := f.Option(form); ok {
			label = o.Label
		}
	}
	out.hint = strings.TrimSpace(out.hint + " " + fmt.Sprintf("Dokument na obrascu „%s” preuzima se samo lično, u %s; ne šalje se ni poštom ni elektronski.", label, civilRegistry(m).Counter))
}

// checkCivilRegistries reports a municipality whose exempt purposes are
// not purposes of the registry form (a typo would silently charge the
// fee), or whose in-person forms are not its forms.
func checkCivilRegistries(reg *municipality.Registry) error {
	def, ok := Lookup("registry_extract")
	if !ok {
		return nil
	}
	purpose, ok := def.Field("purpose")
	if !ok {
		return nil
	}
	form, ok := def.Field("form")
	if !ok {
		return nil
	}
	for _, m := range reg.All() {
		for _, p := range m.CivilRegistry.ExemptPurposes {
			if _, ok := purpose.Option(p); !ok {
				return fmt.Errorf("forms: %s: civil_registry.exempt_purposes: %q is not a purpose of the registry form", m.Slug, p)
			}
		}
		for _, v := range m.CivilRegistry.InPerson {
			if _, ok := form.Option(v); !ok {
				return fmt.Errorf("forms: %s: civil_registry.in_person: %q is not a form of the registry form", m.Slug, v)
			}
		}
	}
	return nil
}
