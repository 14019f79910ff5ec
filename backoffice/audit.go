package backoffice

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Audit actions.
const (
	actionViewCase       = "view_case"
	actionViewAttachment = "view_attachment"
	actionChangeStatus   = "change_status"
	actionReroute        = "reroute"
	actionExportCSV      = "export_analytics"
)

// audit appends one row to staff_audit (caseID 0: none). The table only
// ever gets INSERTs from this package; a trigger refuses UPDATE and DELETE.
func (o *Office) audit(ctx context.Context, db execer, st *Staff, action string, caseID int64, detail string) error {
	var cid *int64
	if caseID != 0 {
		cid = &caseID
	}
	_, err := db.Exec(ctx, `
		INSERT INTO staff_audit (municipality, staff_id, action, case_id, detail, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, st.Municipality, st.ID, action, cid, detail, o.now())
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
