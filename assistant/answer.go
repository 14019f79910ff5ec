package assistant

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/prompts"
	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// answer answers a question from the knowledge base: with the model when
// one is configured, extractively otherwise or when the model fails. It
// knows no turn, so it offers the model no form tools (see answerTurn).
func (e *Engine) answer(ctx context.Context, st *turnState, route Route) {
	if err := e.answerTurn(ctx, st, nil, route, ""); err != nil {
		e.failed(ctx, st, err)
	}
}

// answerTurn answers an information turn. With a model and citizen
// services, the model is also offered the form tools, with hint (the
// offline classifier's intent, "" for none), and a tool call starts that
// form for t instead of an answer: the model decides, also when the
// documents do not answer the message (a report is no question). t nil
// offers no tools. An error is a form that could not be started.
func (e *Engine) answerTurn(ctx context.Context, st *turnState, t *Turn, route Route, hint string) error {
	st.reply.Route = RouteInfo
	if route != RouteInfo {
		st.reply.Route = route
	}
	c, err := e.candidate(ctx, st.m, st.text)
	if err != nil {
		e.cfg.Log.ErrorContext(ctx, "search", "conversation", st.conv, "err", err)
		st.answer.Error = err.Error()
		st.reply.Status = StatusError
		st.reply.Text = e.message(st, "error", nil)
		e.emitReply(st)
		return nil
	}
	st.answer.Confidence = &c.prob
	tools := e.formTools(t)
	if e.cfg.Chat != nil && (c.answerable || len(tools) > 0) {
		out := e.modelAnswer(ctx, st, c.res, modelCall{tools: tools, hint: hint, show: c.answerable})
		switch {
		case out.form != "":
			return e.startModelForm(ctx, st, *t, out.form, out.values)
		case !out.failed:
			return nil // answered, or declined
		case c.answerable:
			st.reply.Status = StatusFallbackOffline
		}
	}
	if !c.answerable {
		e.noSource(st)
		return nil
	}
	e.extractiveAnswer(st, c.passages)
	return nil
}

// candidateAnswer is what the documents offer for a question: the
// search, the passages the extractive answer would quote, and whether they
// answer it.
type candidateAnswer struct {
	res      *rag.Results
	passages []passage
	features features
	// prob is the answerability model's probability that the passages
	// answer the question; answerable is prob at or above the operating
	// point's threshold, with something to quote.
	prob       float64
	answerable bool
}

// candidate searches the documents for the (masked) question and judges
// the answer they offer.
func (e *Engine) candidate(ctx context.Context, m *municipality.Municipality, text string) (*candidateAnswer, error) {
	// The word naming the data the citizen gives ("a telefon [TELEFON]")
	// is not what they ask: it would make the question ask for a phone
	// number and pull passages about phones.
	if lat := serbian.ToLatin(text); dataLabelRE.MatchString(lat) {
		text = dataLabelRE.ReplaceAllString(lat, " ")
	}
	query := placeholderRE.ReplaceAllString(text, " ")
	want := answerType(query)
	res, err := e.cfg.Search.Search(ctx, rag.Query{Municipality: m.Slug, Text: query, Hint: hintFor(query, want), K: 8, PerDocument: 5})
	if err != nil {
		return nil, err
	}
	c := &candidateAnswer{res: res}
	if len(res.Hits) == 0 {
		return c, nil
	}
	c.passages = e.ext.compose(res, want)
	c.features = assess(res, c.passages, want)
	c.prob = e.cfg.Answerability.prob(c.features)
	c.answerable = len(c.passages) > 0 && c.prob >= e.cfg.Answerability.Threshold
	if e.cfg.Log.Enabled(ctx, slog.LevelDebug) {
		// Numbers only: why a question was answered or declined, without
		// the question's words (they may hold personal data).
		e.cfg.Log.DebugContext(ctx, "answerability", "prob", c.prob, "answerable", c.answerable,
			"features", featureLog(c.features), "top_document", res.Hits[0].Source)
	}
	if r, ok := referralFor(m, text); ok && c.answerable && !slices.ContainsFunc(c.passages, r.isAbout) {
		// "Gde se vadi lična karta?" is another institution's service; the
		// city's documents that name the card on the way ("ponesite
		// ličnu kartu") do not answer it.
		c.answerable = false
	}
	return c, nil
}

// placeholderRE matches the masks MaskPII leaves: they say nothing about
// what the citizen asks, and as words they would pull the search off topic.
var placeholderRE = regexp.MustCompile(`\[(` + PIIJMBG + `|` + PIIPhone + `|` + PIIEmail + `|` + PIICard + `)\]`)

