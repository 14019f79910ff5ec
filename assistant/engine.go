package assistant

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/llm"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/nlu"
	"github.com/miasrbija/mia/prompts"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// Searcher finds passages in a municipality's knowledge base.
type Searcher interface {
	Search(ctx context.Context, q rag.Query) (*rag.Results, error)
}

// Chat is a language model that streams an answer.
type Chat interface {
	Stream(ctx context.Context, req llm.ChatRequest, onDelta func(string)) (*llm.ChatResult, error)
	Model() string
}

// Config wires the engine; zero values take the defaults.
type Config struct {
	Municipalities *municipality.Registry
	Search         Searcher
	// Memory keeps conversations and records every answer.
	Memory ConversationStore
	// Chat is the model; nil runs offline: extractive answers only.
	Chat Chat
	// Forms files citizens' cases; nil leaves form requests and status
	// questions to the knowledge base.
	Forms Services
	// TurnBudget bounds the model's part of a turn; past it the offline
	// answer is given instead. Default 20s.
	TurnBudget time.Duration
	// HistoryTurns is how many earlier messages the model sees. Default 6.
	HistoryTurns int
	// PromptTokens caps what is sent to the model (instructions, passages,
	// history and question), counted with tiktoken. Default 6000.
	PromptTokens int
	// Understand reads citizens' messages (intent and slots); nil takes
	// the built-in one (nlu.Default).
	Understand *nlu.Understander
	// Answerability is the operating point deciding whether the documents
	// answer a question; nil takes the one built in (DefaultAnswerability).
	Answerability *Answerability
	// Handover hands conversations to staff (handover.go); nil answers a
	// request for a person with the municipality's contacts.
	Handover Handover
	// ConcurrentTurns bounds the turns doing CPU and database work at once
	// in this process, web and Viber alike; more wait their turn (see
	// admission). Turns share the CPU with the database: past a few per
	// core they only queue inside PostgreSQL, where they also delay
	// webhook acknowledgements. A turn waiting for the model holds no
	// slot. 0 means 4 per CPU.
	ConcurrentTurns int
	Log             *slog.Logger
}

// Engine answers turns. It is safe for concurrent use.
type Engine struct {
	cfg   Config
	ext   extractive
	slots admission
}

// New returns an engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Municipalities == nil || cfg.Search == nil || cfg.Memory == nil {
		return nil, errors.New("assistant: municipalities, search and memory are required")
	}
	if cfg.TurnBudget == 0 {
		cfg.TurnBudget = 20 * time.Second
	}
	if cfg.HistoryTurns == 0 {
		cfg.HistoryTurns = 6
	}
	if cfg.PromptTokens == 0 {
		cfg.PromptTokens = 6000
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Understand == nil {
		cfg.Understand = nlu.Default()
	}
	if cfg.Answerability == nil {
		a, err := DefaultAnswerability()
		if err != nil {
			return nil, err
		}
		cfg.Answerability = a
	} else if err := cfg.Answerability.validate(); err != nil {
		return nil, err
	}
	slots, err := newAdmission(cfg.ConcurrentTurns)
	if err != nil {
		return nil, err
	}
	return &Engine{cfg: cfg, ext: extractive{maxPassages: 2, maxUnits: 4}, slots: slots}, nil
}

// turnState is what one turn accumulates on its way to a reply.
type turnState struct {
	// logCtx is the turn's context for log lines only (it carries the
	// request or job id); work takes ctx as an argument.
	logCtx  context.Context
	m       *municipality.Municipality
	conv    int64
	text    string // capped and masked: what may be logged, stored and sent to a model
	script  serbian.Script
	emit    func(Event)
	reply   *Reply
	answer  Answer
	started time.Time
	// streamed is set once model text reached the citizen: a later
	// answer must replace it rather than follow it.
	streamed bool
	// notices precede the reply, e.g. that the message was cut; the
	// notice that personal data was removed is dropped when a form asked
	// for that data.
	notices   []string
	piiNotice string
	// record is what the conversation keeps of the reply when it must
	// differ from what the citizen sees: a form step that echoes their
	// name, phone or e-mail keeps them masked. It stands for reply text
	// recordOf only; "" or another text: the reply is kept as it is.
	record, recordOf string
	// declineAs names the message a decline gives instead of no_source.
	declineAs string
	// offer is the report category the question asks how to report
	// (Intent.Offer), when MIA takes reports.
	offer string
	// draft is the conversation's form in progress, read once per turn
	// (draftErr: why it could not be); loaded tells whether it was read.
	draft    *forms.Draft
	draftErr error
	loaded   bool
	// slot tells whether the turn holds a work slot (admission).
	slot bool
}

