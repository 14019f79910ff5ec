package convstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/serbian"
)

var _ assistant.ScriptPreferences = (*Store)(nil)

// ScriptPreference implements assistant.ScriptPreferences; an unknown
// conversation is fault.ErrNotFound.
func (s *Store) ScriptPreference(ctx context.Context, conv int64) (serbian.Script, bool, error) {
	var pref *string
	err := s.db.QueryRow(ctx, `SELECT script_preference FROM conversations WHERE id = $1`, conv).Scan(&pref)
	if errors.Is(err, pgx.ErrNoRows) {
		return serbian.Latin, false, fault.Wrap(fault.ErrNotFound, err, "conversation %d", conv)
	}
	if err != nil {
		return serbian.Latin, false, fmt.Errorf("script preference: %w", err)
	}
	switch {
	case pref == nil:
		return serbian.Latin, false, nil
	case *pref == "cyrillic":
		return serbian.Cyrillic, true, nil
	default:
		return serbian.Latin, true, nil
	}
}

// SetScriptPreference implements assistant.ScriptPreferences. The
// conversation's last script follows the choice, so what reads it (the
// Viber keyboard, notices) agrees with the replies.
func (s *Store) SetScriptPreference(ctx context.Context, conv int64, script serbian.Script) error {
	if script != serbian.Latin && script != serbian.Cyrillic {
		return fault.Invalid("script must be Latin or Cyrillic")
	}
	tag, err := s.db.Exec(ctx, `UPDATE conversations SET script_preference = $2, script = $2 WHERE id = $1`,
		conv, scriptName(script))
	if err != nil {
		return fmt.Errorf("set script preference: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fault.Wrap(fault.ErrNotFound, pgx.ErrNoRows, "conversation %d", conv)
	}
	return nil
}
