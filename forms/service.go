package forms

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
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
}

// Service runs forms: drafts, validation, submission, cases and the
// notification outbox.
type Service struct {
	store   Store
	reg     *municipality.Registry
	crypter *Crypter
	blobs   AttachmentStore
	now     func() time.Time
}

// NewService checks the configuration and returns a Service.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Municipalities == nil || cfg.Crypter == nil {
		return nil, errors.New("forms: Store, Municipalities and Crypter are required")
	}
	s := &Service{store: cfg.Store, reg: cfg.Municipalities, crypter: cfg.Crypter,
		blobs: cfg.Attachments, now: cfg.Now}
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

// StartInput starts a form in a conversation.
type StartInput struct {
	ConversationID int64
	Municipality   string // slug
	Channel        string
	ChannelUser    string
	Form           string // FormCommunalReport or FormRegistryExtract
}

// Input is one citizen turn inside a form. Values come from a model's
// tool call and may fill several fields at once; each is validated like
// typed text.
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
// is none.
func (s *Service) Active(ctx context.Context, conversationID int64) (*Draft, error) {
	rec, err := s.store.ActiveDraft(ctx, conversationID)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("active draft: %w", err)
	}
	d, err := s.openDraft(rec)
	if errors.Is(err, ErrUnreadable) {
		return s.discardDraft(ctx, rec.ID, err)
	}
	return d, err
}

// Start opens a draft of a form and returns its first question. When the
// conversation already has a form in progress, that one is resumed.
func (s *Service) Start(ctx context.Context, in StartInput) (*Step, error) {
	def, ok := Lookup(in.Form)
	if !ok {
		return nil, fault.Invalid("unknown form %q", in.Form)
	}
	m, err := s.reg.Get(in.Municipality)
	if err != nil {
		return nil, err
	}
	first := def.nextField(map[string]string{})
	err = s.store.CreateDraft(ctx, DraftRecord{ConversationID: in.ConversationID, Municipality: m.Slug, Form: def.Name,
		Channel: in.Channel, ChannelUser: in.ChannelUser, Status: DraftActive, Current: first.Name, Values: map[string]string{}})
	if err != nil {
		return nil, fmt.Errorf("start form: %w", err)
	}
	d, err := s.Active(ctx, in.ConversationID)
	if errors.Is(err, ErrDraftDiscarded) {
		// An unreadable draft stood in the way: it is gone, start afresh.
		if err = s.store.CreateDraft(ctx, DraftRecord{ConversationID: in.ConversationID, Municipality: m.Slug, Form: def.Name,
			Channel: in.Channel, ChannelUser: in.ChannelUser, Status: DraftActive, Current: first.Name, Values: map[string]string{}}); err == nil {
			d, err = s.Active(ctx, in.ConversationID)
		}
	}
	if err != nil || d == nil {
		return nil, cmp.Or(err, fmt.Errorf("start form: draft vanished"))
	}
	st := s.stepFor(m, d, nil)
	intro := def.Title + ". Obrazac možete u svakom trenutku otkazati."
	if d.Form != in.Form || len(d.values) > 0 {
		intro = "Nastavljamo započeti obrazac: " + mustDef(d.Form).Title + "."
	}
	st.Prompt = intro + "\n" + st.Prompt
	st.Record = intro + "\n" + st.Record
	return st, nil
}

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
// from post to counter: the address goes).
func (d *Definition) prune(values map[string]string) {
	for _, f := range d.Fields {
		if _, ok := values[f.Name]; ok && !f.applies(values) {
			delete(values, f.Name)
		}
	}
}

