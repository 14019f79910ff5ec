package forms

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func testKey(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

// legacySeal seals as the first format did: nonce||ciphertext under the
// purpose, no key id.
func legacySeal(t testing.TB, key, purpose string, pt []byte) []byte {
	t.Helper()
	raw, _ := base64.StdEncoding.DecodeString(key)
	block, err := aes.NewCipher(raw)
	if err != nil {
		t.Fatal(err)
	}
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, pt, []byte(purpose))
}

func TestCrypterKeyIDs(t *testing.T) {
	t.Parallel()
	k1, k2 := testKey(1), testKey(2)
	c1, err := NewCrypter(k1)
	if err != nil {
		t.Fatal(err)
	}
	c21, err := NewCrypter(k2, k1, k1) // a repeated old key counts once
	if err != nil {
		t.Fatal(err)
	}
	if len(c21.OldKeyIDs()) != 1 || c21.OldKeyIDs()[0] != c1.CurrentKeyID() || c21.CurrentKeyID() == c1.CurrentKeyID() {
		t.Fatalf("ids: current %s old %v; k1 %s", c21.CurrentKeyID(), c21.OldKeyIDs(), c1.CurrentKeyID())
	}
	ct, err := c1.Encrypt("jmbg", []byte("0101990800006"))
	if err != nil {
		t.Fatal(err)
	}
	if c1.KeyID(ct) != c1.CurrentKeyID() {
		t.Errorf("a value names key %s, sealed with %s", c1.KeyID(ct), c1.CurrentKeyID())
	}
	// The old key still opens it; reseal moves it to the current key once.
	if pt, err := c21.Decrypt("jmbg", ct); err != nil || string(pt) != "0101990800006" {
		t.Fatalf("old key: %q %v", pt, err)
	}
	re, err := c21.Reseal("jmbg", ct)
	if err != nil || re == nil || c21.KeyID(re) != c21.CurrentKeyID() {
		t.Fatalf("reseal: %v %v", re, err)
	}
	if again, err := c21.Reseal("jmbg", re); err != nil || again != nil {
		t.Errorf("a value under the current key is sealed again: %v", err)
	}
	// Without the old key, the value is unreadable; so is a value moved
	// to another purpose or whose key id was swapped.
	c2, _ := NewCrypter(k2)
	if _, err := c2.Decrypt("jmbg", ct); !errors.Is(err, ErrUnreadable) {
		t.Errorf("K2 alone opens a K1 value: %v", err)
	}
	if _, err := c21.Decrypt("phone", re); !errors.Is(err, ErrUnreadable) {
		t.Errorf("purpose not bound: %v", err)
	}
	swapped := bytes.Clone(re)
	copy(swapped[3:7], ct[3:7])
	if _, err := c21.Decrypt("jmbg", swapped); !errors.Is(err, ErrUnreadable) {
		t.Errorf("key id not bound: %v", err)
	}
	if _, err := c21.Reseal("jmbg", []byte("short")); !errors.Is(err, ErrUnreadable) {
		t.Errorf("garbage: %v", err)
	}
}

// TestCrypterReadsLegacy: values of the first format (no key id) open
// with whichever configured key sealed them.
func TestCrypterReadsLegacy(t *testing.T) {
	t.Parallel()
	k1, k2 := testKey(1), testKey(2)
	legacy := legacySeal(t, k1, "jmbg", []byte("0101990800006"))
	for _, c := range []struct {
		name      string
		cur       string
		old       []string
		readable  bool
		wantReset bool
	}{
		{"current key", k1, nil, true, true},
		{"old key", k2, []string{k1}, true, true},
		{"key removed", k2, nil, false, false},
	} {
		cr, err := NewCrypter(c.cur, c.old...)
		if err != nil {
			t.Fatal(err)
		}
		if cr.KeyID(legacy) != LegacyKeyID {
			t.Errorf("%s: legacy value names key %s", c.name, cr.KeyID(legacy))
		}
		pt, err := cr.Decrypt("jmbg", legacy)
		if got := err == nil && string(pt) == "0101990800006"; got != c.readable {
			t.Errorf("%s: readable %v, want %v (%v)", c.name, got, c.readable, err)
		}
		// Even under the current key, a legacy value is sealed again:
		// afterwards every value names its key.
		if re, _ := cr.Reseal("jmbg", legacy); (re != nil) != c.wantReset {
			t.Errorf("%s: resealed %v, want %v", c.name, re != nil, c.wantReset)
		}
	}
}

func TestCrypterHidesKeys(t *testing.T) {
	t.Parallel()
	secret := base64.StdEncoding.EncodeToString([]byte("not thirty-two bytes long"))
	for _, err := range []error{
		func() error { _, err := NewCrypter(secret); return err }(),
		func() error { _, err := NewCrypter(testKey(1), testKey(2), secret); return err }(),
	} {
		if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "MIA_DATA_KEY") {
			t.Errorf("error %v", err)
		}
	}
	c, _ := NewCrypter(testKey(1), testKey(2))
	if s := c.String(); strings.Contains(s, testKey(1)) || strings.Contains(s, testKey(2)) {
		t.Errorf("String shows a key: %s", s)
	}
	if got := SplitKeys(" a, ,b ,"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("SplitKeys: %q", got)
	}
}
