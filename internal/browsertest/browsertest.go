// Package browsertest starts the real headless Chromium that the browser
// tests drive, with the flags this workplace needs, and keeps their
// screenshots as test artifacts.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium, which `scripts/deps.sh --browser`
// installs.
const ChromiumPath = "/usr/bin/chromium"

// New starts a headless Chromium with a window of the given size for the
// test and stops it when the test ends. Without Chromium the test is
// skipped, unless CI is set: there a missing browser is a failure.
func New(t testing.TB, width, height int) context.Context {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing (scripts/deps.sh --browser installs it): %v", ChromiumPath, err)
		}
		t.Skipf("browser test skipped: %s is missing (run scripts/deps.sh --browser)", ChromiumPath)
	}
	// Without the background-networking flags Chromium keeps dialling
	// Google's hosts, which this closed network refuses.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first Run starts the browser; it lives as long as ctx, so ctx
	// itself has no timeout: steps get their own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", ChromiumPath, err)
	}
	return ctx
}

// Screenshot saves the viewport, or with full the whole page, under
// os.TempDir()/mia-artifacts, and logs where.
func Screenshot(t testing.TB, ctx context.Context, name string, full bool) {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "mia-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(90)
	}
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
		return
	}
	t.Logf("screenshot %s", path)
}

// Viewport emulates a screen of width×height CSS pixels. Headless Chromium
// keeps its window at least 500 pixels wide whatever New asked, so a
// phone's 320-pixel screen needs this.
func Viewport(ctx context.Context, width, height int, mobile bool) error {
	return chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height), func(p *emulation.SetDeviceMetricsOverrideParams, _ *emulation.SetTouchEmulationEnabledParams) {
		p.Mobile = mobile
	}))
}
