package forms

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
)

// Following a case from another device: the citizen has the reference
// number and the phone or e-mail they gave in the form, nothing else (no
// conversation, no channel user). Both must match; any mismatch answers
// exactly as a reference that does not exist, so the lookup never tells
// whether a case exists. Callers rate-limit it.

// contactError answers a contact that is neither a phone number nor an
// e-mail address: bad input, told before any lookup.
func contactError(m *municipality.Municipality) error {
	return fault.Invalid("%s", m.Say(fmt.Sprintf("Upišite broj telefona (npr. %s) ili adresu e-pošte koju ste dali u prijavi.", PhoneExample(m))))
}

// NormalizeContact reads a phone number (in the plan of m's country) or
// an e-mail address as CaseByContact compares them: +381… or lowercased.
func NormalizeContact(m *municipality.Municipality, s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		e, err := NormalizeEmail(s)
		if err != nil {
			return "", contactError(m)
		}
		return e, nil
	}
	p, err := NormalizePhone(m, s)
	if err != nil {
		return "", contactError(m)
	}
	return p, nil
}

// CaseByContact returns the case with the reference number when contact
// (a phone number or an e-mail address, compared normalised) is one the
// citizen gave in the form. A case without a matching contact, or with no
// contact at all, is not found, as is a reference that does not exist
// (fault.ErrNotFound). The returned case carries no clear personal data.
func (s *Service) CaseByContact(ctx context.Context, slug, ref, contact string) (*Case, error) {
	m, err := s.reg.Get(slug)
	if err != nil {
		return nil, errCaseNotFound // as a reference that does not exist
	}
	want, err := NormalizeContact(m, contact)
	if err != nil {
		return nil, err
	}
	ref = NormalizeRef(ref)
	if ref == "" {
		return nil, errCaseNotFound
	}
	c, err := s.store.CaseByRef(ctx, slug, ref)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, errCaseNotFound
	}
	if err != nil {
		return nil, err
	}
	sealed, err := s.store.CasePrivate(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	private, err := s.openPrivate(sealed)
	if err != nil {
		return nil, err
	}
	if !contactMatches(m, c.Form, private, want) {
		return nil, errCaseNotFound
	}
	s.describe(m, c)
	// describe may echo a clear value (a registry request's delivery
	// address); the caller of this lookup is not yet known to be the
	// citizen beyond the contact, so none of it goes out.
	c.Private, c.NextSteps = nil, ""
	return c, nil
}

// contactMatches reports whether want equals one of the phone, e-mail or
// contact values of the form, each normalised as the form stored it. Every
// candidate is compared in constant time.
func contactMatches(m *municipality.Municipality, form string, private map[string]string, want string) bool {
	def, ok := Lookup(form)
	if !ok {
		return false
	}
	match := 0
	for _, f := range def.Fields {
		if f.Type != TypePhone && f.Type != TypeEmail && f.Type != TypeContact {
			continue
		}
		v := private[f.Name]
		if v == "" {
			continue
		}
		if n, err := NormalizeContact(m, v); err == nil {
			v = n
		}
		match |= subtle.ConstantTimeCompare([]byte(v), []byte(want))
	}
	return match == 1
}
