package casestore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
)

// InsertNotification queues a pending notification (table case_notifications).
func (t *tx) InsertNotification(ctx context.Context, n forms.Notification) error {
	_, err := t.q.Exec(ctx, `
		INSERT INTO case_notifications (municipality, case_id, event_id, channel, channel_user, text)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		n.Municipality, n.CaseID, n.EventID, n.Channel, n.ChannelUser, n.Text)
	if err != nil {
		return fmt.Errorf("insert notification: %w", err)
	}
	return nil
}

// PendingNotifications returns up to limit unsent notifications of a channel, oldest first.
func (s *Store) PendingNotifications(ctx context.Context, channel string, limit int) ([]forms.Notification, error) {
	rows, err := s.db.Query(ctx, `
		SELECT id, municipality, case_id, event_id, channel, channel_user, text FROM case_notifications
		WHERE status = 'pending' AND channel = $1 ORDER BY id LIMIT $2`, channel, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (forms.Notification, error) {
		var n forms.Notification
		err := r.Scan(&n.ID, &n.Municipality, &n.CaseID, &n.EventID, &n.Channel, &n.ChannelUser, &n.Text)
		return n, err
	})
}

// MarkNotificationSent records that a notification was delivered.
func (s *Store) MarkNotificationSent(ctx context.Context, id int64) error {
	_, err := s.db.Exec(ctx, `UPDATE case_notifications SET status = 'sent', sent_at = now() WHERE id = $1`, id)
	return err
}
