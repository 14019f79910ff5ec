// Package loadgen drives a mixed workload against running MIA replicas:
// web questions whose replies stream over SSE, case status questions,
// a trickle of communal reports filed step by step, and signed Viber
// message callbacks whose replies it receives as the Viber Bot API, across
// many municipalities. Arrivals are open-loop: each piece of work starts
// when it is due whatever the servers' pace, and its latencies count from
// then, so a slow server cannot lower the offered load or hide its queue.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Town is a municipality the generator sends work to, with a point in
// its territory for reports. Weight is its share of the traffic
// (relative; a large city gets more).
type Town struct {
	Slug     string
	Lat, Lon float64
	Weight   float64
}

// Config is a run's settings. Rates are arrivals per second.
type Config struct {
	Targets []string // base URLs of the replicas, taken in turn
	Towns   []Town
	// Questions are what citizens ask on the web and on Viber.
	Questions []string

	WebRate    float64 // questions over the web API
	StatusRate float64 // case status questions
	FormRate   float64 // communal reports started
	ViberRate  float64 // Viber message callbacks
	Duration   time.Duration
	// TurnsPerConversation is how many questions a web citizen asks
	// before a new conversation starts (default 3).
	TurnsPerConversation int
	// ThinkTime is the pause between a report's steps (default 3s).
	ThinkTime time.Duration
	// MaxInFlight bounds each kind's work waiting on the servers; an
	// arrival beyond it is dropped and counted (default 4096). A small
	// bound with a rate above capacity measures the ceiling.
	MaxInFlight int
	// Drain is how long after the last arrival replies are still
	// awaited (default 30s).
	Drain time.Duration

	// ViberToken signs the callbacks; ViberUsers is the number of
	// distinct Viber users (default 10000). ViberSink is the address the
	// Bot API sink listens on ("127.0.0.1:0": any port; empty: no sink,
	// Viber replies not measured).
	ViberToken string
	ViberUsers int
	ViberSink  string
	// SinkReady, when set, is called with the sink's URL before the run
	// starts (the servers' MIA_VIBER_API_URL must name it).
	SinkReady func(url string)

	// PIDs are server processes whose CPU and RSS are reported;
	// ProcessNames adds every process of these command names, summed
	// ("postgres").
	PIDs         []int
	ProcessNames []string

	Seed uint64
}

func (c *Config) defaults() error {
	var errs []error
	if len(c.Targets) == 0 {
		errs = append(errs, errors.New("no target: give at least one MIA base URL"))
	}
	if len(c.Towns) == 0 {
		errs = append(errs, errors.New("no municipality to send work to"))
	}
	if len(c.Questions) == 0 && (c.WebRate > 0 || c.ViberRate > 0) {
		errs = append(errs, errors.New("no questions"))
	}
	if c.WebRate < 0 || c.StatusRate < 0 || c.FormRate < 0 || c.ViberRate < 0 {
		errs = append(errs, errors.New("a rate is negative"))
	}
	if c.WebRate+c.StatusRate+c.FormRate+c.ViberRate == 0 {
		errs = append(errs, errors.New("every rate is zero: nothing to send"))
	}
	if c.Duration <= 0 {
		errs = append(errs, errors.New("duration must be positive"))
	}
	if c.ViberRate > 0 && c.ViberToken == "" {
		errs = append(errs, errors.New("Viber callbacks need the bot token that signs them"))
	}
	if c.TurnsPerConversation <= 0 {
		c.TurnsPerConversation = 3
	}
	if c.ThinkTime <= 0 {
		c.ThinkTime = 3 * time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 4096
	}
	if c.Drain <= 0 {
		c.Drain = 30 * time.Second
	}
	if c.ViberUsers <= 0 {
		c.ViberUsers = 10_000
	}
	return errors.Join(errs...)
}

