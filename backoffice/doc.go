// Package backoffice is the staff side of MIA: server-rendered pages
// (Serbian Latin, html/template) where municipality staff log in, work the
// cases citizens filed (queue, case page, attachments, status changes with
// a note sent to the citizen, re-routing to another body) and, as the
// municipality's admin, see analytics with SVG charts and a CSV export.
//
// Access: a municipality admin sees every case of the municipality; staff
// of a responsible body see only cases routed to their body; nobody sees
// another municipality's data. A case outside a staff member's reach
// answers 404, exactly like one that does not exist. Every view of
// personal data and every change is written to the append-only staff_audit
// table.
//
// Sessions are random tokens in a cookie (Secure, HttpOnly, SameSite=Lax);
// the database keeps only their SHA-256. Every POST carries the session's
// CSRF token; login failures are limited per IP and e-mail.
//
// The package holds no SQL. Its own tables (staff, staff_sessions,
// staff_audit) are behind Store (store.go, implemented by
// postgres/staffstore); cases, their lifecycle (status changes,
// re-routing) and case figures belong to forms.Service; conversation
// figures come from an assistant.UsageReader (postgres/convstore). Errors
// are answered through fault.HTTPStatus.
package backoffice
