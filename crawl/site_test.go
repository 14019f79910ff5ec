package crawl_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// site serves a copy of the demo corpus as a small municipal web site,
// with the traps a real one has. It answers conditional requests as a
// web server does (http.ServeContent with an ETag).
type site struct {
	srv   *httptest.Server
	mu    sync.Mutex
	pages map[string]sitePage // by path
	log   []hit
	slow  time.Duration
}

type sitePage struct {
	body  []byte
	ctype string
	mod   time.Time
}

type hit struct {
	path        string // with the query
	conditional bool
	status      int
	at          time.Time
}

var corpusDir = filepath.Join("..", "corpus", "sombor")

// newSite serves the corpus; traps adds the slow, huge, calendar,
// duplicate, redirect and missing pages.
func newSite(t testing.TB, traps bool) *site {
	t.Helper()
	s := &site{pages: map[string]sitePage{}, slow: 3 * time.Second}
	mod := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const htmlType = "text/html; charset=utf-8"
	for _, n := range []string{"gradski-usluzni-centar.html", "komunalni-problemi.html", "novcana-socijalna-pomoc.html"} {
		s.pages["/usluge/"+n] = sitePage{read(n), htmlType, mod}
	}
	for _, n := range []string{"porez-na-imovinu", "decji-dodatak", "uverenje-o-drzavljanstvu"} {
		s.pages["/usluge/"+n+".html"] = sitePage{markdownPage(read(n + ".md")), htmlType, mod}
	}
	s.pages["/dokumenti/jmbg-vodic.pdf"] = sitePage{read("jmbg-vodic.pdf"), "application/pdf", mod}
	s.pages["/dokumenti/roditeljski-dodatak.pdf"] = sitePage{read("roditeljski-dodatak.pdf"), "application/pdf", mod}
	const docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	s.pages["/dokumenti/izvodi.docx"] = sitePage{read("izvodi-iz-maticnih-knjiga.docx"), docx, mod}
	// A CMS that sends documents as octet-stream: the extension decides.
	s.pages["/dokumenti/biznis.docx"] = sitePage{read("pokretanje-biznisa-u-somboru.docx"), "application/octet-stream", mod}
	s.pages["/dokumenti/grobna-mesta.odt"] = sitePage{odtFile(t), "application/vnd.oasis.opendocument.text", mod}
	s.pages["/interno/tajna.html"] = sitePage{[]byte(`<html><body><main><p>Interni dokument koji ne sme da se indeksira jer ga robots.txt zabranjuje.</p></main></body></html>`), htmlType, mod}

	links := []string{"/usluge/gradski-usluzni-centar.html", "/usluge/komunalni-problemi.html", "/usluge/novcana-socijalna-pomoc.html#deo",
		"/dokumenti/jmbg-vodic.pdf", "dokumenti/roditeljski-dodatak.pdf", "/dokumenti/izvodi.docx", "/dokumenti/biznis.docx",
		"/dokumenti/grobna-mesta.odt", "/interno/tajna.html", "/slika.jpg", "mailto:info@sombor.rs"}
	if traps {
		links = append(links, "/stara-strana", "/nema", "/sporo", "/ogromno", "https://example.invalid/spolja", "/kopija.html", "/kalendar?month=1")
		s.pages["/kopija.html"] = s.pages["/usluge/gradski-usluzni-centar.html"]
		s.pages["/ogromno"] = sitePage{bytes.Repeat([]byte("<p>Ogromna strana. </p>\n"), 100_000), htmlType, mod}
	}
	s.pages["/"] = sitePage{indexPage(links), htmlType, mod}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) url(path string) string { return s.srv.URL + path }

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w, status: 200}
	defer func() {
		s.mu.Lock()
		s.log = append(s.log, hit{path: r.URL.RequestURI(), status: rec.status, at: start,
			conditional: r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != ""})
		s.mu.Unlock()
	}()
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		fmt.Fprintf(rec, "User-agent: *\nDisallow: /interno/\n\nSitemap: %s/sitemap.xml\n", s.srv.URL)
		return
	case p == "/stara-strana":
		http.Redirect(rec, r, "/usluge/porez-na-imovinu.html", http.StatusMovedPermanently)
		return
	case p == "/sporo":
		select {
		case <-time.After(s.slow):
		case <-r.Context().Done():
		}
		return
	}
	s.mu.Lock()
	pg, ok := s.pages[r.URL.Path]
	s.mu.Unlock()
	switch r.URL.Path {
	case "/sitemap.xml":
		pg, ok = sitePage{[]byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>%[1]s/</loc></url>
  <url><loc>%[1]s/usluge/decji-dodatak.html</loc></url>
  <url><loc>%[1]s/usluge/uverenje-o-drzavljanstvu.html</loc></url>
  <url><loc>%[1]s/usluge/porez-na-imovinu.html</loc></url>
</urlset>`, s.srv.URL)), "application/xml", time.Time{}}, true
	case "/kalendar":
		// An endless calendar: every month links to the next.
		n, _ := strconv.Atoi(r.URL.Query().Get("month"))
		pg, ok = sitePage{[]byte(fmt.Sprintf(`<html><head><title>Kalendar %d</title></head><body><main><h1>Događaji u mesecu %d</h1>
<p>Pregled događaja u gradu za mesec broj %d, sa svim manifestacijama i sednicama.</p>
<a href="/kalendar?month=%d">Sledeći mesec</a></main></body></html>`, n, n, n, n+1)), "text/html; charset=utf-8", time.Time{}}, true
	}
	if !ok {
		http.NotFound(rec, r)
		return
	}
	sum := sha256.Sum256(pg.body)
	rec.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	rec.Header().Set("Content-Type", pg.ctype)
	http.ServeContent(rec, r, "", pg.mod, bytes.NewReader(pg.body))
}

// set replaces (or with body nil removes) a page.
func (s *site) set(path string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if body == nil {
		delete(s.pages, path)
		return
	}
	pg := s.pages[path]
	pg.body, pg.mod = body, pg.mod.Add(time.Hour)
	s.pages[path] = pg
}

// hits returns and forgets the requests served so far.
func (s *site) hits() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.log
	s.log = nil
	return h
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// indexPage is the home page: a menu, a cookie banner and a footer around
// the links.
func indexPage(links []string) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="sr"><head><meta charset="utf-8"><title>Grad Sombor — usluge</title></head><body>
<div class="cookie-banner">Ovaj sajt koristi kolačiće. <button>Prihvatam</button></div>
<nav class="main-nav"><a href="/">Početna</a> <a href="/usluge/komunalni-problemi.html">Komunalni problemi</a></nav>
<main><h1>Usluge Gradske uprave Sombor</h1>
<p>Na ovoj stranici su usluge Gradske uprave Sombor i dokumenti koje građani najčešće traže: izvodi iz matičnih knjiga, dečiji i roditeljski dodatak, porez na imovinu i komunalne usluge.</p><ul>
`)
	for _, l := range links {
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(l), html.EscapeString(l))
	}
	b.WriteString(`</ul></main><footer class="site-footer"><p>© Grad Sombor, Trg cara Uroša 1. Sva prava zadržana.</p></footer></body></html>`)
	return []byte(b.String())
}

