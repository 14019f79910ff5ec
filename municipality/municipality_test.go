package municipality

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigServesSombor(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	m := r.Default()
	if m.Slug != "sombor" || m.RefPrefix != "SO" {
		t.Fatalf("default = %s/%s, want sombor/SO", m.Slug, m.RefPrefix)
	}
	tests := []struct {
		category string
		village  bool
		want     string
	}{
		{"waste", false, "jkp-cistoca"},
		{"waste", true, "jkp-prostor"},
		{"public_lighting", false, "jkp-zelenilo"},
		{"public_lighting", true, "jkp-zelenilo"}, // Prostor does not do lighting
		{"water_sewage", true, "jkp-vodokanal"},
		{"illegal_dumping", false, "komunalna-policija"},
		{"animals", false, "jkp-cistoca"},
	}
	for _, tt := range tests {
		b, ok := m.BodyFor(tt.category, tt.village)
		if !ok || b.Key != tt.want {
			t.Errorf("BodyFor(%s, village=%v) = %q, %v; want %q", tt.category, tt.village, b.Key, ok, tt.want)
		}
	}
}

func TestParseRejects(t *testing.T) {
	base := `
municipalities:
  - slug: novi-grad
    name: Novi Grad
    ref_prefix: NG
    bounds: {min_lat: 45, max_lat: 46, min_lon: 19, max_lon: 20}
    bodies:
      - key: jkp
        name: JKP
        handles: [waste, street_cleaning, greenery, public_lighting, water_sewage, roads, illegal_dumping, animals, other]
`
	if _, err := Parse([]byte(base)); err != nil {
		t.Fatalf("valid file rejected: %v", err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"unknown key", "ref_prefix: NG", "ref_prefix: NG\n    colour: red", "colour"},
		{"bad slug", "slug: novi-grad", "slug: Novi Grad", "slug"},
		{"bad prefix", "ref_prefix: NG", "ref_prefix: ng1", "ref_prefix"},
		{"unrouted category", "animals, other]", "animals]", `no body handles category "other"`},
		{"unknown category", "animals, other]", "animals, other, parking]", `unknown category "parking"`},
		{"inverted bounds", "min_lat: 45, max_lat: 46", "min_lat: 46, max_lat: 45", "bounds"},
		{"missing default", "municipalities:", "default: sombor\nmunicipalities:", `default "sombor"`},
		{"negative media retention", "ref_prefix: NG", "ref_prefix: NG\n    media_retention_days: -1", "media_retention_days"},
		{"media retention too long", "ref_prefix: NG", "ref_prefix: NG\n    media_retention_days: 4000", "media_retention_days"},
		{"personal data kept too briefly", "ref_prefix: NG", "ref_prefix: NG\n    personal_data_days: 7", "personal_data_days"},
		{"personal data kept too long", "ref_prefix: NG", "ref_prefix: NG\n    personal_data_days: 4000", "personal_data_days"},
		{"referral without topics", "ref_prefix: NG", "ref_prefix: NG\n    referrals:\n      - {name: MUP, website: https://www.mup.gov.rs}", "names no topic"},
		{"referral with a bad site", "ref_prefix: NG", "ref_prefix: NG\n    referrals:\n      - {name: MUP, website: mup.gov.rs, topics: [pasoš]}", "not an http(s) URL"},
		{"too many topics", "ref_prefix: NG", "ref_prefix: NG\n    topics: [A, B, C]", "3 topics"},
		{"unknown variant", "ref_prefix: NG", "ref_prefix: NG\n    variant: ikavian", `variant "ikavian"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(strings.Replace(base, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestGetUnknown(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Get("atlantida"); err == nil {
		t.Fatal("unknown slug accepted")
	}
	if m, err := r.Get(""); err != nil || m.Slug != "sombor" {
		t.Fatalf("Get(\"\") = %v, %v", m, err)
	}
}

func TestMediaRetention(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Default().MediaRetention(); got != 365*24*time.Hour {
		t.Errorf("Sombor keeps case media %v, want 365 days", got)
	}
	if got := (&Municipality{}).MediaRetention(); got != DefaultMediaRetentionDays*24*time.Hour {
		t.Errorf("unset retention = %v, want the default", got)
	}
	if got := (&Municipality{MediaRetentionDays: 30}).MediaRetention(); got != 30*24*time.Hour {
		t.Errorf("30 days = %v", got)
	}
}

// Laktaši speaks ijekavian, Sombor and an unset variant ekavian; Say
// converts only for the former.
func TestVariant(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	lak, _ := r.Get("laktasi")
	som, _ := r.Get("sombor")
	if !lak.IsIjekavian() || som.IsIjekavian() || (*Municipality)(nil).IsIjekavian() {
		t.Fatalf("variants: laktasi %q, sombor %q", lak.Variant, som.Variant)
	}
	if got := lak.Say("Proverite gde je mesto."); got != "Provjerite gdje je mjesto." {
		t.Errorf("laktasi says %q", got)
	}
	if got := som.Say("Proverite gde je mesto."); got != "Proverite gde je mesto." {
		t.Errorf("sombor says %q", got)
	}
	for _, v := range []string{"", Ekavian, Ijekavian} {
		m := *som
		m.Variant = v
		if err := m.Validate(); err != nil {
			t.Errorf("variant %q refused: %v", v, err)
		}
	}
}
