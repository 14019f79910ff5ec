// Package crawl keeps a municipality's knowledge base in step with the
// city's web site: it walks a site from its start URLs (and sitemaps),
// following links to HTML pages and to PDF, DOCX and ODT files within the
// site and the configured path prefixes, and feeds what it fetches into
// ingest's pipeline under the document's canonical URL.
//
// # Politeness
//
// robots.txt is honoured (RFC 9309: a missing file allows everything, an
// unreachable one forbids everything for that run), one request at a time
// with Config.Delay between requests to one host (or the site's
// Crawl-delay when longer), a per-request timeout and a size cap.
//
// # Re-crawls
//
// Every URL's state (ETag, Last-Modified, content hash, its links) is kept
// in the Store, so a re-crawl asks with If-None-Match/If-Modified-Since and
// an unchanged page costs one small request and no embedding; its stored
// links are followed as if it had been read. Bytes already seen under
// another URL are stored once (the second URL is a duplicate). Redirects
// are followed; a page's identity is its <link rel=canonical> when that is
// on the site, else the URL it was finally served from.
//
// # Retiring
//
// A page that answers 404 or 410 in two runs in a row is retired: its
// document is removed from the knowledge base (rag.Store.RemoveDocument)
// and its state is kept, marked retired, so it comes back as new if it
// reappears. A run that cannot reach its start URLs is recorded as failed
// and retires nothing, and a run that would retire more than half of a
// source's pages retires none of them: a failing site never empties the
// index.
//
// # Traps
//
// MaxPages and MaxDepth bound a run, and a path served under more than
// MaxQueryVariants query strings ("?month=13", "?month=14"…) is not
// followed further: endless calendars and filters end with a reason.
package crawl
