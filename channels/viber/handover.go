package viber

import (
	"context"
	"errors"
	"fmt"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/handover"
)

// HandoverSender delivers what staff and the handover flow tell a citizen
// on Viber (handover.ChannelSender): a staff member's reply, "the clerk
// joined", "nobody is free" with its buttons. The handover store has
// already written the message to the citizen's conversation, so nothing
// is recorded here. It is safe for concurrent use.
type HandoverSender struct {
	cfg Config
}

var _ handover.ChannelSender = (*HandoverSender)(nil)

// NewHandoverSender returns the sender of cfg's municipalities (Tokens,
// APIURL, HTTP and Log as for the bot).
func NewHandoverSender(cfg Config) (*HandoverSender, error) {
	if cfg.Municipalities == nil {
		return nil, errors.New("viber: municipalities are required for the handover sender")
	}
	return &HandoverSender{cfg: cfg.withDefaults()}, nil
}

// Send implements handover.ChannelSender. A citizen no longer subscribed
// cannot be told: the message is dropped (nil), as for notifications.
func (s *HandoverSender) Send(ctx context.Context, municipality, user, text string, buttons []handover.Button) error {
	m, err := s.cfg.Municipalities.Get(municipality)
	if err != nil {
		return err
	}
	token := s.cfg.Tokens[m.Slug]
	if token == "" {
		return fmt.Errorf("no Viber token in %s", TokenEnv(m))
	}
	reply := &assistant.Reply{Text: text}
	for _, b := range buttons {
		reply.QuickReplies = append(reply.QuickReplies, assistant.QuickReply{Label: b.Label, Payload: b.Payload})
	}
	client := &Client{BaseURL: s.cfg.APIURL, Token: token, HTTP: s.cfg.HTTP}
	for _, msg := range ReplyMessages(m, user, 1, reply) {
		_, err := client.SendMessage(ctx, &msg)
		var apiErr *APIError
		if errors.As(err, &apiErr) && (apiErr.Status == StatusReceiverNotSubscribed || apiErr.Status == StatusReceiverNotRegistered) {
			s.cfg.Log.InfoContext(ctx, "citizen unsubscribed from Viber, handover message dropped", "municipality", m.Slug)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
