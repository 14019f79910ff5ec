package forms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeyEnv names the environment variable holding the data key: 32 bytes,
// standard base64 (e.g. `openssl rand -base64 32`).
const KeyEnv = "MIA_DATA_KEY"

// Crypter encrypts personal data at rest (the JMBG) with AES-256-GCM. A
// ciphertext is nonce||sealed; the purpose string is bound as additional
// data so a ciphertext cannot be moved to another column unnoticed.
type Crypter struct {
	aead      cipher.AEAD
	ephemeral bool
}

// NewCrypter returns a Crypter for a base64-encoded 32-byte key. The error
// never contains the key.
func NewCrypter(key string) (*Crypter, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(key))
	if err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("%s: expected 32 bytes in standard base64 (openssl rand -base64 32)", KeyEnv)
	}
	return newCrypter(raw)
}

func newCrypter(raw []byte) (*Crypter, error) {
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Crypter{aead: aead}, nil
}

// NewEphemeralCrypter returns a Crypter with a random key that lives as
// long as the process: for development without a configured key. Its
// Ephemeral reports true; data it encrypted cannot be read after a restart.
func NewEphemeralCrypter() (*Crypter, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	c, err := newCrypter(raw)
	if err != nil {
		return nil, err
	}
	c.ephemeral = true
	return c, nil
}

// Ephemeral reports whether the key was generated at start (development
// without MIA_DATA_KEY): data encrypted with it cannot be read after a
// restart.
func (c *Crypter) Ephemeral() bool { return c.ephemeral }

// Encrypt seals plaintext for the given purpose (e.g. "jmbg").
func (c *Crypter) Encrypt(purpose string, plaintext []byte) ([]byte, error) {
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plaintext)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return c.aead.Seal(nonce, nonce, plaintext, []byte(purpose)), nil
}

// Decrypt opens a ciphertext sealed for purpose; a wrong key or a
// tampered value is an error.
func (c *Crypter) Decrypt(purpose string, ciphertext []byte) ([]byte, error) {
	n := c.aead.NonceSize()
	if len(ciphertext) < n {
		return nil, errors.New("decrypt: ciphertext too short")
	}
	out, err := c.aead.Open(nil, ciphertext[:n], ciphertext[n:], []byte(purpose))
	if err != nil {
		return nil, errors.New("decrypt: wrong key or corrupted data")
	}
	return out, nil
}

// String never shows the key.
func (c *Crypter) String() string { return "forms.Crypter(AES-256-GCM)" }
