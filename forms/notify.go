package forms

import (
	"context"
	"fmt"

	"github.com/miasrbija/mia/municipality"
)

// The notification outbox: every change a citizen must hear about (a
// status change, a new responsible body) queues a pending row in the
// transaction of the change, so the two commit together. A channel worker
// reads the pending rows of its channel (Service.PendingNotifications or
// Outbox.Pending), sends each message in the citizen's script and marks it
// sent; a crash between sending and marking sends a message twice, never
// loses one.

// enqueue queues text for the citizen who filed c, inside tx.
func (s *Service) enqueue(ctx context.Context, tx Tx, c *Case, eventID int64, text string) error {
	err := tx.InsertNotification(ctx, Notification{Municipality: c.Municipality, CaseID: c.ID, EventID: eventID,
		Channel: c.Channel, ChannelUser: c.ChannelUser, Text: text})
	if err != nil {
		return fmt.Errorf("enqueue notification: %w", err)
	}
	return nil
}

// StatusMessage is the citizen's message about a status change: the
// sentence StatusText reads for the new status, and the staff's note (as
// staff wrote it). m is the case's municipality, for its variant.
func StatusMessage(m *municipality.Municipality, c *Case, e CaseEvent) string {
	cc := *c
	cc.Status = e.To
	msg := StatusText(m, &cc)
	if e.Note != "" {
		msg += " Napomena: " + e.Note
	}
	return msg
}

// RerouteMessage tells the citizen their case went to another body.
func RerouteMessage(m *municipality.Municipality, c *Case, bodyName string) string {
	noun, fem := caseNoun(c.Kind)
	return fmt.Sprintf("%s %s je %s %s.", m.Say(noun), c.Ref, m.Say(statePhrase(StatusForwarded, fem)), toBody(m, bodyName))
}

// Notification is one message to a citizen about their case.
type Notification struct {
	ID           int64
	Municipality string
	CaseID       int64
	EventID      int64 // the change it tells about
	Channel      string
	ChannelUser  string
	Text         string // Serbian Latin
}

// PendingNotifications returns up to limit unsent notifications for a
// channel, oldest first. It takes no lock: run one worker per channel.
func (s *Service) PendingNotifications(ctx context.Context, channel string, limit int) ([]Notification, error) {
	return Outbox{Store: s.store}.Pending(ctx, channel, limit)
}

// MarkNotificationSent records that a notification was delivered.
func (s *Service) MarkNotificationSent(ctx context.Context, id int64) error {
	return Outbox{Store: s.store}.MarkSent(ctx, id)
}

// Outbox is the outbox for a channel worker that needs no Service (and so
// no encryption key): Outbox{Store: casestore.New(db)}.
type Outbox struct {
	Store OutboxStore
}

// Pending returns up to limit unsent notifications for a channel, oldest
// first. It takes no lock: run one worker per channel.
func (o Outbox) Pending(ctx context.Context, channel string, limit int) ([]Notification, error) {
	if limit <= 0 {
		return nil, nil
	}
	n, err := o.Store.PendingNotifications(ctx, channel, limit)
	if err != nil {
		return nil, fmt.Errorf("pending notifications: %w", err)
	}
	return n, nil
}

// MarkSent records that a notification was delivered.
func (o Outbox) MarkSent(ctx context.Context, id int64) error {
	if err := o.Store.MarkNotificationSent(ctx, id); err != nil {
		return fmt.Errorf("mark notification %d sent: %w", id, err)
	}
	return nil
}
