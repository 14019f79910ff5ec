package eval

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/miasrbija/mia/assistant"
	"github.com/miasrbija/mia/rag"
)

// Searcher is the knowledge-base search; *rag.Searcher is one.
type Searcher interface {
	Search(ctx context.Context, q rag.Query) (*rag.Results, error)
}

// Answerer is the conversation engine; *assistant.Engine is one.
type Answerer interface {
	Handle(ctx context.Context, t assistant.Turn, emit func(assistant.Event)) (*assistant.Reply, error)
}

// retrievalK is how many hits retrieval is measured on: the engine
// answers from the same number.
const retrievalK = 5

// Runner runs datasets through the search and the engine.
type Runner struct {
	Search Searcher
	Answer Answerer
	// Municipality is the slug used for items that name none; required.
	Municipality string
	// Judge scores groundedness when set.
	Judge *Judge
	// Progress is called after each item; nil reports nothing.
	Progress func(done, total int)
}

// Run runs every item and returns the report. Each item is a new
// conversation (its own user id), so no history leaks between items. An
// item whose search or turn fails is recorded as failed and the run goes
// on; Run itself fails only on a bad Runner or a cancelled context.
func (r *Runner) Run(ctx context.Context, items []Item) (*Report, error) {
	if r.Search == nil || r.Answer == nil || r.Municipality == "" {
		return nil, errors.New("eval: runner needs a searcher, an answerer and a municipality")
	}
	// The run id keeps this run's conversations apart from earlier runs'
	// on the same database.
	var b [4]byte
	_, _ = rand.Read(b[:])
	run := hex.EncodeToString(b[:])
	rep := &Report{Municipality: r.Municipality, StartedAt: time.Now().UTC(), Items: make([]Result, 0, len(items))}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res := r.runItem(ctx, it, "eval-"+run+"-"+it.ID)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.Items = append(rep.Items, res)
		if r.Progress != nil {
			r.Progress(i+1, len(items))
		}
	}
	rep.Metrics = Summarize(rep.Items)
	rep.ElapsedMS = ms(time.Since(rep.StartedAt))
	return rep, nil
}

// runItem returns the item's result, checked whichever way it ends.
func (r *Runner) runItem(ctx context.Context, it Item, user string) (res Result) {
	res = Result{Item: it, Retrieved: []string{}, Citations: []string{}}
	slug := it.Municipality
	if slug == "" {
		slug = r.Municipality
	}
	defer Check(&res)

	hits, err := r.Search.Search(ctx, rag.Query{Municipality: slug, Text: it.Question, K: retrievalK})
	if err != nil {
		res.Error = "search: " + err.Error()
		return res
	}
	for _, h := range hits.Hits {
		res.Retrieved = append(res.Retrieved, h.Source)
		res.RetrievedDocuments = append(res.RetrievedDocuments, h.DocumentID)
	}
	res.Rank = RankOf(res.Retrieved, it.ExpectSources)
	res.Confidence = hits.Confidence

	start := time.Now()
	reply, err := r.Answer.Handle(ctx, assistant.Turn{
		Municipality: slug, Channel: assistant.ChannelCLI, UserID: user, Text: it.Question,
	}, nil)
	res.LatencyMS = ms(time.Since(start))
	if err != nil {
		res.Error = "answer: " + err.Error()
		return res
	}
	res.Answer = reply.Text
	res.Route, res.Form, res.Status = string(reply.Route), reply.Form, string(reply.Status)
	for _, c := range reply.Citations {
		res.Citations = append(res.Citations, c.Source)
		res.CitedDocuments = append(res.CitedDocuments, c.DocumentID)
	}
	res.Declined = Declines(res.Status, len(reply.Citations))
	res.FactsFound, res.FactsMissing = MatchFacts(reply.Text, it.ExpectFacts)
	res.PromptTokens, res.CompletionTokens = reply.PromptTokens, reply.CompletionTokens
	if r.Judge != nil && !res.Declined && len(reply.Citations) > 0 {
		r.judge(ctx, &res, reply, hits)
	}
	return res
}

// judge scores the answer against the text of the passages it cites. The
// engine's own search is not exposed, but it ran on the same question with
// the same K, so the cited chunks are among hits; a citation's quote
// stands in for one that is not.
func (r *Runner) judge(ctx context.Context, res *Result, reply *assistant.Reply, hits *rag.Results) {
	var passages []string
	for _, c := range reply.Citations {
		text := c.Quote
		for _, h := range hits.Hits {
			if h.ChunkID == c.ChunkID {
				text = h.Content
				break
			}
		}
		if text != "" {
			passages = append(passages, fmt.Sprintf("„%s“\n%s", c.Title, text))
		}
	}
	if len(passages) == 0 {
		res.JudgeError = "judge: no text for the cited passages"
		return
	}
	v, _, err := r.Judge.Assess(ctx, res.Question, res.Answer, passages)
	if err != nil {
		res.JudgeError = err.Error()
		return
	}
	res.Groundedness = &v
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
