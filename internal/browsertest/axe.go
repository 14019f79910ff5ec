package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Violation is one axe-core rule that failed on the page, with the
// elements that failed it.
type Violation struct {
	ID     string          `json:"id"`     // the rule, e.g. "color-contrast"
	Impact string          `json:"impact"` // minor, moderate, serious or critical
	Help   string          `json:"help"`
	Nodes  []ViolationNode `json:"nodes"`
}

// ViolationNode is one element that failed a rule.
type ViolationNode struct {
	Target  string `json:"target"`  // a CSS selector of the element
	HTML    string `json:"html"`    // the element's opening markup
	Summary string `json:"summary"` // why it failed
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t%s %s\n\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
	}
	return b.String()
}

// AxeEnv names a file that overrides where the axe-core script is read
// from.
const AxeEnv = "MIA_AXE_CORE"

// AxePath is where `scripts/deps.sh --browser` installs axe-core with npm:
// a cache outside the repository, so the script is never committed.
func AxePath() string {
	if p := os.Getenv(AxeEnv); p != "" {
		return p
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = filepath.Join(os.TempDir(), "cache")
	}
	return filepath.Join(dir, "mia", "axe-core", "node_modules", "axe-core", "axe.min.js")
}

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(AxePath())
	if err != nil {
		return "", fmt.Errorf("read axe-core (scripts/deps.sh --browser installs it): %w", err)
	}
	return string(b), nil
})

// axeRun runs every rule axe-core has outside its experimental ones (the
// WCAG 2.x A and AA rules and the best practices) on the whole document,
// and flattens the result to what Violation holds.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help,
	nodes: v.nodes.map(n => ({target: n.target.map(String).join(" "), html: n.html, summary: n.failureSummary || ""})),
})))`

// Axe injects the real axe-core into ctx's current page (once per page)
// and returns the violations it finds there.
func Axe(ctx context.Context) ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("axe: look for axe-core on the page: %w", err)
	}
	if !loaded {
		// Through the DevTools protocol, so the page's CSP does not have to
		// allow it; the trailing expression keeps the result small.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+"\n;true")); err != nil {
			return nil, fmt.Errorf("axe: inject axe-core: %w", err)
		}
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe: run: %w", err)
	}
	return out, nil
}

// NoAxeViolations fails the test for every violation axe-core finds on
// ctx's current page; name says which page or state it was. Without
// axe-core the check is skipped, unless CI is set.
func NoAxeViolations(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if _, err := axeSource(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %v", err)
		}
		t.Logf("accessibility check of %s skipped: %v", name, err)
		return
	}
	vs, err := Axe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe-core: %s", name, v)
	}
}
