package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/miasrbija/mia/postgres/pgtest"
)

const tinyDialogues = `
- id: gume
  channel: viber
  turns:
    - payload: "form:communal_report"
    - {answers: category, pick: "Divlja deponija"}
    - {answers: village, pick: "Da"}
    - {answers: description, text: "Neko je istovario stare gume i akumulatore."}
    - {answers: location, location: {lat: 45.8533, lon: 18.9390}}
    - {answers: attachments, photo: true}
    - {answers: contact_consent, pick: "Ne"}
  expect:
    form: communal_report
    body: komunalna-policija
    fields: {category: illegal_dumping, village: "yes", attachments: "1", location: "geo:45.8533,18.9390"}
  min_turns: 8
- id: pitanje
  turns:
    - text: "Do kada se plaća porez na imovinu?"
  expect: {filed: false}
  min_turns: 1
`

// TestEvalDialoguesCommand runs `mia eval --dialogues` in-process,
// offline, on a fresh database: JSON, then the table.
func TestEvalDialoguesCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": url}
	path := writeDataset(t, tinyDialogues)

	out, _, err := runCmd(ctx, env, "eval", "--dialogues", path, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Total       int     `json:"total"`
		SuccessRate float64 `json:"success_rate"`
		OnTarget    int     `json:"on_target"`
		Dialogues   []struct {
			ID      string `json:"id"`
			Success bool   `json:"success"`
			Turns   int    `json:"turns"`
			CaseRef string `json:"case_ref"`
			Failure string `json:"failure"`
		} `json:"dialogues"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Total != 2 || rep.SuccessRate != 1 || rep.OnTarget != 2 || len(rep.Dialogues) != 2 {
		t.Fatalf("report: %s", out)
	}
	if d := rep.Dialogues[0]; d.ID != "gume" || !d.Success || d.Turns != 8 || !strings.HasPrefix(d.CaseRef, "SO-KP-") {
		t.Errorf("first dialogue %+v", d)
	}

	table, _, err := runCmd(ctx, env, "eval", "--dialogues", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 dialogues (1 must file a case, 1 must not)", "success rate            1.000", "gume", "8/8"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	if _, _, err := runCmd(ctx, env, "eval", "--dialogues", path, "--split", "dev"); err == nil || !strings.Contains(err.Error(), "--dialogues runs alone") {
		t.Errorf("--dialogues with --split: %v", err)
	}
	bad := writeDataset(t, "- {id: x, turns: [{text: hi}], expect: {filed: false}, min_turns: 1, municipality: atlantis}\n")
	if _, _, err := runCmd(ctx, env, "eval", "--dialogues", bad); err == nil || !strings.Contains(err.Error(), "dialogue x") {
		t.Errorf("unknown municipality: %v", err)
	}
}
