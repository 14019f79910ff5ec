package nlu

import (
	"math"
	"math/rand/v2"
)

// model is a multinomial logistic regression over hashed features. A
// message's vector scales each block of features (words and stems,
// character n-grams, dialogue state; see blockOf) to unit length before
// the block's weight, so a long word's many n-grams cannot drown its
// stem and the dialogue state weighs the same in a long message as in a
// short one. Features may also be weighted by idf (trainConfig.idf).
type model struct {
	classes  int
	rows     map[uint64]int32 // feature hash → row of w
	w        []float32        // rows × classes
	bias     []float32
	idf      []float32 // per row
	rowBlock []uint8   // per row: its feature's block
	unseen   float32   // the idf of a feature never seen in training
	blockW   [blocks]float64
}

// example is one training message: its features and class.
type example struct {
	feats []uint64
	class int
}

// trainConfig holds the model's and optimiser's settings. They are
// chosen by 5-fold cross-validation over the training data and accuracy
// on the dev split (nlu/experiment_test.go), not fitted per run.
type trainConfig struct {
	epochs int
	rate   float64 // initial learning rate, decayed as rate/(1+epoch·decay)
	decay  float64
	l2     float64 // L2 penalty on the weights (not the biases), per example
	seed   uint64
	// blockW weighs the unit-length blocks: words, n-grams, dialogue state.
	blockW [blocks]float64
	// idf weighs features by log((1+N)/(1+df))+1; false: every feature 1.
	idf bool
	// average returns the mean of the weights over the last half of the
	// epochs (averaged SGD): steadier on phrasings unlike the training ones.
	average bool
	// balance weighs an example of class c by (N/(K·n_c))^balance, so
	// small intents (emergency, handover) are not outvoted by the prior
	// of the large ones; 0 weighs every example alike.
	balance float64
	// biasRate scales the learning rate of the class biases.
	biasRate float64
}

// defaultTrain: measured with experiment_test.go on 2026-12-04 (781
// examples), 5-fold cross-validation 0.808, dev argmax 0.954. idf
// (0.777), class balancing (0.816, but more answer-split questions read
// as form starts and more emergency readings inside a form) and a
// dialogue-state weight of 1 (a form's vocabulary pushed to other
// intents inside it) were worse; averaging the weights changed nothing.
var defaultTrain = trainConfig{
	epochs: 20, rate: 0.5, decay: 0.1, l2: 1e-5, seed: 20,
	blockW: [blocks]float64{1, 1, 0.25}, idf: false, balance: 0, biasRate: 0.1,
}

// vectorize returns the rows of a message's known features and their
// values; features never seen in training count only towards their
// block's length, so a message of mostly unknown words scores weakly.
func (m *model) vectorize(feats []uint64, rows []int32, vals []float32) ([]int32, []float32) {
	var ss [blocks]float64
	for _, f := range feats {
		v := float64(m.unseen)
		if r, ok := m.rows[f]; ok {
			v = float64(m.idf[r])
			rows = append(rows, r)
			vals = append(vals, float32(v))
		}
		ss[blockOf(f)] += v * v
	}
	var scale [blocks]float64
	for b := range ss {
		if ss[b] > 0 {
			scale[b] = m.blockW[b] / math.Sqrt(ss[b])
		}
	}
	for i, r := range rows {
		vals[i] *= float32(scale[m.blockOfRow(r)])
	}
	return rows, vals
}

func (m *model) blockOfRow(r int32) int { return int(m.rowBlock[r]) }

// fitted is how close to 1 the probability of an example's class must
// be for training to skip its update.
const fitted = 0.01

