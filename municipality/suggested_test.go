package municipality

import (
	"strings"
	"testing"
)

func TestSuggestedQuestions(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.All() {
		if n := len(m.Suggested); n < 3 || n > MaxSuggested {
			t.Errorf("%s offers %d suggested questions, want 3 to %d", m.Slug, n, MaxSuggested)
		}
	}
	base := `
municipalities:
  - slug: novi-grad
    name: Novi Grad
    ref_prefix: NG
    bounds: {min_lat: 45, max_lat: 46, min_lon: 19, max_lon: 20}
    suggested: ["Kada se odvozi smeće?"]
    bodies:
      - key: jkp
        name: JKP
        handles: [waste, street_cleaning, greenery, public_lighting, water_sewage, roads, illegal_dumping, animals, other]
`
	if _, err := Parse([]byte(base)); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	for name, to := range map[string]string{
		"empty":    `suggested: ["  "]`,
		"too long": "suggested: [" + strings.Repeat("a", MaxSuggestedLength+1) + "]",
		"too many": "suggested: [a, b, c, d, e]",
	} {
		_, err := Parse([]byte(strings.Replace(base, `suggested: ["Kada se odvozi smeće?"]`, to, 1)))
		if err == nil || !strings.Contains(err.Error(), "suggested") {
			t.Errorf("%s: err = %v, want it to mention suggested", name, err)
		}
	}
}
