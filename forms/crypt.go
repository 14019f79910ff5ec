package forms

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeyEnv names the environment variable holding the current data key: 32
// bytes, standard base64 (e.g. `openssl rand -base64 32`). OldKeysEnv
// holds earlier keys, comma-separated, kept to decrypt only.
const (
	KeyEnv     = "MIA_DATA_KEY"
	OldKeysEnv = "MIA_DATA_KEYS_OLD"
)

// LegacyKeyID labels ciphertexts of the first format, which names no key:
// whichever configured key opens them is the one that sealed them.
const LegacyKeyID = "legacy"

// ErrUnreadable is the error of a ciphertext no configured key opens: it
// was sealed with a key that is no longer configured, or it was altered.
var ErrUnreadable = errors.New("decrypt: no configured key opens the value (key removed, or data corrupted)")

// A sealed value is header||nonce||ciphertext, the header being "MK",
// version 1 and the 4-byte id of the key (keyID). The first format,
// nonce||ciphertext, is still read: it is tried with every key.
const (
	headerLen = 7
	idLen     = 4
)

var magic = []byte{'M', 'K', 1}

// dataKey is one AES-256-GCM key and its id.
type dataKey struct {
	id   [idLen]byte
	aead cipher.AEAD
}

// Crypter encrypts personal data at rest (the JMBG) with AES-256-GCM under
// the current key and decrypts with the current key or any old one (key
// rotation). Every value it seals names its key; the purpose string is
// bound as additional data so a ciphertext cannot be moved to another
// column unnoticed.
type Crypter struct {
	current   *dataKey
	old       []*dataKey // decryption only
	ephemeral bool
}

// NewCrypter returns a Crypter sealing with the base64-encoded 32-byte key
// current and also opening what the old keys sealed. An error never
// contains key material.
func NewCrypter(current string, old ...string) (*Crypter, error) {
	raw, err := decodeKey(current)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", KeyEnv, err)
	}
	k, err := newDataKey(raw)
	if err != nil {
		return nil, err
	}
	c := &Crypter{current: k}
	for i, o := range old {
		raw, err := decodeKey(o)
		if err != nil {
			return nil, fmt.Errorf("%s item %d: %w", OldKeysEnv, i+1, err)
		}
		k, err := newDataKey(raw)
		if err != nil {
			return nil, err
		}
		if c.byID(k.id) != nil {
			continue // the same key twice (e.g. still listed as old after a rollback)
		}
		c.old = append(c.old, k)
	}
	return c, nil
}