// Handle answers one turn. Events stream the reply as it forms (emit may be
// nil); the complete reply is returned and also sent as the last event. An
// error is returned only when the turn could not be recorded at all.
func (e *Engine) Handle(ctx context.Context, t Turn, emit func(Event)) (*Reply, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	m, err := e.cfg.Municipalities.Get(t.Municipality)
	if err != nil {
		return nil, err
	}
	st := &turnState{logCtx: ctx, m: m, emit: emit, started: time.Now(), reply: &Reply{}}
	if err := e.slots.enter(ctx, st); err != nil {
		return nil, err
	}
	defer e.slots.leave(st)
	if st.conv, err = e.cfg.Memory.Conversation(ctx, m.Slug, t.Channel, t.UserID); err != nil {
		return nil, err
	}
	st.reply.ConversationID = st.conv

	text := t.Text
	if ask, ok := strings.CutPrefix(t.Payload, "ask:"); ok {
		text = ask // a topic button asks its question
	} else if ask, ok := strings.CutPrefix(t.Payload, "info:"); ok {
		text = ask // "it was a question": the clarified message, asked as one
	}
	raw, cut := CapInput(text)
	text, pii := MaskPII(raw)
	st.text = text
	if st.script, err = e.replyScript(ctx, st.conv, text); err != nil { // script_pref.go
		return nil, err
	}
	// Notices precede the answer: the citizen learns what was cut or
	// removed from their message and still gets an answer to the rest.
	if cut {
		st.notices = append(st.notices, e.message(st, "input_too_long", nil))
	}
	if len(pii) > 0 {
		e.cfg.Log.InfoContext(ctx, "personal data masked", "conversation", st.conv, "kinds", pii)
		st.piiNotice = e.message(st, "pii_removed", nil)
	}
	if e.cfg.Forms != nil {
		st.draft, st.draftErr = e.cfg.Forms.Active(ctx, st.conv)
		st.loaded = true
	}
	if err := e.cfg.Memory.SaveUser(ctx, st.conv, m.Slug, userRecord(st, t, raw, text), st.script); err != nil {
		return nil, err
	}
	if r, ok := e.relayHandover(ctx, st, t, raw); ok {
		return r, nil // a person holds the conversation: MIA stays silent
	}

	handled := false
	if e.cfg.Forms != nil {
		if handled, err = e.formTurn(ctx, st, t, raw); err != nil {
			e.failed(ctx, st, err)
			handled = true
		}
	}
	switch {
	case handled:
	case strings.TrimSpace(text) == "" && t.Payload == "" && len(t.Attachments) == 0 && (t.Location == nil || e.cfg.Forms == nil):
		e.say(st, RouteGreeting, StatusAnswered, "greeting", mainServices)
	default:
		if err := e.route(ctx, st, t, text); err != nil {
			e.failed(ctx, st, err)
		}
	}

	st.reply.Latency = time.Since(st.started)
	st.reply.PromptTokens, st.reply.CompletionTokens = st.answer.PromptTokens, st.answer.CompletionTokens
	st.reply.Script = st.script
	st.answer.Reply = st.reply
	record := st.answer
	if st.record != "" && st.recordOf == st.reply.Text {
		masked := *st.reply
		masked.Text = st.record
		record.Reply = &masked
	}
	if err := e.cfg.Memory.SaveAnswer(ctx, st.conv, m.Slug, record); err != nil {
		// The citizen still gets the answer; the record is what failed.
		e.cfg.Log.ErrorContext(ctx, "record answer", "conversation", st.conv, "err", err)
	}
	emit(Event{Kind: EventDone, Reply: st.reply})
	return st.reply, nil
}

