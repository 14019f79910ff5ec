package forms

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/miasrbija/mia/postgres"
)

// Notifier tells the citizen about a status change. Notify runs inside the
// transaction of the change (tx), so an implementation can enqueue a
// durable job (an outbox row, a River job) that commits atomically with
// the change; it must not do network I/O itself. An error rolls the
// change back.
type Notifier interface {
	Notify(ctx context.Context, tx pgx.Tx, c *Case, e CaseEvent) error
}

// Outbox is the default Notifier: it writes a pending row into
// case_notifications (channel, channel user, Serbian Latin text). A
// channel worker reads Pending for its channel, sends each message in the
// citizen's script, and calls MarkSent; a crash between sending and
// MarkSent sends a message twice, never loses one.
type Outbox struct {
	DB *postgres.DB // used by Pending and MarkSent only
}

var _ Notifier = Outbox{}

// Notify enqueues the message for the citizen who filed the case.
func (o Outbox) Notify(ctx context.Context, tx pgx.Tx, c *Case, e CaseEvent) error {
	return o.NotifyText(ctx, tx, c, e.ID, StatusMessage(c, e))
}

// NotifyText queues text for the citizen who filed c, inside tx, for a
// change that is not a status change (such as a new responsible body).
func (o Outbox) NotifyText(ctx context.Context, tx pgx.Tx, c *Case, eventID int64, text string) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO case_notifications (municipality, case_id, event_id, channel, channel_user, text)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		c.Municipality, c.ID, eventID, c.Channel, c.ChannelUser, text)
	if err != nil {
		return fmt.Errorf("enqueue notification: %w", err)
	}
	return nil
}

// StatusMessage is the citizen's message about a status change.
func StatusMessage(c *Case, e CaseEvent) string {
	what := "Vaša prijava"
	if c.Kind == "IZ" {
		what = "Vaš zahtev"
	}
	msg := fmt.Sprintf("%s %s je %s.", what, c.Ref, e.To.Label())
	if e.To == StatusForwarded && c.BodyName != "" {
		msg = fmt.Sprintf("%s %s je prosleđen(a) nadležnom: %s.", what, c.Ref, c.BodyName)
	}
	if e.Note != "" {
		msg += " Napomena: " + e.Note
	}
	return msg
}

// RerouteMessage tells the citizen their case went to another body.
func RerouteMessage(c *Case, bodyName string) string {
	what := "Vaša prijava"
	if c.Kind == "IZ" {
		what = "Vaš zahtev"
	}
	return fmt.Sprintf("%s %s je prosleđen(a) nadležnoj službi: %s.", what, c.Ref, bodyName)
}

// Notification is one pending message to a citizen.
type Notification struct {
	ID           int64
	Municipality string
	CaseID       int64
	Channel      string
	ChannelUser  string
	Text         string
}

// Pending returns up to limit unsent notifications for a channel, oldest
// first. It takes no lock: run one worker per channel.
func (o Outbox) Pending(ctx context.Context, channel string, limit int) ([]Notification, error) {
	rows, err := o.DB.Query(ctx, `
		SELECT id, municipality, case_id, channel, channel_user, text FROM case_notifications
		WHERE status = 'pending' AND channel = $1 ORDER BY id LIMIT $2`, channel, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Notification, error) {
		var n Notification
		err := r.Scan(&n.ID, &n.Municipality, &n.CaseID, &n.Channel, &n.ChannelUser, &n.Text)
		return n, err
	})
}

// MarkSent records that a notification was delivered.
func (o Outbox) MarkSent(ctx context.Context, id int64) error {
	_, err := o.DB.Exec(ctx, `UPDATE case_notifications SET status = 'sent', sent_at = now() WHERE id = $1`, id)
	return err
}
