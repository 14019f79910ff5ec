package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/miasrbija/mia/fault"
	"github.com/miasrbija/mia/serbian"
)

type documentView struct {
	Lang         string
	Municipality string
	Title        string
	URL          string
	Before       string
	Marked       string // the cited passage, highlighted
	After        string
	Detached     bool   // the passage could not be located in the body and is shown above it
	Changed      string // when the document last changed, "3. 12. 2026."; "" when unknown
}

// belgrade is the citizens' time zone, for dates shown to them; UTC where
// the system has no zone data.
var belgrade = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Belgrade"); err == nil {
		return l
	}
	return time.UTC
}()

// serbianDate writes a day the Serbian way, "3. 12. 2026.".
func serbianDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(belgrade).Format("2. 1. 2006.")
}

// documentPage shows an ingested document (?municipality= or the default)
// with the chunk named by ?chunk= highlighted. Everything is escaped by
// html/template.
func (h *Handler) documentPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, err := h.cfg.Municipalities.Get(r.URL.Query().Get("municipality"))
	if err != nil {
		h.pageError(w, http.StatusNotFound, "Grad ili opština nije pronađena.")
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		h.pageError(w, http.StatusNotFound, "Dokument nije pronađen.")
		return
	}
	doc, err := h.cfg.Documents.Document(ctx, m.Slug, id)
	if errors.Is(err, fault.ErrNotFound) {
		h.pageError(w, http.StatusNotFound, "Dokument nije pronađen.")
		return
	}
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "document page", "document", id, "err", err)
		h.pageError(w, http.StatusInternalServerError, "Došlo je do greške. Pokušajte ponovo kasnije.")
		return
	}
	v := documentView{Lang: "sr-Latn", Municipality: m.Name, Title: doc.Title, URL: safeURL(doc.URL), Before: doc.Body,
		Changed: serbianDate(doc.UpdatedAt)}
	if doc.Title == "" {
		v.Title = doc.Source
	}
	if c, err := strconv.ParseInt(r.URL.Query().Get("chunk"), 10, 64); err == nil && c > 0 {
		passage, err := h.cfg.Documents.Passage(ctx, m.Slug, id, c)
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			h.cfg.Log.ErrorContext(ctx, "document passage", "document", id, "chunk", c, "err", err)
		}
		if passage != "" {
			if start, end, ok := locate(doc.Body, passage); ok {
				v.Before, v.Marked, v.After = doc.Body[:start], doc.Body[start:end], doc.Body[end:]
			} else {
				v.Marked, v.Detached = passage, true
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setCSP(w, documentCSP(m))
	tmpl := documentTmpl
	if m.IsIjekavian() {
		tmpl = documentTmplIjekavian
	}
	if err := tmpl.Execute(w, v); err != nil {
		h.cfg.Log.ErrorContext(ctx, "render document page", "err", err)
	}
}

func (h *Handler) pageError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setCSP(w, documentCSP(nil))
	w.WriteHeader(status)
	_ = errorTmpl.Execute(w, msg)
}

// safeURL keeps only http(s) links to a document's source.
func safeURL(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// locate finds passage in body, ignoring differences in whitespace and in
// table rules (the chunker joins lines and renders tables as Markdown,
// which the body may not). It returns the byte range in body.
func locate(body, passage string) (start, end int, ok bool) {
	if i := strings.Index(body, passage); i >= 0 {
		return i, i + len(passage), true
	}
	want := words(passage)
	if len(want) == 0 {
		return 0, 0, false
	}
	have := words(body)
	for i := 0; i+len(want) <= len(have); i++ {
		match := true
		for j, w := range want {
			if have[i+j].text != w.text {
				match = false
				break
			}
		}
		if match {
			return have[i].start, have[i+len(want)-1].end, true
		}
	}
	return 0, 0, false
}

type word struct {
	text       string
	start, end int
}

// words splits s at white space, drops table rules ("|", "---", ":--:")
// and trims pipes off words, keeping each word's byte range in s.
func words(s string) []word {
	var out []word
	space := func(i int) (bool, int) {
		r, n := utf8.DecodeRuneInString(s[i:])
		return unicode.IsSpace(r), n
	}
	for i := 0; i < len(s); {
		for i < len(s) {
			sp, n := space(i)
			if !sp {
				break
			}
			i += n
		}
		j := i
		for j < len(s) {
			sp, n := space(j)
			if sp {
				break
			}
			j += n
		}
		if j > i {
			w := strings.Trim(s[i:j], "|")
			if strings.Trim(w, "|-:") != "" {
				off := strings.Index(s[i:j], w)
				out = append(out, word{text: w, start: i + off, end: i + off + len(w)})
			}
		}
		i = j
	}
	return out
}

// documentHead and documentTail enclose the inline script (whose hash
// the page's CSP allows, so it is never converted).
const (
	documentHead = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — {{.Municipality}}</title>
<link rel="stylesheet" href="/widget.css">
</head>
<body class="mia-doc">
<header class="mia-doc-header"><p>{{.Municipality}}</p><h1>{{.Title}}</h1>
{{if .URL}}<p>Izvor: <a href="{{.URL}}" rel="noopener">{{.URL}}</a></p>{{end}}
{{if .Changed}}<p class="mia-doc-changed">Izmenjeno {{.Changed}}</p>{{end}}
<p class="mia-doc-note">Ovaj dokument je deo baze znanja koju koristi MIA, automatizovani asistent.{{if .Marked}} Citirani deo je označen.{{end}}</p>
</header>
<main id="sadrzaj">
{{if .Detached}}<section aria-label="Citirani deo"><h2>Citirani deo</h2><p class="mia-doc-body"><mark id="citat">{{.Marked}}</mark></p></section>
<h2>Ceo dokument</h2>
<div class="mia-doc-body">{{.Before}}</div>
{{else}}<div class="mia-doc-body">{{.Before}}{{if .Marked}}<mark id="citat">{{.Marked}}</mark>{{end}}{{.After}}</div>{{end}}
</main>
{{if .Marked}}<script>`
	documentTail = `</script>{{end}}
</body>
</html>
`
)

// documentTmpl frames a document in MIA's words; documentTmplIjekavian
// has them ijekavian, for an ijekavian municipality. The document itself
// is shown as written.
var (
	documentTmpl          = template.Must(template.New("document").Parse(documentHead + citeScript + documentTail))
	documentTmplIjekavian = template.Must(template.New("document").Parse(
		serbian.IjekavianTemplate(documentHead) + citeScript + serbian.IjekavianTemplate(documentTail)))
)

var errorTmpl = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="sr-Latn"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MIA</title><link rel="stylesheet" href="/widget.css"></head>
<body class="mia-doc"><main><h1>{{.}}</h1><p><a href="/">Početna strana</a></p></main></body></html>
`))
