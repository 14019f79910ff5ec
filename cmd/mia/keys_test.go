package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/postgres"
	"github.com/miasrbija/mia/postgres/casestore"
	"github.com/miasrbija/mia/postgres/pgtest"
)

func testDataKey(b byte) string {
	return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32))
}

// sealWithKey files one registry extract and leaves one draft at the
// relation question, both holding a JMBG sealed with key.
func sealWithKey(t *testing.T, db *postgres.DB, key string) {
	t.Helper()
	ctx := context.Background()
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	crypt, err := forms.NewCrypter(key)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := forms.NewService(forms.Config{Store: casestore.New(db), Municipalities: reg, Crypter: crypt})
	if err != nil {
		t.Fatal(err)
	}
	for i, user := range []string{"k-filed", "k-draft"} {
		var conv int64
		if err := db.QueryRow(ctx, `INSERT INTO conversations (municipality, channel, channel_user) VALUES ('sombor', 'web', $1) RETURNING id`, user).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Start(ctx, forms.StartInput{ConversationID: conv, Municipality: "sombor", Channel: "web", ChannelUser: user, Form: forms.FormRegistryExtract}); err != nil {
			t.Fatal(err)
		}
		d, err := svc.Active(ctx, conv)
		if err != nil {
			t.Fatal(err)
		}
		values := map[string]string{"register": "births", "form": "domestic", "full_name": "Ana Anić", "jmbg": "0101900350008"}
		if i == 0 {
			for k, v := range map[string]string{"relation": "self", "purpose": "school", "delivery": "counter", "contact": "064 555 1234"} {
				values[k] = v
			}
		}
		if _, err := svc.Step(ctx, d, forms.Input{Values: values}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if st, err := svc.Step(ctx, d, forms.Input{Payload: forms.PayloadConfirm}); err != nil || st.Case == nil {
				t.Fatalf("file: %+v %v", st, err)
			}
		}
	}
}

// TestKeysRotate: `mia keys status` counts the values per key, `mia keys
// rotate` seals them all with the current key (checked in SQL) and a
// second run changes nothing; no output shows key material.
func TestKeysRotate(t *testing.T) {
	ctx := context.Background()
	db, url := pgtest.NewDB(t)
	k1, k2 := testDataKey(1), testDataKey(2)
	sealWithKey(t, db, k1)
	c1, _ := forms.NewCrypter(k1)
	c2, _ := forms.NewCrypter(k2)
	env := map[string]string{"DATABASE_URL": url, "MIA_DATA_KEY": k2, "MIA_DATA_KEYS_OLD": k1}
	noKeys := func(s string) {
		t.Helper()
		if strings.Contains(s, k1) || strings.Contains(s, k2) {
			t.Fatalf("key material in the output:\n%s", s)
		}
	}

	out, errOut, err := runCmd(ctx, env, "keys", "status")
	if err != nil {
		t.Fatalf("status: %v\n%s", err, errOut)
	}
	noKeys(out + errOut)
	m := regexp.MustCompile(`would seal again: (\d+) of (\d+) values`).FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || m[1] == "0" || m[1] == "1" {
		t.Fatalf("status does not count the K1 values:\n%s", out)
	}
	total := m[1]
	for _, want := range []string{c2.CurrentKeyID() + "  current", c1.CurrentKeyID() + "  old", "cases.jmbg_enc", "form_drafts.field_values",
		total + " values still need an old key"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}

	out, errOut, err = runCmd(ctx, env, "keys", "rotate", "--batch", "1")
	if err != nil {
		t.Fatalf("rotate: %v\n%s", err, errOut)
	}
	noKeys(out + errOut)
	if !strings.Contains(out, "sealed again: "+total+" of "+total) || !strings.Contains(out, "can be emptied") {
		t.Errorf("rotate:\n%s", out)
	}
	id, _ := hex.DecodeString(c2.CurrentKeyID())
	header := append([]byte("MK\x01"), id...)
	var notK2 int
	if err := db.QueryRow(ctx, `
		SELECT count(*) FROM (
			SELECT jmbg_enc AS v FROM cases WHERE jmbg_enc IS NOT NULL
			UNION ALL
			SELECT decode(substr(kv.value, 5), 'base64') FROM form_drafts, jsonb_each_text(field_values) kv WHERE kv.value LIKE 'enc:%'
		) s WHERE substring(v from 1 for 7) <> $1`, header).Scan(&notK2); err != nil || notK2 != 0 {
		t.Fatalf("%d values not under K2 after rotate (%v)", notK2, err)
	}

	out, _, err = runCmd(ctx, env, "keys", "rotate")
	if err != nil || !strings.Contains(out, "sealed again: 0 of "+total) {
		t.Errorf("second rotate: %v\n%s", err, out)
	}
	// K1 dropped: status reads everything with K2 alone.
	delete(env, "MIA_DATA_KEYS_OLD")
	out, _, err = runCmd(ctx, env, "keys", "status")
	if err != nil || strings.Contains(out, "unreadable") || !strings.Contains(out, "can be emptied") {
		t.Errorf("status with K2 only: %v\n%s", err, out)
	}
}

// TestKeySettings: the two key settings are checked before anything runs
// and reported without their values.
func TestKeySettings(t *testing.T) {
	ctx := context.Background()
	good := "postgres://postgres@127.0.0.1:1/none"
	k1, k2 := testDataKey(1), testDataKey(2)
	bad := base64.StdEncoding.EncodeToString([]byte("too short a key"))
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"bad old key", map[string]string{"DATABASE_URL": good, "MIA_DATA_KEY": k2, "MIA_DATA_KEYS_OLD": k1 + "," + bad}, []string{"serve"},
			[]string{"MIA_DATA_KEYS_OLD:", "(hidden)"}},
		{"old key without a current one", map[string]string{"DATABASE_URL": good, "MIA_DATA_KEYS_OLD": k1}, []string{"ask", "porez"},
			[]string{"MIA_DATA_KEY is missing"}},
		{"old key equal to the current one", map[string]string{"DATABASE_URL": good, "MIA_DATA_KEY": k1, "MIA_DATA_KEYS_OLD": " " + k1}, []string{"keys", "status"},
			[]string{"MIA_DATA_KEYS_OLD:", "none equal to MIA_DATA_KEY"}},
		{"keys without a key", map[string]string{"DATABASE_URL": good}, []string{"keys", "rotate"},
			[]string{"MIA_DATA_KEY is missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runCmd(ctx, c.env, c.args...)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
			for _, k := range []string{k1, k2, bad} {
				if strings.Contains(err.Error(), k) {
					t.Errorf("error shows a key: %v", err)
				}
			}
		})
	}
}
