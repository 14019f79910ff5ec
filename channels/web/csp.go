package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// The Content-Security-Policies of the channel's HTML pages. Scripts and
// styles come from MIA's origin only; the few inline blocks are allowed by
// their hash, never by 'unsafe-inline'. The pages may be framed by MIA
// itself and the municipality's own sites (AllowOrigins), nobody else.
//
// The widget on a city's page needs nothing from that page's CSP beyond
// script-src and connect-src for MIA's origin: its stylesheet is
// constructed from script (CSSOM, which style-src does not govern), the
// photo preview is drawn on a canvas, icons are inline SVG elements and it
// loads no font.

// demoStyleHash allows the demo page's one inline <style> block.
var demoStyleHash = inlineHash(between(string(mustRead("demo.html")), "<style>", "</style>"))

// citeScript scrolls the document page to the cited passage.
const citeScript = `document.getElementById("citat").scrollIntoView({block: "center"});`

var citeScriptHash = inlineHash(citeScript)

// demoCSP is the policy of the demo city page with the widget.
func demoCSP(m *municipality.Municipality) string {
	return "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' " + demoStyleHash +
		"; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors " + ancestors(m)
}

// documentCSP is the policy of a document page (and its error page): its
// one script is the scroll to the citation.
func documentCSP(m *municipality.Municipality) string {
	return "default-src 'none'; script-src " + citeScriptHash +
		"; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors " + ancestors(m)
}

func setCSP(w http.ResponseWriter, policy string) {
	w.Header().Set("Content-Security-Policy", policy)
}

// originRE is an origin that can stand in a CSP source list as is.
var originRE = regexp.MustCompile(`^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)

// ancestors is 'self' and the municipality's AllowOrigins (nil: 'self').
func ancestors(m *municipality.Municipality) string {
	out := []string{"'self'"}
	if m != nil {
		for _, o := range m.AllowOrigins {
			if originRE.MatchString(o) {
				out = append(out, o)
			}
		}
	}
	return strings.Join(out, " ")
}

// inlineHash is the CSP source that allows an inline block with this text.
func inlineHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// between is the text between the first open and the next close; it
// panics when they are missing, a mistake in an embedded file.
func between(s, open, close string) string {
	_, rest, ok := strings.Cut(s, open)
	inner, _, ok2 := strings.Cut(rest, close)
	if !ok || !ok2 {
		panic("web: " + open + " block missing")
	}
	return inner
}
