package crawl

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// pageLinks is what a crawled HTML page says about the web around it.
type pageLinks struct {
	links     []string // absolute, normalised, in page order, once each
	canonical string   // <link rel=canonical>, absolute; "" when absent
	noindex   bool     // <meta name=robots content=noindex>
	nofollow  bool
}

// extractLinks reads a page's links, canonical URL and robots meta tag.
// <base href> is honoured; links rel=nofollow are still followed (the
// attribute is about ranking, not crawling).
func extractLinks(data []byte, pageURL *url.URL) pageLinks {
	var out pageLinks
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(data))
	if err != nil {
		return out
	}
	base := pageURL
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, ok := normalize(pageURL, href); ok {
			base = b
		}
	}
	doc.Find(`meta[name]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		if !strings.EqualFold(name, "robots") && !strings.EqualFold(name, "mia") {
			return
		}
		content, _ := s.Attr("content")
		content = strings.ToLower(content)
		out.noindex = out.noindex || strings.Contains(content, "noindex") || strings.Contains(content, "none")
		out.nofollow = out.nofollow || strings.Contains(content, "nofollow") || strings.Contains(content, "none")
	})
	doc.Find(`link[rel][href]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		rel, _ := s.Attr("rel")
		if !strings.EqualFold(strings.TrimSpace(rel), "canonical") {
			return true
		}
		href, _ := s.Attr("href")
		if u, ok := normalize(base, href); ok {
			out.canonical = u.String()
		}
		return false
	})
	seen := map[string]bool{}
	doc.Find("a[href], area[href], iframe[src]").Each(func(_ int, s *goquery.Selection) {
		href, ok := s.Attr("href")
		if !ok {
			href, _ = s.Attr("src")
		}
		u, ok := normalize(base, href)
		if !ok {
			return
		}
		if k := u.String(); !seen[k] {
			seen[k] = true
			out.links = append(out.links, k)
		}
	})
	return out
}

// errNotSitemap: XML that is neither a urlset nor a sitemapindex.
var errNotSitemap = errors.New("not a sitemap")

// parseSitemap returns the <loc> URLs of a sitemap or sitemap index
// (https://www.sitemaps.org/protocol.html), in order. The decoder reads
// no external entities; the body was already capped in size.
func parseSitemap(data []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var locs []string
	root := ""
	inLoc := false
	var loc strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = t.Name.Local
				if root != "urlset" && root != "sitemapindex" {
					return nil, errNotSitemap
				}
			}
			if t.Name.Local == "loc" {
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc {
				loc.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local == "loc" && inLoc {
				inLoc = false
				if s := strings.TrimSpace(loc.String()); s != "" {
					locs = append(locs, s)
				}
			}
		}
	}
	if root == "" {
		return nil, errNotSitemap
	}
	return locs, nil
}
