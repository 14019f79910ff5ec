package handover

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/miasrbija/mia/pii"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/prompts"
)

// ChannelSender delivers a staff or system message to a citizen on a
// channel that sends elsewhere (Viber). An error leaves the message
// undelivered, to be tried again by the job.
type ChannelSender interface {
	Send(ctx context.Context, municipality, user, text string, buttons []Button) error
}

// Config wires the Service.
type Config struct {
	Store          Store
	Municipalities *municipality.Registry
	// Senders deliver messages by channel name; a channel missing here
	// (the web) reads them from the conversation itself.
	Senders map[string]ChannelSender
	Log     *slog.Logger
	Now     func() time.Time
}

// Service is the staff side of handover and its periodic work.
type Service struct {
	cfg Config
}

// NewService returns the service; Store and Municipalities are required.
func NewService(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Municipalities == nil {
		return nil, errors.New("handover: store and municipalities are required")
	}
	cfg.Log = cmp.Or(cfg.Log, slog.New(slog.DiscardHandler))
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}, nil
}

// Staff is the member of staff acting.
type Staff struct {
	ID           int64
	Name         string
	Municipality string
	Body         string // "" for an admin: every body
}

// MaxReply bounds a staff reply, in characters.
const MaxReply = 2000

// Payloads of the buttons the citizen gets with handover messages; the
// engine reads them.
const (
	PayloadRequest = "handover:"        // ask for a person
	PayloadCancel  = "handover:cancel"  // stop waiting, back to MIA
	PayloadMessage = "handover:message" // leave a message instead (an inquiry case)
)

// Queue lists the open requests the staff member may take.
func (s *Service) Queue(ctx context.Context, st Staff) ([]QueueItem, error) {
	return s.cfg.Store.Queue(ctx, st.Municipality, st.Body)
}

// Request returns a request the staff member may see; one of another body
// reads as not found.
func (s *Service) Request(ctx context.Context, st Staff, id int64) (*Request, error) {
	r, err := s.cfg.Store.Request(ctx, st.Municipality, id)
	if err != nil {
		return nil, err
	}
	if st.Body != "" && r.Body != st.Body {
		return nil, fault.NotFound("handover %d", id)
	}
	return r, nil
}

// Take gives a waiting request to the staff member and tells the citizen
// who joined. Of concurrent takes one wins; the others get
// fault.ErrConflict.
func (s *Service) Take(ctx context.Context, st Staff, id int64) (*Request, error) {
	if _, err := s.Request(ctx, st, id); err != nil {
		return nil, err
	}
	r, err := s.cfg.Store.Take(ctx, st.Municipality, id, st.ID, st.Name, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	return r, s.tell(ctx, r, prompts.HandoverJoined, map[string]string{"staff": firstName(st.Name)}, nil)
}

// Reply sends the staff member's message to the citizen; only who holds
// the conversation may.
func (s *Service) Reply(ctx context.Context, st Staff, id int64, text string) (Message, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return Message{}, fault.Invalid("Poruka je prazna.")
	case utf8.RuneCountInString(text) > MaxReply:
		return Message{}, fault.Invalid("Poruka je duža od %d znakova.", MaxReply)
	}
	r, err := s.held(ctx, st, id)
	if err != nil {
		return Message{}, err
	}
	// A JMBG or card number has no place in a chat and is never stored
	// in clear; the city's own phones and e-mails stay.
	text, _ = pii.MaskKinds(text, pii.JMBG, pii.Card)
	m := Message{RequestID: r.ID, From: FromStaff, StaffID: st.ID, StaffName: firstName(st.Name), Text: text}
	return s.send(ctx, r, m)
}

