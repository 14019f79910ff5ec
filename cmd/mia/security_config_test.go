package main

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestSecuritySettings: the metrics address, HSTS and the public origin
// are checked with the rest, and the public origin decides which of MIA's
// own origins the API trusts.
func TestSecuritySettings(t *testing.T) {
	good := "postgres://postgres@127.0.0.1:5432/mia"
	bad := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"MIA_METRICS_ADDR": "9090"}, "MIA_METRICS_ADDR (--metrics-addr)"},
		{map[string]string{"MIA_ADDR": "127.0.0.1:8080", "MIA_METRICS_ADDR": "127.0.0.1:8080"}, "other than MIA_ADDR"},
		{map[string]string{"MIA_HSTS": "sometimes"}, "MIA_HSTS (--hsts)"},
		{map[string]string{"MIA_PUBLIC_URL": "mia.example.rs"}, "MIA_PUBLIC_URL (--public-url)"},
		{map[string]string{"MIA_PUBLIC_URL": "https://mia.example.rs/chat"}, "without a path"},
	}
	for _, tt := range bad {
		tt.env["DATABASE_URL"] = good
		_, _, err := runCmd(context.Background(), tt.env, "serve")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one naming %q", tt.env, err, tt.want)
		}
	}

	origins := func(vars map[string]string) []string {
		t.Helper()
		e := &env{getenv: func(k string) string { return vars[k] }}
		fs := newFlagSet("serve", e)
		cf := bindConfig(fs, e, []*setting{setAddr, setMetricsAddr, setHSTS, setPublicURL}, engineSettings)
		c, err := cf.load()
		if err != nil {
			t.Fatal(err)
		}
		return c.publicOrigins()
	}
	if got := origins(map[string]string{"MIA_PUBLIC_URL": "https://mia.example.rs/"}); !slices.Equal(got, []string{"https://mia.example.rs"}) {
		t.Errorf("configured public origin: %q", got)
	}
	if got := origins(map[string]string{"MIA_ADDR": "0.0.0.0:8081"}); !slices.Equal(got, []string{"http://localhost:8081", "http://127.0.0.1:8081"}) {
		t.Errorf("development default: %q", got)
	}
	if got := origins(map[string]string{"MIA_ENV": "production", "MIA_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}); len(got) != 0 {
		t.Errorf("production without MIA_PUBLIC_URL trusts %q", got)
	}
}