type generator struct {
	cfg  Config
	http *http.Client
	rec  *recorder
	sink *sink

	next     atomic.Uint64 // round robin over targets
	ipSeq    atomic.Uint32
	viberSeq atomic.Uint64
	inFlight atomic.Int64
	dropped  atomic.Int64

	mu       sync.Mutex
	idle     map[string][]*citizen // conversations waiting for their next question
	cases    []filedCase
	rng      *rand.Rand
	cumTowns []float64
}

type filedCase struct {
	c   *citizen
	ref string
}

// Run offers the configured load, waits for the replies still due, and
// returns what the servers achieved.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = cfg.MaxInFlight
	tr.MaxConnsPerHost = 0
	g := &generator{cfg: cfg, rec: newRecorder(), idle: map[string][]*citizen{},
		http: &http.Client{Transport: tr, Timeout: 2 * time.Minute},
		rng:  rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed))}
	sum := 0.0
	for _, t := range cfg.Towns {
		sum += max(t.Weight, 0)
		g.cumTowns = append(g.cumTowns, sum)
	}
	if sum == 0 {
		return nil, errors.New("every municipality's weight is zero")
	}
	if cfg.ViberRate > 0 && cfg.ViberSink != "" {
		g.sink = newSink(g.rec)
		url, err := g.sink.start(cfg.ViberSink)
		if err != nil {
			return nil, err
		}
		defer g.sink.close()
		if cfg.SinkReady != nil {
			cfg.SinkReady(url)
		}
	} else {
		g.sink = newSink(g.rec) // callbacks still sent; replies go unmeasured
	}

	w := newWatcher(cfg.PIDs, cfg.ProcessNames)
	go w.run()
	start := time.Now()
	offered := g.offer(ctx)
	elapsed := time.Since(start)
	procs, machine := w.finish(elapsed)

	// Replies still streaming or queued count, within the drain.
	deadline := time.Now().Add(cfg.Drain)
	for time.Now().Before(deadline) && (g.inFlight.Load() > 0 || (cfg.ViberSink != "" && g.sink.unanswered() > 0)) {
		if !sleep(ctx, 100*time.Millisecond) {
			break
		}
	}
	rep := g.rec.report(elapsed)
	rep.Offered, rep.Dropped = offered, int(g.dropped.Load())
	for kind := range offered {
		if rep.Kinds[kind] == nil {
			rep.Kinds[kind] = &KindReport{}
		}
	}
	rep.Processes, rep.MachineCPU, rep.Cores = procs, machine, runtime.NumCPU()
	if n := g.inFlight.Load(); n > 0 {
		rep.Errors[fmt.Sprintf("all: unfinished after the %s drain", cfg.Drain)] += int(n)
	}
	if cfg.ViberSink != "" {
		if n := g.sink.unanswered(); n > 0 {
			rep.Errors[fmt.Sprintf("viber: no reply after the %s drain", cfg.Drain)] += n
		}
	}
	return rep, nil
}

// offer schedules arrivals of each kind at its rate, evenly spaced and
// interleaved, until the duration is over, and returns how many of each
// were offered.
func (g *generator) offer(ctx context.Context) map[string]int {
	type stream struct {
		kind string
		rate float64
		do   func(ctx context.Context, t Town, due time.Time)
		next time.Time
		n    int
		busy atomic.Int64
	}
	start := time.Now()
	streams := []*stream{
		{kind: KindWeb, rate: g.cfg.WebRate, do: g.webQuestion},
		{kind: KindStatus, rate: g.cfg.StatusRate, do: g.statusQuestion},
		{kind: KindFiling, rate: g.cfg.FormRate, do: g.fileReport},
		{kind: KindViber, rate: g.cfg.ViberRate, do: func(ctx context.Context, t Town, due time.Time) {
			g.viberMessage(ctx, t, due, g.question())
		}},
	}
	end := start.Add(g.cfg.Duration)
	offered := map[string]int{}
	for _, s := range streams {
		s.next = start
	}
	for {
		// The stream due first goes next.
		var s *stream
		for _, x := range streams {
			if x.rate > 0 && x.next.Before(end) && (s == nil || x.next.Before(s.next)) {
				s = x
			}
		}
		if s == nil {
			return offered
		}
		if d := time.Until(s.next); d > 0 && !sleep(ctx, d) {
			return offered
		}
		due := s.next
		s.n++
		s.next = start.Add(time.Duration(float64(s.n) / s.rate * float64(time.Second)))
		offered[s.kind]++
		if s.busy.Load() >= int64(g.cfg.MaxInFlight) {
			g.dropped.Add(1)
			continue
		}
		s.busy.Add(1)
		g.inFlight.Add(1)
		t := g.town()
		go func() {
			defer g.inFlight.Add(-1)
			defer s.busy.Add(-1)
			s.do(ctx, t, due)
		}()
	}
}

