package forms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
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
	ID           int64             `json:"id"`
	Municipality string            `json:"municipality"`
	Ref          string            `json:"ref"` // e.g. SO-KP-2026-000123
	Kind         string            `json:"kind"`
	Form         string            `json:"form"`
	Status       CaseStatus        `json:"status"`
	BodyKey      string            `json:"body_key,omitempty"`
	BodyName     string            `json:"body_name,omitempty"`
	Fields       map[string]string `json:"fields"` // JMBG not included
	JMBGMasked   string            `json:"jmbg_masked,omitempty"`
	FeeExempt    bool              `json:"fee_exempt"`
	DueAt        *time.Time        `json:"due_at,omitempty"`
	Channel      string            `json:"channel"`
	ChannelUser  string            `json:"channel_user"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
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

// ExtractDeadlineDays is the legal deadline for issuing an extract.
const ExtractDeadlineDays = 8

// submit files the draft as a case inside tx: the next reference number
// (counter row locked by the upsert), the case, its first event, the
// attachments moved over, and the draft marked submitted. The caller
// holds the draft row lock, so this runs once per draft.
func (s *Service) submit(ctx context.Context, tx pgx.Tx, m *municipality.Municipality, def *Definition, d *Draft) (*Case, error) {
	now := s.now()
	def.prune(d.values)
	// Validate once more: the definition or the clock may have moved on
	// since the values were given.
	for _, f := range def.Fields {
		v, ok := d.values[f.Name]
		if !ok || f.Type == TypeAttachments || (v == "" && f.Optional) || !f.applies(d.values) {
			continue
		}
		if f.Type == TypeJMBG {
			if err := ValidateJMBG(v, now); err != nil {
				return nil, fmt.Errorf("%w: %s", ErrInvalid, err)
			}
		}
	}
	year := now.Year()
	var n int
	err := tx.QueryRow(ctx, `
		INSERT INTO case_counters (municipality, kind, year, last) VALUES ($1, $2, $3, 1)
		ON CONFLICT (municipality, kind, year) DO UPDATE SET last = case_counters.last + 1
		RETURNING last`, m.Slug, def.Kind, year).Scan(&n)
	if err != nil {
		return nil, fmt.Errorf("next reference number: %w", err)
	}
	c := &Case{Municipality: m.Slug, Ref: FormatRef(m.RefPrefix, def.Kind, year, n), Kind: def.Kind, Form: def.Name,
		Status: StatusReceived, Fields: map[string]string{}, Channel: d.Channel, ChannelUser: d.ChannelUser}
	var jmbgEnc []byte
	for _, f := range def.Fields {
		v, ok := d.values[f.Name]
		if !ok {
			continue
		}
		if f.Type == TypeJMBG {
			if jmbgEnc, err = s.crypter.Encrypt("jmbg", []byte(v)); err != nil {
				return nil, err
			}
			c.JMBGMasked = MaskJMBG(v)
			continue
		}
		c.Fields[f.Name] = v
		if f.Type == TypeChoice {
			if o, ok := f.Option(v); ok && o.FeeExempt {
				c.FeeExempt = true
			}
		}
	}
	if def.Kind == "KP" {
		body, ok := m.BodyFor(c.Fields["category"], c.Fields["village"] == "yes")
		if ok {
			c.BodyKey = body.Key
		}
	} else {
		due := time.Date(now.Year(), now.Month(), now.Day()+ExtractDeadlineDays, 0, 0, 0, 0, time.UTC)
		c.DueAt = &due
	}
	fields, err := json.Marshal(c.Fields)
	if err != nil {
		return nil, err
	}
	var masked *string
	if c.JMBGMasked != "" {
		masked = &c.JMBGMasked
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO cases (municipality, ref, kind, form, status, body_key, fields, jmbg_enc, jmbg_masked, fee_exempt, due_at, channel, channel_user, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 'received', $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
		RETURNING id`, m.Slug, c.Ref, c.Kind, c.Form, c.BodyKey, fields, jmbgEnc, masked, c.FeeExempt, c.DueAt,
		c.Channel, c.ChannelUser, now).Scan(&c.ID)
	if err != nil {
		return nil, fmt.Errorf("file case: %w", err)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO case_events (municipality, case_id, from_status, to_status, actor, note, created_at)
		VALUES ($1, $2, NULL, 'received', 'citizen', $3, $4)`, m.Slug, c.ID, "podneto kanalom "+d.Channel, now); err != nil {
		return nil, fmt.Errorf("record case event: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE case_attachments SET case_id = $2 WHERE draft_id = $1 AND case_id IS NULL`, d.ID, c.ID); err != nil {
		return nil, fmt.Errorf("attach files: %w", err)
	}
	// The draft keeps no personal data once filed: the case has it.
	if _, err := tx.Exec(ctx, `UPDATE form_drafts SET status = 'submitted', case_id = $2, current_field = '', field_values = '{}', updated_at = now() WHERE id = $1`, d.ID, c.ID); err != nil {
		return nil, fmt.Errorf("mark draft submitted: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = now, now
	s.describe(m, c)
	return c, nil
}

const caseCols = `id, municipality, ref, kind, form, status, body_key, fields, coalesce(jmbg_masked, ''), fee_exempt, due_at, channel, channel_user, created_at, updated_at`

func scanCase(row pgx.Row) (*Case, error) {
	var c Case
	var raw []byte
	err := row.Scan(&c.ID, &c.Municipality, &c.Ref, &c.Kind, &c.Form, &c.Status, &c.BodyKey, &raw, &c.JMBGMasked,
		&c.FeeExempt, &c.DueAt, &c.Channel, &c.ChannelUser, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read case: %w", err)
	}
	if err := json.Unmarshal(raw, &c.Fields); err != nil {
		return nil, fmt.Errorf("case %d fields: %w", c.ID, err)
	}
	return &c, nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Service) caseByID(ctx context.Context, q querier, id int64) (*Case, error) {
	c, err := scanCase(q.QueryRow(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id))
	if err != nil {
		return nil, err
	}
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	return c, nil
}

// CaseForStaff returns any case of the municipality, with the masked JMBG.
func (s *Service) CaseForStaff(ctx context.Context, municipality string, id int64) (*Case, error) {
	c, err := s.caseByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if c.Municipality != municipality {
		return nil, ErrNotFound
	}
	return c, nil
}

// NormalizeRef reads a reference number as a citizen may type it: Cyrillic
// (СО-КП-2026-000123), lower case, spaces instead of dashes.
func NormalizeRef(ref string) string {
	r := strings.ToUpper(serbian.ToLatin(strings.TrimSpace(ref)))
	r = strings.Join(strings.FieldsFunc(r, func(c rune) bool { return c == ' ' || c == '-' || c == '/' || c == '.' }), "-")
	return r
}

// CaseForCitizen returns the case with the reference number only to the
// citizen who filed it (same channel and channel user). Any other caller
// gets ErrNotFound, exactly as for a number that does not exist, so the
// answer never reveals whether a case exists.
func (s *Service) CaseForCitizen(ctx context.Context, municipality, ref, channel, channelUser string) (*Case, error) {
	c, err := scanCase(s.db.QueryRow(ctx, `
		SELECT `+caseCols+` FROM cases
		WHERE municipality = $1 AND ref = $2 AND channel = $3 AND channel_user = $4`,
		municipality, NormalizeRef(ref), channel, channelUser))
	if err != nil {
		return nil, err
	}
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	return c, nil
}

// CaseEvents returns a case's status history, oldest first.
func (s *Service) CaseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error) {
	rows, err := s.db.Query(ctx, `
		SELECT id, case_id, coalesce(from_status, ''), to_status, actor, note, created_at
		FROM case_events WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CaseEvent, error) {
		var e CaseEvent
		err := r.Scan(&e.ID, &e.CaseID, &e.From, &e.To, &e.Actor, &e.Note, &e.CreatedAt)
		return e, err
	})
}

// ChangeStatus moves a case to another status (allowed transitions only,
// else ErrInvalid), records who and why in case_events, and calls the
// Notifier inside the same transaction: the change and the citizen's
// notification commit together or not at all.
func (s *Service) ChangeStatus(ctx context.Context, caseID int64, to CaseStatus, actor, note string) (*Case, error) {
	if strings.TrimSpace(actor) == "" {
		return nil, fmt.Errorf("%w: actor is required", ErrInvalid)
	}
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	c, err := scanCase(tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1 FOR UPDATE`, caseID))
	if err != nil {
		return nil, err
	}
	if !CanTransition(c.Status, to) {
		return nil, fmt.Errorf("%w: case %s cannot go from %s to %s", ErrInvalid, c.Ref, c.Status, to)
	}
	now := s.now()
	e := CaseEvent{CaseID: c.ID, From: c.Status, To: to, Actor: actor, Note: note, CreatedAt: now}
	if err := tx.QueryRow(ctx, `
		INSERT INTO case_events (municipality, case_id, from_status, to_status, actor, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		c.Municipality, c.ID, c.Status, to, actor, note, now).Scan(&e.ID); err != nil {
		return nil, fmt.Errorf("record case event: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE cases SET status = $2, updated_at = $3 WHERE id = $1`, c.ID, to, now); err != nil {
		return nil, fmt.Errorf("change case status: %w", err)
	}
	c.Status, c.UpdatedAt = to, now
	if m, err := s.reg.Get(c.Municipality); err == nil {
		s.describe(m, c)
	}
	if err := s.notifier.Notify(ctx, tx, c, e); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// describe fills the body's name and the citizen's next steps.
