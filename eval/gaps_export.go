package eval

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// GapGroup is a group of real questions MIA declined or that citizens
// rated 👎 (package feedback's knowledge gaps), to become dataset items.
type GapGroup struct {
	ID           int64
	Municipality string
	Status       string
	Questions    []string // as the conversation kept them: personal data masked
	Documents    []string // the documents its answers cited
}

// GapItems turns groups into dataset items, one per distinct question.
// They expect a refusal by default: MIA could not answer them when they
// were asked. QA edits each: when the city added a document, the item
// gets expect_refusal: false, its expect_sources and expect_facts, and
// moves into a split (test.yaml) like any other item.
func GapItems(groups []GapGroup) []Item {
	var items []Item
	for _, g := range groups {
		seen := map[string]bool{}
		n := 0
		for _, q := range g.Questions {
			q = strings.TrimSpace(q)
			if q == "" || seen[q] {
				continue
			}
			seen[q] = true
			n++
			items = append(items, Item{ID: fmt.Sprintf("gap-%s-%d-%d", g.Municipality, g.ID, n), Question: q,
				Municipality: g.Municipality, ExpectRefusal: true})
		}
	}
	return items
}

// WriteGapItems writes the groups' items as a dataset file (Parse reads
// it back), each group's items after a comment naming the group, its
// status and the documents its answers cited.
func WriteGapItems(w io.Writer, groups []GapGroup) error {
	var b strings.Builder
	b.WriteString("# Questions citizens asked that MIA declined or that got a thumbs-down\n" +
		"# (mia eval export --gaps). Every item expects a refusal until QA edits it:\n" +
		"# set expect_refusal: false with expect_sources and expect_facts once the\n" +
		"# city's documents answer it, then move it into a split.\n")
	total := 0
	for _, g := range groups {
		items := GapItems([]GapGroup{g})
		if len(items) == 0 {
			continue
		}
		total += len(items)
		fmt.Fprintf(&b, "\n# group %d (%s), %s: %d question(s)", g.ID, g.Municipality, g.Status, len(items))
		if len(g.Documents) > 0 {
			fmt.Fprintf(&b, "; documents retrieved: %s", strings.Join(g.Documents, "; "))
		}
		b.WriteString("\n")
		out, err := yaml.Marshal(items)
		if err != nil {
			return fmt.Errorf("export gaps: %w", err)
		}
		b.Write(out)
	}
	if total == 0 {
		return errors.New("export gaps: no questions to export")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