// trainModel fits the model by stochastic gradient descent on the
// cross-entropy with an L2 penalty, visiting the examples in a shuffled
// order that depends only on cfg.seed, so training is deterministic.
func trainModel(exs []example, classes int, cfg trainConfig) *model {
	m := &model{classes: classes, rows: map[uint64]int32{}, bias: make([]float32, classes), blockW: cfg.blockW}
	// Rows are assigned in example order so the layout is deterministic.
	var df []int
	for _, ex := range exs {
		for _, f := range ex.feats {
			r, ok := m.rows[f]
			if !ok {
				r = int32(len(m.rows))
				m.rows[f] = r
				df = append(df, 0)
				m.rowBlock = append(m.rowBlock, uint8(blockOf(f)))
			}
			df[r]++
		}
	}
	n := float64(len(exs))
	m.idf = make([]float32, len(df))
	m.unseen = 1
	for r, d := range df {
		m.idf[r] = 1
		if cfg.idf {
			m.idf[r] = float32(math.Log((1+n)/(1+float64(d))) + 1)
		}
	}
	if cfg.idf {
		m.unseen = float32(math.Log(1+n) + 1)
	}
	type vec struct {
		rows []int32
		vals []float32
	}
	xs := make([]vec, len(exs))
	for i, ex := range exs {
		xs[i].rows, xs[i].vals = m.vectorize(ex.feats, nil, nil)
	}
	m.w = make([]float32, len(m.rows)*classes)
	// The weights are scale·v, so the L2 penalty's decay of every weight
	// is one multiplication of scale.
	v := m.w
	scale := 1.0
	var avg []float64
	var avgBias []float64
	avgN := 0
	if cfg.average {
		avg = make([]float64, len(v))
		avgBias = make([]float64, classes)
	}
	weight := make([]float64, classes)
	for _, ex := range exs {
		weight[ex.class]++
	}
	for c, nc := range weight {
		if nc > 0 {
			weight[c] = math.Pow(n/(float64(classes)*nc), cfg.balance)
		}
	}
	order := make([]int, len(exs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	p := make([]float64, classes)
	for epoch := 0; epoch < cfg.epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := cfg.rate / (1 + float64(epoch)*cfg.decay)
		for _, i := range order {
			x := xs[i]
			if len(x.rows) == 0 {
				continue
			}
			for c := range p {
				p[c] = float64(m.bias[c])
			}
			for k, r := range x.rows {
				row := v[int(r)*classes : int(r+1)*classes]
				xv := float64(x.vals[k]) * scale
				for c, w := range row {
					p[c] += float64(w) * xv
				}
			}
			softmax(p, 1)
			scale *= 1 - rate*cfg.l2
			if p[exs[i].class] > 1-fitted {
				// Learnt already: the gradient is negligible, and skipping
				// it is most of the later epochs' time.
				continue
			}
			p[exs[i].class]--
			for c := range p {
				p[c] *= weight[exs[i].class]
			}
			for k, r := range x.rows {
				row := v[int(r)*classes : int(r+1)*classes]
				g := rate * float64(x.vals[k]) / scale
				for c := range row {
					row[c] -= float32(p[c] * g)
				}
			}
			for c := range m.bias {
				m.bias[c] -= float32(rate * p[c] * cfg.biasRate)
			}
			if scale < 1e-3 {
				for j := range v {
					v[j] *= float32(scale)
				}
				scale = 1
			}
		}
		if cfg.average && 2*epoch >= cfg.epochs {
			for j := range v {
				avg[j] += float64(v[j]) * scale
			}
			for c := range avgBias {
				avgBias[c] += float64(m.bias[c])
			}
			avgN++
		}
	}
	if cfg.average && avgN > 0 {
		for j := range v {
			v[j] = float32(avg[j] / float64(avgN))
		}
		for c := range m.bias {
			m.bias[c] = float32(avgBias[c] / float64(avgN))
		}
		return m
	}
	for j := range v {
		v[j] *= float32(scale)
	}
	return m
}

// scores returns the raw class scores of a message's features.
func (m *model) scores(feats []uint64) []float64 {
	rows, vals := m.vectorize(feats, make([]int32, 0, len(feats)), make([]float32, 0, len(feats)))
	out := make([]float64, m.classes)
	for c := range out {
		out[c] = float64(m.bias[c])
	}
	for k, r := range rows {
		row := m.w[int(r)*m.classes : int(r+1)*m.classes]
		x := float64(vals[k])
		for c, v := range row {
			out[c] += float64(v) * x
		}
	}
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
