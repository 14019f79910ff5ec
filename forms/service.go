package forms

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
)

// Button payloads.
const (
	PayloadConfirm = "form:confirm"
	PayloadChange  = "form:change"
	PayloadCancel  = "form:cancel"
	PayloadSkip    = "form:skip"
	// PayloadChangeField + field name picks the field to change.
	PayloadChangeField = "form:change:"
	// PayloadSet + "field=value" answers a choice or yes/no field.
	PayloadSet = "form:set:"
)

// Config is what a Service needs.
type Config struct {
	Store          Store // required: postgres/casestore in production
	Municipalities *municipality.Registry
	Crypter        *Crypter // required: encrypts the JMBG
	// Attachments keeps attachment bytes; nil: the Store, which must then
	// implement AttachmentStore too (postgres/casestore does).
	Attachments AttachmentStore
	Now         func() time.Time
	// DraftTTL is how long a form left unfinished is kept after its last
	// answer (0: DefaultDraftTTL).
	DraftTTL time.Duration
}

// Service runs forms: drafts, validation, submission, cases and the
// notification outbox.
type Service struct {
	store   Store
	reg     *municipality.Registry
	crypter *Crypter
	blobs   AttachmentStore
	now     func() time.Time
	ttl     time.Duration
}

// NewService checks the configuration and returns a Service.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Municipalities == nil || cfg.Crypter == nil {
		return nil, errors.New("forms: Store, Municipalities and Crypter are required")
	}
	if err := checkCivilRegistries(cfg.Municipalities); err != nil {
		return nil, err
	}
	if cfg.DraftTTL < 0 {
		return nil, fmt.Errorf("forms: DraftTTL %v is negative", cfg.DraftTTL)
	}
	s := &Service{store: cfg.Store, reg: cfg.Municipalities, crypter: cfg.Crypter,
		blobs: cfg.Attachments, now: cfg.Now, ttl: cmp.Or(cfg.DraftTTL, DefaultDraftTTL)}
	if s.blobs == nil {
		blobs, ok := cfg.Store.(AttachmentStore)
		if !ok {
			return nil, errors.New("forms: Attachments is required when the Store keeps no attachment bytes")
		}
		s.blobs = blobs
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Button is a quick reply offered with a step.
type Button struct {
	Label   string `json:"label"`
	Payload string `json:"payload"`
}

// Step is what to say after a form input: the next question or the
// summary, the refused values explained, or the filed case.
type Step struct {
	DraftID int64       `json:"draft_id"`
	Form    string      `json:"form"`
	Status  DraftStatus `json:"status"` // "" after a cancel
	// Field is the field being asked; "" at the summary and when done.
	Field   string       `json:"field,omitempty"`
	Prompt  string       `json:"prompt"` // everything to say, Serbian Latin
	Buttons []Button     `json:"buttons,omitempty"`
	Errors  []FieldError `json:"errors,omitempty"`
	Summary string       `json:"summary,omitempty"`
	// Record is Prompt as a conversation's record keeps it: sensitive
	// values the citizen gave (name, phone, e-mail, address) masked. The
	// live reply may show Prompt; only Record is stored.
	Record string `json:"-"`
	// Case is the filed case, once confirmed (also on a repeated confirm).
	Case *Case `json:"case,omitempty"`
	// Done means the conversation leaves the form (filed or cancelled).
	Done      bool `json:"done"`
	Cancelled bool `json:"cancelled,omitempty"`
}

// StartInput starts a form in a conversation, pre-filled with what the
// opening message carried: the form asks only for what is missing.
type StartInput struct {
	ConversationID int64
	Municipality   string // slug
	Channel        string
	ChannelUser    string
	Form           string // FormCommunalReport or FormRegistryExtract
	// Values are fields understood from the opening message (slots keyed
	// by field name, or a model's tool call), validated like typed
	// answers. A refused value the citizen clearly gave (a JMBG, a phone,
	// an e-mail) is explained in the first step; any other value that
	// does not validate is dropped quietly and its question asked.
	Values map[string]string
	// Location and Attachments sent with the opening message fill the
	// form's location and attachments fields.
	Location    *Location
	Attachments []Attachment
}

// Input is one citizen turn inside a form. Values (from understanding the
// message, a model's tool call or a button) are applied first and may
// fill several fields at once or correct answered ones, at any step, the
// summary included; each is validated like typed text. Text then answers
// the field being asked, unless the Values filled it. A photo or a
// location goes to its own field whatever is being asked.
type Input struct {
	Text        string
	Payload     string
	Location    *Location
	Attachments []Attachment
	Values      map[string]string
}

// openDraft decrypts a stored draft.
func (s *Service) openDraft(rec *DraftRecord) (*Draft, error) {
	def, ok := Lookup(rec.Form)
	if !ok {
		return nil, fmt.Errorf("draft %d: unknown form %q", rec.ID, rec.Form)
	}
	d := &Draft{ID: rec.ID, ConversationID: rec.ConversationID, Municipality: rec.Municipality, Form: rec.Form,
		Channel: rec.Channel, ChannelUser: rec.ChannelUser, Status: rec.Status, Current: rec.Current, CaseID: rec.CaseID}
	var err error
	if d.values, err = s.openValues(def, rec.Values); err != nil {
		return nil, err
	}
	return d, nil
}

// Active returns the conversation's form in progress, or nil when there
// is none. A draft idle for longer than the TTL is deleted with its data
// and media, and ErrDraftExpired returned, once: the next call returns
// nil (also when the retention job deleted it first).
func (s *Service) Active(ctx context.Context, conversationID int64) (*Draft, error) {
	rec, err := s.store.ActiveDraft(ctx, conversationID)
	if errors.Is(err, fault.ErrNotFound) {
		expired, err := s.store.TakeDraftExpiry(ctx, conversationID)
		if err != nil {
			return nil, fmt.Errorf("active draft: %w", err)
		}
		if expired {
			return nil, ErrDraftExpired
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("active draft: %w", err)
	}
	if s.stale(rec) {
		return s.expireDraft(ctx, rec.ID)
	}
	d, err := s.openDraft(rec)
	if errors.Is(err, ErrUnreadable) {
		return s.discardDraft(ctx, rec.ID, err)
	}
	return d, err
}

// DraftTTL is how long a form left unfinished is kept after its last
// answer (for telling the citizen).
func (s *Service) DraftTTL() time.Duration { return s.ttl }

func mustDef(name string) *Definition {
	d, ok := Lookup(name)
	if !ok {
		panic("forms: unknown form " + name)
	}
	return d
}

// nextField is the first field that applies and is not answered yet, or
// nil when the form is complete.
func (d *Definition) nextField(values map[string]string) *Field {
	for i := range d.Fields {
		f := &d.Fields[i]
		if _, answered := values[f.Name]; !answered && f.applies(values) {
			return f
		}
	}
	return nil
}

// fieldOfType returns the first field of a type, or nil.
func (d *Definition) fieldOfType(t FieldType) *Field {
	for i := range d.Fields {
		if d.Fields[i].Type == t {
			return &d.Fields[i]
		}
	}
	return nil
}

// prune drops the answers of fields that no longer apply (delivery changed
// from post to counter: the address goes). An answer whose condition is
// not decided yet stays, unless it is personal data: "izvod na
// međunarodnom obrascu" said before the register is named is the form
// once it is, but a phone in a report's description is no contact before
// the citizen consents to be contacted.
func (d *Definition) prune(values map[string]string) {
	for _, f := range d.Fields {
		if _, ok := values[f.Name]; ok && !f.applies(values) && (f.Sensitive || f.decided(values)) {
			delete(values, f.Name)
		}
	}
}

// pruneAll drops the answers of every field that does not apply, decided
// or not: what is filed holds only what the request is.
func (d *Definition) pruneAll(values map[string]string) {
	for _, f := range d.Fields {
		if _, ok := values[f.Name]; ok && !f.applies(values) {
			delete(values, f.Name)
		}
	}
}
