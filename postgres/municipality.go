package postgres

import (
	"context"
	"fmt"

	"github.com/miasrbija/mia/municipality"
)

// SyncMunicipalities upserts the configured municipalities, so rows of a
// newly configured city can reference it. A municipality removed from the
// configuration keeps its row: its data is not orphaned.
func (db *DB) SyncMunicipalities(ctx context.Context, reg *municipality.Registry) error {
	for _, m := range reg.All() {
		_, err := db.Exec(ctx, `
			INSERT INTO municipalities (slug, name) VALUES ($1, $2)
			ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
			WHERE municipalities.name IS DISTINCT FROM EXCLUDED.name`, m.Slug, m.Name)
		if err != nil {
			return fmt.Errorf("sync municipality %s: %w", m.Slug, err)
		}
	}
	return nil
}
