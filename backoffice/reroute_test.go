package backoffice_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRerouteRegistryRequest: a civil-registry extract request never goes
// to a utility, even when an admin posts the form by hand; nothing is
// changed, recorded or sent.
func TestRerouteRegistryRequest(t *testing.T) {
	t.Parallel()
	tb := setup(t)
	id := tb.mustCase(t, caseOpts{Kind: "IZ", Fields: map[string]string{"full_name": "Ana Anić", "delivery": "counter"}})
	c := tb.client(t)
	csrf := c.mustLogin("admin@sombor.rs")
	for _, body := range []string{"jkp-cistoca", "jkp-vodokanal", "komunalna-policija"} {
		res := c.post(fmt.Sprintf("/staff/cases/%d/body", id), url.Values{"body": {body}, "note": {"ipak njima"}, "csrf": {csrf}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "nije nadležna") {
			t.Errorf("registry request to %s: %d\n%s", body, res.status, res.body)
		}
	}
	var body string
	if err := tb.db.QueryRow(tb.ctx, `SELECT body_key FROM cases WHERE id = $1`, id).Scan(&body); err != nil {
		t.Fatal(err)
	}
	for what, n := range map[string]int{
		"body":          len(body),
		"events":        tb.count(t, `SELECT count(*) FROM case_events WHERE case_id = $1`, id) - 1,
		"notifications": tb.count(t, `SELECT count(*) FROM case_notifications WHERE case_id = $1`, id),
		"audit rows":    tb.count(t, `SELECT count(*) FROM staff_audit WHERE case_id = $1 AND action = 'reroute'`, id),
	} {
		if n != 0 {
			t.Errorf("refused reroute left %s: %d", what, n)
		}
	}
	// The note's length is forms' rule too.
	kp := tb.mustCase(t, caseOpts{Body: "jkp-cistoca", Fields: map[string]string{"category": "waste"}})
	res := c.post(fmt.Sprintf("/staff/cases/%d/body", kp), url.Values{"body": {"jkp-vodokanal"}, "note": {strings.Repeat("a", 1001)}, "csrf": {csrf}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "predugačka") {
		t.Errorf("long note: %d", res.status)
	}
}