// SplitKeys reads a comma-separated list of keys (MIA_DATA_KEYS_OLD),
// ignoring blanks.
func SplitKeys(list string) []string {
	var out []string
	for _, k := range strings.Split(list, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// ValidKey reports whether s has a data key's shape: 32 bytes in standard
// base64.
func ValidKey(s string) bool {
	_, err := decodeKey(s)
	return err == nil
}

func decodeKey(s string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(raw) != 32 {
		return nil, errors.New("expected 32 bytes in standard base64 (openssl rand -base64 32)")
	}
	return raw, nil
}

func newDataKey(raw []byte) (*dataKey, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &dataKey{aead: aead}
	// The id is a hash of the key under its own label: it tells keys apart
	// and reveals nothing usable about them.
	sum := sha256.Sum256(append([]byte("mia data key id\x00"), raw...))
	copy(k.id[:], sum[:idLen])
	return k, nil
}

// NewEphemeralCrypter returns a Crypter with a random key that lives as
// long as the process: for development without a configured key. Its
// Ephemeral reports true; data it encrypted cannot be read after a restart.
func NewEphemeralCrypter() (*Crypter, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	k, err := newDataKey(raw)
	if err != nil {
		return nil, err
	}
	return &Crypter{current: k, ephemeral: true}, nil
}

// Ephemeral reports whether the key was generated at start (development
// without MIA_DATA_KEY): data encrypted with it cannot be read after a
// restart.
func (c *Crypter) Ephemeral() bool { return c.ephemeral }

// CurrentKeyID is the id of the key new values are sealed with (8 hex
// digits).
func (c *Crypter) CurrentKeyID() string { return hex.EncodeToString(c.current.id[:]) }

// OldKeyIDs are the ids of the keys kept for decryption, in configured
// order.
func (c *Crypter) OldKeyIDs() []string {
	out := make([]string, len(c.old))
	for i, k := range c.old {
		out[i] = hex.EncodeToString(k.id[:])
	}
	return out
}

// KeyID returns the id of the key a ciphertext names, or LegacyKeyID for
// the first format, which names none. It decrypts nothing: the id may be
// of a key that is not configured.
func (c *Crypter) KeyID(ciphertext []byte) string {
	if id, ok := headerID(ciphertext); ok {
		return hex.EncodeToString(id[:])
	}
	return LegacyKeyID
}

func headerID(ct []byte) (id [idLen]byte, ok bool) {
	if len(ct) < headerLen || !bytes.Equal(ct[:len(magic)], magic) {
		return id, false
	}
	copy(id[:], ct[len(magic):headerLen])
	return id, true
}

func (c *Crypter) byID(id [idLen]byte) *dataKey {
	if c.current.id == id {
		return c.current
	}
	for _, k := range c.old {
		if k.id == id {
			return k
		}
	}
	return nil
}

// Encrypt seals plaintext for the given purpose (e.g. "jmbg") with the
// current key.
func (c *Crypter) Encrypt(purpose string, plaintext []byte) ([]byte, error) {
	k := c.current
	n := k.aead.NonceSize()
	out := make([]byte, headerLen+n, headerLen+n+len(plaintext)+k.aead.Overhead())
	copy(out, magic)
	copy(out[len(magic):], k.id[:])
	if _, err := rand.Read(out[headerLen:]); err != nil {
		return nil, err
	}
	return k.aead.Seal(out, out[headerLen:], plaintext, additional(out[:headerLen], purpose)), nil
}

// additional is the data bound to a sealed value: its header (so the key
// id cannot be swapped) and its purpose.
func additional(header []byte, purpose string) []byte {
	return append(append(append([]byte{}, header...), 0), purpose...)
}

// Decrypt opens a ciphertext sealed for purpose with the key it names, or,
// in the first format, with whichever configured key opens it. A value no
// configured key opens (or a tampered one) is ErrUnreadable.
func (c *Crypter) Decrypt(purpose string, ciphertext []byte) ([]byte, error) {
	pt, _, err := c.open(purpose, ciphertext)
	return pt, err
}

// open decrypts and reports whether the current key's format and key
// sealed the value.
func (c *Crypter) open(purpose string, ct []byte) ([]byte, bool, error) {
	if id, ok := headerID(ct); ok {
		if k := c.byID(id); k != nil {
			if pt, err := openWith(k, additional(ct[:headerLen], purpose), ct[headerLen:]); err == nil {
				return pt, k == c.current, nil
			}
		}
		// A first-format nonce may start like a header (1 in 2^24):
		// fall through to the legacy reading.
	}
	for _, k := range append([]*dataKey{c.current}, c.old...) {
		if pt, err := openWith(k, []byte(purpose), ct); err == nil {
			return pt, false, nil
		}
	}
	return nil, false, ErrUnreadable
}

func openWith(k *dataKey, ad, ct []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(ct) < n+k.aead.Overhead() {
		return nil, ErrUnreadable
	}
	return k.aead.Open(nil, ct[:n], ct[n:], ad)
}

// Reseal returns the value sealed again with the current key, or nil when
// it already is (so rotation is idempotent). A value no configured key
// opens is ErrUnreadable and stays as it is.
func (c *Crypter) Reseal(purpose string, ciphertext []byte) ([]byte, error) {
	pt, current, err := c.open(purpose, ciphertext)
	if err != nil || current {
		return nil, err
	}
	return c.Encrypt(purpose, pt)
}

// String never shows a key.
func (c *Crypter) String() string {
	return fmt.Sprintf("forms.Crypter(AES-256-GCM, key %s, %d old)", c.CurrentKeyID(), len(c.old))
}
