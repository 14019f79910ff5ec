package assistant

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

// answer answers a question from the knowledge base: with the model when
// one is configured, extractively otherwise or when the model fails.
func (e *Engine) answer(ctx context.Context, st *turnState, route Route) {
	st.reply.Route = RouteInfo
	if route != RouteInfo {
		st.reply.Route = route
	}
	c, err := e.candidate(ctx, st.m.Slug, st.text)
	if err != nil {
		e.cfg.Log.ErrorContext(ctx, "search", "conversation", st.conv, "err", err)
		st.answer.Error = err.Error()
		st.reply.Status = StatusError
		st.reply.Text = e.message(st, "error", nil)
		e.emitReply(st)
		return
	}
	st.answer.Confidence = &c.prob
	if !c.answerable {
		e.noSource(st)
		return
	}
	res := c.res
	if e.cfg.Chat != nil {
		if e.modelAnswer(ctx, st, res) {
			return
		}
		st.reply.Status = StatusFallbackOffline
	}
	e.extractiveAnswer(st, c.passages)
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
func (e *Engine) candidate(ctx context.Context, municipality, text string) (*candidateAnswer, error) {
	query := placeholderRE.ReplaceAllString(text, " ")
	want := answerType(query)
	res, err := e.cfg.Search.Search(ctx, rag.Query{Municipality: municipality, Text: query, Hint: factHint[want], K: 5})
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
	return c, nil
}

// placeholderRE matches the masks MaskPII leaves: they say nothing about
// what the citizen asks, and as words they would pull the search off topic.
var placeholderRE = regexp.MustCompile(`\[(` + PIIJMBG + `|` + PIIPhone + `|` + PIIEmail + `|` + PIICard + `)\]`)

// noSource declines: the documents do not cover the question.
func (e *Engine) noSource(st *turnState) {
	st.reply.Status = StatusNoSource
	st.reply.Text = e.message(st, "no_source", nil)
	st.reply.QuickReplies = e.quickReplies(st, mainServices)
	e.emitReply(st)
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
		b.WriteString(mirror(readableTables(p.quote), st.script))
		fmt.Fprintf(&b, " [%d]", i+1)
		st.reply.Citations = append(st.reply.Citations, citation(i+1, p.hit, p.quote, st.script))
	}
	if st.reply.Status == StatusFallbackOffline {
		b.WriteString("\n\n")
		b.WriteString(e.message(st, "fallback_notice", nil))
	}
	st.reply.Text = b.String()
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
