package eval

import "math"

// Interval is a 95% confidence interval of a figure.
type Interval struct {
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// z975 is the standard normal 97.5th percentile: two-sided 95%.
const z975 = 1.959963984540054

// Wilson returns the Wilson score 95% interval of a proportion of
// successes out of n trials; the zero Interval when n is 0.
//
// Unlike the normal ("Wald") interval it stays inside [0, 1] and does not
// collapse to a point at 0 or 1 of n, which is where an eval's figures
// usually sit. successes need not be whole: for a mean of per-item shares
// in [0, 1] (fact recall, citation precision) pass mean×n. A variable
// bounded by [0, 1] with mean p has variance at most p(1−p), so the
// binomial interval is then at least as wide as the data need.
func Wilson(successes float64, n int) Interval {
	if n <= 0 {
		return Interval{}
	}
	nf := float64(n)
	p := min(max(successes/nf, 0), 1)
	z2 := z975 * z975
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z975 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Low: max(center-half, 0), High: min(center+half, 1)}
}

// MeanInterval returns the Student t 95% interval of the mean of xs,
// clipped to [lo, hi] (the range the values can take); the zero Interval
// for no values, and the single value for one.
func MeanInterval(xs []float64, lo, hi float64) Interval {
	n := len(xs)
	switch n {
	case 0:
		return Interval{}
	case 1:
		return Interval{Low: xs[0], High: xs[0]}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ss / float64(n-1))
	half := TQuantile975(n-1) * sd / math.Sqrt(float64(n))
	return Interval{Low: max(mean-half, lo), High: min(mean+half, hi)}
}

// t975 are Student's t 97.5th percentiles for 1 to 30 degrees of freedom
// (the standard tables, four decimals).
var t975 = [...]float64{
	12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
	2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
	2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
}

// TQuantile975 returns Student's t 97.5th percentile for df degrees of
// freedom (df ≥ 1; below that it returns +Inf). Up to 30 it is the table;
// above, the Cornish–Fisher expansion around the normal quantile, whose
// error there is below 1e-5.
func TQuantile975(df int) float64 {
	if df < 1 {
		return math.Inf(1)
	}
	if df <= len(t975) {
		return t975[df-1]
	}
	z, v := z975, float64(df)
	z3, z5, z7, z9 := z*z*z, math.Pow(z, 5), math.Pow(z, 7), math.Pow(z, 9)
	g1 := (z3 + z) / 4
	g2 := (5*z5 + 16*z3 + 3*z) / 96
	g3 := (3*z7 + 19*z5 + 17*z3 - 15*z) / 384
	g4 := (79*z9 + 776*z7 + 1482*z5 - 1920*z3 - 945*z) / 92160
	return z + g1/v + g2/(v*v) + g3/(v*v*v) + g4/(v*v*v*v)
}

// Intervals returns the 95% interval of each of m's figures computed from
// rs, keyed by the figure's JSON name. Shares get Wilson intervals over
// the figure's own denominator (for groundedness: the claims counted);
// MRR, a mean of reciprocal ranks, gets a t interval within [0, 1].
// Latencies and token sums get none. A figure over no items is left out.
func Intervals(rs []Result, m Metrics) map[string]Interval {
	out := map[string]Interval{}
	add := func(key string, p float64, n int) {
		if n > 0 {
			out[key] = Wilson(p*float64(n), n)
		}
	}
	add("recall_at_1", m.RecallAt1, m.Counts.Retrieval)
	add("recall_at_5", m.RecallAt5, m.Counts.Retrieval)
	add("citation_precision", m.CitationPrecision, m.Counts.Citation)
	add("fact_recall", m.FactRecall, m.Counts.Facts)
	add("refusal_precision", m.RefusalPrecision, m.Counts.Declined)
	add("refusal_recall", m.RefusalRecall, m.Counts.ExpectedRefuse)
	add("refusal_accuracy", m.RefusalAccuracy, m.Total)
	add("tool_accuracy", m.ToolAccuracy, m.Counts.Tool)
	add("unexpected_form_rate", m.UnexpectedFormRate, m.Counts.NoTool)
	var rr []float64
	supported, claims := 0, 0
	for _, r := range rs {
		if len(r.ExpectSources) > 0 {
			rr = append(rr, reciprocal(r.Rank))
		}
		if g := r.Groundedness; g != nil {
			supported, claims = supported+g.Supported, claims+g.Total
		}
	}
	if len(rr) > 0 {
		out["mrr"] = MeanInterval(rr, 0, 1)
	}
	if claims > 0 {
		out["groundedness"] = Wilson(float64(supported), claims)
	}
	return out
}

func reciprocal(rank int) float64 {
	if rank <= 0 {
		return 0
	}
	return 1 / float64(rank)
}
