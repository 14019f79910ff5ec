package country

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/miasrbija/mia/municipality"
)

// ViberTokenEnv is the variable every generated municipality reads its
// Viber bot token from: one token for the whole benchmark, so the load
// generator signs every municipality's webhooks with it.
const ViberTokenEnv = "MIA_BENCH_VIBER_TOKEN"

// WriteFile writes a municipalities file at path holding the embedded
// demo municipalities and the generated ones, for `mia serve` to load
// (MIA_MUNICIPALITIES). Existing files are not overwritten.
func WriteFile(path string, towns []Municipality) error {
	if _, err := municipality.InitFile(path); err != nil {
		return err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	files := os.DirFS(filepath.Dir(path))
	for _, t := range towns {
		m := municipality.Municipality{
			Slug: t.Slug, Name: t.Name, RefPrefix: t.Prefix,
			Phone: "011/000-000", Email: t.Slug + "@example.rs",
			Bounds:        municipality.Bounds{MinLat: t.Lat - 0.05, MaxLat: t.Lat + 0.05, MinLon: t.Lon - 0.05, MaxLon: t.Lon + 0.05},
			AllowOrigins:  []string{"https://" + t.Slug + ".example.rs"},
			ViberTokenEnv: ViberTokenEnv,
			Bodies: []municipality.Body{
				{Key: "jkp", Name: "JKP " + t.Name, Handles: municipality.Categories[:len(municipality.Categories)-2]},
				{Key: "inspekcija", Name: "Komunalna inspekcija", Handles: municipality.Categories[len(municipality.Categories)-2:]},
			},
		}
		// Add checks the whole file as serve would load it.
		out, err := municipality.Add(data, m, municipality.AddOptions{Files: files})
		if err != nil {
			return fmt.Errorf("%s: %w", t.Slug, err)
		}
		data = out
	}
	return os.WriteFile(path, data, 0o644)
}
