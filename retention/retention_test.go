package retention_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/convstore"
	"github.com/miasrbija/mia/postgres/pgtest"
	"github.com/miasrbija/mia/queue"
	"github.com/miasrbija/mia/retention"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type bundle struct {
	db    *postgres.DB
	svc   *forms.Service
	convs *convstore.Store
	reg   *municipality.Registry
	photo []byte
}

// setup serves Sombor with case media kept for days.
func setup(t *testing.T, days int) *bundle {
	t.Helper()
	ctx := context.Background()
	db, _ := pgtest.NewDB(t)
	if err := queue.Migrate(ctx, db.Pool); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../municipality/municipalities.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := strings.Replace(string(data), "media_retention_days: 365", "media_retention_days: "+strconv.Itoa(days), 1)
	reg, err := municipality.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	if reg.Default().MediaRetention() != time.Duration(days)*24*time.Hour {
		t.Fatalf("retention %v, want %d days", reg.Default().MediaRetention(), days)
	}
	crypt, err := forms.NewCrypter(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: reg, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	var jpg bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	img.Set(3, 3, color.RGBA{10, 10, 200, 255})
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	return &bundle{db: db, svc: svc, convs: convstore.New(db), reg: reg, photo: jpg.Bytes()}
}

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// report starts a communal report for user with a photo; confirm files
// it. It returns the draft and, when filed, the case.
func (b *bundle) report(t *testing.T, user string, confirm bool) (draftID, caseID int64) {
	t.Helper()
	ctx := context.Background()
	conv, err := b.convs.Conversation(ctx, "sombor", assistant.ChannelViber, user)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Start(ctx, forms.StartInput{ConversationID: conv, Municipality: "sombor", Channel: "viber", ChannelUser: user, Form: forms.FormCommunalReport}); err != nil {
		t.Fatal(err)
	}
	steps := []forms.Input{
		{Values: map[string]string{"category": "roads", "village": "no", "description": "Velika rupa na kolovozu ispred broja 5", "location": "Apatinski put 5, Sombor", "contact_consent": "no"}},
		{Attachments: []forms.Attachment{{Name: "rupa.jpg", ContentType: "image/jpeg", Data: b.photo}}},
	}
	if confirm {
		steps = append(steps, forms.Input{Payload: forms.PayloadConfirm})
	}
	var st *forms.Step
	for _, in := range steps {
		d, err := b.svc.Active(ctx, conv)
		if err != nil || d == nil {
			t.Fatalf("draft gone before %+v: %v", in, err)
		}
		if st, err = b.svc.Step(ctx, d, in); err != nil {
			t.Fatal(err)
		}
		draftID = d.ID
	}
	if confirm {
		if st.Case == nil {
			t.Fatalf("not filed: %s", st.Prompt)
		}
		return draftID, st.Case.ID
	}
	return draftID, 0
}

// run works one retention job through River and waits for it.
func (b *bundle) run(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	workers := river.NewWorkers()
	if err := retention.RegisterWorkers(workers, retention.Config{Forms: b.svc, Municipalities: b.reg}); err != nil {
		t.Fatal(err)
	}
	c, err := queue.NewClient(b.db.Pool, workers, queue.Config{FetchCooldown: 5 * time.Millisecond, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Insert(ctx, retention.Args{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stop, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = c.Stop(stop)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var state string
		if err := b.db.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, res.Job.ID).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state == "completed" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("retention job %s after 15s", state)
		}
		time.Sleep(20 * time.Millisecond) // polling interval of a bounded wait
	}
}

// TestRetention: case media older than the municipality's period goes
// (the case stays), younger stays; a form left unfinished past
// the draft TTL (24 h by default) goes with its photo, a recent one
// stays, and its conversation is told once; bytes no attachment points at
// go.
func TestRetention(t *testing.T) {
	t.Parallel()
	b := setup(t, 30)
	ctx := context.Background()
	_, oldCase := b.report(t, "old", true)
	_, youngCase := b.report(t, "young", true)
	staleDraft, _ := b.report(t, "stale", false)
	freshDraft, _ := b.report(t, "fresh", false)
	for _, q := range []struct {
		sql string
		id  any
	}{
		{`UPDATE cases SET updated_at = now() - interval '40 days' WHERE id = $1`, oldCase},
		{`UPDATE cases SET updated_at = now() - interval '20 days' WHERE id = $1`, youngCase},
		{`UPDATE form_drafts SET updated_at = now() - interval '25 hours' WHERE id = $1`, staleDraft},
		{`UPDATE form_drafts SET updated_at = now() - interval '23 hours' WHERE id = $1`, freshDraft},
	} {
		if _, err := b.db.Exec(ctx, q.sql, q.id); err != nil {
			t.Fatal(err)
		}
	}
	store := casestore.New(b.db)
	if err := store.Put(ctx, "sombor", "orphan", []byte("left by a failed step")); err != nil {
		t.Fatal(err)
	}
	if err := store.Put(ctx, "sombor", "new-orphan", []byte("its row is about to commit")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Exec(ctx, `UPDATE attachment_blobs SET created_at = now() - interval '2 hours' WHERE key = 'orphan'`); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM attachment_blobs`); n != 6 {
		t.Fatalf("%d blobs before, want 6", n)
	}

	b.run(t)

	if n := b.count(t, `SELECT count(*) FROM case_attachments WHERE case_id = $1`, oldCase); n != 0 {
		t.Errorf("the old case keeps %d attachments", n)
	}
	if n := b.count(t, `SELECT count(*) FROM cases WHERE id = $1`, oldCase); n != 1 {
		t.Error("the old case itself was deleted")
	}
	if n := b.count(t, `SELECT count(*) FROM case_attachments WHERE case_id = $1`, youngCase); n != 1 {
		t.Errorf("the young case has %d attachments, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM form_drafts WHERE id = $1`, staleDraft); n != 0 {
		t.Error("the stale draft is kept")
	}
	if n := b.count(t, `SELECT count(*) FROM case_attachments WHERE draft_id = $1`, freshDraft); n != 1 {
		t.Errorf("the fresh draft has %d attachments, want 1", n)
	}
	// The citizen who comes back is told once, then the conversation goes
	// on without a form; the fresh draft's citizen keeps theirs.
	staleConv, err := b.convs.Conversation(ctx, "sombor", assistant.ChannelViber, "stale")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := b.svc.Active(ctx, staleConv); !errors.Is(err, forms.ErrDraftExpired) || d != nil {
		t.Errorf("coming back to the expired draft: %v, %v; want ErrDraftExpired", d, err)
	}
	if d, err := b.svc.Active(ctx, staleConv); err != nil || d != nil {
		t.Errorf("second look: %v, %v; want nothing", d, err)
	}
	freshConv, err := b.convs.Conversation(ctx, "sombor", assistant.ChannelViber, "fresh")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := b.svc.Active(ctx, freshConv); err != nil || d == nil || d.ID != freshDraft {
		t.Errorf("the fresh draft: %v, %v", d, err)
	}
	// Left: the young case's photo, the fresh draft's and the new orphan.
	if n := b.count(t, `SELECT count(*) FROM attachment_blobs`); n != 3 {
		t.Errorf("%d blobs after, want 3", n)
	}
	if n := b.count(t, `SELECT count(*) FROM attachment_blobs b WHERE NOT EXISTS (SELECT 1 FROM case_attachments a WHERE a.storage_key = b.key) AND b.key <> 'new-orphan'`); n != 0 {
		t.Errorf("%d blobs without an attachment left", n)
	}
}

// TestPersonalDataErased: a case closed longer ago than the
// municipality's personal_data_days (180 by default) loses its citizen's
// name and phone, sealed and masked, and is marked erased; the case, its
// description and place stay. A case closed more recently, and an open
// case however old, keep theirs.
func TestPersonalDataErased(t *testing.T) {
	t.Parallel()
	b := setup(t, 365)
	ctx := context.Background()
	file := func(user string) int64 {
		t.Helper()
		conv, err := b.convs.Conversation(ctx, "sombor", assistant.ChannelViber, user)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.svc.Start(ctx, forms.StartInput{ConversationID: conv, Municipality: "sombor", Channel: "viber", ChannelUser: user, Form: forms.FormCommunalReport}); err != nil {
			t.Fatal(err)
		}
		for _, in := range []forms.Input{
			{Values: map[string]string{"category": "roads", "village": "no", "description": "Velika rupa na kolovozu ispred broja 5",
				"location": "Apatinski put 5, Sombor", "contact_consent": "yes", "name": "Petar Petrović", "phone": "064 123 4567"}},
			{Payload: forms.PayloadSkip},
			{Payload: forms.PayloadConfirm},
		} {
			d, err := b.svc.Active(ctx, conv)
			if err != nil || d == nil {
				t.Fatalf("draft gone before %+v: %v", in, err)
			}
			st, err := b.svc.Step(ctx, d, in)
			if err != nil {
				t.Fatal(err)
			}
			if st.Case != nil {
				return st.Case.ID
			}
		}
		t.Fatal("not filed")
		return 0
	}
	closedLong, closedRecently, openOld := file("long"), file("recent"), file("open")
	for _, q := range []struct {
		sql string
		id  int64
	}{
		{`UPDATE cases SET status = 'resolved', updated_at = now() - interval '200 days' WHERE id = $1`, closedLong},
		{`UPDATE cases SET status = 'rejected', updated_at = now() - interval '100 days' WHERE id = $1`, closedRecently},
		{`UPDATE cases SET updated_at = now() - interval '300 days' WHERE id = $1`, openOld},
	} {
		if _, err := b.db.Exec(ctx, q.sql, q.id); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{closedLong, closedRecently, openOld} {
		c, err := b.svc.CaseForStaff(ctx, "sombor", id)
		if err != nil || c.Private["name"] != "Petar Petrović" || c.Fields["name"] == "" {
			t.Fatalf("case %d before: private %v, fields %v (%v)", id, c.Private, c.Fields, err)
		}
	}

	b.run(t)

	c, err := b.svc.CaseForStaff(ctx, "sombor", closedLong)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Private) != 0 || c.Fields["name"] != "" || c.Fields["phone"] != "" || c.PersonalErasedAt == nil {
		t.Errorf("the long-closed case keeps private %v, fields name %q phone %q, erased at %v", c.Private, c.Fields["name"], c.Fields["phone"], c.PersonalErasedAt)
	}
	if c.Fields["description"] == "" || c.Fields["location"] == "" || c.Status != forms.StatusResolved {
		t.Errorf("the long-closed case lost what is not personal: %v", c.Fields)
	}
	if n := b.count(t, `SELECT count(*) FROM cases WHERE id = $1 AND private_enc IS NULL AND jmbg_enc IS NULL`, closedLong); n != 1 {
		t.Error("the sealed values are still stored")
	}
	for _, id := range []int64{closedRecently, openOld} {
		c, err := b.svc.CaseForStaff(ctx, "sombor", id)
		if err != nil || c.Private["name"] != "Petar Petrović" || c.PersonalErasedAt != nil {
			t.Errorf("case %d after: private %v, erased at %v (%v)", id, c.Private, c.PersonalErasedAt, err)
		}
	}
}