func (s *Service) describe(m *municipality.Municipality, c *Case) {
	var b strings.Builder
	switch c.Kind {
	case "KP":
		body, _ := m.Body(c.BodyKey)
		c.BodyName = body.Name
		fmt.Fprintf(&b, "Prijava je zavedena pod brojem %s. Prosleđuje se nadležnom: %s", c.Ref, body.Name)
		if body.Phone != "" {
			fmt.Fprintf(&b, " (tel. %s)", body.Phone)
		}
		b.WriteString(". Kad se status promeni, javićemo vam se ovde. Status možete proveriti i sami: pošaljite broj prijave.")
	case "IZ":
		fmt.Fprintf(&b, "Zahtev je zaveden pod brojem %s.", c.Ref)
		if c.DueAt != nil {
			fmt.Fprintf(&b, " Dokument se izdaje u roku od %d dana (najkasnije %s).", ExtractDeadlineDays, c.DueAt.Format("02.01.2006."))
		}
		if c.FeeExempt {
			b.WriteString(" Za navedenu svrhu ne plaća se republička administrativna taksa (oslobođenje po Zakonu o republičkim administrativnim taksama); svrhu ćete možda morati da dokažete.")
		} else {
			fmt.Fprintf(&b, " Plaća se republička administrativna taksa za %d. godinu: iznos proverite u važećoj tarifi Zakona o republičkim administrativnim taksama ili na info-pultu (%s); uplata na račun 840-742221843-57, model 97.", c.CreatedAt.Year(), m.Phone)
		}
		switch c.Fields["delivery"] {
		case "counter":
			fmt.Fprintf(&b, " Dokument preuzimate lično u Gradskom uslužnom centru, šalter 8 (%s), uz ličnu kartu i broj zahteva.", m.Address)
		case "post":
			fmt.Fprintf(&b, " Dokument šaljemo poštom na adresu: %s.", c.Fields["post_address"])
		case "electronic":
			fmt.Fprintf(&b, " Dokument šaljemo elektronski na %s.", c.Fields["email"])
		}
	}
	c.NextSteps = b.String()
}

// LastFiled returns the case most recently filed from a conversation's
// draft, or ErrNotFound. The engine uses it for a confirmation that
// arrives after the draft was filed (a channel's redelivery, when Active
// is already nil): answer with this case instead of filing again.
func (s *Service) LastFiled(ctx context.Context, conversationID int64) (*Case, error) {
	var id int64
	err := s.db.QueryRow(ctx, `
		SELECT case_id FROM form_drafts WHERE conversation_id = $1 AND status = 'submitted'
		ORDER BY updated_at DESC, id DESC LIMIT 1`, conversationID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return s.caseByID(ctx, s.db, id)
}