// Release hands the conversation back to MIA.
func (s *Service) Release(ctx context.Context, st Staff, id int64) (*Request, error) {
	if _, err := s.held(ctx, st, id); err != nil {
		return nil, err
	}
	r, err := s.cfg.Store.Finish(ctx, id, []Status{Active}, Closed, ReasonReturned, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	return r, s.tell(ctx, r, prompts.HandoverReturned, nil, nil)
}

// Close ends the conversation with staff: a held one by its holder, a
// waiting one by anyone who may take it (a request nobody can answer).
func (s *Service) Close(ctx context.Context, st Staff, id int64) (*Request, error) {
	r, err := s.Request(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if r.Status == Active && r.TakenBy != st.ID {
		return nil, fault.Conflict("Razgovor vodi %s.", r.TakenByName)
	}
	if r, err = s.cfg.Store.Finish(ctx, id, []Status{Waiting, Active}, Closed, ReasonClosed, s.cfg.Now()); err != nil {
		return nil, err
	}
	return r, s.tell(ctx, r, prompts.HandoverEnded, nil, nil)
}

// held returns the request when st holds it.
func (s *Service) held(ctx context.Context, st Staff, id int64) (*Request, error) {
	r, err := s.Request(ctx, st, id)
	if err != nil {
		return nil, err
	}
	if r.Status != Active {
		return nil, fault.Conflict("Razgovor nije u toku (%s).", r.Status.Label())
	}
	if r.TakenBy != st.ID {
		return nil, fault.Conflict("Razgovor vodi %s.", r.TakenByName)
	}
	return r, nil
}

// Messages returns the request's messages after id after.
func (s *Service) Messages(ctx context.Context, st Staff, id, after int64) ([]Message, error) {
	if _, err := s.Request(ctx, st, id); err != nil {
		return nil, err
	}
	return s.cfg.Store.Messages(ctx, id, after)
}

// Transcript returns the conversation before the request (masked).
func (s *Service) Transcript(ctx context.Context, r *Request) ([]Line, error) {
	return s.cfg.Store.Transcript(ctx, r, 30)
}

// Stats returns the municipality's handover figures since the instant.
func (s *Service) Stats(ctx context.Context, muni string, since time.Time) (*Stats, error) {
	return s.cfg.Store.Stats(ctx, muni, since)
}

// tell sends the citizen a fixed message about the handover, in their
// script.
func (s *Service) tell(ctx context.Context, r *Request, name string, data map[string]string, buttons []Button) error {
	text, err := s.render(r, name, data)
	if err != nil {
		return err
	}
	_, err = s.send(ctx, r, Message{RequestID: r.ID, From: FromSystem, Text: text, Buttons: buttons})
	return err
}

func (s *Service) render(r *Request, name string, data map[string]string) (string, error) {
	m, err := s.cfg.Municipalities.Get(r.Municipality)
	if err != nil {
		return "", err
	}
	return prompts.Message(name, m, r.Script, data)
}

// send records a message for the citizen and delivers it at once on a
// channel that sends elsewhere; a failed delivery is retried by the job.
func (s *Service) send(ctx context.Context, r *Request, m Message) (Message, error) {
	sender, elsewhere := s.cfg.Senders[r.Channel]
	out, err := s.cfg.Store.AddMessage(ctx, r, m, !elsewhere)
	if err != nil {
		return Message{}, err
	}
	if elsewhere {
		if err := sender.Send(ctx, r.Municipality, r.ChannelUser, m.Text, m.Buttons); err != nil {
			s.cfg.Log.WarnContext(ctx, "handover message not delivered, will retry", "handover", r.ID, "channel", r.Channel, "err", err)
			return out, nil
		}
		if err := s.cfg.Store.MarkDelivered(ctx, out.ID); err != nil {
			return out, err
		}
	}
	return out, nil
}

// Sweep times out the requests nobody took within their municipality's
// wait, telling each citizen (with a button to leave a message), and
// retries undelivered messages. It returns how many requests timed out.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	n := 0
	var errs []error
	for _, m := range s.cfg.Municipalities.All() {
		if m.Handover == nil {
			continue
		}
		stale, err := s.cfg.Store.StaleRequests(ctx, m.Slug, s.cfg.Now().Add(-m.Handover.Wait()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range stale {
			r, err := s.cfg.Store.Finish(ctx, stale[i].ID, []Status{Waiting}, TimedOut, "", s.cfg.Now())
			if errors.Is(err, fault.ErrConflict) {
				continue // taken or withdrawn meanwhile
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			n++
			if err := s.TellTimedOut(ctx, r); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if err := s.redeliver(ctx); err != nil {
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

// TellTimedOut tells the citizen nobody was free, offering to leave a
// message or go on with MIA.
func (s *Service) TellTimedOut(ctx context.Context, r *Request) error {
	buttons, err := s.buttons(r, prompts.QuickLeaveMessage, PayloadMessage)
	if err != nil {
		return err
	}
	return s.tell(ctx, r, prompts.HandoverTimeout, nil, buttons)
}

func (s *Service) buttons(r *Request, label, payload string) ([]Button, error) {
	text, err := s.render(r, label, nil)
	if err != nil {
		return nil, err
	}
	return []Button{{Label: text, Payload: payload}}, nil
}

// redeliver sends what a channel has not accepted yet.
func (s *Service) redeliver(ctx context.Context) error {
	pending, err := s.cfg.Store.Undelivered(ctx, 100)
	if err != nil {
		return err
	}
	for _, o := range pending {
		sender, ok := s.cfg.Senders[o.Channel]
		if !ok {
			continue
		}
		if err := sender.Send(ctx, o.Municipality, o.ChannelUser, o.Text, o.Buttons); err != nil {
			s.cfg.Log.WarnContext(ctx, "handover message not delivered, will retry", "message", o.MessageID, "err", err)
			continue
		}
		if err := s.cfg.Store.MarkDelivered(ctx, o.MessageID); err != nil {
			return fmt.Errorf("mark delivered: %w", err)
		}
	}
	return nil
}

// firstName is what the citizen learns of a staff member: the first name.
func firstName(full string) string {
	if f := strings.Fields(full); len(f) > 0 {
		return f[0]
	}
	return full
}
