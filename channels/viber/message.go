package viber

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/prompts"
	"github.com/miasrbija/mia/serbian"
)

// Limits of outgoing messages.
const (
	MaxTextChars   = 7000 // a text message
	MaxSenderChars = 28   // sender.name
	// splitAt leaves room under MaxTextChars for a part marker and
	// whatever Viber counts differently (it does not say how it counts).
	splitAt = 6800
)

// Message is an outgoing message: send_message's body, and without a
// receiver the welcome message answering conversation_started.
type Message struct {
	Receiver      string    `json:"receiver,omitempty"`
	MinAPIVersion int       `json:"min_api_version,omitempty"`
	Sender        Sender    `json:"sender"`
	TrackingData  string    `json:"tracking_data,omitempty"`
	Type          string    `json:"type"`
	Text          string    `json:"text,omitempty"`
	Keyboard      *Keyboard `json:"keyboard,omitempty"`
}

// Sender is who a message appears to come from.
type Sender struct {
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty"`
}

// Keyboard is the custom keyboard shown under the conversation.
type Keyboard struct {
	Type          string   `json:"Type"`
	DefaultHeight bool     `json:"DefaultHeight"`
	Buttons       []Button `json:"Buttons"`
}

// Button is one keyboard button.
type Button struct {
	Columns    int    `json:"Columns"`
	Rows       int    `json:"Rows"`
	ActionType string `json:"ActionType"`
	ActionBody string `json:"ActionBody"`
	Text       string `json:"Text"`
	TextSize   string `json:"TextSize,omitempty"`
	BgColor    string `json:"BgColor,omitempty"`
}

// Button action types.
const (
	ActionReply          = "reply"
	ActionLocationPicker = "location-picker"
	ActionSharePhone     = "share-phone"
)

// Payloads of the location-picker and share-phone buttons: Viber sends a
// location or contact message, not this text, but requires a non-empty
// ActionBody.
const (
	payloadLocation = "viber:location"
	payloadPhone    = "viber:phone"
)

// senderName is the municipality's name cut to Viber's 28 characters.
func senderName(m *municipality.Municipality) string {
	name := m.Name
	if utf8.RuneCountInString(name) <= MaxSenderChars {
		return name
	}
	r := []rune(name)
	return strings.TrimSpace(string(r[:MaxSenderChars-1])) + "…"
}

// mainServices are the buttons of the welcome message, as the engine's
// greeting offers them: a form to start, or a topic to ask about.
var mainServices = []struct{ name, payload string }{
	{"qr_communal_report", "form:" + assistant.FormCommunalReport},
	{"qr_registry_extract", "form:" + assistant.FormRegistryExtract},
	{"qr_property_tax", ""},
	{"qr_child_allowance", ""},
}

