package backoffice

import (
	"testing"
	"time"
)

func TestRetryText(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		secs int
		text string
	}{
		{0, 1, "1 minut"}, {30 * time.Second, 30, "1 minut"}, {61 * time.Second, 61, "2 minuta"},
		{15 * time.Minute, 900, "15 minuta"}, {21 * time.Minute, 1260, "21 minut"}, {11 * time.Minute, 660, "11 minuta"},
	} {
		if secs, text := retryText(tt.d); secs != tt.secs || text != tt.text {
			t.Errorf("retryText(%v) = %d, %q; want %d, %q", tt.d, secs, text, tt.secs, tt.text)
		}
	}
}

func TestIPBucket(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7": "198.51.100.7", "::ffff:198.51.100.7": "198.51.100.7",
		"2001:db8:1:2::1": "2001:db8:1:2::/64", "2001:db8:1:2:ffff::1": "2001:db8:1:2::/64", "not an address": "not an address",
	} {
		if got := ipBucket(in); got != want {
			t.Errorf("ipBucket(%q) = %q, want %q", in, got, want)
		}
	}
}
