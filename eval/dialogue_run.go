package eval

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/pii"
	"github.com/miasrbija/mia/serbian"
)

// DialogueForms is what the dialogue runner reads of the citizen
// services: the form a conversation has open (which field it asks) and
// the case it filed. *forms.Service is one.
type DialogueForms interface {
	Active(ctx context.Context, conversationID int64) (*forms.Draft, error)
	LastFiled(ctx context.Context, conversationID int64) (*forms.Case, error)
	CaseForStaff(ctx context.Context, municipality string, id int64) (*forms.Case, error)
}

// DialogueRunner drives dialogues through the engine, one new
// conversation each, and reads the filed cases back.
type DialogueRunner struct {
	Answer Answerer
	Forms  DialogueForms
	// Progress is called after each dialogue; nil reports nothing.
	Progress func(done, total int)
}

// DialogueResult is how one dialogue went.
type DialogueResult struct {
	ID           string `json:"id"`
	Municipality string `json:"municipality"`
	Channel      string `json:"channel"`
	Note         string `json:"note,omitempty"`
	WantsCase    bool   `json:"wants_case"`
	Success      bool   `json:"success"`
	// Turns is how many citizen turns were sent; MinTurns the fewest that
	// could complete the dialogue.
	Turns    int `json:"turns"`
	MinTurns int `json:"min_turns"`
	// CaseRef and Form are the filed case's, if any.
	CaseRef string `json:"case_ref,omitempty"`
	Form    string `json:"form,omitempty"`
	// Failure is why the dialogue failed: the first mismatching field, or
	// what went wrong before anything was filed.
	Failure string `json:"failure,omitempty"`
	// Error is set when a turn failed outright.
	Error string `json:"error,omitempty"`
	// Transcript is the conversation, kept for failed dialogues only,
	// with personal data masked.
	Transcript []TranscriptLine `json:"transcript,omitempty"`
}

// OverMin is how many turns over the minimum the dialogue took.
func (r *DialogueResult) OverMin() int { return max(r.Turns-r.MinTurns, 0) }

// OnTarget reports whether the dialogue completed within one turn over
// the minimum: the target for every dialogue.
func (r *DialogueResult) OnTarget() bool { return r.Success && r.Turns <= r.MinTurns+1 }

// TranscriptLine is one citizen turn and MIA's reply.
type TranscriptLine struct {
	Citizen string   `json:"citizen"`
	MIA     string   `json:"mia"`
	Buttons []string `json:"buttons,omitempty"`
	// Asks is what the open form asks after the reply: a field, "summary",
	// or "" when no form is open.
	Asks string `json:"asks,omitempty"`
}