// historyText is what the conversation keeps of a citizen's message: the
// masked text, or what the turn carried when it had none (a button, a
// location, a photo), so the history reads as the citizen saw it.
func historyText(masked string, t Turn) string {
	var parts []string
	if strings.TrimSpace(masked) != "" {
		parts = append(parts, masked)
	}
	if t.Location != nil {
		parts = append(parts, "[lokacija]")
	}
	for range t.Attachments {
		parts = append(parts, "[prilog]")
	}
	if len(parts) == 0 && t.Payload != "" {
		parts = append(parts, "[izbor]")
	}
	return strings.Join(parts, " ")
}

// userRecord is what the conversation keeps of the citizen's message:
// historyText, except that a typed answer to a form's question for a
// sensitive value (a name, a phone, an e-mail, a postal address) is kept
// as the question's label only: the form stores the value encrypted, the
// record must not keep it in clear. An emergency typed instead is kept.
func userRecord(st *turnState, t Turn, raw, masked string) string {
	if st.draft != nil && t.Payload == "" && strings.TrimSpace(raw) != "" && Classify(raw).Route != RouteEmergency {
		if label, ok := st.draft.SensitiveQuestion(); ok {
			return "[" + label + "]"
		}
	}
	return historyText(masked, t)
}

// activeDraft returns the conversation's form in progress as read at the
// start of the turn.
func (e *Engine) activeDraft(ctx context.Context, st *turnState) (*forms.Draft, error) {
	if !st.loaded {
		st.draft, st.draftErr = e.cfg.Forms.Active(ctx, st.conv)
		st.loaded = true
	}
	return st.draft, st.draftErr
}

// failed answers a turn whose storage or service failed with the generic
// error text; the error is logged and recorded.
func (e *Engine) failed(ctx context.Context, st *turnState, err error) {
	e.cfg.Log.ErrorContext(ctx, "turn failed", "conversation", st.conv, "err", err)
	st.answer.Error = err.Error()
	st.reply.Citations, st.reply.QuickReplies = nil, nil
	st.reply.Status = StatusError
	st.reply.Text = e.message(st, "error", nil)
	e.emitReply(st)
}