// dataLabelRE matches the word naming a piece of personal data right
// before its mask ("a telefon [TELEFON]", "JMBG je [JMBG]"), with the mask.
var dataLabelRE = regexp.MustCompile(`(?i)\b(telefon\w*|tel|mobiln\w*|mob|broj\w*|e-?mail\w*|mejl\w*|imejl\w*|jmbg|jmb|kartic\w*)\s*(je|:|-)?\s*\[(` +
	PIIJMBG + `|` + PIIPhone + `|` + PIIEmail + `|` + PIICard + `)\]`)

// noSource declines: the documents do not cover the question.
func (e *Engine) noSource(st *turnState) {
	st.reply.Status = StatusNoSource
	st.reply.Text = e.message(st, cmp.Or(st.declineAs, "no_source"), nil)
	if r, ok := referralFor(st.m, st.text); ok {
		// Another institution's service: its door, not the city's desk.
		st.reply.Text = e.message(st, prompts.Referral, map[string]string{
			"institution": r.Name, "institution_website": r.Website, "institution_phone": r.Phone})
	}
	if st.declineAs == prompts.OutOfScope {
		st.reply.Status = StatusOutOfScope
	}
	st.reply.QuickReplies = e.quickReplies(st, declineButtons)
	if b, label, ok := e.offerButton(st); ok {
		// The documents do not say where it goes, but MIA takes it.
		st.reply.Text = e.message(st, prompts.ReportOffer, map[string]string{"category": label})
		st.reply.QuickReplies = append([]QuickReply{b}, st.reply.QuickReplies...)
	}
	e.emitReply(st)
}

// offerButton returns the button that starts the report the question
// asked about (turnState.offer), and the category's label.
func (e *Engine) offerButton(st *turnState) (QuickReply, string, bool) {
	if st.offer == "" {
		return QuickReply{}, "", false
	}
	def, ok := forms.Lookup(FormCommunalReport)
	if !ok {
		return QuickReply{}, "", false
	}
	f, ok := def.Field("category")
	if !ok {
		return QuickReply{}, "", false
	}
	o, ok := f.Option(st.offer)
	if !ok {
		return QuickReply{}, "", false
	}
	label := st.m.Say(o.Label)
	return QuickReply{Label: e.message(st, prompts.QuickReportCategory, map[string]string{"category": label}), Payload: reportPayload + o.Value}, label, true
}

// extractiveAnswer quotes the best passages. Status is answered unless a
// failed model already set fallback_offline.
func (e *Engine) extractiveAnswer(st *turnState, ps []passage) {
	if len(ps) == 0 {
		e.noSource(st)
		return
	}
	if st.reply.Status == "" {
		st.reply.Status = StatusAnswered
	}
	var b strings.Builder
	for i, p := range ps {
		switch {
		case i == 0:
		case p.hit.DocumentID == ps[i-1].hit.DocumentID:
			b.WriteString("\n")
		default:
			b.WriteString("\n\n")
		}
		// Two passages of one document share its introduction.
		if i == 0 || p.hit.DocumentID != ps[i-1].hit.DocumentID {
			b.WriteString(e.message(st, "extractive_intro", map[string]string{"title": p.hit.Title}))
			b.WriteString(" ")
		}
		b.WriteString(mirror(cmp.Or(p.text, readableTables(p.quote)), st.script))
		fmt.Fprintf(&b, " [%d]", i+1)
		st.reply.Citations = append(st.reply.Citations, citation(i+1, p.hit, p.quote, st.script))
	}
	if st.reply.Status == StatusFallbackOffline {
		b.WriteString("\n\n")
		b.WriteString(e.message(st, "fallback_notice", nil))
	}
	st.reply.Text = b.String()
	if b, _, ok := e.offerButton(st); ok {
		st.reply.QuickReplies = append([]QuickReply{b}, st.reply.QuickReplies...)
	}
	e.emitReply(st)
}

// citation describes a cited passage; its title is shown in the citizen's
// script, the quote stays as in the document (it locates the passage).
func citation(n int, h rag.Hit, quote string, script serbian.Script) Citation {
	return Citation{N: n, DocumentID: h.DocumentID, ChunkID: h.ChunkID, Source: h.Source, Title: mirror(h.Title, script),
		URL: h.URL, HeadingPath: h.HeadingPath, Quote: quote, UpdatedAt: h.UpdatedAt}
}

// mirror writes text in the citizen's script.
func mirror(text string, script serbian.Script) string {
	if script == serbian.Cyrillic {
		return serbian.ToCyrillic(text)
	}
	return serbian.ToLatin(text)
}