// Welcome returns the message answering conversation_started: the
// engine's greeting with a keyboard of the main services.
func Welcome(m *municipality.Municipality) (*Message, error) {
	text, err := prompts.Message("greeting", m, serbian.Latin, nil)
	if err != nil {
		return nil, err
	}
	var qr []assistant.QuickReply
	for _, s := range mainServices {
		if s.payload == "" && len(m.Topics) > 0 {
			continue // the municipality's own topics follow
		}
		label, err := prompts.Message(s.name, m, serbian.Latin, nil)
		if err != nil {
			return nil, err
		}
		qr = append(qr, assistant.QuickReply{Label: label, Payload: cmpOr(s.payload, "ask:"+label)})
	}
	for _, t := range m.Topics {
		qr = append(qr, assistant.QuickReply{Label: t, Payload: "ask:" + t})
	}
	return &Message{Sender: Sender{Name: senderName(m)}, Type: "text", Text: text, Keyboard: keyboard(qr, serbian.Latin, false)}, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// keyboard lays out reply buttons, two to a row (one when there is only
// one), followed, when extras is set, by the location picker and phone
// sharing buttons (these need min_api_version 3).
func keyboard(qr []assistant.QuickReply, script serbian.Script, extras bool) *Keyboard {
	if len(qr) == 0 && !extras {
		return nil
	}
	k := &Keyboard{Type: "keyboard"}
	cols := 3
	if len(qr) == 1 {
		cols = 6
	}
	for _, q := range qr {
		k.Buttons = append(k.Buttons, Button{Columns: cols, Rows: 1, ActionType: ActionReply, ActionBody: q.Payload, Text: truncate(q.Label, 250)})
	}
	if extras {
		loc, phone := "📍 Pošalji lokaciju", "📞 Podeli broj telefona"
		if script == serbian.Cyrillic {
			loc, phone = serbian.ToCyrillic(loc), serbian.ToCyrillic(phone)
		}
		k.Buttons = append(k.Buttons,
			Button{Columns: 3, Rows: 1, ActionType: ActionLocationPicker, ActionBody: payloadLocation, Text: loc},
			Button{Columns: 3, Rows: 1, ActionType: ActionSharePhone, ActionBody: payloadPhone, Text: phone})
	}
	return k
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// ReplyMessages turns an engine reply into the messages sent to receiver:
// the text with its citations appended as "Izvori:" lines, split at
// sentence boundaries under MaxTextChars, the keyboard on the last part.
// An empty reply gives no messages. apiVersion is the user's (0 when unknown): below 3 the location picker
// and phone sharing buttons are left out, as the user's devices would
// reject the message.
func ReplyMessages(m *municipality.Municipality, receiver string, apiVersion int, r *assistant.Reply) []Message {
	if strings.TrimSpace(r.Text) == "" {
		return nil // nothing to say; Viber refuses an empty text
	}
	text := r.Text + citationLines(r.Citations, r.Script)
	extras := apiVersion == 0 || apiVersion >= 3
	kb := keyboard(r.QuickReplies, r.Script, extras)
	var out []Message
	for _, part := range SplitText(text, splitAt) {
		out = append(out, Message{Receiver: receiver, Sender: Sender{Name: senderName(m)}, Type: "text", Text: part})
	}
	if kb != nil {
		last := &out[len(out)-1]
		last.Keyboard = kb
		if extras {
			last.MinAPIVersion = 3
		}
	}
	return out
}

// citationLines renders the sources of an answer, one line each with
// title and URL, in the answer's script.
func citationLines(cs []assistant.Citation, script serbian.Script) string {
	if len(cs) == 0 {
		return ""
	}
	head := "Izvori:"
	if script == serbian.Cyrillic {
		head = "Извори:"
	}
	var b strings.Builder
	b.WriteString("\n\n" + head)
	for _, c := range cs {
		title := cmpOr(c.Title, c.Source)
		if c.URL != "" {
			fmt.Fprintf(&b, "\n[%d] %s — %s", c.N, title, c.URL)
		} else {
			fmt.Fprintf(&b, "\n[%d] %s", c.N, title)
		}
	}
	return b.String()
}

// SplitText cuts text into parts of at most limit characters (runes),
// preferring a paragraph break, then a sentence end, then a space; only a
// single word longer than limit is cut inside. An empty text gives one
// empty part.
func SplitText(text string, limit int) []string {
	text = strings.TrimSpace(text)
	var parts []string
	for utf8.RuneCountInString(text) > limit {
		r := []rune(text)
		window := string(r[:limit])
		cut := bestCut(window)
		part := strings.TrimSpace(window[:cut])
		if part == "" {
			part, cut = window, len(window)
		}
		parts = append(parts, part)
		text = strings.TrimSpace(text[cut:])
	}
	return append(parts, text)
}

// bestCut returns the byte index in window after which to cut.
func bestCut(window string) int {
	half := len(window) / 2 // never leave a tiny part for the sake of a break
	if i := strings.LastIndex(window, "\n\n"); i > half {
		return i + 2
	}
	best := -1
	for _, sep := range []string{". ", "! ", "? ", ".\n", "!\n", "?\n", "…", "\n"} {
		if i := strings.LastIndex(window, sep); i >= 0 && i+len(sep) > best {
			best = i + len(sep)
		}
	}
	if best > half {
		return best
	}
	if i := strings.LastIndexAny(window, " \t"); i > 0 {
		return i + 1
	}
	return len(window)
}
