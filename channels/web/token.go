package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"regexp"
)

// A conversation token is the citizen's only key to a web conversation:
// whoever holds it reads the history (and the case references and status
// notices in it). So the server issues every token (createConversation;
// a token it never issued opens nothing) and keeps only its SHA-256:
// the database, its backups and its readers learn no usable token.

// newToken returns a conversation token: 128 random bits, base64url.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenRE is what newToken makes: 16 random bytes, base64url.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// userID is the citizen's id on channel web (assistant.Turn.UserID,
// conversations.channel_user, cases.channel_user): the token's SHA-256 in
// lower-case hex. The migration web_token_hash.sql computed the same in
// SQL for tokens issued before: encode(sha256(convert_to(t, 'UTF8')), 'hex').
// A token of 128 random bits needs no salt or slow hash: it cannot be
// guessed from its hash.
func userID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
