package crawl

import (
	"net/url"
	"testing"
	"time"
)

func TestRobots(t *testing.T) {
	t.Parallel()
	r := parseRobots([]byte(`# comment
User-agent: Googlebot
Disallow: /

User-agent: *
Disallow: /interno/
Disallow: /*.php$
Allow: /interno/javno
Crawl-delay: 2

User-agent: mia
User-agent: other
Disallow: /samo-za-miu/
Sitemap: https://www.sombor.rs/sitemap.xml
`), robotsToken)
	if len(r.sitemaps) != 1 || r.crawlDelay != 0 {
		t.Fatalf("sitemaps %v, delay %v", r.sitemaps, r.crawlDelay)
	}
	for path, want := range map[string]bool{
		"/":              true,
		"/interno/x":     true, // the mia group replaces the * group
		"/samo-za-miu/x": false,
		"/samo-za-miu":   true,
	} {
		u, _ := url.Parse("https://www.sombor.rs" + path)
		if got := r.allowed(u); got != want {
			t.Errorf("mia group: %s allowed=%v, want %v", path, got, want)
		}
	}
	star := parseRobots([]byte("User-agent: *\nDisallow: /interno/\nDisallow: /*.php$\nAllow: /interno/javno\nCrawl-delay: 2\n"), robotsToken)
	if star.crawlDelay != 2*time.Second {
		t.Errorf("crawl delay %v", star.crawlDelay)
	}
	for path, want := range map[string]bool{
		"/":                   true,
		"/interno/":           false,
		"/interno/tajna.html": false,
		"/interno/javno/a":    true, // the longer Allow wins
		"/index.php":          false,
		"/index.php?x=1":      true, // $ anchors the end
		"/kalendar?month=3":   true,
	} {
		u, _ := url.Parse("https://www.sombor.rs" + path)
		if got := star.allowed(u); got != want {
			t.Errorf("* group: %s allowed=%v, want %v", path, got, want)
		}
	}
	if (&robots{denyAll: true}).allowed(&url.URL{Path: "/"}) {
		t.Error("an unreadable robots.txt allows")
	}
	if !parseRobots(nil, robotsToken).allowed(&url.URL{Path: "/x"}) {
		t.Error("an empty robots.txt forbids")
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://www.sombor.rs/usluge/index.html")
	for ref, want := range map[string]string{
		"porez.html#rate":           "https://www.sombor.rs/usluge/porez.html",
		"../dokumenti/a.pdf":        "https://www.sombor.rs/dokumenti/a.pdf",
		"HTTPS://WWW.Sombor.rs:443": "https://www.sombor.rs/",
		"?month=2":                  "https://www.sombor.rs/usluge/index.html?month=2",
		"mailto:info@sombor.rs":     "",
		"javascript:void(0)":        "",
		"https://user:pw@x.rs/":     "",
	} {
		u, ok := normalize(base, ref)
		got := ""
		if ok {
			got = u.String()
		}
		if got != want {
			t.Errorf("%q → %q, want %q", ref, got, want)
		}
	}
	a, _ := parseURL("http://sombor.rs/")
	b, _ := parseURL("https://www.sombor.rs/x")
	if siteKey(a) != siteKey(b) {
		t.Error("www and bare host, http and https, are one site")
	}
}

func TestParseSitemap(t *testing.T) {
	t.Parallel()
	locs, err := parseSitemap([]byte(`<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc> https://www.sombor.rs/s1.xml </loc></sitemap></sitemapindex>`))
	if err != nil || len(locs) != 1 || locs[0] != "https://www.sombor.rs/s1.xml" {
		t.Fatalf("%v %v", locs, err)
	}
	if _, err := parseSitemap([]byte(`<html><body>x</body></html>`)); err == nil {
		t.Fatal("HTML taken for a sitemap")
	}
}
