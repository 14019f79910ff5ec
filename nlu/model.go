package nlu

import (
	"math"
	"math/rand/v2"
)

// model is a multinomial logistic regression over hashed binary features,
// each message's feature vector scaled to unit length.
type model struct {
	classes int
	rows    map[uint64]int32 // feature hash → row of w
	w       []float32        // rows × classes
	bias    []float32
}

// example is one training message: its features and class.
type example struct {
	feats []uint64
	class int
}

// trainConfig holds the optimiser's settings. They are fixed, not fitted
// to any split: plain SGD settings that converge on the training data.
type trainConfig struct {
	epochs int
	rate   float64 // initial learning rate, decayed as rate/(1+epoch/2)
	l2     float64 // weight decay per update of a row
	seed   uint64
}

var defaultTrain = trainConfig{epochs: 12, rate: 0.5, l2: 1e-5, seed: 20}

// trainModel fits the model by stochastic gradient descent on the
// cross-entropy, visiting the examples in a shuffled order that depends
// only on cfg.seed, so training is deterministic.
func trainModel(exs []example, classes int, cfg trainConfig) *model {
	m := &model{classes: classes, rows: map[uint64]int32{}, bias: make([]float32, classes)}
	// Rows are assigned in example order so the layout is deterministic.
	idx := make([][]int32, len(exs))
	for i, ex := range exs {
		idx[i] = make([]int32, len(ex.feats))
		for j, f := range ex.feats {
			r, ok := m.rows[f]
			if !ok {
				r = int32(len(m.rows))
				m.rows[f] = r
			}
			idx[i][j] = r
		}
	}
	m.w = make([]float32, len(m.rows)*classes)
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	p := make([]float64, classes)
	for epoch := 0; epoch < cfg.epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := cfg.rate / (1 + float64(epoch)/2)
		for _, i := range order {
			rows := idx[i]
			if len(rows) == 0 {
				continue
			}
			x := 1 / math.Sqrt(float64(len(rows)))
			m.scoreRows(rows, x, p)
			softmax(p, 1)
			for c := range p {
				g := p[c]
				if c == exs[i].class {
					g--
				}
				p[c] = g
			}
			decay := float32(1 - rate*cfg.l2)
			for _, r := range rows {
				row := m.w[int(r)*classes : int(r+1)*classes]
				for c := range row {
					row[c] = row[c]*decay - float32(rate*p[c]*x)
				}
			}
			for c := range m.bias {
				m.bias[c] -= float32(rate * p[c] * 0.1)
			}
		}
	}
	return m
}

// scoreRows writes the raw class scores of a message whose known feature
// rows are rows, each with value x, into out.
func (m *model) scoreRows(rows []int32, x float64, out []float64) {
	for c := range out {
		out[c] = float64(m.bias[c])
	}
	for _, r := range rows {
		row := m.w[int(r)*m.classes : int(r+1)*m.classes]
		for c, v := range row {
			out[c] += float64(v) * x
		}
	}
}

// scores returns the raw class scores of a message's features; features
// never seen in training are ignored.
func (m *model) scores(feats []uint64) []float64 {
	rows := make([]int32, 0, len(feats))
	for _, f := range feats {
		if r, ok := m.rows[f]; ok {
			rows = append(rows, r)
		}
	}
	out := make([]float64, m.classes)
	x := 0.0
	if len(feats) > 0 {
		// Scale by all features, seen or not: a message of mostly unknown
		// words should score weakly.
		x = 1 / math.Sqrt(float64(len(feats)))
	}
	m.scoreRows(rows, x, out)
	return out
}

// softmax turns scores into probabilities in place, at temperature t.
func softmax(s []float64, t float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = max(mx, v)
	}
	var sum float64
	for i, v := range s {
		s[i] = math.Exp((v - mx) / t)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}
