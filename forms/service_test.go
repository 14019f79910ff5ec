package forms_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miasrbija/mia/fault"
	. "github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/pgtest"
)

var (
	testNow      = TestNow
	withChecksum = WithChecksum
	jpegWithEXIF = JPEGWithEXIF
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	ctx   context.Context
	db    *postgres.DB
	store Store
	svc   *Service
	crypt *Crypter
	key   string
	reg   *municipality.Registry
	now   *time.Time
	jmbg  string
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db, _ := pgtest.NewDB(t)
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{42}, 32))
	tb := &testBundle{ctx: context.Background(), db: db, store: casestore.New(db), reg: reg, key: key}
	now := testNow
	tb.now = &now
	tb.svc = tb.newService(t)
	tb.jmbg = withChecksum("150398581002") // 15.03.1985, region 81 Sombor
	if tb.jmbg == "" || ValidateJMBG(tb.jmbg, testNow) != nil {
		t.Fatalf("fixture JMBG %q invalid", tb.jmbg)
	}
	return tb
}

// newService builds a Service on the same database and key: a restart.
func (tb *testBundle) newService(t *testing.T) *Service {
	t.Helper()
	c, err := NewCrypter(tb.key)
	if err != nil {
		t.Fatal(err)
	}
	tb.crypt = c
	svc, err := NewService(Config{Store: tb.store, Municipalities: tb.reg, Crypter: c, Now: func() time.Time { return *tb.now }})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// conversation makes a Sombor conversation row and returns its id.
func (tb *testBundle) conversation(t *testing.T, channel, user string) int64 {
	t.Helper()
	return tb.conversationIn(t, "sombor", channel, user)
}

// conversationIn makes a conversation row in a municipality.
func (tb *testBundle) conversationIn(t *testing.T, municipality, channel, user string) int64 {
	t.Helper()
	var id int64
	err := tb.db.QueryRow(tb.ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ($1, $2, $3) RETURNING id`, municipality, channel, user).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (tb *testBundle) start(t *testing.T, form, channel, user string) (*Draft, *Step) {
	t.Helper()
	conv := tb.conversation(t, channel, user)
	st, err := tb.svc.Start(tb.ctx, StartInput{ConversationID: conv, Municipality: "sombor", Channel: channel, ChannelUser: user, Form: form})
	if err != nil {
		t.Fatal(err)
	}
	d, err := tb.svc.Active(tb.ctx, conv)
	if err != nil || d == nil {
		t.Fatalf("Active after Start: %v, %v", d, err)
	}
	return d, st
}

// step applies one input and checks the field asked next ("" = summary).
func (tb *testBundle) step(t *testing.T, d *Draft, in Input, wantField string) *Step {
	t.Helper()
	st, err := tb.svc.Step(tb.ctx, d, in)
	if err != nil {
		t.Fatalf("Step(%+v): %v", in, err)
	}
	if st.Field != wantField {
		t.Fatalf("after %+v: asking %q, want %q; prompt: %s", in, st.Field, wantField, st.Prompt)
	}
	return st
}

func hasButton(st *Step, payload string) bool {
	for _, b := range st.Buttons {
		if b.Payload == payload {
			return true
		}
	}
	return false
}

func wantError(t *testing.T, st *Step, field, contains string) {
	t.Helper()
	for _, e := range st.Errors {
		if e.Field == field && strings.Contains(e.Message, contains) {
			if !strings.Contains(st.Prompt, e.Message) {
				t.Errorf("error %q not in the prompt", e.Message)
			}
			return
		}
	}
	t.Fatalf("want an error on %s containing %q, got %+v", field, contains, st.Errors)
}

func (tb *testBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := tb.db.QueryRow(tb.ctx, sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCommunalReportGuided(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, st := tb.start(t, FormCommunalReport, "viber", "u1")
	if st.Field != "category" || !hasButton(st, "form:set:category=waste") || !hasButton(st, PayloadCancel) {
		t.Fatalf("first step: %+v", st)
	}
	st = tb.step(t, d, Input{Payload: "form:set:category=waste"}, "village")
	st = tb.step(t, d, Input{Text: "Не"}, "description")
	st = tb.step(t, d, Input{Text: "пуно"}, "description")
	wantError(t, st, "description", "najmanje 15")
	st = tb.step(t, d, Input{Text: "Контејнер није испражњен већ две недеље"}, "location")
	// Outside the city (Novi Sad) is refused, the rest of the draft stays.
	st = tb.step(t, d, Input{Location: &Location{Lat: 45.2671, Lon: 19.8335}}, "location")
	wantError(t, st, "location", "van teritorije")
	st = tb.step(t, d, Input{Location: &Location{Lat: 45.7733, Lon: 19.1151}}, "attachments")
	if !hasButton(st, PayloadSkip) {
		t.Error("optional attachments offer no skip button")
	}
	st = tb.step(t, d, Input{Attachments: []Attachment{{Name: "slika.jpg", ContentType: "image/jpeg", Data: []byte("ovo nije slika nego tekst")}}}, "attachments")
	wantError(t, st, "attachments", "nije fotografija")
	big := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, MaxVideoBytes)...)
	st = tb.step(t, d, Input{Attachments: []Attachment{{Name: "v.mp4", Data: big}}}, "attachments")
	wantError(t, st, "attachments", "50 MB")
	photo := jpegWithEXIF(t)
	st = tb.step(t, d, Input{Attachments: []Attachment{{Name: "kontejner.jpg", Data: photo}}}, "contact_consent")
	st = tb.step(t, d, Input{Payload: "form:set:contact_consent=yes"}, "name")
	st = tb.step(t, d, Input{Text: "Петар Петровић"}, "phone")
	st = tb.step(t, d, Input{Text: "12345"}, "phone")
	wantError(t, st, "phone", "pozivnim brojem")
	st = tb.step(t, d, Input{Text: "064 123 4567"}, "")
	if st.Status != DraftConfirming || !strings.Contains(st.Summary, "Otpad i kontejneri") || !strings.Contains(st.Summary, "Петар Петровић") ||
		!hasButton(st, PayloadConfirm) || !hasButton(st, PayloadChange) {
		t.Fatalf("summary step: %+v", st)
	}
	// Change the village answer: in a village, waste goes to JKP Prostor.
	st = tb.step(t, d, Input{Payload: PayloadChange}, "")
	if !hasButton(st, "form:change:village") {
		t.Fatalf("change menu: %+v", st.Buttons)
	}
	st = tb.step(t, d, Input{Payload: "form:change:village"}, "village")
	st = tb.step(t, d, Input{Text: "da"}, "")
	st = tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	c := st.Case
	if c == nil || !st.Done || c.Ref != "SO-KP-2026-000001" || c.BodyKey != "jkp-prostor" || c.Fields["category"] != "waste" {
		t.Fatalf("filed: %+v", st)
	}
	if !strings.Contains(st.Prompt, "SO-KP-2026-000001") || !strings.Contains(st.Prompt, "Prostor") {
		t.Errorf("next steps: %s", st.Prompt)
	}
	// The phone is kept encrypted: the case shows it masked, in clear only
	// in Private (a case just filed, or read by staff).
	if c.Fields["phone"] != "+381******567" || c.Private["phone"] != "+381641234567" || !strings.HasPrefix(c.Fields["location"], "geo:45.77") {
		t.Errorf("fields: %v", c.Fields)
	}
	if a, _ := tb.svc.Active(tb.ctx, d.ConversationID); a != nil {
		t.Error("draft still active after filing")
	}
	if lf, err := tb.svc.LastFiled(tb.ctx, d.ConversationID); err != nil || lf.ID != c.ID {
		t.Errorf("LastFiled: %v %v", lf, err)
	}
	ids, err := tb.svc.CaseAttachmentIDs(tb.ctx, "sombor", c.ID)
	if err != nil || len(ids) != 1 {
		t.Fatalf("attachments: %v %v", ids, err)
	}
	att, err := tb.svc.AttachmentForStaff(tb.ctx, "sombor", c.ID, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if att.MIME != MIMEJPEG || bytes.Contains(att.Data, []byte("Exif")) || bytes.Contains(att.Data, []byte("GPSLAT")) {
		t.Errorf("stored attachment %s still carries EXIF/GPS", att.MIME)
	}
	if n := tb.count(t, `SELECT count(*) FROM attachment_blobs WHERE position('GPSLAT'::bytea in data) > 0`); n != 0 {
		t.Errorf("%d blobs with GPS data", n)
	}
	if _, err := tb.svc.AttachmentForStaff(tb.ctx, "sombor", c.ID+1, ids[0]); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("attachment of another case: %v", err)
	}
}

func TestCommunalReportModelValues(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.start(t, FormCommunalReport, "web", "w1")
	st := tb.step(t, d, Input{Values: map[string]string{
		"category":        "public_lighting",
		"village":         "no",
		"description":     "Ne radi ulična rasveta u celoj ulici",
		"location":        "Apatinski put 12, Sombor",
		"contact_consent": "yes",
		"name":            "Marko Marković",
		"phone":           "999",
	}}, "attachments")
	wantError(t, st, "phone", "pozivnim brojem")
	st = tb.step(t, d, Input{Payload: PayloadSkip}, "phone")
	st = tb.step(t, d, Input{Values: map[string]string{"phone": "025 123 456"}}, "")
	if !strings.Contains(st.Summary, "Apatinski put 12") || !strings.Contains(st.Summary, "Prilozi: nema") {
		t.Errorf("summary: %s", st.Summary)
	}
	st = tb.step(t, d, Input{Text: "potvrdi"}, "")
	if st.Case == nil || st.Case.BodyKey != "jkp-zelenilo" {
		t.Fatalf("filed: %+v", st.Case)
	}
}

func TestRegistryExtractGuided(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, st := tb.start(t, FormRegistryExtract, "viber", "u2")
	if st.Field != "register" || !hasButton(st, "form:set:register=births") {
		t.Fatalf("first step: %+v", st)
	}
	st = tb.step(t, d, Input{Text: "Извод из МК рођених"}, "form")
	st = tb.step(t, d, Input{Text: "међународни"}, "full_name")
	st = tb.step(t, d, Input{Text: "Јована Јовановић"}, "jmbg")
	for _, bad := range []struct{ jmbg, want string }{
		{"0101900350007", "kontrolna cifra"},
		{withChecksum("310298581002"), "postojeći datum"},
		{withChecksum("010103081000"), "budućnosti"},
		{"12345", "13 cifara"},
	} {
		st = tb.step(t, d, Input{Text: bad.jmbg}, "jmbg")
		wantError(t, st, "jmbg", bad.want)
	}
	spaced := tb.jmbg[:7] + " " + tb.jmbg[7:]
	st = tb.step(t, d, Input{Text: spaced}, "relation")
	if strings.Contains(st.Prompt, tb.jmbg) {
		t.Error("prompt echoes the JMBG")
	}
	st = tb.step(t, d, Input{Payload: "form:set:relation=self"}, "purpose")
	st = tb.step(t, d, Input{Payload: "form:set:purpose=school"}, "delivery")
	st = tb.step(t, d, Input{Payload: "form:set:delivery=counter"}, "contact")
	st = tb.step(t, d, Input{Text: "јована@пример.рс"}, "")
	if !strings.Contains(st.Summary, MaskJMBG(tb.jmbg)) || strings.Contains(st.Summary, tb.jmbg) {
		t.Errorf("summary must show the masked JMBG only: %s", st.Summary)
	}
	// Change delivery to post: the address is now asked.
	st = tb.step(t, d, Input{Payload: "form:change:delivery"}, "delivery")
	st = tb.step(t, d, Input{Payload: "form:set:delivery=post"}, "post_address")
	st = tb.step(t, d, Input{Text: "Венац војводе Степе 5, 25000 Сомбор"}, "")
	st = tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	c := st.Case
	if c == nil || c.Ref != "SO-IZ-2026-000001" || !c.FeeExempt || c.DueAt == nil || c.JMBGMasked != MaskJMBG(tb.jmbg) {
		t.Fatalf("filed: %+v", c)
	}
	if want := testNow.AddDate(0, 0, 8).Format("2006-01-02"); c.DueAt.Format("2006-01-02") != want {
		t.Errorf("due %s, want %s", c.DueAt, want)
	}
	if c.Fields["email"] != "" || c.Fields["contact"] != "j***@primer.rs" || c.Private["contact"] != "jovana@primer.rs" ||
		!strings.Contains(c.NextSteps, "poštom") || !strings.Contains(c.NextSteps, "8 dana") {
		t.Errorf("case: %v / %s", c.Fields, c.NextSteps)
	}
	tb.assertNoClearJMBG(t, tb.jmbg)
	// Control: the same search finds the masked form where it belongs.
	if n := tb.count(t, `SELECT count(*) FROM cases WHERE strpos(jmbg_masked::text, $1) > 0`, MaskJMBG(tb.jmbg)); n != 1 {
		t.Errorf("masked JMBG found %d times", n)
	}
	// The ciphertext opens with the key.
	var enc []byte
	if err := tb.db.QueryRow(tb.ctx, `SELECT jmbg_enc FROM cases WHERE id = $1`, c.ID).Scan(&enc); err != nil {
		t.Fatal(err)
	}
	if pt, err := tb.crypt.Decrypt("jmbg", enc); err != nil || string(pt) != tb.jmbg {
		t.Errorf("decrypt stored JMBG: %v", err)
	}
}

// TestCitizenshipHasNoFormVariant: the citizenship certificate comes on
// one form, so the domestic/international question is not asked, nor
// shown, for it; the extracts still ask it.
func TestCitizenshipHasNoFormVariant(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.start(t, FormRegistryExtract, "viber", "u-citizenship")
	tb.step(t, d, Input{Payload: "form:set:register=citizenship"}, "full_name")
	tb.step(t, d, Input{Text: "Nikola Babić"}, "jmbg")
	tb.step(t, d, Input{Text: tb.jmbg}, "relation")
	tb.step(t, d, Input{Payload: "form:set:relation=self"}, "purpose")
	tb.step(t, d, Input{Payload: "form:set:purpose=employment"}, "delivery")
	tb.step(t, d, Input{Payload: "form:set:delivery=counter"}, "contact")
	st := tb.step(t, d, Input{Text: "064 111 2233"}, "")
	if !strings.Contains(st.Summary, "Dokument: Uverenje o državljanstvu\n") {
		t.Errorf("summary shows a form variant for the certificate:\n%s", st.Summary)
	}
	// Changed to an extract at the summary, the variant is asked.
	tb.step(t, d, Input{Payload: "form:change:register"}, "register")
	tb.step(t, d, Input{Payload: "form:set:register=births"}, "form")
}

func TestRegistryExtractModelValues(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.start(t, FormRegistryExtract, "web", "w2")
	st := tb.step(t, d, Input{Values: map[string]string{
		"register":  "citizenship",
		"form":      "domestic",
		"full_name": "Ana Anić",
		"jmbg":      withChecksum("310298581002"),
		"relation":  "parent",
		"purpose":   "personal_documents",
		"delivery":  "electronic",
		"email":     "ana@example.rs",
		"contact":   "064 555 1234",
		"nickname":  "x",
	}}, "jmbg")
	wantError(t, st, "jmbg", "datum")
	wantError(t, st, "nickname", "nepoznato polje")
	// The draft remembers what the model gave, but not the JMBG.
	dd, _ := tb.svc.Active(tb.ctx, d.ConversationID)
	mv := dd.ModelView()
	if mv["register"] != "citizenship" || mv["email"] != "[EMAIL]" { // sensitive: hidden from a model
		t.Errorf("model view: %v", mv)
	}
	st = tb.step(t, d, Input{Values: map[string]string{"jmbg": tb.jmbg}}, "")
	dd, _ = tb.svc.Active(tb.ctx, d.ConversationID)
	if dd.ModelView()["jmbg"] != "[JMBG]" {
		t.Errorf("model view jmbg = %q", dd.ModelView()["jmbg"])
	}
	tb.assertNoClearJMBG(t, tb.jmbg) // the draft stores it encrypted too
	// A model echoing the placeholder back changes nothing.
	st = tb.step(t, d, Input{Values: map[string]string{"jmbg": "[JMBG]", "full_name": "Ana Anić"}}, "")
	if len(st.Errors) != 0 || !strings.Contains(st.Summary, MaskJMBG(tb.jmbg)) {
		t.Errorf("placeholder echo: %+v", st)
	}
	st = tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if st.Case == nil || st.Case.FeeExempt || !strings.Contains(st.Case.NextSteps, "2026. godinu") || !strings.Contains(st.Case.NextSteps, "ana@example.rs") {
		t.Fatalf("filed: %+v", st.Case)
	}
	tb.assertNoClearJMBG(t, tb.jmbg)
}

// assertNoClearJMBG searches every text, jsonb and bytea column of the
// schema for the digits.
func (tb *testBundle) assertNoClearJMBG(t *testing.T, jmbg string) {
	t.Helper()
	rows, err := tb.db.Query(tb.ctx, `
		SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'bytea', 'character varying')`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column, typ string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.column, &c.typ); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 10 {
		t.Fatalf("only %d columns searched", len(cols))
	}
	for _, c := range cols {
		cond := fmt.Sprintf(`strpos(%q::text, $1) > 0`, c.column)
		if c.typ == "bytea" {
			cond = fmt.Sprintf(`position(convert_to($1, 'UTF8') in %q) > 0`, c.column)
		}
		if n := tb.count(t, fmt.Sprintf(`SELECT count(*) FROM %q WHERE %s`, c.table, cond), jmbg); n > 0 {
			t.Errorf("JMBG in clear in %s.%s (%d rows)", c.table, c.column, n)
		}
	}
}

func TestCancelHalfway(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.start(t, FormCommunalReport, "viber", "u3")
	tb.step(t, d, Input{Payload: "form:set:category=roads"}, "village")
	tb.step(t, d, Input{Text: "ne"}, "description")
	// A photo and a location sent before they are asked fill their fields.
	tb.step(t, d, Input{Attachments: []Attachment{{Data: jpegWithEXIF(t)}}}, "description")
	tb.step(t, d, Input{Location: &Location{Lat: 45.78, Lon: 19.11}}, "description")
	tb.step(t, d, Input{Text: "Velika rupa na kolovozu kod škole"}, "contact_consent")
	if n := tb.count(t, `SELECT count(*) FROM case_attachments`); n != 1 {
		t.Fatalf("%d attachments before the cancel", n)
	}
	st, err := tb.svc.Step(tb.ctx, d, Input{Text: "Откажи"})
	if err != nil || !st.Done || !st.Cancelled || st.Case != nil {
		t.Fatalf("cancel: %+v %v", st, err)
	}
	for _, table := range []string{"cases", "form_drafts", "case_attachments", "attachment_blobs", "case_counters"} {
		if n := tb.count(t, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%s has %d rows after a cancel", table, n)
		}
	}
	if a, _ := tb.svc.Active(tb.ctx, d.ConversationID); a != nil {
		t.Error("draft active after cancel")
	}
	if _, err := tb.svc.Step(tb.ctx, d, Input{Payload: PayloadConfirm}); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("confirm after cancel: %v", err)
	}
}

// fileReport completes a communal report in one model-style step and
// confirms it.
func (tb *testBundle) fileReport(t *testing.T, channel, user string) *Case {
	t.Helper()
	d, _ := tb.start(t, FormCommunalReport, channel, user)
	tb.step(t, d, Input{Values: map[string]string{"category": "other", "village": "no", "description": "Oštećena klupa u parku kod pozorišta",
		"location": "Trg Svetog Trojstva, Sombor", "contact_consent": "no"}}, "attachments")
	tb.step(t, d, Input{Payload: PayloadSkip}, "")
	st := tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if st.Case == nil {
		t.Fatal("no case")
	}
	return st.Case
}

func TestDoubleConfirmation(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	// Sequential: a channel redelivers the confirmation.
	d, _ := tb.start(t, FormCommunalReport, "viber", "u4")
	tb.step(t, d, Input{Values: map[string]string{"category": "animals", "village": "no", "description": "Pas lutalica ujeda prolaznike kod pijace",
		"location": "Venac Stepe Stepanovića, Sombor", "contact_consent": "no"}}, "attachments")
	tb.step(t, d, Input{Payload: PayloadSkip}, "")
	first := tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	again := tb.step(t, d, Input{Payload: PayloadConfirm}, "")
	if first.Case == nil || again.Case == nil || first.Case.ID != again.Case.ID || again.Case.Ref != first.Case.Ref {
		t.Fatalf("second confirm: %+v vs %+v", first.Case, again.Case)
	}
	// Concurrent: N goroutines confirm the same draft.
	d2, _ := tb.start(t, FormCommunalReport, "web", "w4")
	tb.step(t, d2, Input{Values: map[string]string{"category": "roads", "village": "no", "description": "Rupa na putu ispred broja 14, opasno",
		"location": "Apatinski put 14, Sombor", "contact_consent": "no"}}, "attachments")
	tb.step(t, d2, Input{Payload: PayloadSkip}, "")
	const n = 8
	var wg sync.WaitGroup
	refs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			st, err := tb.svc.Step(tb.ctx, d2, Input{Payload: PayloadConfirm})
			errs[i] = err
			if err == nil && st.Case != nil {
				refs[i] = st.Case.Ref
			}
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || refs[i] != "SO-KP-2026-000002" {
			t.Errorf("confirm %d: %q %v", i, refs[i], errs[i])
		}
	}
	if c := tb.count(t, `SELECT count(*) FROM cases`); c != 2 {
		t.Errorf("%d cases, want 2", c)
	}
}

func TestReferenceNumbers(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	for i := 1; i <= 3; i++ {
		if c := tb.fileReport(t, "web", fmt.Sprint("seq", i)); c.Ref != fmt.Sprintf("SO-KP-2026-%06d", i) {
			t.Errorf("report %d: %s", i, c.Ref)
		}
	}
	d, _ := tb.start(t, FormRegistryExtract, "web", "seq-iz")
	tb.step(t, d, Input{Values: map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Anić", "jmbg": tb.jmbg,
		"relation": "self", "purpose": "other", "delivery": "counter", "contact": "ana@example.rs"}}, "")
	if st := tb.step(t, d, Input{Payload: PayloadConfirm}, ""); st.Case.Ref != "SO-IZ-2026-000001" {
		t.Errorf("first extract: %s", st.Case.Ref)
	}
	*tb.now = time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)
	if c := tb.fileReport(t, "web", "seq-next-year"); c.Ref != "SO-KP-2027-000001" {
		t.Errorf("new year: %s", c.Ref)
	}
}

func TestCaseForCitizen(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	c := tb.fileReport(t, "viber", "owner")
	got, err := tb.svc.CaseForCitizen(tb.ctx, "sombor", c.Ref, "viber", "owner")
	if err != nil || got.ID != c.ID || got.NextSteps == "" {
		t.Fatalf("owner: %v %v", got, err)
	}
	cyr := "со-кп-2026-000001"
	if got, err := tb.svc.CaseForCitizen(tb.ctx, "sombor", cyr, "viber", "owner"); err != nil || got.ID != c.ID {
		t.Errorf("Cyrillic reference: %v", err)
	}
	for _, who := range [][2]string{{"viber", "someone-else"}, {"web", "owner"}} {
		if _, err := tb.svc.CaseForCitizen(tb.ctx, "sombor", c.Ref, who[0], who[1]); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("%v reads another's case: %v", who, err)
		}
	}
	if _, err := tb.svc.CaseForCitizen(tb.ctx, "sombor", "SO-KP-2026-999999", "viber", "owner"); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("missing case: %v", err)
	}
}

func TestDraftSurvivesRestart(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	d, _ := tb.start(t, FormRegistryExtract, "viber", "u5")
	tb.step(t, d, Input{Values: map[string]string{"register": "deaths", "form": "domestic", "full_name": "Ana Anić", "jmbg": tb.jmbg}}, "relation")
	restarted := tb.newService(t)
	a, err := restarted.Active(tb.ctx, d.ConversationID)
	if err != nil || a == nil || a.Current != "relation" || a.Value("jmbg") != MaskJMBG(tb.jmbg) {
		t.Fatalf("after restart: %v %v", a, err)
	}
	st, err := restarted.Start(tb.ctx, StartInput{ConversationID: d.ConversationID, Municipality: "sombor", Channel: "viber", ChannelUser: "u5", Form: FormRegistryExtract})
	if err != nil || st.Field != "relation" || !strings.Contains(st.Prompt, "Nastavljamo") {
		t.Errorf("Start resumes: %+v %v", st, err)
	}
}