// Run runs every dialogue and returns the report. A dialogue whose turn
// fails is recorded as failed and the run goes on; Run fails only on a
// bad runner or a cancelled context.
func (r *DialogueRunner) Run(ctx context.Context, ds []Dialogue) (*DialogueReport, error) {
	if r.Answer == nil || r.Forms == nil {
		return nil, errors.New("eval: dialogue runner needs an engine and the citizen services")
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	run := hex.EncodeToString(b[:])
	rep := &DialogueReport{StartedAt: time.Now().UTC(), Dialogues: make([]DialogueResult, 0, len(ds))}
	for i, d := range ds {
		res := r.runDialogue(ctx, d, "eval-"+run+"-"+d.ID)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.Dialogues = append(rep.Dialogues, res)
		if r.Progress != nil {
			r.Progress(i+1, len(ds))
		}
	}
	rep.DialogueMetrics = SummarizeDialogues(rep.Dialogues)
	rep.ElapsedMS = ms(time.Since(rep.StartedAt))
	return rep, nil
}

// conversation is the state of one dialogue run.
type conversation struct {
	d       *Dialogue
	sent    []bool // own turns already sent
	asks    string // what the open form asks: a field, AtSummary or ""
	buttons []assistant.QuickReply
	// answered counts the answers given to each field so far.
	answered map[string]int
}

// next picks the citizen's next turn: an own turn held back for the
// question now asked, else the answer to it (the field's answers in
// order, the last one repeated), else the next own turn in order, else at
// the summary a confirmation. ok is false when the citizen has nothing
// more to say.
func (c *conversation) next() (t DialogueTurn, ok bool) {
	if c.asks != "" {
		for i, t := range c.d.Turns {
			if t.Answers == "" && !c.sent[i] && t.At == c.asks {
				c.sent[i] = true
				return t, true
			}
		}
		var answers []DialogueTurn
		for _, t := range c.d.Turns {
			if t.Answers == c.asks {
				answers = append(answers, t)
			}
		}
		if len(answers) > 0 {
			n := c.answered[c.asks]
			c.answered[c.asks] = n + 1
			return answers[min(n, len(answers)-1)], true
		}
	}
	for i, t := range c.d.Turns {
		if t.Answers == "" && !c.sent[i] && t.At == "" {
			c.sent[i] = true
			return t, true
		}
	}
	if c.asks == AtSummary {
		return DialogueTurn{Payload: forms.PayloadConfirm}, true
	}
	return DialogueTurn{}, false
}

// unsent lists the own turns never sent (their field was never asked).
func (c *conversation) unsent() []string {
	var out []string
	for i, t := range c.d.Turns {
		if t.Answers == "" && !c.sent[i] {
			out = append(out, fmt.Sprintf("turn %d (at %s)", i+1, t.At))
		}
	}
	return out
}

// stuckAfter is how many times in a row the citizen gives the same answer
// before the dialogue is given up: the form is not taking it.
const stuckAfter = 3

// runDialogue runs one dialogue as the channel user user.
func (r *DialogueRunner) runDialogue(ctx context.Context, d Dialogue, user string) (res DialogueResult) {
	res = DialogueResult{ID: d.ID, Municipality: d.Municipality, Channel: d.Channel, Note: d.Note,
		WantsCase: d.WantsCase(), MinTurns: d.MinTurns}
	defer func() {
		if res.Success {
			res.Transcript = nil
		}
	}()
	conv := &conversation{d: &d, sent: make([]bool, len(d.Turns)), answered: map[string]int{}}
	limit := d.MaxTurns
	if limit == 0 {
		limit = d.MinTurns + DefaultTurnSlack
	}
	var (
		filed   *forms.Case
		err     error
		stopped string
		// lastAnswer and repeats count the same answer sent in a row.
		lastAnswer string
		repeats    int
	)
	for filed == nil {
		if res.Turns >= limit {
			stopped = fmt.Sprintf("stopped after %d turns (the limit) with nothing filed", res.Turns)
			break
		}
		dt, ok := conv.next()
		if !ok {
			stopped = "the citizen has nothing more to say"
			if conv.asks != "" {
				stopped = fmt.Sprintf("the form asks %s, for which the script has no answer", conv.asks)
			}
			break
		}
		if dt.Answers != "" && dt.Answers == lastAnswer {
			repeats++
		} else {
			repeats = 1
		}
		lastAnswer = dt.Answers
		if dt.Answers != "" && repeats > stuckAfter {
			stopped = fmt.Sprintf("the form asked %s %d times in a row: the answer is not taken", dt.Answers, stuckAfter+1)
			break
		}
		var line TranscriptLine
		filed, line, err = r.exchange(ctx, &d, conv, dt, user)
		res.Turns++
		if err != nil {
			res.Error = fmt.Sprintf("turn %d: %v", res.Turns, err)
			res.Failure = res.Error
			return res
		}
		res.Transcript = append(res.Transcript, line)
	}
	if filed != nil {
		res.CaseRef, res.Form = filed.Ref, filed.Form
	}
	switch {
	case !d.WantsCase() && filed != nil:
		res.Failure = fmt.Sprintf("filed %s (%s), but nothing may be filed", filed.Ref, filed.Form)
	case !d.WantsCase() && conv.asks != "":
		res.Failure = fmt.Sprintf("a form was left open (it asks %s)", conv.asks)
		if u := conv.unsent(); len(u) > 0 {
			res.Failure += "; never sent: " + strings.Join(u, ", ")
		}
	case !d.WantsCase():
		res.Success = true
	case filed == nil:
		res.Failure = "nothing filed: " + stopped
	default:
		full, err := r.Forms.CaseForStaff(ctx, filed.Municipality, filed.ID)
		if err != nil {
			res.Error = fmt.Sprintf("read case %s back: %v", filed.Ref, err)
			res.Failure = res.Error
			return res
		}
		res.Failure = caseMismatch(d.Want, full)
		res.Success = res.Failure == ""
	}
	return res
}

// exchange sends one turn of the citizen and reads what followed: the
// case the conversation filed, or else what its form asks now.
func (r *DialogueRunner) exchange(ctx context.Context, d *Dialogue, conv *conversation, dt DialogueTurn, user string) (*forms.Case, TranscriptLine, error) {
	turn, said := r.turn(d, dt, conv.buttons, user)
	reply, err := r.Answer.Handle(ctx, turn, nil)
	if err != nil {
		return nil, TranscriptLine{}, err
	}
	conv.buttons = reply.QuickReplies
	filed, err := r.filedCase(ctx, reply.ConversationID)
	if err != nil {
		return nil, TranscriptLine{}, err
	}
	conv.asks = ""
	if filed == nil {
		if conv.asks, err = r.asks(ctx, reply.ConversationID); err != nil {
			return nil, TranscriptLine{}, err
		}
	}
	return filed, transcriptLine(said, reply, conv.asks), nil
}

// filedCase returns the case the conversation filed, or nil.
func (r *DialogueRunner) filedCase(ctx context.Context, conv int64) (*forms.Case, error) {
	c, err := r.Forms.LastFiled(ctx, conv)
	if errors.Is(err, fault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last filed case: %w", err)
	}
	return c, nil
}

// asks returns what the conversation's open form asks: a field, AtSummary,
// or "" when no form is open. A form that could not be read (discarded,
// expired) counts as none.
func (r *DialogueRunner) asks(ctx context.Context, conv int64) (string, error) {
	draft, err := r.Forms.Active(ctx, conv)
	switch {
	case err != nil && (errors.Is(err, forms.ErrDraftDiscarded) || errors.Is(err, fault.ErrNotFound)):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("open form: %w", err)
	case draft == nil:
		return "", nil
	case draft.Status == forms.DraftConfirming || draft.Current == "":
		return AtSummary, nil
	}
	return draft.Current, nil
}

// turn builds the engine turn for a dialogue turn and says what the
// citizen did, for the transcript. A pick presses the matching button
// among those offered, or is typed when none matches.
func (r *DialogueRunner) turn(d *Dialogue, dt DialogueTurn, offered []assistant.QuickReply, user string) (assistant.Turn, string) {
	t := assistant.Turn{Municipality: d.Municipality, Channel: assistant.Channel(d.Channel), UserID: user,
		Text: dt.Text, Payload: dt.Payload}
	var said []string
	if dt.Text != "" {
		said = append(said, dt.Text)
	}
	if dt.Pick != "" {
		if b, ok := pickButton(offered, dt.Pick); ok {
			t.Payload = b.Payload
			said = append(said, "[button "+b.Label+"]")
		} else {
			t.Text = dt.Pick
			said = append(said, dt.Pick+" [typed: no button matched]")
		}
	} else if dt.Payload != "" {
		label := dt.Payload
		for _, b := range offered {
			if b.Payload == dt.Payload {
				label = b.Label
			}
		}
		said = append(said, "[button "+label+"]")
	}
	if l := dt.Location; l != nil {
		t.Location = &assistant.Location{Lat: l.Lat, Lon: l.Lon, Address: l.Address}
		said = append(said, fmt.Sprintf("[location %.5f, %.5f]", l.Lat, l.Lon))
	}
	if dt.Photo {
		t.Attachments = append(t.Attachments, assistant.Attachment{MIME: "image/jpeg", Name: "slika.jpg", Data: samplePhoto()})
		said = append(said, "[photo]")
	}
	if c := dt.Contact; c != nil {
		// As channels/viber turns a shared contact into a turn.
		t.Text = strings.TrimSpace(c.Name + " " + c.Phone)
		said = append(said, "[contact "+t.Text+"]")
	}
	return t, strings.Join(said, " ")
}

// pickButton finds the offered button whose label contains pick, folded;
// an exact label wins over a partial one. The pick matches in either
// variant: a dataset's "Javna rasveta" presses Laktaši's "Javna rasvjeta".
func pickButton(offered []assistant.QuickReply, pick string) (assistant.QuickReply, bool) {
	wants := []string{dialogueFold(pick), dialogueFold(serbian.Ijekavian(pick))}
	var partial []assistant.QuickReply
	for _, b := range offered {
		label := dialogueFold(b.Label)
		if slices.Contains(wants, label) {
			return b, true
		}
		if strings.Contains(label, wants[0]) || strings.Contains(label, wants[1]) {
			partial = append(partial, b)
		}
	}
	if len(partial) > 0 {
		return partial[0], true
	}
	return assistant.QuickReply{}, false
}

func dialogueFold(s string) string { return strings.Join(strings.Fields(serbian.Fold(s)), " ") }

// transcriptMIA caps a reply in the transcript: an information answer
// can run long, and the reader needs only its gist.
const transcriptMIA = 280

func transcriptLine(said string, reply *assistant.Reply, asks string) TranscriptLine {
	text, _ := pii.Mask(reply.Text)
	if utf8.RuneCountInString(text) > transcriptMIA {
		text = string([]rune(text)[:transcriptMIA]) + "…"
	}
	said, _ = pii.Mask(said)
	l := TranscriptLine{Citizen: said, MIA: text, Asks: asks}
	for _, b := range reply.QuickReplies {
		l.Buttons = append(l.Buttons, b.Label)
	}
	return l
}

// samplePhoto is a small real JPEG (a gradient), like a phone's photo of
// a problem, without any metadata.
var samplePhoto = sync.OnceValue(func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic("eval: encode sample photo: " + err.Error())
	}
	return b.Bytes()
})
