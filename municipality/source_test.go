package municipality

import (
	"strings"
	"testing"
	"time"
)

func TestSourceValidate(t *testing.T) {
	t.Parallel()
	good := Source{Start: []string{"https://www.sombor.rs/"}, Prefixes: []string{"/gradska-uprava/"}, Schedule: "6h"}
	tests := []struct {
		name string
		src  Source
		want string // "" valid
	}{
		{"good", good, ""},
		{"no start", Source{}, "start: give at least one"},
		{"relative start", Source{Start: []string{"/x"}}, `start "/x": expected an absolute http(s) URL`},
		{"ftp start", Source{Start: []string{"ftp://sombor.rs/"}}, "expected an absolute http(s) URL"},
		{"bad prefix", Source{Start: good.Start, Prefixes: []string{"usluge"}}, `prefix "usluge"`},
		{"bad schedule", Source{Start: good.Start, Schedule: "daily"}, `schedule "daily"`},
		{"too often", Source{Start: good.Start, Schedule: "1m"}, `schedule "1m"`},
		{"negative pages", Source{Start: good.Start, MaxPages: -1}, "max_pages -1"},
		{"deep", Source{Start: good.Start, MaxDepth: 99}, "max_depth 99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Municipality{Slug: "sombor", Sources: []Source{tt.src}}
			errs := m.ValidateSources()
			if tt.want == "" {
				if len(errs) != 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				return
			}
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("errors %v, want one with %q", errs, tt.want)
			}
		})
	}
	m := Municipality{Slug: "sombor", Sources: []Source{good, good}}
	if errs := m.ValidateSources(); len(errs) != 1 || !strings.Contains(errs[0].Error(), `name "www.sombor.rs" appears twice`) {
		t.Fatalf("duplicate names: %v", errs)
	}
	if good.Interval() != 6*time.Hour || (&Source{}).Interval() != DefaultSourceSchedule || good.StaleAfter() != 30*24*time.Hour {
		t.Fatal("defaults")
	}
}
