package viber

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DefaultAPIURL is the Bot API's base URL.
const DefaultAPIURL = "https://chatapi.viber.com/pa"

// Status codes of the Bot API that MIA acts on (the full table is in the
// API's documentation; see StatusName).
const (
	StatusOK                    = 0
	StatusReceiverNotRegistered = 5
	StatusReceiverNotSubscribed = 6
	StatusTooManyRequests       = 12
	StatusAPIVersionUnsupported = 13
)

var statusNames = []string{
	"ok", "invalidUrl", "invalidAuthToken", "badData", "missingData", "receiverNotRegistered",
	"receiverNotSubscribed", "publicAccountBlocked", "publicAccountNotFound", "publicAccountSuspended",
	"webhookNotSet", "receiverNoSuitableDevice", "tooManyRequests", "apiVersionNotSupported",
	"incompatibleWithVersion", "publicAccountNotAuthorized", "inchatReplyMessageNotAllowed",
	"publicAccountIsNotInline", "noPublicChat", "cannotSendBroadcast", "broadcastNotAllowed",
	"unsupportedCountry", "paymentUnsupported", "freeMessagesExceeded", "noBalance",
}

// StatusName returns the documented name of a status code, "generalError"
// for codes the documentation does not list.
func StatusName(code int) string {
	if code >= 0 && code < len(statusNames) {
		return statusNames[code]
	}
	return "generalError"
}

// APIError is a call the Bot API answered with a non-zero status (it does
// so with HTTP 200).
type APIError struct {
	Method  string
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("viber %s: status %d (%s): %s", e.Method, e.Status, StatusName(e.Status), e.Message)
}

// Client calls the Bot API with one bot's token. It is safe for
// concurrent use.
type Client struct {
	BaseURL string // default DefaultAPIURL
	Token   string
	HTTP    *http.Client // default: 30s timeout
}

// NewClient returns a client for the bot with the given token.
func NewClient(baseURL, token string) *Client {
	return &Client{BaseURL: baseURL, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// call posts req as JSON to method and decodes the answer into resp, which
// must carry Status/StatusMessage via the statusOf interface. A transport
// failure or a non-200 answer is a plain error; a non-zero status is an
// *APIError (resp is still decoded).
func (c *Client) call(ctx context.Context, method string, req any, resp statusHolder) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	u := strings.TrimRight(cmp.Or(c.BaseURL, DefaultAPIURL), "/") + "/" + method
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-Viber-Auth-Token", c.Token)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(hr)
	if err != nil {
		return fmt.Errorf("viber %s: %w", method, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("viber %s: read answer: %w", method, err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("viber %s: HTTP %d: %s", method, res.StatusCode, snippet(data))
	}
	if err := json.Unmarshal(data, resp); err != nil {
		return fmt.Errorf("viber %s: decode answer: %w", method, err)
	}
	if st, msg := resp.status(); st != StatusOK {
		return &APIError{Method: method, Status: st, Message: msg}
	}
	return nil
}

func snippet(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

type statusHolder interface{ status() (int, string) }

// Result is the part every answer of the API shares.
type Result struct {
	Status        int    `json:"status"`
	StatusMessage string `json:"status_message"`
}

func (r *Result) status() (int, string) { return r.Status, r.StatusMessage }

// SendResult is send_message's answer.
type SendResult struct {
	Result
	MessageToken  uint64 `json:"message_token"`
	BillingStatus int    `json:"billing_status,omitempty"`
}

// SendMessage sends one message. A non-zero status is an *APIError.
func (c *Client) SendMessage(ctx context.Context, m *Message) (*SendResult, error) {
	var r SendResult
	err := c.call(ctx, "send_message", m, &r)
	return &r, err
}

// WebhookRequest is set_webhook's body.
type WebhookRequest struct {
	URL        string   `json:"url"`
	EventTypes []string `json:"event_types,omitempty"`
	SendName   bool     `json:"send_name"`
	SendPhoto  bool     `json:"send_photo"`
}

// WebhookResult is set_webhook's answer.
type WebhookResult struct {
	Result
	EventTypes []string `json:"event_types"`
}

// WebhookEventTypes are the optional callbacks MIA subscribes to; message,
// subscribed and unsubscribed always come.
var WebhookEventTypes = []string{"delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"}

// SetWebhook points the bot's callbacks at req.URL (empty removes the
// webhook). Viber verifies the URL with a signed "webhook" callback before
// answering.
func (c *Client) SetWebhook(ctx context.Context, req WebhookRequest) (*WebhookResult, error) {
	var r WebhookResult
	err := c.call(ctx, "set_webhook", req, &r)
	return &r, err
}

// Account is get_account_info's answer.
type Account struct {
	Result
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	URI              string          `json:"uri"`
	Icon             string          `json:"icon,omitempty"`
	Background       string          `json:"background,omitempty"`
	Category         string          `json:"category,omitempty"`
	Subcategory      string          `json:"subcategory,omitempty"`
	Location         json.RawMessage `json:"location,omitempty"`
	Country          string          `json:"country,omitempty"`
	Webhook          string          `json:"webhook,omitempty"`
	EventTypes       []string        `json:"event_types,omitempty"`
	SubscribersCount int             `json:"subscribers_count"`
	Members          json.RawMessage `json:"members,omitempty"`
}

// AccountInfo returns the bot account's details.
func (c *Client) AccountInfo(ctx context.Context) (*Account, error) {
	var r Account
	err := c.call(ctx, "get_account_info", struct{}{}, &r)
	return &r, err
}
