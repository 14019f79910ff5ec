package crawl

import (
	"net/url"
	"path"
	"strings"
)

// normalize resolves ref against base and returns an absolute http(s) URL
// without fragment, with lower-case scheme and host, no default port and
// a path of at least "/". ok is false for other schemes and bad URLs.
func normalize(base *url.URL, ref string) (*url.URL, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, false
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil, false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, false
	}
	u.Host = strings.ToLower(u.Host)
	if p := u.Port(); (p == "80" && u.Scheme == "http") || (p == "443" && u.Scheme == "https") {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawPath = ""
	return u, true
}

// parseURL normalises an absolute URL.
func parseURL(raw string) (*url.URL, bool) { return normalize(nil, raw) }

// siteKey names a site: its host without "www." and its port, so that
// http and https, and the bare and www host, are one site.
func siteKey(u *url.URL) string {
	h := strings.TrimPrefix(u.Hostname(), "www.")
	if p := u.Port(); p != "" {
		return h + ":" + p
	}
	return h
}

// inPrefixes reports whether the URL's path starts with one of prefixes
// (all paths when there are none).
func inPrefixes(u *url.URL, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(u.Path, p) {
			return true
		}
	}
	return false
}

// documentExts are the files crawled besides pages, with their formats.
var documentExts = map[string]string{".pdf": "pdf", ".docx": "docx", ".odt": "odt"}

// skippedExts are links never requested: media, archives, styles, code.
var skippedExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".svg": true, ".webp": true, ".ico": true, ".bmp": true, ".tif": true, ".tiff": true,
	".mp3": true, ".mp4": true, ".avi": true, ".mov": true, ".wmv": true, ".webm": true, ".ogg": true,
	".zip": true, ".rar": true, ".7z": true, ".gz": true, ".tar": true, ".exe": true, ".dmg": true, ".iso": true,
	".css": true, ".js": true, ".json": true, ".woff": true, ".woff2": true, ".ttf": true, ".eot": true,
	".xls": true, ".xlsx": true, ".ppt": true, ".pptx": true, ".doc": true, ".rtf": true, ".ods": true, ".csv": true,
}

// linkExt returns the lower-case extension of the URL's last segment.
func linkExt(u *url.URL) string { return strings.ToLower(path.Ext(u.Path)) }
