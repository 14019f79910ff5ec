// Package vibertest is a fake Viber Bot API over real HTTP (httptest): it
// records send_message calls, answers them with scripted statuses, serves
// media files and answers set_webhook and get_account_info.
package vibertest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Call is one recorded API call.
type Call struct {
	Method string          // e.g. "send_message"
	Token  string          // X-Viber-Auth-Token
	Body   json.RawMessage // the request body as sent
	Status int             // the status answered
}

// Server is the fake. Its URL is the Bot API base URL to configure.
type Server struct {
	*httptest.Server
	mu      sync.Mutex
	calls   []Call
	script  map[string][]int // statuses to answer next, per method
	media   map[string]media
	changed chan struct{} // closed and replaced at every recorded call
	nextTok uint64
}

type media struct {
	ctype string
	data  []byte
}

// New starts a fake closed when the test ends.
func New(tb testing.TB) *Server {
	s := &Server{script: map[string][]int{}, media: map[string]media{}, changed: make(chan struct{}), nextTok: 5000000000000000000}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// Script makes the next calls of method answer the given statuses in
// turn; later calls answer 0.
func (s *Server) Script(method string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[method] = append(s.script[method], statuses...)
}

// AddMedia serves data at the returned URL with the given Content-Type
// (empty: none).
func (s *Server) AddMedia(name, ctype string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.media[name] = media{ctype, data}
	return s.URL + "/media/" + name
}

// Calls returns the calls of method so far ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Delivered returns the send_message calls answered with status 0.
func (s *Server) Delivered() []Call {
	var out []Call
	for _, c := range s.Calls("send_message") {
		if c.Status == 0 {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until cond holds over the recorded calls, failing the
// test at the deadline. It wakes on every call, not on a timer.
func (s *Server) WaitCalls(tb testing.TB, timeout time.Duration, cond func(s *Server) bool) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond(s) {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("vibertest: condition not met within %s; calls: %d", timeout, len(s.Calls("")))
		}
	}
}

var statusMessages = map[int]string{0: "ok", 6: "notSubscribed", 12: "tooManyRequests"}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/media/"); ok {
		s.mu.Lock()
		m, found := s.media[name]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		if m.ctype != "" {
			w.Header().Set("Content-Type", m.ctype)
		} else {
			w.Header()["Content-Type"] = nil // no sniffing by net/http
		}
		w.Write(m.data)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/")
	body, _ := io.ReadAll(r.Body)
	token := r.Header.Get("X-Viber-Auth-Token")
	s.mu.Lock()
	status := 0
	if q := s.script[method]; len(q) > 0 {
		status, s.script[method] = q[0], q[1:]
	}
	if token == "" {
		status = 2
	}
	s.nextTok++
	tok := s.nextTok
	s.calls = append(s.calls, Call{Method: method, Token: token, Body: body, Status: status})
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()

	msg := statusMessages[status]
	if msg == "" {
		msg = "error"
	}
	resp := map[string]any{"status": status, "status_message": msg}
	switch method {
	case "send_message":
		if status == 0 {
			resp["message_token"] = tok
			resp["chat_hostname"] = "SN-CHAT-01_"
			resp["billing_status"] = 1
		}
	case "set_webhook":
		var req struct {
			EventTypes []string `json:"event_types"`
		}
		_ = json.Unmarshal(body, &req)
		resp["event_types"] = req.EventTypes
	case "get_account_info":
		resp["id"], resp["name"], resp["uri"], resp["subscribers_count"] = "pa:75346594275468546724", "Grad Sombor", "gradsombor", 35
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}
