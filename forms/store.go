package forms

import (
	"context"
	"time"
)

// Store is the data access forms needs: drafts, reference counters,
// cases, their events and attachments' metadata, and the notification
// outbox. It holds no rule: validation, status transitions, where a case
// may go, reference numbers and what the citizen is told are decided in
// forms; a Store reads and writes rows. A lookup of a missing row returns
// an error of kind fault.ErrNotFound. postgres/casestore implements it.
type Store interface {
	// InTx runs fn in one transaction: committed when fn returns nil,
	// rolled back when it returns an error (which InTx returns).
	InTx(ctx context.Context, fn func(Tx) error) error

	// CreateDraft stores a new draft, unless the conversation already has
	// one that is not submitted: then it does nothing (no error).
	CreateDraft(ctx context.Context, d DraftRecord) error
	// ActiveDraft returns the conversation's draft that is not submitted.
	ActiveDraft(ctx context.Context, conversationID int64) (*DraftRecord, error)
	// TakeDraftExpiry deletes the note DropStaleDrafts left for the
	// conversation and reports whether there was one.
	TakeDraftExpiry(ctx context.Context, conversationID int64) (bool, error)
	// LastFiledCaseID returns the case of the conversation's most recently
	// submitted draft.
	LastFiledCaseID(ctx context.Context, conversationID int64) (int64, error)

	// Case returns a case by id.
	Case(ctx context.Context, id int64) (*Case, error)
	// CitizenCase returns the case with the reference number filed by
	// the channel user (all four must match).
	CitizenCase(ctx context.Context, municipality, ref, channel, channelUser string) (*Case, error)
	// CitizenCases returns the cases the channel user filed in the
	// municipality, newest first, at most limit.
	CitizenCases(ctx context.Context, municipality, channel, channelUser string, limit int) ([]*Case, error)
	// CaseByRef returns the municipality's case with the reference number.
	CaseByRef(ctx context.Context, municipality, ref string) (*Case, error)
	// CasePrivate returns a case's encrypted sensitive values other than
	// the JMBG, as InsertCase stored them (nil: none).
	CasePrivate(ctx context.Context, id int64) ([]byte, error)
	// CaseEvents returns a case's events, oldest first.
	CaseEvents(ctx context.Context, caseID int64) ([]CaseEvent, error)
	// FindCases returns the cases in scope matching f, newest first, at
	// most f.Limit.
	FindCases(ctx context.Context, scope CaseScope, f CaseFilter) ([]CaseRow, error)
	// CaseAttachments lists a case's attachments (metadata), by id.
	CaseAttachments(ctx context.Context, municipality string, caseID int64) ([]AttachmentInfo, error)
	// CaseAttachment returns one attachment of a case (metadata).
	CaseAttachment(ctx context.Context, municipality string, caseID, attachmentID int64) (*AttachmentInfo, error)
	// CaseStats returns the municipality's case figures, all time.
	CaseStats(ctx context.Context, municipality string) (*Stats, error)

	OutboxStore
}

