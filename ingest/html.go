package ingest

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html/charset"
)

// parseHTML extracts the main content of a web page: boilerplate (menus,
// cookie banners, footers) is removed, then the element holding the
// article is walked into blocks.
func parseHTML(data []byte) (*Document, error) {
	text, err := decodeHTML(data)
	if err != nil {
		return nil, err
	}
	page, err := goquery.NewDocumentFromReader(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("%w: html: %v", ErrCorrupt, err)
	}
	doc := &Document{
		Title: oneLine(page.Find("head title").First().Text()),
		URL:   canonicalURL(page),
	}
	if doc.Title == "" {
		doc.Title = oneLine(page.Find("h1").First().Text())
	}
	removeBoilerplate(page)
	doc.Blocks = htmlBlocks(mainContent(page))
	return doc, nil
}

// decodeHTML converts the page to UTF-8. Bytes that are valid UTF-8 are
// taken as UTF-8 whatever the page declares (old Serbian sites often
// declare windows-1250 but serve UTF-8); otherwise a declared charset is
// honoured, and without one the Serbian code page is guessed.
func decodeHTML(data []byte) (string, error) {
	if enc := utf16ByBOM(data); enc != nil {
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("%w: invalid UTF-16", ErrCorrupt)
		}
		return nonBlankText(string(out))
	}
	data = bytes.TrimPrefix(data, bomUTF8)
	if bytes.IndexByte(data[:min(len(data), sniffBytes)], 0) >= 0 {
		return "", fmt.Errorf("%w: contains NUL bytes", ErrBinary)
	}
	if utf8.Valid(data) {
		return nonBlankText(string(data))
	}
	enc, name, _ := charset.DetermineEncoding(data, "")
	// DetermineEncoding falls back to windows-1252 when nothing is
	// declared, and a declared Latin-1 on a Serbian page is a mistake.
	if name == "windows-1252" || name == "utf-8" {
		enc, _ = guessSerbianCodepage(data)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("%w: cannot decode %s: %v", ErrCorrupt, name, err)
	}
	return nonBlankText(string(out))
}

// canonicalURL returns <link rel=canonical> (or og:url) when it is an
// absolute http(s) URL, resolving a relative one against <base href>.
func canonicalURL(page *goquery.Document) string {
	candidates := []string{
		page.Find(`link[rel~="canonical"]`).First().AttrOr("href", ""),
		page.Find(`meta[property="og:url"]`).First().AttrOr("content", ""),
	}
	base, _ := url.Parse(page.Find("base[href]").First().AttrOr("href", ""))
	for _, c := range candidates {
		u, err := url.Parse(strings.TrimSpace(c))
		if err != nil || c == "" {
			continue
		}
		if !u.IsAbs() && base != nil && base.IsAbs() {
			u = base.ResolveReference(u)
		}
		if (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u.String()
		}
	}
	return ""
}
