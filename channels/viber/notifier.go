package viber

import (
	"context"
	"errors"
	"fmt"

	"github.com/miasrbija/mia/assistant"
)

// Notices records a message from the city in a citizen's conversation:
// assistant.ConversationStore.
type Notices interface {
	SaveNotice(ctx context.Context, municipality string, ch assistant.Channel, user, text string) error
}

// Notifier sends the city's notifications (a case's new status) to
// citizens on Viber: the Sender channels/notify delivers Viber's outbox
// rows with. It is safe for concurrent use.
type Notifier struct {
	cfg     Config
	notices Notices
}

// NewNotifier returns the notifier of cfg's municipalities (cfg needs the
// municipalities; Tokens, APIURL, HTTP and Log as for the bot). A sent
// notification is also recorded in the citizen's Viber conversation
// through notices, so the engine knows what the citizen was told; nil
// records nothing.
func NewNotifier(cfg Config, notices Notices) (*Notifier, error) {
	if cfg.Municipalities == nil {
		return nil, errors.New("viber: municipalities are required for the notifier")
	}
	return &Notifier{cfg: cfg.withDefaults(), notices: notices}, nil
}

// Send sends text to user as the municipality's bot. A citizen who is not
// subscribed (or no longer on Viber) cannot be told: the notification is
// dropped with an info log and Send returns nil. Any other failure (no
// token, rate limiting, the network) is an error, for the caller to try
// again later.
func (n *Notifier) Send(ctx context.Context, municipality, user, text string) error {
	m, err := n.cfg.Municipalities.Get(municipality)
	if err != nil {
		return err
	}
	token := n.cfg.Tokens[m.Slug]
	if token == "" {
		return fmt.Errorf("no Viber token in %s", TokenEnv(m))
	}
	client := &Client{BaseURL: n.cfg.APIURL, Token: token, HTTP: n.cfg.HTTP}
	for _, msg := range ReplyMessages(m, user, 1, &assistant.Reply{Text: text}) {
		_, err := client.SendMessage(ctx, &msg)
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.Status == StatusReceiverNotSubscribed || apiErr.Status == StatusReceiverNotRegistered) {
			n.cfg.Log.InfoContext(ctx, "citizen unsubscribed from Viber, notification dropped", "municipality", m.Slug, "status", apiErr.Status)
			return nil
		}
		if err != nil {
			return err
		}
	}
	if n.notices == nil {
		return nil
	}
	return n.notices.SaveNotice(ctx, m.Slug, assistant.ChannelViber, user, text)
}