// webQuestion asks one question, in a conversation of the municipality
// that has asked fewer than TurnsPerConversation, or a new one.
func (g *generator) webQuestion(ctx context.Context, t Town, due time.Time) {
	c := g.takeIdle(t.Slug)
	if c == nil {
		var err error
		if c, err = g.newCitizen(ctx, t); err != nil {
			g.rec.fail(KindWeb, err.Error())
			return
		}
	}
	if _, err := g.turn(ctx, c, KindWeb, due, map[string]string{"text": g.question()}); err != nil {
		if !errors.Is(err, context.Canceled) {
			g.rec.fail(KindWeb, err.Error())
		}
		return
	}
	if c.turns < g.cfg.TurnsPerConversation {
		g.mu.Lock()
		g.idle[t.Slug] = append(g.idle[t.Slug], c)
		g.mu.Unlock()
	}
}

// statusQuestion asks for a case filed earlier in its own conversation,
// or, before any is filed, for a number no case has.
func (g *generator) statusQuestion(ctx context.Context, t Town, due time.Time) {
	g.mu.Lock()
	var fc filedCase
	if n := len(g.cases); n > 0 {
		fc = g.cases[g.rng.IntN(n)]
	}
	g.mu.Unlock()
	c, ref := fc.c, fc.ref
	if c == nil {
		var err error
		if c, err = g.newCitizen(ctx, t); err != nil {
			g.rec.fail(KindStatus, err.Error())
			return
		}
		ref = "QA-KP-2026-999999"
	}
	if _, err := g.turn(ctx, c, KindStatus, due, map[string]string{"text": "Šta je sa mojom prijavom " + ref + "?"}); err != nil &&
		!errors.Is(err, context.Canceled) {
		g.rec.fail(KindStatus, err.Error())
	}
}

func (g *generator) filed(c *citizen, ref string) {
	g.mu.Lock()
	g.cases = append(g.cases, filedCase{c: c, ref: ref})
	g.mu.Unlock()
}

func (g *generator) takeIdle(slug string) *citizen {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.idle[slug]
	if len(q) == 0 {
		return nil
	}
	c := q[len(q)-1]
	g.idle[slug] = q[:len(q)-1]
	return c
}

func (g *generator) target() string {
	return g.cfg.Targets[int(g.next.Add(1)-1)%len(g.cfg.Targets)]
}

// nextIP is a new citizen's address as a trusted proxy reports it
// (X-Forwarded-For), so per-address limits see many citizens, as behind
// a real proxy.
func (g *generator) nextIP() string {
	n := g.ipSeq.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", n>>16&0xff, n>>8&0xff, n&0xff)
}

func (g *generator) question() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cfg.Questions[g.rng.IntN(len(g.cfg.Questions))]
}

func (g *generator) town() Town {
	g.mu.Lock()
	x := g.rng.Float64() * g.cumTowns[len(g.cumTowns)-1]
	g.mu.Unlock()
	for i, c := range g.cumTowns {
		if x < c {
			return g.cfg.Towns[i]
		}
	}
	return g.cfg.Towns[len(g.cfg.Towns)-1]
}
