package forms

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/miasrbija/mia/fault"
)

// Following a case from another device: the citizen has the reference
// number and the phone or e-mail they gave in the form, nothing else (no
// conversation, no channel user). Both must match; any mismatch answers
// exactly as a reference that does not exist, so the lookup never tells
// whether a case exists. Callers rate-limit it.

// errContact answers a contact that is neither a phone number nor an
// e-mail address: bad input, told before any lookup.
var errContact = fault.Invalid("Upišite broj telefona (npr. 064 123 4567) ili adresu e-pošte koju ste dali u prijavi.")

// NormalizeContact reads a phone number or an e-mail address as
// CaseByContact compares them: +381… or lowercased.
func NormalizeContact(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		e, err := NormalizeEmail(s)
		if err != nil {
			return "", errContact
		}
		return e, nil
	}
	p, err := NormalizePhone(s)
	if err != nil {
		return "", errContact
	}
	return p, nil
}

// CaseByContact returns the case with the reference number when contact
// (a phone number or an e-mail address, compared normalised) is one the
// citizen gave in the form. A case without a matching contact, or with no
// contact at all, is not found, as is a reference that does not exist
// (fault.ErrNotFound). The returned case carries no clear personal data.
func (s *Service) CaseByContact(ctx context.Context, municipality, ref, contact string) (*Case, error) {
	want, err := NormalizeContact(contact)
	if err != nil {
		return nil, err
	}
	ref = NormalizeRef(ref)
	if ref == "" {
		return nil, errCaseNotFound
	}
	c, err := s.store.CaseByRef(ctx, municipality, ref)
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
	if !contactMatches(c.Form, private, want) {
		return nil, errCaseNotFound
	}
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	// describe may echo a clear value (a registry request's delivery
	// address); the caller of this lookup is not yet known to be the
	// citizen beyond the contact, so none of it goes out.
	c.Private, c.NextSteps = nil, ""
	return c, nil
}

// contactMatches reports whether want equals one of the phone, e-mail or
// contact values of the form, each normalised as the form stored it. Every
// candidate is compared in constant time.
func contactMatches(form string, private map[string]string, want string) bool {
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
		if n, err := NormalizeContact(v); err == nil {
			v = n
		}
		match |= subtle.ConstantTimeCompare([]byte(v), []byte(want))
	}
	return match == 1
}