func (e *Engine) route(ctx context.Context, st *turnState, t Turn, text string) error {
	in := e.intentOf(st, t, text)
	// An emergency is answered first, whatever else the message holds.
	if in.Route != RouteEmergency && LooksLikeInjection(text) {
		e.say(st, RouteOutOfScope, StatusOutOfScope, "injection_refusal", nil)
		return nil
	}
	if (in.Route == RouteInfo || in.Route == RouteOutOfScope) && t.Payload == "" {
		if place := st.m.ForeignPlace(text); place != "" {
			st.reply.Route, st.reply.Status = in.Route, StatusOutOfScope
			st.reply.Text = e.message(st, prompts.OtherMunicipality, map[string]string{"place": place})
			e.emitReply(st)
			return nil
		}
	}
	if in.Caution != "" {
		st.notices = append(st.notices, e.message(st, prompts.EmergencyCaution, nil))
	}
	if len(in.Clarify) > 0 {
		e.clarify(st, text, in.Clarify)
		return nil
	}
	if e.cfg.Forms != nil {
		switch {
		case in.Route == RouteFormStart && in.Form != "":
			return e.startForm(ctx, st, t, in.Form, in.Slots)
		case in.Route == RouteStatus:
			return e.caseStatus(ctx, st, t, in.CaseRef)
		case len(t.Attachments) > 0 && in.Route != RouteEmergency:
			if in.Route == RouteInfo && strings.TrimSpace(text) != "" {
				// A question with a photo: answer it, and say where photos go.
				st.notices = append(st.notices, e.message(st, prompts.MediaWithQuestion, nil))
				break
			}
			// A photo on its own is a problem being shown: a report starts
			// with it (the citizen may cancel).
			return e.startForm(ctx, st, t, FormCommunalReport, in.Slots)
		case t.Location != nil && strings.TrimSpace(text) == "" && t.Payload == "":
			// A place shared on its own (Viber's location button) points at
			// a problem: a report starts there, as with a photo, instead of
			// the greeting's menu and the place forgotten.
			return e.startForm(ctx, st, t, FormCommunalReport, in.Slots)
		}
	}
	switch in.Route {
	case RouteEmergency:
		var buttons []string
		if in.Hint == string(nlu.CommunalReport) {
			// "Čopor pasa napada ljude": the numbers first, and the report
			// the message also is, one tap away.
			buttons = []string{"qr_communal_report"}
		}
		e.say(st, RouteEmergency, StatusAnswered, "emergency_"+in.Emergency, buttons)
	case RouteAbuse:
		e.say(st, RouteAbuse, StatusOutOfScope, "abuse", nil)
	case RouteGreeting:
		e.say(st, RouteGreeting, StatusAnswered, "greeting", mainServices)
	case RouteThanks:
		e.say(st, RouteThanks, StatusAnswered, "thanks", nil)
	case RouteOutOfScope:
		// Small talk to the classifier, but the documents have the last
		// word ("Šta je firmarina?" is a word it never saw): they answer
		// when they can, and a decline says what MIA is for.
		st.declineAs = prompts.OutOfScope
		return e.answerTurn(ctx, st, nil, RouteOutOfScope, in.Hint)
	case RouteHandover:
		return e.handover(ctx, st, t)
	default:
		// Questions, and without citizen services, requests to file a
		// case or ask its status: the documents explain how.
		st.reply.Form = in.Form
		if e.cfg.Forms != nil {
			st.offer = in.Offer
		}
		return e.answerTurn(ctx, st, &t, in.Route, in.Hint)
	}
	return nil
}

// intentOf reads the turn: a button's payload decides, else the message.
func (e *Engine) intentOf(st *turnState, t Turn, text string) Intent {
	switch {
	case strings.HasPrefix(t.Payload, "form:"):
		return Intent{Route: RouteFormStart, Form: strings.TrimPrefix(t.Payload, "form:")}
	case strings.HasPrefix(t.Payload, reportPayload):
		// The report a question asked about, its category chosen; the
		// form checks the value like any other.
		return Intent{Route: RouteFormStart, Form: FormCommunalReport,
			Slots: map[string]string{"category": strings.TrimPrefix(t.Payload, reportPayload)}}
	case t.Payload == "status:":
		return Intent{Route: RouteStatus}
	case strings.HasPrefix(t.Payload, "handover:"):
		return Intent{Route: RouteHandover}
	case strings.HasPrefix(t.Payload, "info:"):
		return Intent{Route: RouteInfo}
	}
	return classify(e.cfg.Understand, text, st.m)
}

// clarify asks which of the likeliest readings the citizen meant, with a
// button for each; "it was a question" asks the same text again as one.
func (e *Engine) clarify(st *turnState, text string, choices []nlu.Intent) {
	st.reply.Route, st.reply.Status = RouteClarify, StatusAnswered
	st.reply.Text = e.message(st, prompts.Clarify, nil)
	for _, c := range choices {
		var name, payload string
		switch c {
		case nlu.Info:
			name, payload = prompts.QuickAsk, "info:"+text
		case nlu.CommunalReport:
			name, payload = prompts.QuickCommunalReport, "form:"+FormCommunalReport
		case nlu.RegistryExtract:
			name, payload = prompts.QuickRegistryExtract, "form:"+FormRegistryExtract
		case nlu.Status:
			name, payload = prompts.QuickCaseStatus, "status:"
		case nlu.Handover:
			name, payload = prompts.QuickHandover, "handover:"
		default:
			continue
		}
		st.reply.QuickReplies = append(st.reply.QuickReplies, QuickReply{Label: e.message(st, name, nil), Payload: payload})
	}
	e.emitReply(st)
}

// mainServices are the buttons offered with a greeting and a refusal.
var mainServices = []string{"qr_communal_report", "qr_registry_extract", "qr_property_tax", "qr_child_allowance"}

