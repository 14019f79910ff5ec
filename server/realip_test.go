package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRealIP(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8, 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	h := realIP(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	tests := []struct {
		peer, xff, want string
	}{
		{"203.0.113.7:5000", "1.2.3.4", "203.0.113.7:5000"},                    // untrusted peer: header ignored
		{"10.1.2.3:5000", "198.51.100.9", "198.51.100.9:0"},                    // one proxy
		{"10.1.2.3:5000", "6.6.6.6, 198.51.100.9, 10.9.9.9", "198.51.100.9:0"}, // spoofed leftmost entry ignored
		{"127.0.0.1:5000", "", "127.0.0.1:5000"},                               // no header
		{"10.1.2.3:5000", "garbage", "10.1.2.3:5000"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tt.want {
			t.Errorf("peer %s xff %q: RemoteAddr %s, want %s", tt.peer, tt.xff, got, tt.want)
		}
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("bad prefix accepted")
	}
}
