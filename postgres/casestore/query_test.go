package casestore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/forms"
)

// TestBuildQueueQuery: every value is bound as a parameter, in order, and
// never appears in the SQL text.
func TestBuildQueueQuery(t *testing.T) {
	t.Parallel()
	evil := `x' OR '1'='1`
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		scope    forms.CaseScope
		f        forms.CaseFilter
		wantCond []string
		wantArgs []any
	}{
		{"admin, no filter", forms.CaseScope{Municipality: "sombor"}, forms.CaseFilter{Limit: 500},
			[]string{"c.municipality = $1"}, []any{"sombor", 500}},
		{"body scope", forms.CaseScope{Municipality: "sombor", Body: "jkp-cistoca"}, forms.CaseFilter{Limit: 10},
			[]string{"c.municipality = $1", "c.body_key = $2"}, []any{"sombor", "jkp-cistoca", 10}},
		{"every filter", forms.CaseScope{Municipality: evil, Body: evil},
			forms.CaseFilter{Status: evil, Category: evil, Body: evil, From: day, To: day, Limit: 5},
			[]string{"c.municipality = $1", "c.body_key = $2", "c.status = $3", "c.fields->>'category' = $4", "c.body_key = $5",
				"c.created_at >= $6", "c.created_at < $7"},
			[]any{evil, evil, evil, evil, evil, day, day.AddDate(0, 0, 1), 5}},
	} {
		q, args := buildQueueQuery(tc.scope, tc.f)
		if strings.Contains(q, "OR '1'") {
			t.Errorf("%s: a value in the SQL: %s", tc.name, q)
		}
		for _, c := range tc.wantCond {
			if !strings.Contains(q, c) {
				t.Errorf("%s: %q missing from %s", tc.name, c, q)
			}
		}
		if want := fmt.Sprintf("LIMIT $%d", len(tc.wantArgs)); !strings.HasSuffix(q, want) {
			t.Errorf("%s: query does not end with %q: %s", tc.name, want, q)
		}
		if fmt.Sprint(args) != fmt.Sprint(tc.wantArgs) {
			t.Errorf("%s: args %v, want %v", tc.name, args, tc.wantArgs)
		}
	}
}
