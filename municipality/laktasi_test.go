package municipality

import "testing"

// TestLaktasiEntry checks the second demo municipality: it loads beside
// Sombor without changing the default, routes every category to one of
// its own bodies, and its boundary holds its settlements and not its
// neighbours' towns.
func TestLaktasiEntry(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if r.Default().Slug != "sombor" {
		t.Fatalf("default = %s, want sombor", r.Default().Slug)
	}
	m, err := r.Get("laktasi")
	if err != nil {
		t.Fatal(err)
	}
	if m.RefPrefix != "LA" || m.NameCyr != "Општина Лакташи" || m.ViberTokenEnv != "MIA_VIBER_TOKEN_LAKTASI" || m.Boundary == nil {
		t.Fatalf("laktasi read as %+v", m)
	}
	own := map[string]bool{"jkp-komunalac": true, "jp-vodovod": true, "odjeljenje-komunalno": true, "komunalna-policija": true}
	for _, c := range Categories {
		for _, village := range []bool{false, true} {
			b, ok := m.BodyFor(c, village)
			if !ok || !own[b.Key] {
				t.Errorf("BodyFor(%s, village=%v) = %q, %v", c, village, b.Key, ok)
			}
		}
	}
	if b, _ := m.BodyFor("public_lighting", false); b.Key != "odjeljenje-komunalno" {
		t.Errorf("public lighting goes to %q", b.Key)
	}
	places := []struct {
		name     string
		lat, lon float64
		in       bool
	}{
		{"Laktaši", 44.908, 17.301, true},
		{"Aleksandrovac", 44.97, 17.28, true},
		{"Kriškovci", 44.88, 17.35, true},
		{"Banja Luka airport (Mahovljani)", 44.941, 17.298, true},
		{"Banja Luka centre", 44.772, 17.191, false},
		{"Gradiška", 45.145, 17.254, false},
		{"Srbac", 45.097, 17.523, false},
		{"Prnjavor", 44.87, 17.66, false},
		{"Sombor", 45.774, 19.112, false},
	}
	for _, p := range places {
		if got := m.InTerritory(p.lat, p.lon); got != p.in {
			t.Errorf("%s (%v, %v): in territory = %v, want %v", p.name, p.lat, p.lon, got, p.in)
		}
	}
	if s, _ := r.Get("sombor"); s.InTerritory(44.908, 17.301) {
		t.Error("Laktaši lies in Sombor's territory")
	}
}
