package backoffice_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Every fetch of an attachment writes its audit row before a byte goes
// out, whatever the spelling of its Range header; without the row, no
// bytes.
func TestAttachmentFetchAuditedWhateverTheRange(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste", "description": "Pun kontejner"}})
	data := "0123456789abcdefghij"
	aid := tb.mustAttachment(t, id, "video/mp4", []byte(data))
	c := tb.client(t)
	c.mustLogin("admin@sombor.rs")
	path := fmt.Sprintf("/staff/cases/%d/attachments/%d", id, aid)
	rows := func() int {
		return tb.count(t, `SELECT count(*) FROM staff_audit WHERE staff_id = $1 AND action = 'view_attachment' AND case_id = $2 AND detail = $3`,
			tb.admin.ID, id, fmt.Sprint(aid))
	}
	fetch := func(rg string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, tb.srv.URL+path, nil)
		if rg != "-" {
			req.Header["Range"] = []string{rg} // verbatim, odd spellings included
		}
		res, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return read(t, res)
	}
	for _, rg := range []string{"-", "bytes=0-", "bytes=0-0", "bytes=-1", " bytes=0-10", "BYTES=0-1", "bytes=4-",
		"bytes= 2-3", "bytes=0-1,4-5", "bytes=-3,0-0", "bytes=5-2", "bytes=100-200", "bytes=abc", "bytes=0-1, 3-", "items=0-1"} {
		was := rows()
		res := fetch(rg)
		served := res.status == http.StatusOK || res.status == http.StatusPartialContent
		if served && res.body == "" {
			t.Errorf("Range %q: %d with no body", rg, res.status)
		}
		if got := rows() - was; got != 1 {
			t.Errorf("Range %q: answered %d (%d bytes), %d audit rows written, want 1", rg, res.status, len(res.body), got)
		}
	}

	// An audit log that refuses the row: the fetch fails, nothing is served.
	if _, err := tb.db.Exec(tb.ctx, `
		CREATE FUNCTION refuse_view() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.action = 'view_attachment' THEN RAISE EXCEPTION 'audit unavailable'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER refuse_view BEFORE INSERT ON staff_audit FOR EACH ROW EXECUTE FUNCTION refuse_view();`); err != nil {
		t.Fatal(err)
	}
	for _, rg := range []string{"-", "bytes=-1", "bytes=4-", "bytes=0-1,4-5"} {
		res := fetch(rg)
		if res.status != http.StatusInternalServerError || res.header.Get("Content-Type") == "video/mp4" ||
			res.header.Get("Content-Range") != "" || strings.Contains(res.body, "0123") || strings.Contains(res.body, "ghij") {
			t.Errorf("Range %q with the audit log down: %d %q", rg, res.status, res.body)
		}
	}
}
