package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Replicas starting at once must not race each other's migrations.
func TestMigrateConcurrentReplicas(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewEmptyDB(t)

	const replicas = 4
	var wg sync.WaitGroup
	applied := make([][]string, replicas)
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() { applied[i], errs[i] = postgres.Migrate(ctx, url, nil) })
	}
	wg.Wait()
	total := 0
	for i := range replicas {
		if errs[i] != nil {
			t.Fatalf("replica %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	db, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var files int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&files); err != nil {
		t.Fatal(err)
	}
	if total != files {
		t.Fatalf("replicas applied %d migrations in all, the database records %d: some ran twice or not at all", total, files)
	}
	// A second run finds nothing to do.
	again, err := postgres.Migrate(ctx, url, nil)
	if err != nil || len(again) != 0 {
		t.Fatalf("second migrate applied %v, %v", again, err)
	}
}

func TestOpenRegistersVectorTypes(t *testing.T) {
	db, _ := pgtest.NewDB(t)
	var dims int
	if err := db.QueryRow(context.Background(), `SELECT vector_dims('[1,2,3]'::vector)`).Scan(&dims); err != nil || dims != 3 {
		t.Fatalf("vector_dims = %d, %v", dims, err)
	}
}