// topicButtons are the default topics a municipality's Topics replace.
var topicButtons = map[string]bool{prompts.QuickPropertyTax: true, prompts.QuickChildAllowance: true}

// declineButtons are offered when the documents do not answer: a person
// first, then what MIA can do.
var declineButtons = append([]string{"qr_handover"}, mainServices...)

// reportPayload starts a communal report of the category that follows.
const reportPayload = "report:"

// payloadKinds are the prefixes of every payload the engine's buttons
// send back (forms' own start with "form:").
var payloadKinds = []string{"form:", "ask:", "info:", "status:", "handover:", reportPayload}

// IsPayload reports whether s is a button's payload rather than typed
// text: a channel whose buttons send text back (Viber) tells them apart
// by it.
func IsPayload(s string) bool {
	return slices.ContainsFunc(payloadKinds, func(p string) bool { return strings.HasPrefix(s, p) })
}

// buttonPayloads are what each button sends back: a form to start, or a
// question to ask (its label, in the citizen's script).
var buttonPayloads = map[string]string{
	"qr_communal_report":  "form:" + FormCommunalReport,
	"qr_registry_extract": "form:" + FormRegistryExtract,
	"qr_case_status":      "status:",
	"qr_handover":         "handover:",
}

// message renders a fixed text in the citizen's script. The names are
// checked when the program starts, so a failure here is a missing value:
// it is logged and the citizen gets the generic error text.
func (e *Engine) message(st *turnState, name string, data map[string]string) string {
	text, err := prompts.Message(name, st.m, st.script, data)
	if err != nil {
		e.cfg.Log.ErrorContext(st.logCtx, "render message", "name", name, "err", err)
		text, _ = prompts.Message("error", st.m, st.script, nil)
	}
	return text
}

func (e *Engine) quickReplies(st *turnState, names []string) []QuickReply {
	var out []QuickReply
	topics := false
	for _, n := range names {
		if topicButtons[n] && len(st.m.Topics) > 0 {
			// The municipality's own topics stand for the default ones.
			if !topics {
				for _, t := range st.m.Topics {
					label := mirror(t, st.script)
					out = append(out, QuickReply{Label: label, Payload: "ask:" + label})
				}
				topics = true
			}
			continue
		}
		label := e.message(st, n, nil)
		payload, ok := buttonPayloads[n]
		if !ok {
			payload = "ask:" + label
		}
		out = append(out, QuickReply{Label: label, Payload: payload})
	}
	return out
}

// say replies with a fixed message.
func (e *Engine) say(st *turnState, route Route, status Status, name string, buttons []string) {
	st.reply.Route, st.reply.Status = route, status
	st.reply.Text = e.message(st, name, nil)
	st.reply.QuickReplies = e.quickReplies(st, buttons)
	e.emitReply(st)
}

// emitReply streams a reply composed in full: the text, its citations and
// its buttons.
func (e *Engine) emitReply(st *turnState) {
	kind := EventDelta
	if st.streamed {
		kind = EventReplace
	}
	e.prependNotices(st)
	st.emit(Event{Kind: kind, Text: st.reply.Text})
	for i := range st.reply.Citations {
		st.emit(Event{Kind: EventCitation, Citation: &st.reply.Citations[i]})
	}
	if len(st.reply.QuickReplies) > 0 {
		st.emit(Event{Kind: EventQuickReply, QuickReplies: st.reply.QuickReplies})
	}
}

// prependNotices puts the turn's notices before the reply text, once.
func (e *Engine) prependNotices(st *turnState) {
	notices := st.notices
	if st.piiNotice != "" {
		notices = append(notices, st.piiNotice)
	}
	if len(notices) > 0 {
		prefix := strings.Join(notices, "\n\n") + "\n\n"
		if st.record != "" && st.recordOf == st.reply.Text {
			st.record, st.recordOf = prefix+st.record, prefix+st.recordOf
		}
		st.reply.Text = prefix + st.reply.Text
		st.notices, st.piiNotice = nil, ""
	}
}
