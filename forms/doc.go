// Package forms is MIA's citizen services: the declarative form
// definitions (a communal problem report and a civil-registry extract
// request, embedded YAML in definitions/), their server-side validation,
// the guided flow that fills a draft field by field or several fields at
// once from a model's tool call, and the cases a confirmed draft becomes:
// reference numbers, responsible body, status history and the
// notification outbox.
//
// # Using it from the conversation engine
//
//   - Service.Start with StartInput.Values (what understanding read from
//     the opening message, keyed by field name), Location and Attachments
//     opens a pre-filled form that asks only for the rest.
//   - Service.Active(conversationID) non-nil: the turn belongs to the form;
//     pass it to Service.Step with the text, button payload, location,
//     attachment bytes and the values understood from the message (they
//     are applied first and may correct answered fields; the text answers
//     the field asked unless they filled it). Step.Prompt is Serbian
//     Latin: mirror the script. Its wording (questions, labels, options,
//     refusals, summary, buttons, next steps, notifications) is in the
//     municipality's variant (Municipality.Say: ijekavian for Laktaši);
//     the citizen's own values are shown as they gave them. Step.Buttons are quick replies; Step.Done
//     ends the form. Active returns ErrDraftExpired once when the draft
//     was left idle past Service.DraftTTL and deleted: tell the citizen
//     (prompts.FormExpired) and go on without a form.
//   - With a model: Definition.ToolSchema is the tool's parameters (tool
//     name = Definition.Name); the call's arguments go to Step as
//     Input.Values. Show the model Draft.ModelView, never the values.
//     While the field asked is the JMBG, send the citizen's raw text to
//     Step directly rather than through the model.
//   - Nothing is filed without PayloadConfirm (or typed "potvrdi"/"da" at
//     the summary). A repeated confirmation returns the same Case.
//
// # Storage (migrations 00004_cases.sql, 00016_draft_expiry.sql; every row carries its municipality)
//
// forms owns form_drafts (one open draft per conversation), form_draft_expiries
// (the note that tells a citizen their draft expired), case_counters,
// cases, case_events, case_attachments (metadata), attachment_blobs and
// case_notifications (the outbox a channel worker delivers; see Outbox).
// It reaches them only through the Store interface (store.go), implemented
// by postgres/casestore; every rule (validation, status transitions,
// re-routing, reference numbers, what the citizen is told) stays here.
// Errors callers branch on are package fault's kinds.
//
// # Personal data
//
// The JMBG is validated (ValidateJMBG documents the remainder-1 decision),
// encrypted at rest with AES-GCM under MIA_DATA_KEY (drafts and cases),
// stored next to a masked form for staff, and replaced by "[JMBG]" in what
// a model sees; Draft and Case never print it. Attachment bytes are
// sniffed, size-limited, stripped of JPEG metadata (EXIF/GPS) and readable
// only through staff-facing methods (Service.AttachmentForStaff): channels
// must never hand them back to citizens. CaseForCitizen shows a case only
// to the channel user who filed it.
package forms
