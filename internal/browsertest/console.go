package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Console collects what the pages of a browser tab report to the console:
// the browser's own entries (Content Security Policy violations, failed
// loads) and console.error/warn calls and uncaught exceptions of scripts.
type Console struct {
	mu    sync.Mutex
	lines []string
}

// WatchConsole starts collecting ctx's console; ctx is a context from New.
func WatchConsole(t testing.TB, ctx context.Context) *Console {
	t.Helper()
	c := &Console{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			c.add(string(e.Entry.Level) + " " + string(e.Entry.Source) + ": " + e.Entry.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				c.add(string(e.Type) + " console: " + strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if ex := e.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			c.add("exception: " + msg)
		}
	})
	if err != nil {
		t.Fatalf("listen to the console: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable the console log: %v", err)
	}
	return c
}

func (c *Console) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lines = append(c.lines, s)
}

// Lines returns everything collected so far.
func (c *Console) Lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

// CSPViolations returns the lines that report a Content Security Policy
// violation.
func (c *Console) CSPViolations() []string {
	var out []string
	for _, l := range c.Lines() {
		if strings.Contains(l, "Content Security Policy") {
			out = append(out, l)
		}
	}
	return out
}

// NoCSPViolations fails the test for every CSP violation reported so far.
func (c *Console) NoCSPViolations(t testing.TB) {
	t.Helper()
	for _, l := range c.CSPViolations() {
		t.Errorf("CSP violation: %s", l)
	}
}
