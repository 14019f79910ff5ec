package municipality_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/miasrbija/mia/municipality"
)

func apatin() municipality.Municipality {
	return municipality.Municipality{
		Slug: "apatin", Name: "Opština Apatin", NameCyr: "Општина Апатин", RefPrefix: "AP",
		Phone:  "025/772-122",
		Bounds: municipality.Bounds{MinLat: 45.55, MaxLat: 45.8, MinLon: 18.85, MaxLon: 19.15},
		Bodies: []municipality.Body{
			{Key: "jkp-komunalac", Name: "JKP „Komunalac” Apatin", Handles: []string{"waste", "street_cleaning", "greenery", "public_lighting", "animals"}},
			{Key: "jkp-vodovod", Name: "JKP „Vodovod” Apatin", Handles: []string{"water_sewage"}},
			{Key: "inspekcija", Name: "Komunalna inspekcija", Handles: []string{"illegal_dumping", "roads", "other"}},
		},
		AllowOrigins:  []string{"https://www.soapatin.org"},
		ViberTokenEnv: "MIA_VIBER_TOKEN_APATIN",
	}
}

// Add keeps the file's entries and comments, and the result loads.
func TestAddKeepsFileAndLoads(t *testing.T) {
	t.Parallel()
	out, err := municipality.Add(municipality.DefaultFile(), apatin(), municipality.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := municipality.Parse(out)
	if err != nil {
		t.Fatalf("written file does not load: %v\n%s", err, out)
	}
	if reg.Default().Slug != "sombor" {
		t.Errorf("default changed to %s", reg.Default().Slug)
	}
	added := len(reg.All()) // the embedded municipalities and apatin
	m, err := reg.Get("apatin")
	if err != nil {
		t.Fatal(err)
	}
	if m.NameCyr != "Општина Апатин" || len(m.Bodies) != 3 || m.AllowOrigins[0] != "https://www.soapatin.org" {
		t.Errorf("apatin read back as %+v", m)
	}
	if b, _ := m.BodyFor("water_sewage", false); b.Key != "jkp-vodovod" {
		t.Errorf("water_sewage goes to %q", b.Key)
	}
	text := string(out)
	for _, want := range []string{"# Municipalities served by this MIA deployment", "# The territory of the City of Sombor", "slug: apatin",
		"bounds: {min_lat: 45.55", "handles: [water_sewage]"} {
		if !strings.Contains(text, want) {
			t.Errorf("written file lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, `email: ""`) || strings.Contains(text, "villages: false") {
		t.Errorf("unset values written:\n%s", text)
	}

	// A second add of the same slug is refused; with Replace it updates.
	if _, err := municipality.Add(out, apatin(), municipality.AddOptions{}); !errors.Is(err, municipality.ErrExists) {
		t.Fatalf("second add: %v", err)
	}
	changed := apatin()
	changed.Phone = "025/000-000"
	out2, err := municipality.Add(out, changed, municipality.AddOptions{Replace: true, MakeDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	reg, err = municipality.Parse(out2)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.All()) != added || reg.Default().Slug != "apatin" || reg.Default().Phone != "025/000-000" {
		t.Errorf("replace: %d municipalities, default %+v", len(reg.All()), reg.Default())
	}
}

// An invalid entry is refused with every problem named, and nothing is returned.
func TestAddValidates(t *testing.T) {
	t.Parallel()
	m := apatin()
	m.RefPrefix = "ap"
	m.Bodies = m.Bodies[:1]
	out, err := municipality.Add(municipality.DefaultFile(), m, municipality.AddOptions{})
	if err == nil || out != nil {
		t.Fatalf("invalid entry accepted:\n%s", out)
	}
	for _, want := range []string{"ref_prefix", `no body handles category "water_sewage"`, `"roads"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// InitFile copies the embedded file and the boundary it names; Add then
// writes a new municipality's boundary as a file path the file loads.
func TestInitFileAndBoundary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "municipalities.yaml")
	written, err := municipality.InitFile(path)
	if err != nil || len(written) < 2 {
		t.Fatalf("InitFile = %v, %v", written, err)
	}
	if _, err := municipality.Load(path); err != nil {
		t.Fatalf("copied file does not load: %v", err)
	}
	if _, err := municipality.InitFile(path); err == nil {
		t.Fatal("InitFile overwrote an existing file")
	}
	geo := `{"type":"Polygon","coordinates":[[[18.9,45.6],[19.1,45.6],[19.1,45.75],[18.9,45.75],[18.9,45.6]]]}`
	if err := os.WriteFile(filepath.Join(dir, "apatin.geojson"), []byte(geo), 0o644); err != nil {
		t.Fatal(err)
	}
	m := apatin()
	m.Bounds = municipality.Bounds{}
	m.Boundary = &municipality.Boundary{File: "apatin.geojson"}
	data, _ := os.ReadFile(path)
	out, err := municipality.Add(data, m, municipality.AddOptions{Files: os.DirFS(dir)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "boundary: apatin.geojson") {
		t.Fatalf("boundary not written as its file:\n%s", out)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := municipality.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := reg.Get("apatin")
	if !a.InTerritory(45.66, 19.0) || a.InTerritory(45.77, 19.11) {
		t.Error("apatin's boundary read back wrong")
	}
}