// Tx is the data access of one transaction of a Store. Its methods must
// not be used after the function given to InTx has returned.
type Tx interface {
	// LockDraft returns a draft and holds its row lock until the
	// transaction ends, so inputs to one draft apply one after the other.
	LockDraft(ctx context.Context, id int64) (*DraftRecord, error)
	// SaveDraft writes a draft's status, current field, values and case.
	SaveDraft(ctx context.Context, d DraftRecord) error
	// DeleteDraft removes a draft.
	DeleteDraft(ctx context.Context, id int64) error
	// AddAttachment records an attachment of a draft (a.DraftID).
	AddAttachment(ctx context.Context, a AttachmentInfo) error
	// DropDraftAttachments removes the metadata of a draft's attachments
	// not yet filed with a case and returns their storage keys.
	DropDraftAttachments(ctx context.Context, draftID int64) ([]string, error)
	// MoveAttachments gives a draft's unfiled attachments to a case.
	MoveAttachments(ctx context.Context, draftID, caseID int64) error

	// NextCaseNumber increments and returns the counter of (municipality,
	// kind, year), starting at 1; the counter row stays locked until the
	// transaction ends, so numbers are never given twice.
	NextCaseNumber(ctx context.Context, municipality, kind string, year int) (int, error)
	// InsertCase stores a new case (its CreatedAt and UpdatedAt as given)
	// with the encrypted JMBG and the encrypted other sensitive values
	// (PurposePrivate; nil: none) and sets c.ID. c.Private is not stored.
	InsertCase(ctx context.Context, c *Case, jmbgEnc, privateEnc []byte) error
	// Case returns a case by id.
	Case(ctx context.Context, id int64) (*Case, error)
	// LockCase returns a case and holds its row lock until the transaction
	// ends.
	LockCase(ctx context.Context, id int64) (*Case, error)
	// UpdateCase writes a case's status, body and UpdatedAt.
	UpdateCase(ctx context.Context, c *Case) error
	// InsertEvent records an event (From "" is none) and sets e.ID.
	InsertEvent(ctx context.Context, municipality string, e *CaseEvent) error
	// InsertNotification queues a pending notification.
	InsertNotification(ctx context.Context, n Notification) error
}

// OutboxStore is the outbox's data access: what channel workers read.
type OutboxStore interface {
	// PendingNotifications returns up to limit unsent notifications for a
	// channel, oldest first.
	PendingNotifications(ctx context.Context, channel string, limit int) ([]Notification, error)
	// MarkNotificationSent records that a notification was delivered.
	MarkNotificationSent(ctx context.Context, id int64) error
}

// DraftRecord is a draft as stored: sensitive values are encrypted
// ("enc:" + base64), so a Store never sees them in clear.
type DraftRecord struct {
	ID             int64
	ConversationID int64
	Municipality   string
	Form           string
	Channel        string
	ChannelUser    string
	Status         DraftStatus
	Current        string
	CaseID         int64 // 0: none
	Values         map[string]string
	// UpdatedAt is the draft's last activity: read from the row; written
	// as given by forms (its clock), or the database's now() when zero.
	UpdatedAt time.Time
}

// AttachmentInfo is an attachment's metadata; its bytes live in the
// AttachmentStore under StorageKey.
type AttachmentInfo struct {
	ID           int64
	Municipality string
	DraftID      int64 // 0: none
	CaseID       int64 // 0: not filed yet
	StorageKey   string
	MIME         string
	Size         int64
	Name         string
}

// CaseScope is the cases a caller may see: a municipality's, and only
// one body's when Body is set.
type CaseScope struct {
	Municipality string
	Body         string // "": every body
}

// CaseFilter narrows a list of cases; zero values do not filter.
type CaseFilter struct {
	Status   string
	Category string
	Body     string
	From, To time.Time // filing date, inclusive days
	Limit    int       // 0 or above MaxCaseList: MaxCaseList
}

// MaxCaseList is the longest list FindCases returns.
const MaxCaseList = 500

// CaseRow is one line of a list of cases (no personal data).
type CaseRow struct {
	ID        int64
	Ref       string
	Kind      string
	Status    CaseStatus
	Category  string
	BodyKey   string
	BodyName  string // filled by Service.FindCases
	CreatedAt time.Time
}

// Count is a number of cases with one key (a form, a category, a body).
type Count struct {
	Key string
	N   int64
}

// Stats are a municipality's case figures, all time.
type Stats struct {
	Forms      []Count // cases by form, most first, then by key
	Categories []Count // cases with a category by category, most first, then by key
	Bodies     []Count // cases with a body by body, most first, then by key
	Resolved   int64   // cases with a resolved event
	// MedianResolve is the median time from filing to the first resolved
	// event; 0 when no case is resolved.
	MedianResolve time.Duration
}
