package ingest

import (
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Elements that never hold document content.
const junkSelector = `script, style, noscript, template, iframe, object, embed, svg, canvas,
	nav, aside, button, select, input, textarea, [hidden], [aria-hidden="true"],
	[style*="display:none"], [style*="display: none"], [role="navigation"],
	[role="banner"], [role="contentinfo"], [role="complementary"], [role="search"]`

// junkNameRe matches id and class names of page furniture.
var junkNameRe = regexp.MustCompile(`(?i)cookie|consent|gdpr|banner|menu|navbar|breadcrumb|sidebar|footer|share|social|newsletter|popup|modal|skip-?link`)

// removeBoilerplate deletes navigation, banners and the like. Elements
// picked by class or id, and <form>, <header>, <footer>, are kept when
// they wrap the content: ASP.NET pages put the whole body in one <form>,
// and a "page-with-sidebar" wrapper may hold the article.
func removeBoilerplate(page *goquery.Document) {
	page.Find(junkSelector).Remove()
	bodyText := len(strings.TrimSpace(page.Find("body").Text()))
	wrapsContent := func(s *goquery.Selection) bool {
		if s.Is("html, body, main, article, [role=main]") || s.Find("main, article, [role=main], h1").Length() > 0 {
			return true
		}
		return bodyText > 0 && len(strings.TrimSpace(s.Text()))*100 > bodyText*40
	}
	page.Find("[id], [class]").Each(func(_ int, s *goquery.Selection) {
		if junkNameRe.MatchString(s.AttrOr("id", "")+" "+s.AttrOr("class", "")) && !wrapsContent(s) {
			s.Remove()
		}
	})
	page.Find("form").Each(func(_ int, s *goquery.Selection) {
		if !wrapsContent(s) {
			s.Remove()
		}
	})
	// An article's own <header> holds its title and date; the page's
	// header holds the site name and menus.
	page.Find("header, footer").Each(func(_ int, s *goquery.Selection) {
		if s.Is("footer") || s.Closest("article, main, [role=main]").Length() == 0 {
			if s.Find("main, article, [role=main]").Length() == 0 {
				s.Remove()
			}
		}
	})
}

// mainContent picks the element to extract: <main> or role=main, else a
// single <article>, else the smallest element holding most of the page's
// paragraph text.
func mainContent(page *goquery.Document) *html.Node {
	for _, sel := range []string{"main", "[role=main]"} {
		if s := page.Find(sel).First(); s.Length() > 0 && strings.TrimSpace(s.Text()) != "" {
			return s.Get(0)
		}
	}
	if s := page.Find("article"); s.Length() == 1 && strings.TrimSpace(s.Text()) != "" {
		return s.Get(0)
	}
	body := page.Find("body").First()
	if body.Length() == 0 {
		return page.Get(0)
	}
	return densestNode(body.Get(0))
}

// densestNode descends from n while one child holds at least 80% of the
// paragraph text below n, so sibling blocks of one article stay together.
func densestNode(n *html.Node) *html.Node {
	weight := map[*html.Node]int{}
	var score func(*html.Node) int
	score = func(n *html.Node) int {
		total := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				total += score(c)
			}
		}
		switch n.Data {
		case "p", "pre", "blockquote", "li", "td", "dd":
			total = len(strings.TrimSpace(nodeText(n)))
		}
		weight[n] = total
		return total
	}
	score(n)
	for {
		var best *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (best == nil || weight[c] > weight[best]) {
				best = c
			}
		}
		if best == nil || weight[n] == 0 || weight[best]*100 < weight[n]*80 {
			return n
		}
		switch best.Data {
		case "p", "pre", "blockquote", "li", "td", "dd", "tr", "tbody", "table", "ul", "ol":
			return n // never narrow down to a single paragraph or list
		}
		n = best
	}
}

// nodeText is the concatenated text below n.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
