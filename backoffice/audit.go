package backoffice

import (
	"context"
)

// Audit actions.
const (
	actionViewCase       = "view_case"
	actionViewAttachment = "view_attachment"
	actionChangeStatus   = "change_status"
	actionReroute        = "reroute"
	actionExportCSV      = "export_analytics"
)

// audit appends one row to the audit log (caseID 0: none). The log only
// ever gets appends from this package; the store refuses changes.
func (o *Office) audit(ctx context.Context, st *Staff, action string, caseID int64, detail string) error {
	return o.store.AppendAudit(ctx, AuditEntry{Municipality: st.Municipality, StaffID: st.ID, Action: action,
		CaseID: caseID, Detail: detail, At: o.now()})
}
