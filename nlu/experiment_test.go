package nlu

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// devItem is one item of eval's NLU dev split, as far as intents go.
type devItem struct {
	Text   string `yaml:"text"`
	Intent Intent `yaml:"intent"`
	Form   string `yaml:"form"`
}

// loadAnswerDev returns the questions of the answer-quality dev splits
// that expect no form (information questions, mostly): a large pool for
// counting questions the model would read as form starts.
func loadAnswerDev(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, m := range []string{"sombor", "laktasi"} {
		b, err := os.ReadFile("../eval/datasets/" + m + "/dev.yaml")
		if err != nil {
			t.Fatal(err)
		}
		var items []struct {
			Question   string `yaml:"question"`
			ExpectTool string `yaml:"expect_tool"`
		}
		if err := yaml.Unmarshal(b, &items); err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.ExpectTool == "" {
				out = append(out, it.Question)
			}
		}
	}
	return out
}

func loadDev(t testing.TB) []devItem {
	t.Helper()
	return loadDevFile(t, "../eval/datasets/nlu/dev.yaml")
}

func loadDevFile(t testing.TB, name string) []devItem {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var items []devItem
	if err := yaml.Unmarshal(b, &items); err != nil {
		t.Fatal(err)
	}
	return items
}

// argmaxIntent is the model's best intent for a message in a dialogue
// state, with a form start inside that form read as Inform.
func argmaxIntent(u *Understander, text, form string) Intent {
	p := u.intents.scores(withContext(features(text), form != ""))
	got := Intents[slices.Index(p, slices.Max(p))]
	if form != "" && got.Form() == form {
		got = Inform
	}
	return got
}

// TestExperiment compares model and feature settings by 5-fold
// cross-validation over the training data and argmax accuracy on the
// dev split. Run with MIA_NLU_EXPERIMENT=1 and -v; it only reports.
func TestExperiment(t *testing.T) {
	if os.Getenv("MIA_NLU_EXPERIMENT") == "" {
		t.Skip("set MIA_NLU_EXPERIMENT=1")
	}
	td, err := DefaultData()
	if err != nil {
		t.Fatal(err)
	}
	dev := loadDev(t)
	answers := loadAnswerDev(t)
	baseT, baseF, baseA := defaultTrain, featureCfg, augmentCfg
	defer func() { defaultTrain, featureCfg, augmentCfg = baseT, baseF, baseA }()
	type setting struct {
		name string
		tc   trainConfig
		fc   featureConfig
		ac   augmentConfig
	}
	var settings []setting
	add := func(name string, edit func(*trainConfig, *featureConfig, *augmentConfig)) {
		tc, fc, ac := baseT, baseF, baseA
		edit(&tc, &fc, &ac)
		settings = append(settings, setting{name, tc, fc, ac})
	}
	add("default", func(*trainConfig, *featureConfig, *augmentConfig) {})
	for _, s := range experimentSettings {
		add(s.name, s.edit)
	}
	for _, s := range settings {
		defaultTrain, featureCfg, augmentCfg = s.tc, s.fc, s.ac
		start := time.Now()
		u, err := Train(td)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		right, infoForm := 0, 0
		var miss []string
		for _, it := range dev {
			got := argmaxIntent(u, it.Text, it.Form)
			if got == it.Intent {
				right++
			} else {
				miss = append(miss, fmt.Sprintf("%s→%s", it.Intent, got))
			}
			if it.Intent == Info && got.Form() != "" {
				infoForm++
			}
		}
		// Questions of the answer splits read as form starts: at argmax,
		// and with a form's probability at least 0.7.
		ansForm, ansForm70 := 0, 0
		for _, q := range answers {
			p := u.intents.scores(features(q))
			softmax(p, 1)
			best := slices.Index(p, slices.Max(p))
			if Intents[best].Form() != "" {
				if os.Getenv("MIA_NLU_EXPERIMENT") == "v" {
					t.Logf("  answer→form %.2f %q", p[best], q)
				}
				ansForm++
				if p[best] >= 0.7 {
					ansForm70++
				}
			}
		}
		cv := crossValidate(t, td, 5)
		t.Logf("%-24s cv %.3f  dev %.3f  info→form %d  answers→form %d/%d (≥0.7: %d)  train %v", s.name, cv, float64(right)/float64(len(dev)), infoForm, ansForm, len(answers), ansForm70, took.Round(time.Millisecond))
		if os.Getenv("MIA_NLU_EXPERIMENT") == "v" {
			t.Logf("  dev misses: %v", miss)
		}
	}
}

type experimentSetting struct {
	name string
	edit func(*trainConfig, *featureConfig, *augmentConfig)
}

// experimentSettings are compared with the defaults; the figures of the
// choices made are in the defaults' comments.
var experimentSettings = []experimentSetting{
	{"idf", func(tc *trainConfig, fc *featureConfig, ac *augmentConfig) { tc.idf = true }},
	{"no query features", func(tc *trainConfig, fc *featureConfig, ac *augmentConfig) { fc.query = false }},
	{"markers", func(tc *trainConfig, fc *featureConfig, ac *augmentConfig) { fc.markers = true }},
	{"balance 0.5", func(tc *trainConfig, fc *featureConfig, ac *augmentConfig) { tc.balance = 0.5 }},
	{"context weight 1", func(tc *trainConfig, fc *featureConfig, ac *augmentConfig) { tc.blockW[blockCtx] = 1 }},
	{"word drops 2", func(tc *trainConfig, fc *featureConfig, ac *augmentConfig) { ac.drops = 2 }},
}

// TestExplain prints the ranking of the messages in MIA_NLU_EXPLAIN
// (one per line), for looking into a miss.
func TestExplain(t *testing.T) {
	texts := os.Getenv("MIA_NLU_EXPLAIN")
	if texts == "" {
		t.Skip("set MIA_NLU_EXPLAIN")
	}
	for _, text := range strings.Split(texts, "\n") {
		r := Default().Understand(text, nil, os.Getenv("MIA_NLU_FORM"))
		t.Logf("%q → %s %.2f clarify=%v %v", text, r.Intent, r.Confidence, r.Clarify, r.Ranking[:3])
	}
}