// markdownPage wraps a corpus Markdown file as a plain HTML page (its
// lines as paragraphs, "#" lines as headings).
func markdownPage(md []byte) []byte {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"></head><body><nav><a href="/">Početna</a></nav><main>`)
	inFront := false
	for i, line := range strings.Split(string(md), "\n") {
		line = strings.TrimSpace(line)
		if line == "---" && (i == 0 || inFront) {
			inFront = !inFront
			continue
		}
		if inFront || line == "" {
			continue
		}
		level := len(line) - len(strings.TrimLeft(line, "#"))
		if level > 0 && level <= 6 {
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", level, html.EscapeString(strings.TrimSpace(line[level:])), level)
			continue
		}
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(strings.TrimLeft(line, "-*> ")))
	}
	b.WriteString(`</main><footer>Grad Sombor</footer></body></html>`)
	return []byte(b.String())
}

// odtFile is a small OpenDocument text as LibreOffice packs it: mimetype
// first and stored, then the XML parts.
func odtFile(t testing.TB) []byte {
	t.Helper()
	const ns = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ` +
		`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range [][2]string{
		{"mimetype", "application/vnd.oasis.opendocument.text"},
		{"content.xml", `<office:document-content ` + ns + `><office:body><office:text>` +
			`<text:h text:outline-level="1">Закуп гробних места</text:h>` +
			`<text:p>Zakup grobnog mesta na Gradskom groblju u Somboru produžava se u JKP Prostor, Filipa Kljajića 2, svakog radnog dana od 7 do 15 časova.</text:p>` +
			`<table:table><table:table-row><table:table-cell><text:p>Period</text:p></table:table-cell><table:table-cell><text:p>Cena</text:p></table:table-cell></table:table-row>` +
			`<table:table-row><table:table-cell><text:p>10 godina</text:p></table:table-cell><table:table-cell><text:p>12.000 dinara</text:p></table:table-cell></table:table-row></table:table>` +
			`</office:text></office:body></office:document-content>`},
		{"meta.xml", `<office:document-meta ` + ns + `><office:meta><dc:title>Zakup grobnih mesta</dc:title></office:meta></office:document-meta>`},
	} {
		method := zip.Deflate
		if p[0] == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p[0], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// silentServer accepts connections and never answers.
func silentServer(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.Map
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Store(c, true)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		conns.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
	})
	return "http://" + ln.Addr().String() + "/"
}
