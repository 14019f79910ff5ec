package forms

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// CaseStatus is where a case stands.
type CaseStatus string

// Case statuses: received → forwarded → in_progress → resolved, and
// rejected from any open status.
const (
	StatusReceived   CaseStatus = "received"
	StatusForwarded  CaseStatus = "forwarded"
	StatusInProgress CaseStatus = "in_progress"
	StatusResolved   CaseStatus = "resolved"
	StatusRejected   CaseStatus = "rejected"
)

var transitions = map[CaseStatus][]CaseStatus{
	StatusReceived:   {StatusForwarded, StatusRejected},
	StatusForwarded:  {StatusInProgress, StatusRejected},
	StatusInProgress: {StatusResolved, StatusRejected},
}

// CanTransition reports whether a case may go from one status to another.
func CanTransition(from, to CaseStatus) bool { return slices.Contains(transitions[from], to) }

var statusLabels = map[CaseStatus]string{
	StatusReceived:   "primljena",
	StatusForwarded:  "prosleđena nadležnoj službi",
	StatusInProgress: "u obradi",
	StatusResolved:   "rešena",
	StatusRejected:   "odbijena",
}

// Label is the status in Serbian.
func (s CaseStatus) Label() string { return statusLabels[s] }

// Case is a filed report or request.
type Case struct {
	ID           int64      `json:"id"`
	Municipality string     `json:"municipality"`
	Ref          string     `json:"ref"` // e.g. SO-KP-2026-000123
	Kind         string     `json:"kind"`
	Form         string     `json:"form"`
	Status       CaseStatus `json:"status"`
	BodyKey      string     `json:"body_key,omitempty"`
	BodyName     string     `json:"body_name,omitempty"`
	// Fields are the answers: free text with personal data masked, and
	// sensitive values (names, phone, e-mail, postal address) only as a
	// masked display; the JMBG is not included.
	Fields     map[string]string `json:"fields"`
	JMBGMasked string            `json:"jmbg_masked,omitempty"`
	// Private holds the sensitive values in clear: set on a case just
	// filed and by CaseForStaff, nil otherwise. Never serialised.
	Private     map[string]string `json:"-"`
	FeeExempt   bool              `json:"fee_exempt"`
	DueAt       *time.Time        `json:"due_at,omitempty"`
	Channel     string            `json:"channel"`
	ChannelUser string            `json:"channel_user"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	// PersonalErasedAt is when the retention job erased the citizen's
	// personal data from the closed case (Service.ErasePersonalData).
	PersonalErasedAt *time.Time `json:"personal_erased_at,omitempty"`
	// NextSteps tells the citizen what happens now (Serbian Latin).
	NextSteps string `json:"next_steps"`
}

// String identifies the case without personal data.
func (c *Case) String() string { return fmt.Sprintf("case %s (%s)", c.Ref, c.Status) }

// CaseEvent is one status change.
type CaseEvent struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	From      CaseStatus `json:"from,omitempty"`
	To        CaseStatus `json:"to"`
	Actor     string     `json:"actor"`
	Note      string     `json:"note,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// FormatRef builds a reference number: PREFIX-KIND-YEAR-NNNNNN.
func FormatRef(prefix, kind string, year, n int) string {
	return fmt.Sprintf("%s-%s-%d-%06d", prefix, kind, year, n)
}

// Case kinds: the middle part of a reference number.
const (
	KindCommunalReport  = "KP" // a communal problem report, routed to a body
	KindRegistryExtract = "IZ" // a civil-registry extract request
	KindInquiry         = "UP" // a message left for staff, for the info desk (municipality handover.body)
)

// ExtractDeadlineDays is the legal deadline for issuing an extract.
const ExtractDeadlineDays = 8

// submit files the draft as a case inside tx: the next reference number
// (counter row locked by the upsert), the case, its first event, the
// attachments moved over, and the draft marked submitted. The caller
// holds the draft row lock, so this runs once per draft.
func (s *Service) submit(ctx context.Context, tx Tx, m *municipality.Municipality, def *Definition, d *Draft) (*Case, error) {
	now := s.now()
	def.pruneAll(d.values)
	// Validate once more: the definition or the clock may have moved on
	// since the values were given.
	for _, f := range def.Fields {
		v, ok := d.values[f.Name]
		if !ok || f.Type == TypeAttachments || (v == "" && f.Optional) || !f.applies(d.values) {
			continue
		}
		if f.Type == TypeJMBG {
			if err := ValidateJMBG(v, now); err != nil {
				return nil, fault.Wrap(fault.ErrInvalid, err, "%s", err)
			}
		}
	}
	year := now.Year()
	n, err := tx.NextCaseNumber(ctx, m.Slug, def.Kind, year)
	if err != nil {
		return nil, fmt.Errorf("next reference number: %w", err)
	}
	c := &Case{Municipality: m.Slug, Ref: FormatRef(m.RefPrefix, def.Kind, year, n), Kind: def.Kind, Form: def.Name,
		Status: StatusReceived, Fields: map[string]string{}, Channel: d.Channel, ChannelUser: d.ChannelUser,
		CreatedAt: now, UpdatedAt: now}
	var jmbgEnc []byte
	for _, f := range def.Fields {
		v, ok := d.values[f.Name]
		if !ok {
			continue
		}
		switch {
		case f.Type == TypeJMBG:
			if jmbgEnc, err = s.crypter.Encrypt("jmbg", []byte(v)); err != nil {
				return nil, err
			}
			c.JMBGMasked = MaskJMBG(v)
			continue
		case f.Sensitive && v != "":
			if c.Private == nil {
				c.Private = map[string]string{}
			}
			c.Private[f.Name] = v
			c.Fields[f.Name] = maskedValue(&f, v)
			continue
		}
		// Masked when accepted; again here for a draft begun before.
		v = maskFreeText(&f, v)
		c.Fields[f.Name] = v
		if f.Type == TypeChoice {
			if o, ok := f.Option(v); ok && feeExempt(m, &f, o) {
				c.FeeExempt = true
			}
		}
	}
	if def.Kind == KindCommunalReport {
		body, ok := m.BodyFor(c.Fields["category"], c.Fields["village"] == "yes")
		if ok {
			c.BodyKey = body.Key
		}
	} else if def.Kind == KindInquiry {
		if m.Handover != nil {
			c.BodyKey = m.Handover.Body
		}
	} else {
		due := time.Date(now.Year(), now.Month(), now.Day()+ExtractDeadlineDays, 0, 0, 0, 0, time.UTC)
		c.DueAt = &due
	}
	privateEnc, err := s.sealPrivate(c.Private)
	if err != nil {
		return nil, err
	}
	if err := tx.InsertCase(ctx, c, jmbgEnc, privateEnc); err != nil {
		return nil, fmt.Errorf("file case: %w", err)
	}
	e := CaseEvent{CaseID: c.ID, To: StatusReceived, Actor: "citizen", Note: "podneto kanalom " + d.Channel, CreatedAt: now}
	if err := tx.InsertEvent(ctx, m.Slug, &e); err != nil {
		return nil, fmt.Errorf("record case event: %w", err)
	}
	if err := tx.MoveAttachments(ctx, d.ID, c.ID); err != nil {
		return nil, fmt.Errorf("attach files: %w", err)
	}
	// The draft keeps no personal data once filed: the case has it.
	d.Status, d.Current, d.CaseID, d.values = DraftSubmitted, "", c.ID, map[string]string{}
	if err := s.saveDraft(ctx, tx, def, d); err != nil {
		return nil, fmt.Errorf("mark draft submitted: %w", err)
	}
	s.describe(m, c)
	return c, nil
}

// caseReader is what reads a case: a Store or a Tx.
type caseReader interface {
	Case(ctx context.Context, id int64) (*Case, error)
}

func (s *Service) caseByID(ctx context.Context, q caseReader, id int64) (*Case, error) {
	c, err := q.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	return c, nil
}

// CaseForStaff returns any case of the municipality, with the masked
// JMBG and the other sensitive values decrypted into Private (the clerk
// needs the phone, e-mail or postal address to do the work), or an error
// of kind fault.ErrNotFound.
func (s *Service) CaseForStaff(ctx context.Context, municipality string, id int64) (*Case, error) {
	c, err := s.caseByID(ctx, s.store, id)
	if err != nil {
		return nil, err
	}
	if c.Municipality != municipality {
		return nil, errCaseNotFound
	}
	sealed, err := s.store.CasePrivate(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if c.Private, err = s.openPrivate(sealed); err != nil {
		return nil, err
	}
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	return c, nil
}

// NextStepsRecord is NextSteps as a conversation's record keeps it: with
// the sensitive values masked.
func (c *Case) NextStepsRecord() string {
	def, ok := Lookup(c.Form)
	if !ok || len(c.Private) == 0 {
		return c.NextSteps // built from Fields, already masked
	}
	return hideValues(c.NextSteps, def.sensitiveValues(c.Private))
}

// value is a field's value: in clear when c carries it, else as Fields
// show it.
func (c *Case) value(name string) string {
	if v, ok := c.Private[name]; ok {
		return v
	}
	return c.Fields[name]
}

// errCaseNotFound answers for a case that does not exist and for one the
// caller may not see alike.
var errCaseNotFound = fault.NotFound("Predmet nije pronađen.")

// NormalizeRef reads a reference number as a citizen may type it: Cyrillic
// (СО-КП-2026-000123), lower case, spaces instead of dashes.
func NormalizeRef(ref string) string {
	r := strings.ToUpper(serbian.ToLatin(strings.TrimSpace(ref)))
	r = strings.Join(strings.FieldsFunc(r, func(c rune) bool { return c == ' ' || c == '-' || c == '/' || c == '.' }), "-")
	return r
}

// CaseForCitizen returns the case with the reference number only to the
// citizen who filed it (same channel and channel user). Any other caller
// gets an error of kind fault.ErrNotFound, exactly as for a number that does not exist, so the
// answer never reveals whether a case exists.
func (s *Service) CaseForCitizen(ctx context.Context, municipality, ref, channel, channelUser string) (*Case, error) {
	c, err := s.store.CitizenCase(ctx, municipality, NormalizeRef(ref), channel, channelUser)
	if err != nil {
		return nil, err
	}
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	return c, nil
}

// CasesForCitizen returns the cases the channel user filed in the
// municipality, newest first, at most limit: a citizen asking after "my
// report" without its number is shown their own.
func (s *Service) CasesForCitizen(ctx context.Context, municipality, channel, channelUser string, limit int) ([]*Case, error) {
	cs, err := s.store.CitizenCases(ctx, municipality, channel, channelUser, limit)
	if err != nil {
		return nil, err
	}
	if m, err := s.reg.Get(municipality); err == nil {
		for _, c := range cs {
			s.describe(m, c)
		}
	}
	return cs, nil
}

// CaseEvents returns a case's status history, oldest first.
func (s *Service) CaseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	return s.store.CaseEvents(ctx, caseID)
}

// describe fills the body's name and the citizen's next steps: MIA's
// wording in m's variant, the values (names, addresses) as they are.
func (s *Service) describe(m *municipality.Municipality, c *Case) {
	var b strings.Builder
	switch c.Kind {
	case KindCommunalReport:
		body, _ := m.Body(c.BodyKey)
		c.BodyName = body.Name
		fmt.Fprintf(&b, m.Say("Prijava je zavedena pod brojem %s. Prosleđuje se nadležnom: %s"), c.Ref, body.Name)
		if body.Phone != "" {
			fmt.Fprintf(&b, m.Say(" (tel. %s)"), body.Phone)
		}
		b.WriteString(m.Say(". Kad se status promeni, javićemo vam se ovde. Status možete proveriti i sami: pošaljite broj prijave."))
	case KindInquiry:
		body, _ := m.Body(c.BodyKey)
		c.BodyName = body.Name
		fmt.Fprintf(&b, m.Say("Poruka je zavedena pod brojem %s i prosleđena: %s. Odgovorićemo Vam u radno vreme; kad se status promeni, javićemo Vam se ovde."), c.Ref, orDash(body.Name))
	case KindRegistryExtract:
		fmt.Fprintf(&b, m.Say("Zahtev je zaveden pod brojem %s."), c.Ref)
		if c.DueAt != nil {
			fmt.Fprintf(&b, m.Say(" Dokument se izdaje u roku od %d dana (najkasnije %s)."), ExtractDeadlineDays, c.DueAt.Format("02.01.2006."))
		}
		reg := civilRegistry(m)
		if c.FeeExempt {
			b.WriteString(" " + m.Say(reg.Exempt))
		} else {
			b.WriteString(" " + m.Say(feeText(m, reg.Fee, c.CreatedAt.Year())))
		}
		switch c.Fields["delivery"] {
		case "counter":
			fmt.Fprintf(&b, m.Say(" Dokument preuzimate lično u %s (%s), uz ličnu kartu i broj zahteva."), reg.Counter, m.Address)
		case "post":
			fmt.Fprintf(&b, m.Say(" Dokument šaljemo poštom na adresu: %s."), c.value("post_address"))
		case "electronic":
			fmt.Fprintf(&b, m.Say(" Dokument šaljemo elektronski na %s."), c.value("email"))
		}
	}
	c.NextSteps = b.String()
}

// LastFiled returns the case most recently filed from a conversation's
// draft, or an error of kind fault.ErrNotFound. The engine uses it for a
// confirmation that arrives after the draft was filed (a channel's
// redelivery, when Active is already nil): answer with this case instead
// of filing again.
func (s *Service) LastFiled(ctx context.Context, conversationID int64) (*Case, error) {
	id, err := s.store.LastFiledCaseID(ctx, conversationID)
	if err != nil {
		return nil, err
	}
	return s.caseByID(ctx, s.store, id)
}
