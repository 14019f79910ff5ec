package casestore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/miasrbija/mia/forms"
)

var _ forms.SealedStore = (*Store)(nil)

// sealedColumn is a column holding values encrypted by forms.Crypter.
type sealedColumn struct {
	table, column string
	// purpose is the purpose a bytea column's values are sealed for. A
	// jsonb column (purpose "") is an object whose "enc:"+base64 string
	// values are ciphertext sealed for their key (forms' draft values).
	purpose string
}

// sealedColumns is every place this package keeps ciphertext: key
// rotation (`mia keys`) re-seals exactly these. A new encrypted column
// must be added here; SealedSets refuses to run while the schema holds a
// bytea column named *_enc that is missing.
var sealedColumns = []sealedColumn{
	{table: "form_drafts", column: "field_values"},
	{table: "cases", column: "jmbg_enc", purpose: "jmbg"},
	{table: "cases", column: "private_enc", purpose: forms.PurposePrivate},
}

// encPrefix marks an encrypted value in a jsonb object (forms' encPrefix).
const encPrefix = "enc:"

func (c sealedColumn) name() string { return c.table + "." + c.column }

func findSealed(set string) (sealedColumn, bool) {
	for _, c := range sealedColumns {
		if c.name() == set {
			return c, true
		}
	}
	return sealedColumn{}, false
}

// SealedSets lists the encrypted columns ("table.column"). It fails when a
// listed column is missing from the schema, or when the schema holds a
// bytea column named *_enc that is not listed.
func (s *Store) SealedSets(ctx context.Context) ([]string, error) {
	rows, err := s.db.Query(ctx, `
		SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if err != nil {
		return nil, fmt.Errorf("list columns: %w", err)
	}
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		types[name] = typ
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range sealedColumns {
		want := "bytea"
		if c.purpose == "" {
			want = "jsonb"
		}
		if types[c.name()] != want {
			return nil, fmt.Errorf("encrypted column %s: want %s in the schema, found %q", c.name(), want, types[c.name()])
		}
		out = append(out, c.name())
	}
	for name, typ := range types {
		if typ == "bytea" && strings.HasSuffix(name, "_enc") && !slices.Contains(out, name) {
			return nil, fmt.Errorf("column %s looks encrypted but key rotation does not know it: add it to casestore's sealedColumns", name)
		}
	}
	return out, nil
}

// VisitSealed passes the encrypted values of a batch of rows to fn and,
// with write, stores its replacements in the same transaction.
func (s *Store) VisitSealed(ctx context.Context, set string, after int64, limit int, write bool,
	fn func(purpose string, ciphertext []byte) []byte) (int64, error) {
	c, ok := findSealed(set)
	if !ok {
		return 0, fmt.Errorf("unknown encrypted column %q", set)
	}
	var last int64
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		last, err = visitSealed(ctx, tx, c, after, limit, write, fn)
		return err
	})
	return last, err
}

type sealedRow struct {
	id  int64
	val []byte
}

func visitSealed(ctx context.Context, tx pgx.Tx, c sealedColumn, after int64, limit int, write bool,
	fn func(purpose string, ciphertext []byte) []byte) (int64, error) {
	// Identifiers come from sealedColumns, never from input.
	table, col := pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.column}.Sanitize()
	cond := col + ` IS NOT NULL`
	if c.purpose == "" {
		cond = col + `::text LIKE '%"` + encPrefix + `%'` // skip rows without ciphertext
	}
	lock := ""
	if write {
		lock = " FOR UPDATE"
	}
	rows, err := tx.Query(ctx, `SELECT id, `+col+` FROM `+table+` WHERE id > $1 AND `+cond+` ORDER BY id LIMIT $2`+lock, after, limit)
	if err != nil {
		return 0, err
	}
	batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (sealedRow, error) {
		var sr sealedRow
		err := r.Scan(&sr.id, &sr.val)
		return sr, err
	})
	if err != nil {
		return 0, err
	}
	for _, r := range batch {
		var out []byte
		if c.purpose != "" {
			out = fn(c.purpose, r.val)
		} else if out, err = visitJSON(r.val, fn); err != nil {
			return 0, fmt.Errorf("%s row %d: %w", c.name(), r.id, err)
		}
		if out == nil || !write {
			continue
		}
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET `+col+` = $2 WHERE id = $1`, r.id, out); err != nil {
			return 0, err
		}
	}
	if len(batch) == 0 {
		return 0, nil
	}
	return batch[len(batch)-1].id, nil
}

// visitJSON passes the "enc:" values of a jsonb object to fn (purpose:
// their key) and returns the object with fn's replacements, or nil when
// none.
func visitJSON(raw []byte, fn func(purpose string, ciphertext []byte) []byte) ([]byte, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	changed := false
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		var v string
		if json.Unmarshal(obj[k], &v) != nil || !strings.HasPrefix(v, encPrefix) {
			continue
		}
		ct, err := base64.StdEncoding.DecodeString(v[len(encPrefix):])
		if err != nil {
			ct = []byte(v) // not base64: fn finds it unreadable
		}
		out := fn(k, ct)
		if out == nil {
			continue
		}
		enc, err := json.Marshal(encPrefix + base64.StdEncoding.EncodeToString(out))
		if err != nil {
			return nil, err
		}
		obj[k], changed = enc, true
	}
	if !changed {
		return nil, nil
	}
	return json.Marshal(obj)
}
