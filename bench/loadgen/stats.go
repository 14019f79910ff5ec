package loadgen

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"time"
)

// Kinds of work the generator offers.
const (
	KindWeb    = "web"    // a question over the web API, reply streamed (SSE)
	KindStatus = "status" // a case status question over the web API
	KindForm   = "form"   // one step of a communal report over the web API
	KindFiling = "filing" // a whole communal report, first step to case number
	KindViber  = "viber"  // a signed Viber message callback; completion is MIA's send_message
)

// Latency marks of one piece of work, measured from when it was due
// (not when it started), so a late start counts against the server.
type sample struct {
	kind              string
	ack, first, total time.Duration // 0: not reached
}

// recorder collects samples and errors from every worker.
type recorder struct {
	mu      sync.Mutex
	samples map[string][]sample
	errors  map[string]int // "kind: reason"
}

func newRecorder() *recorder {
	return &recorder{samples: map[string][]sample{}, errors: map[string]int{}}
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples[s.kind] = append(r.samples[s.kind], s)
	r.mu.Unlock()
}

func (r *recorder) fail(kind, reason string) {
	r.mu.Lock()
	r.errors[kind+": "+reason]++
	r.mu.Unlock()
}

// Latencies are percentiles of one latency mark, in milliseconds.
type Latencies struct {
	N             int     `json:"n"`
	P50, P95, P99 float64 `json:"-"`
}

// KindReport is what one kind of work achieved.
type KindReport struct {
	Completed  int       `json:"completed"`
	PerSecond  float64   `json:"per_second"`
	Ack        Latencies `json:"ack_ms"`
	FirstText  Latencies `json:"first_text_ms"`
	Completion Latencies `json:"completion_ms"`
}

// Report is a run's outcome.
type Report struct {
	Duration time.Duration          `json:"duration"`
	Offered  map[string]int         `json:"offered"`
	Kinds    map[string]*KindReport `json:"kinds"`
	Errors   map[string]int         `json:"errors"`
	// Dropped counts arrivals not started because MaxInFlight pieces of
	// work were already waiting on the servers.
	Dropped   int            `json:"dropped"`
	Processes []ProcessUsage `json:"processes"`
	// MachineCPU is the cores busy on the whole machine meanwhile.
	MachineCPU float64 `json:"machine_cpu_cores"`
	Cores      int     `json:"machine_cores"`
}

func (r *recorder) report(d time.Duration) *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := &Report{Duration: d, Kinds: map[string]*KindReport{}, Errors: map[string]int{}}
	for kind, ss := range r.samples {
		k := &KindReport{}
		var ack, first, total []time.Duration
		for _, s := range ss {
			if s.total > 0 {
				k.Completed++
				total = append(total, s.total)
			}
			if s.ack > 0 {
				ack = append(ack, s.ack)
			}
			if s.first > 0 {
				first = append(first, s.first)
			}
		}
		k.PerSecond = float64(k.Completed) / d.Seconds()
		k.Ack, k.FirstText, k.Completion = percentiles(ack), percentiles(first), percentiles(total)
		out.Kinds[kind] = k
	}
	for e, n := range r.errors {
		out.Errors[e] = n
	}
	return out
}

func percentiles(ds []time.Duration) Latencies {
	if len(ds) == 0 {
		return Latencies{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		i := min(int(q*float64(len(ds))), len(ds)-1)
		return float64(ds[i].Microseconds()) / 1000
	}
	return Latencies{N: len(ds), P50: at(0.50), P95: at(0.95), P99: at(0.99)}
}

// MarshalJSON writes the percentiles as fields.
func (l Latencies) MarshalJSON() ([]byte, error) {
	return fmt.Appendf(nil, `{"n":%d,"p50":%.2f,"p95":%.2f,"p99":%.2f}`, l.N, l.P50, l.P95, l.P99), nil
}

func (l Latencies) String() string {
	if l.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f/%.0f/%.0f", l.P50, l.P95, l.P99)
}

// Print writes the report as a table.
func (rep *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%.0f s; latencies in ms as p50/p95/p99, from when each piece of work was due\n\n", rep.Duration.Seconds())
	fmt.Fprintf(w, "%-8s %8s %9s %9s %18s %18s %18s\n", "kind", "offered", "completed", "per s", "acknowledgement", "first text", "completion")
	kinds := make([]string, 0, len(rep.Kinds))
	for k := range rep.Kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, name := range kinds {
		k := rep.Kinds[name]
		fmt.Fprintf(w, "%-8s %8d %9d %9.1f %18s %18s %18s\n", name, rep.Offered[name], k.Completed, k.PerSecond, k.Ack, k.FirstText, k.Completion)
	}
	if rep.Dropped > 0 {
		fmt.Fprintf(w, "\n%d arrivals dropped: too much work already waiting on the servers (MaxInFlight)\n", rep.Dropped)
	}
	if len(rep.Errors) > 0 {
		fmt.Fprintln(w, "\nerrors:")
		errs := make([]string, 0, len(rep.Errors))
		for e := range rep.Errors {
			errs = append(errs, e)
		}
		sort.Strings(errs)
		for _, e := range errs {
			fmt.Fprintf(w, "  %6d  %s\n", rep.Errors[e], e)
		}
	}
	if len(rep.Processes) > 0 {
		fmt.Fprintln(w, "\nprocesses (CPU in cores busy, RSS in MiB):")
		for _, p := range rep.Processes {
			fmt.Fprintf(w, "  %-28s cpu %5.2f  rss max %7.1f\n", p.Name, p.CPU, float64(p.MaxRSS)/(1<<20))
		}
	}
	if rep.Cores > 0 {
		fmt.Fprintf(w, "machine: %.2f of %d cores busy\n", rep.MachineCPU, rep.Cores)
	}
}