// Step applies one input to the draft and returns what to say next. The
// draft row is locked for the whole step, so concurrent inputs (a double
// click, a redelivered message) apply one after the other; a second
// confirmation returns the case the first one filed. A refused value
// changes nothing else. The draft passed may be stale: only its ID is
// used.
func (s *Service) Step(ctx context.Context, draft *Draft, in Input) (*Step, error) {
	var st *Step
	var cleanup []string // attachment blobs to delete after commit
	var muni string
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		st, cleanup, muni, err = s.step(ctx, tx, draft.ID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.deleteBlobs(ctx, muni, cleanup)
	if st == nil {
		return nil, fmt.Errorf("%w: draft %d", ErrDraftDiscarded, draft.ID)
	}
	if st.Record == "" {
		st.Record = st.Prompt // a step that echoes no value (a menu, a cancel)
	}
	return st, nil
}

// step is Step inside its transaction. It returns what to say, the blob
// keys to delete once committed and the draft's municipality; no step and
// no error means the draft could not be read and was deleted.
func (s *Service) step(ctx context.Context, tx Tx, draftID int64, in Input) (*Step, []string, string, error) {
	rec, err := tx.LockDraft(ctx, draftID)
	if err != nil {
		return nil, nil, "", err
	}
	d, err := s.openDraft(rec)
	if errors.Is(err, ErrUnreadable) {
		cleanup, err := s.deleteDraft(ctx, tx, &Draft{ID: rec.ID})
		return nil, cleanup, rec.Municipality, err
	}
	if err != nil {
		return nil, nil, "", err
	}
	m, err := s.reg.Get(d.Municipality)
	if err != nil {
		return nil, nil, "", err
	}
	if d.Status == DraftSubmitted {
		c, err := s.caseByID(ctx, tx, d.CaseID)
		if err != nil {
			return nil, nil, "", err
		}
		return s.filedStep(m, d, c), nil, m.Slug, nil
	}
	def := mustDef(d.Form)
	payload := strings.TrimSpace(in.Payload)
	if payload == "" && len(in.Values) == 0 && in.Location == nil && len(in.Attachments) == 0 {
		payload = typedCommand(in.Text, d.Status)
	}
	var errs []FieldError
	switch {
	case payload == PayloadCancel:
		cleanup, err := s.deleteDraft(ctx, tx, d)
		if err != nil {
			return nil, nil, "", err
		}
		return &Step{DraftID: d.ID, Form: d.Form, Done: true, Cancelled: true,
			Prompt: "Obrazac je otkazan. Ništa nije poslato ni sačuvano."}, cleanup, m.Slug, nil
	case payload == PayloadConfirm:
		if d.Status != DraftConfirming {
			break // nothing to confirm yet: ask the current question again
		}
		c, err := s.submit(ctx, tx, m, def, d)
		if err != nil {
			return nil, nil, "", err
		}
		return s.filedStep(m, d, c), nil, m.Slug, nil
	case payload == PayloadChange:
		return s.changeMenu(def, d), nil, m.Slug, nil
	case strings.HasPrefix(payload, PayloadChangeField):
		name := strings.TrimPrefix(payload, PayloadChangeField)
		f, ok := def.Field(name)
		if !ok || !f.applies(d.values) {
			return s.changeMenu(def, d), nil, m.Slug, nil
		}
		var cleanup []string
		if f.Type == TypeAttachments {
			if cleanup, err = tx.DropDraftAttachments(ctx, d.ID); err != nil {
				return nil, nil, "", err
			}
			delete(d.values, f.Name)
		}
		d.Status, d.Current = DraftActive, f.Name
		if err := s.saveDraft(ctx, tx, def, d); err != nil {
			return nil, nil, "", err
		}
		return s.stepFor(m, d, nil), cleanup, m.Slug, nil
	case payload == PayloadSkip:
		if f, ok := def.Field(d.Current); ok && f.Optional {
			if _, answered := d.values[f.Name]; !answered {
				d.values[f.Name] = ""
			}
		}
	case strings.HasPrefix(payload, PayloadSet):
		name, value, _ := strings.Cut(strings.TrimPrefix(payload, PayloadSet), "=")
		errs = s.applyValues(m, def, d, map[string]string{name: value})
	case len(in.Values) > 0:
		errs = s.applyValues(m, def, d, in.Values)
	default:
		errs, err = s.applyCurrent(ctx, tx, m, def, d, in)
		if err != nil {
			return nil, nil, "", err
		}
	}
	s.advance(def, d)
	if err := s.saveDraft(ctx, tx, def, d); err != nil {
		return nil, nil, "", err
	}
	return s.stepFor(m, d, errs), nil, m.Slug, nil
}

// typedCommand maps typed words to the buttons' payloads, so a citizen
// without buttons can confirm, change or cancel.
func typedCommand(text string, status DraftStatus) string {
	switch k := fold(strings.TrimRight(text, ".!")); k {
	case "otkazi", "odustani", "odustajem", "prekini", "cancel":
		return PayloadCancel
	case "izmeni", "promeni", "izmena":
		return PayloadChange
	case "potvrdi", "potvrdjujem", "potvrdujem", "posalji":
		if status == DraftConfirming {
			return PayloadConfirm
		}
	case "da", "tacno", "jeste":
		if status == DraftConfirming {
			return PayloadConfirm
		}
	case "ne", "nije":
		if status == DraftConfirming {
			return PayloadChange
		}
	case "preskoci":
		return PayloadSkip
	}
	return ""
}

// advance moves the draft to its next unanswered field, or to the summary.
func (s *Service) advance(def *Definition, d *Draft) {
	def.prune(d.values)
	if f, ok := def.Field(d.Current); ok && d.Status == DraftActive {
		if _, answered := d.values[f.Name]; !answered && f.applies(d.values) {
			return // still asking the same field (a refused value)
		}
	}
	if next := def.nextField(d.values); next != nil {
		d.Status, d.Current = DraftActive, next.Name
		return
	}
	d.Status, d.Current = DraftConfirming, ""
}

func (s *Service) saveDraft(ctx context.Context, tx Tx, def *Definition, d *Draft) error {
	stored, err := s.storedValues(def, d.values)
	if err != nil {
		return err
	}
	rec := DraftRecord{ID: d.ID, ConversationID: d.ConversationID, Municipality: d.Municipality, Form: d.Form,
		Channel: d.Channel, ChannelUser: d.ChannelUser, Status: d.Status, Current: d.Current, CaseID: d.CaseID, Values: stored}
	if err := tx.SaveDraft(ctx, rec); err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// deleteDraft removes a cancelled draft and its attachments' metadata and
// returns the blob keys to delete once the transaction commits.
func (s *Service) deleteDraft(ctx context.Context, tx Tx, d *Draft) ([]string, error) {
	keys, err := tx.DropDraftAttachments(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if err := tx.DeleteDraft(ctx, d.ID); err != nil {
		return nil, fmt.Errorf("cancel draft: %w", err)
	}
	return keys, nil
}

// deleteBlobs is best effort: a blob left behind by a failure is
// unreachable (no metadata row points at it) and holds no case.
func (s *Service) deleteBlobs(ctx context.Context, municipality string, keys []string) {
	for _, k := range keys {
		_ = s.blobs.Delete(ctx, municipality, k)
	}
}
