package handoverstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/handover"
)

// Notices implements handover.Live: the assistant messages written
// outside a turn (no latency: case status notices, staff replies and
// handover steps), with who wrote them and the buttons offered.
func (s *Store) Notices(ctx context.Context, conv, after int64) ([]handover.Notice, error) {
	rows, err := s.db.Query(ctx, `
		SELECT m.id, m.content, COALESCE(h.sender, 'system'), COALESCE(h.staff_name, ''), COALESCE(h.buttons, '[]')
		FROM messages m LEFT JOIN handover_messages h ON h.message_id = m.id
		WHERE m.conversation_id = $1 AND m.id > $2 AND m.role = 'assistant' AND m.latency_ms IS NULL
			AND m.route IN ($3, $4)
		ORDER BY m.id LIMIT 100`, conv, after, string(assistant.RouteStatus), string(assistant.RouteHandover))
	if err != nil {
		return nil, fmt.Errorf("live notices: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (handover.Notice, error) {
		var n handover.Notice
		var from string
		var buttons []byte
		if err := row.Scan(&n.ID, &n.Text, &from, &n.StaffName, &buttons); err != nil {
			return n, err
		}
		n.From = handover.Sender(from)
		return n, json.Unmarshal(buttons, &n.Buttons)
	})
	if err != nil {
		return nil, fmt.Errorf("live notices: %w", err)
	}
	return out, nil
}

// LastMessage implements handover.Live.
func (s *Store) LastMessage(ctx context.Context, conv int64) (int64, error) {
	var id int64
	if err := s.db.QueryRow(ctx, `SELECT COALESCE(max(id), 0) FROM messages WHERE conversation_id = $1`, conv).Scan(&id); err != nil {
		return 0, fmt.Errorf("last message: %w", err)
	}
	return id, nil
}

// State implements handover.Live.
func (s *Store) State(ctx context.Context, conv int64) (handover.State, error) {
	var st handover.State
	var status string
	err := s.db.QueryRow(ctx, `SELECT status, taken_by_name FROM handover_requests WHERE conversation_id = $1
		ORDER BY id DESC LIMIT 1`, conv).Scan(&status, &st.StaffName)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("handover state: %w", err)
	}
	st.Status = handover.Status(status)
	if st.Status != handover.Active {
		st.StaffName = ""
	}
	// Citizens learn a first name only.
	for i, r := range st.StaffName {
		if r == ' ' {
			st.StaffName = st.StaffName[:i]
			break
		}
	}
	return st, nil
}

// Subscribe implements handover.Live.
func (s *Store) Subscribe(conv int64) (<-chan struct{}, func()) { return s.hub.subscribe(conv) }

// Listen holds one connection LISTENing on mia_live and wakes the
// subscribers of each notified conversation, until ctx ends. A lost
// connection is opened again; meanwhile the live streams fall back on
// their periodic check.
func (s *Store) Listen(ctx context.Context, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for ctx.Err() == nil {
		if err := s.listen(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "live updates: listen failed, retrying", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(2 * time.Second):
			}
		}
	}
}

func (s *Store) listen(ctx context.Context) error {
	conn, err := s.db.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN mia_live"); err != nil {
		return err
	}
	// Whatever happened while not listening: every subscriber checks.
	s.hub.wakeAll()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			// The connection's state is unknown after an interrupted wait:
			// it must not go back to the pool.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
			return err
		}
		if conv, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
			s.hub.wake(conv)
		}
	}
}

// hub fans notifications out to the live streams of this process.
type hub struct {
	mu   sync.Mutex
	subs map[int64]map[chan struct{}]struct{}
}

func newHub() *hub { return &hub{subs: map[int64]map[chan struct{}]struct{}{}} }

func (h *hub) subscribe(conv int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[conv] == nil {
		h.subs[conv] = map[chan struct{}]struct{}{}
	}
	h.subs[conv][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[conv], ch)
		if len(h.subs[conv]) == 0 {
			delete(h.subs, conv)
		}
		h.mu.Unlock()
	}
}

// wake signals without blocking: a pending signal already covers this one.
func (h *hub) wake(conv int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[conv] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (h *hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
