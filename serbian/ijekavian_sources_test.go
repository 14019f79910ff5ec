package serbian

import (
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// MIA's own texts, read from the files the program embeds or compiles:
// every word of them that may hide a jat must be in ijekavian.txt or in
// ijekavian_same.txt, so a new message cannot reach a Laktaši citizen
// half ekavian.

// textFiles are the data files of MIA's wording (globs from the module root).
var textFiles = []string{
	"prompts/messages.yaml", "prompts/system.tmpl", "forms/definitions/*.yaml",
}

// goDirs are the packages whose string literals reach citizens.
var goDirs = []string{"forms", "assistant", "channels/web", "channels/viber", "channels/notify"}

// inputFiles hold word lists that recognise what citizens type (routing,
// guards, meaning checks), not what MIA says: their literals are skipped.
var inputFiles = []string{
	"answerability.go", "fact_kind.go", "guard_injection.go", "guard_disguise.go",
	"route_abuse.go", "route_emergency.go", "route_phrase.go", "route_words.go", "route.go",
}

// jatCandidate matches an ekavian word that may have an ijekavian form:
// a root that has jat in some words, or an -eo/-eti/-ela ending.
var jatCandidate = regexp.MustCompile(`(mest|mesn|vrem|reč|rec|cen|del|deo|ceo|vid|svet|vet|vest|vešt|pesm|pes|reš|greš|men|ver|sled|sleđ|sel|bel|dec|deč|det|dev|mer|tel|lep|sed|sred|ned|cel|gde|posl|uvek|vek|lek|leč|lev|sne|zvez|hte|bed|seć|sec|cve|rek|hle|cev|ded|bež|beg|let|pev|sme|pre|vred|vređ|rez|ovde|onde|venč|^dve)|(eo|eti|ela|elo|eli|ele|ete|em)$`)

// serbianLiteral reports whether a Go string literal is Serbian prose:
// it has a Serbian letter or a common Serbian word, and is neither a
// pattern nor a bag of lower-case words.
var (
	serbianWord = regexp.MustCompile(`(?i)(^|[^\pL])(je|da|ili|sa|na|za|se|ne|od|do|vas|vam|nije|ste|što|šta)([^\pL]|$)`)
	serbianChar = regexp.MustCompile(`[čćšžđČĆŠŽĐ]`)
)

func serbianLiteral(s string) bool {
	if strings.ContainsAny(s, `|\*`) || strings.Contains(s, "...") {
		return false
	}
	// "otkaži otkazi odustani prekini": what citizens may type.
	if len(strings.Fields(s)) >= 5 && s == strings.ToLower(s) && !strings.ContainsAny(s, ".,:;?!()„“”\"–—") {
		return false
	}
	return serbianChar.MatchString(s) || serbianWord.MatchString(s) || shortLabel.MatchString(s)
}

// shortLabel is a button or a status: "Zastarelo", "Izmeni", "u obradi".
var shortLabel = regexp.MustCompile(`^\p{Lu}\p{Ll}+([ /]\p{Ll}+){0,3}[.!?…]?$`)

// ownWords returns the lower-case Latin words of MIA's own texts.
func ownWords(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..")
	words := map[string][]string{}
	add := func(where, text string) {
		for _, w := range strings.FieldsFunc(ToLatin(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
			w = strings.ToLower(w)
			if len(words[w]) < 3 {
				words[w] = append(words[w], where)
			}
		}
	}
	for _, g := range textFiles {
		files, err := filepath.Glob(filepath.Join(root, g))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no files (%v)", g, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range yamlTexts(t, f, data) {
				add(f, stripActions(text))
			}
		}
	}
	for _, dir := range goDirs {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("%s: no Go files", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || slices.Contains(inputFiles, filepath.Base(f)) {
				continue
			}
			fset := gotoken.NewFileSet()
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == gotoken.STRING {
					if s, err := strconv.Unquote(bl.Value); err == nil && serbianLiteral(s) {
						add(fset.Position(bl.Pos()).String(), htmlTag.ReplaceAllString(stripActions(s), " "))
					}
				}
				return true
			})
		}
	}
	return words
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// textKeys are the keys of a form definition whose values citizens read.
var textKeys = []string{"title", "label", "prompt", "summary"}

// yamlTexts returns the texts of a data file: every message of
// messages.yaml, the citizen-facing values of a form definition, the
// whole of a template.
func yamlTexts(t *testing.T, name string, data []byte) []string {
	t.Helper()
	if !strings.HasSuffix(name, ".yaml") {
		return []string{string(data)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	messages := filepath.Base(name) == "messages.yaml"
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.ScalarNode && (messages || slices.Contains(textKeys, k.Value)) {
					out = append(out, v.Value)
				}
				walk(v)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return out
}

// stripActions drops text/template actions ({{.name}}): field names are
// not Serbian words.
func stripActions(s string) string {
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return s
		}
		s = s[:i] + " " + s[i+j+2:]
	}
}

func TestIjekavianListCoversOwnTexts(t *testing.T) {
	words := ownWords(t)
	if len(words) < 500 {
		t.Fatalf("only %d words read from MIA's texts: the sources moved?", len(words))
	}
	ijekavian := map[string]bool{} // a text already ijekavian (the model's rule) needs no entry
	for _, ij := range ijekavianWords {
		ijekavian[ij] = true
	}
	var missing []string
	for _, w := range slices.Sorted(func(yield func(string) bool) {
		for w := range words {
			if !yield(w) {
				return
			}
		}
	}) {
		if _, ok := ijekavianWords[w]; ok || ijekavianSame[w] || ijekavian[w] || !jatCandidate.MatchString(w) {
			continue
		}
		missing = append(missing, w+" ("+strings.Join(words[w], ", ")+")")
	}
	if len(missing) > 0 {
		t.Errorf("%d words of MIA's texts may be ekavian and are in neither serbian/ijekavian.txt "+
			"(ekavian ijekavian) nor serbian/ijekavian_same.txt (checked, the same in both): classify them:\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
}

// The list's own shape: sorted, no word both changed and the same, every
// pair really differs.
func TestIjekavianListShape(t *testing.T) {
	rows, err := parseWordList(ijekavianFile, 2)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range rows {
		keys = append(keys, r[0])
		if r[0] == r[1] {
			t.Errorf("%s maps to itself: it belongs in ijekavian_same.txt", r[0])
		}
		if ijekavianSame[r[0]] {
			t.Errorf("%s is in both lists", r[0])
		}
	}
	if !slices.IsSorted(keys) {
		t.Error("ijekavian.txt is not sorted (sort -k1,1)")
	}
	same, _ := parseWordList(ijekavianSameFile, 1)
	var sk []string
	for _, r := range same {
		sk = append(sk, r[0])
	}
	if !slices.IsSorted(sk) {
		t.Error("ijekavian_same.txt is not sorted")
	}
}
