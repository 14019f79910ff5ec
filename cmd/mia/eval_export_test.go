package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/eval"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/serbian"
)

// TestEvalExportGaps: questions citizens asked that MIA declined come out
// of `mia eval export --gaps` as a dataset that eval reads, grouped, and
// filtered by status and group.
func TestEvalExportGaps(t *testing.T) {
	ctx := context.Background()
	db, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	conv := convstore.New(db)
	for i, q := range []string{"Koliko košta parking u centru?", "Колико кошта паркинг у центру?", "Kada radi gradski bazen?"} {
		id, err := conv.Conversation(ctx, "sombor", assistant.ChannelWeb, "citizen-"+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := conv.SaveUser(ctx, id, "sombor", q, serbian.DetectScript(q)); err != nil {
			t.Fatal(err)
		}
		r := &assistant.Reply{Text: "U dokumentima nema odgovora.", Route: assistant.RouteInfo, Status: assistant.StatusNoSource}
		if err := conv.SaveAnswer(ctx, id, "sombor", assistant.Answer{Reply: r}); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runCmd(ctx, env, "eval", "export", "--gaps", "--status", "new")
	if err != nil {
		t.Fatal(err)
	}
	items, err := eval.Parse([]byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(items) != 3 || strings.Count(out, "# group ") != 2 || !items[0].ExpectRefusal {
		t.Errorf("exported:\n%s", out)
	}
	// One group to a file; a status with no group is an error, a wrong one a usage error.
	group := groupOf(t, db, "Kada radi gradski bazen?")
	path := filepath.Join(t.TempDir(), "gaps.yaml")
	if _, _, err := runCmd(ctx, env, "eval", "export", "--gaps", "--group", group, "--out", path); err != nil {
		t.Fatal(err)
	}
	if items, err := eval.Load(path); err != nil || len(items) != 1 || items[0].Question != "Kada radi gradski bazen?" {
		t.Errorf("one group: %+v %v", items, err)
	}
	if _, _, err := runCmd(ctx, env, "eval", "export", "--gaps", "--status", "not_our_remit"); err == nil || !strings.Contains(err.Error(), "no knowledge gaps") {
		t.Errorf("no matching group: %v", err)
	}
	var u usageError
	if _, _, err := runCmd(ctx, env, "eval", "export", "--gaps", "--status", "solved"); !errors.As(err, &u) {
		t.Errorf("a wrong status: %v", err)
	}
	if _, _, err := runCmd(ctx, env, "eval", "export"); !errors.As(err, &u) {
		t.Errorf("without --gaps: %v", err)
	}
}

func groupOf(t *testing.T, db *postgres.DB, question string) string {
	t.Helper()
	var id string
	err := db.QueryRow(context.Background(), `
		SELECT g.group_id::text FROM gap_questions g JOIN messages u ON u.id = g.question_id WHERE u.content = $1`, question).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
