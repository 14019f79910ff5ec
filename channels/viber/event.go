package viber

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Callback events.
const (
	EventWebhook             = "webhook"
	EventConversationStarted = "conversation_started"
	EventSubscribed          = "subscribed"
	EventUnsubscribed        = "unsubscribed"
	EventMessage             = "message"
	EventDelivered           = "delivered"
	EventSeen                = "seen"
	EventFailed              = "failed"
)

// Callback is one event Viber posts to the webhook. Fields absent from an
// event are zero. MessageToken is decoded as an integer literal straight
// into uint64: tokens exceed 2^53 and would lose digits as float64.
type Callback struct {
	Event        string      `json:"event"`
	Timestamp    json.Number `json:"timestamp"` // Unix ms; the webhook event's is not sane, so it is not checked
	MessageToken uint64      `json:"message_token"`
	User         *User       `json:"user,omitempty"`   // conversation_started, subscribed
	Sender       *User       `json:"sender,omitempty"` // message
	UserID       string      `json:"user_id,omitempty"`
	Message      *InMessage  `json:"message,omitempty"`
	Type         string      `json:"type,omitempty"` // conversation_started: "open"
	Context      string      `json:"context,omitempty"`
	Subscribed   bool        `json:"subscribed,omitempty"`
	Desc         string      `json:"desc,omitempty"` // failed; may be missing
}

// UserKey returns the id of the user the event concerns, whichever field
// carries it.
func (c *Callback) UserKey() string {
	switch {
	case c.Sender != nil:
		return c.Sender.ID
	case c.User != nil:
		return c.User.ID
	}
	return c.UserID
}

// User is a Viber user as callbacks describe them; every field but ID may
// be absent or a placeholder.
type User struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	Avatar     string `json:"avatar,omitempty"`
	Country    string `json:"country,omitempty"`
	Language   string `json:"language,omitempty"`
	APIVersion int    `json:"api_version,omitempty"`
}

// InMessage is the message a citizen sent.
type InMessage struct {
	Type         string      `json:"type"` // text, picture, video, file, sticker, contact, url, location
	Text         string      `json:"text,omitempty"`
	Media        string      `json:"media,omitempty"`
	Thumbnail    string      `json:"thumbnail,omitempty"`
	Location     *Point      `json:"location,omitempty"`
	Contact      *Contact    `json:"contact,omitempty"`
	TrackingData string      `json:"tracking_data,omitempty"`
	FileName     string      `json:"file_name,omitempty"`
	FileSize     int64       `json:"file_size,omitempty"`
	Duration     int64       `json:"duration,omitempty"`
	StickerID    json.Number `json:"sticker_id,omitempty"`
}

// Point is a shared location.
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Contact is a shared contact card (also what the share-phone button sends).
type Contact struct {
	Name        string `json:"name,omitempty"`
	PhoneNumber string `json:"phone_number,omitempty"`
	Avatar      string `json:"avatar,omitempty"`
}

// Sign returns the X-Viber-Content-Signature of body for token: the
// lowercase hex HMAC-SHA256 of the raw bytes keyed with the token.
func Sign(token string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// ValidSignature reports whether sig is body's signature for token,
// comparing in constant time. An empty token or signature never matches.
func ValidSignature(token string, body []byte, sig string) bool {
	if token == "" || sig == "" {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
