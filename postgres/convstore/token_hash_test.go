package convstore_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
)

// upSQL returns the Up part of the migration that hashes web tokens.
func upSQL(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("../migrations/*_web_token_hash.sql")
	if err != nil || len(files) != 1 {
		t.Fatalf("web token migration: %v %v", files, err)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	up, _, ok := strings.Cut(string(b), "-- +goose Down")
	if !ok {
		t.Fatal("migration has no Down part")
	}
	return up
}

// TestMigrationHashesWebTokens: conversations (and the drafts, cases and
// notifications naming the same citizen) stored with a clear token before
// the migration are found by the token's SHA-256 after it; other channels
// and values already hashed are left alone.
func TestMigrationHashesWebTokens(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	const token = "q9WcP0y7mVd3c8bQ1xZ2Ag" // the form channels/web issues
	sum := sha256.Sum256([]byte(token))
	hashed := hex.EncodeToString(sum[:])

	// Rows as the earlier version wrote them: the web token in clear.
	conv := tb.mustConversation(t, "sombor", assistant.ChannelWeb, token)
	viber := tb.mustConversation(t, "sombor", assistant.ChannelViber, "viberUserId0123456789A") // 22 characters too
	already := tb.mustConversation(t, "sombor", assistant.ChannelWeb, hex.EncodeToString(make([]byte, 32)))
	var caseID int64
	err := tb.db.QueryRow(tb.ctx, `
		INSERT INTO cases (municipality, ref, kind, form, status, fields, channel, channel_user)
		VALUES ('sombor', 'SO-KP-2026-000001', 'KP', 'communal_report', 'received', '{}', 'web', $1) RETURNING id`,
		token).Scan(&caseID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Exec(tb.ctx, `
		INSERT INTO form_drafts (municipality, conversation_id, form, channel, channel_user, status, case_id)
		VALUES ('sombor', $1, 'communal_report', 'web', $2, 'submitted', $3)`, conv, token, caseID); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.db.Exec(tb.ctx, `
		WITH e AS (INSERT INTO case_events (municipality, case_id, to_status, actor) VALUES ('sombor', $1, 'forwarded', 'staff') RETURNING id)
		INSERT INTO case_notifications (municipality, case_id, event_id, channel, channel_user, text)
		SELECT 'sombor', $1, e.id, 'web', $2, 'Vaša prijava je prosleđena.' FROM e`, caseID, token); err != nil {
		t.Fatal(err)
	}

	if _, err := tb.db.Exec(tb.ctx, upSQL(t)); err != nil {
		t.Fatalf("migration: %v", err)
	}

	id, found, err := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelWeb, hashed)
	if err != nil || !found || id != conv {
		t.Fatalf("conversation by the token's hash = %d, %v, %v; want %d", id, found, err, conv)
	}
	if _, found, _ := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelWeb, token); found {
		t.Fatal("the clear token still finds the conversation")
	}
	for _, table := range []string{"conversations", "form_drafts", "cases", "case_notifications"} {
		var clear int
		if err := tb.db.QueryRow(tb.ctx, `SELECT count(*) FROM `+table+` WHERE channel_user = $1`, token).Scan(&clear); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tb.db.QueryRow(tb.ctx, `SELECT count(*) FROM `+table+` WHERE channel_user = $1`, hashed).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if clear != 0 || n != 1 {
			t.Errorf("%s: %d rows with the clear token, %d with its hash; want 0 and 1", table, clear, n)
		}
	}
	// Viber ids and values already hashed stay as they were.
	if id, found, _ := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelViber, "viberUserId0123456789A"); !found || id != viber {
		t.Error("a Viber user id was changed")
	}
	if id, found, _ := tb.store.FindConversation(tb.ctx, "sombor", assistant.ChannelWeb, hex.EncodeToString(make([]byte, 32))); !found || id != already {
		t.Error("a hashed value was hashed again")
	}
}
