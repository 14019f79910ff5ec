package crawl

import (
	"bufio"
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// robots is the part of a robots.txt that applies to MIA's crawler.
type robots struct {
	rules      []robotsRule
	crawlDelay time.Duration
	sitemaps   []string
	denyAll    bool   // robots.txt could not be fetched: RFC 9309 §2.3.1.4
	why        string // why denyAll
}

type robotsRule struct {
	allow   bool
	pattern string
}

// parseRobots reads a robots.txt for the product token agent (lower
// case, e.g. "mia"): the groups naming it, else the "*" groups. Sitemap
// lines are kept whatever the group.
func parseRobots(data []byte, agent string) *robots {
	type group struct {
		agents []string
		rules  []robotsRule
		delay  time.Duration
	}
	var groups []*group
	var cur *group
	inAgents := false
	r := &robots{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 512<<10)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		switch key {
		case "user-agent":
			if !inAgents {
				cur = &group{}
				groups = append(groups, cur)
			}
			cur.agents = append(cur.agents, strings.ToLower(val))
			inAgents = true
			continue
		case "sitemap":
			r.sitemaps = append(r.sitemaps, val)
		case "allow", "disallow":
			if cur != nil && (val != "" || key == "allow") {
				cur.rules = append(cur.rules, robotsRule{allow: key == "allow", pattern: val})
			}
		case "crawl-delay":
			if f, err := strconv.ParseFloat(val, 64); err == nil && cur != nil && f > 0 && f < 3600 {
				cur.delay = time.Duration(f * float64(time.Second))
			}
		}
		inAgents = false
	}
	pick := func(match func(string) bool) bool {
		found := false
		for _, g := range groups {
			for _, a := range g.agents {
				if match(a) {
					r.rules = append(r.rules, g.rules...)
					r.crawlDelay = max(r.crawlDelay, g.delay)
					found = true
					break
				}
			}
		}
		return found
	}
	if !pick(func(a string) bool { return a != "*" && strings.Contains(agent, a) }) {
		pick(func(a string) bool { return a == "*" })
	}
	return r
}

// allowed reports whether the URL's path and query may be fetched: the
// longest matching rule wins, Allow on a tie.
func (r *robots) allowed(u *url.URL) bool {
	if r == nil {
		return true
	}
	if r.denyAll {
		return false
	}
	target := u.EscapedPath()
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	best, allow := -1, true
	for _, rule := range r.rules {
		if !robotsMatch(rule.pattern, target) {
			continue
		}
		n := len(rule.pattern)
		if n > best || (n == best && rule.allow) {
			best, allow = n, rule.allow
		}
	}
	return allow
}

// robotsMatch matches a robots.txt path pattern: "*" is any run of
// characters, a trailing "$" anchors the end, otherwise a prefix match.
func robotsMatch(pattern, target string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	pattern = strings.TrimSuffix(pattern, "$")
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(target, parts[0]) {
		return false
	}
	pos := len(parts[0])
	for _, p := range parts[1:] {
		i := strings.Index(target[pos:], p)
		if i < 0 {
			return false
		}
		pos += i + len(p)
	}
	if !anchored {
		return true
	}
	if len(parts) == 1 {
		return pos == len(target)
	}
	return strings.HasSuffix(target, parts[len(parts)-1])
}
