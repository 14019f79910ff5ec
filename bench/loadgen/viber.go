package loadgen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// viberMessage posts a signed message callback, as Viber does: the
// acknowledgement is MIA's 200. The reply arrives later at the sink
// (MIA's send_message), which records the completion.
func (g *generator) viberMessage(ctx context.Context, t Town, due time.Time, text string) {
	n := g.viberSeq.Add(1)
	user := fmt.Sprintf("bench-user-%d=", n%uint64(g.cfg.ViberUsers))
	body, err := json.Marshal(map[string]any{
		"event":         "message",
		"timestamp":     time.Now().UnixMilli(),
		"message_token": 7_000_000_000_000_000_000 + n,
		"sender":        map[string]any{"id": user, "name": "Građanin", "language": "sr", "api_version": 10},
		"message":       map[string]any{"type": "text", "text": text},
	})
	if err != nil {
		g.rec.fail(KindViber, err.Error())
		return
	}
	mac := hmac.New(sha256.New, []byte(g.cfg.ViberToken))
	mac.Write(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.target()+"/viber/"+t.Slug, bytes.NewReader(body))
	if err != nil {
		g.rec.fail(KindViber, err.Error())
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Viber-Content-Signature", hex.EncodeToString(mac.Sum(nil)))
	// Waiting before the post: a reply that comes before the callback's
	// answer still finds it.
	pending := g.sink.expect(user, due)
	res, err := g.http.Do(req)
	if err != nil {
		g.sink.forget(user, pending)
		g.rec.fail(KindViber, classify(err).Error())
		return
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		g.sink.forget(user, pending)
		g.rec.fail(KindViber, fmt.Sprintf("HTTP %d", res.StatusCode))
		return
	}
	g.rec.add(sample{kind: KindViber, ack: time.Since(due)})
}

// sink is the Viber Bot API MIA's workers call (MIA_VIBER_API_URL): it
// answers every method with success and completes the waiting sample of
// the user a send_message is for.
type sink struct {
	rec   *recorder
	mu    sync.Mutex
	wait  map[string][]*pendingViber // per user, oldest first
	sent  atomic.Int64
	srv   *http.Server
	ln    net.Listener
	token atomic.Uint64
}

type pendingViber struct{ due time.Time }

func newSink(rec *recorder) *sink { return &sink{rec: rec, wait: map[string][]*pendingViber{}} }

// start serves the sink on addr ("127.0.0.1:0" for any port) and returns
// its URL.
func (s *sink) start(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("viber sink: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

func (s *sink) close() {
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.srv.Shutdown(ctx)
	}
}

func (s *sink) expect(user string, due time.Time) *pendingViber {
	p := &pendingViber{due: due}
	s.mu.Lock()
	s.wait[user] = append(s.wait[user], p)
	s.mu.Unlock()
	return p
}

func (s *sink) forget(user string, p *pendingViber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.wait[user]
	for i, x := range q {
		if x == p {
			s.wait[user] = append(q[:i], q[i+1:]...)
			break
		}
	}
	if len(s.wait[user]) == 0 {
		delete(s.wait, user)
	}
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	w.Header().Set("Content-Type", "application/json")
	if !strings.HasSuffix(r.URL.Path, "/send_message") {
		fmt.Fprint(w, `{"status":0,"status_message":"ok"}`)
		return
	}
	var m struct{ Receiver string }
	json.Unmarshal(body, &m)
	s.sent.Add(1)
	s.mu.Lock()
	var p *pendingViber
	if q := s.wait[m.Receiver]; len(q) > 0 {
		p, s.wait[m.Receiver] = q[0], q[1:]
		if len(s.wait[m.Receiver]) == 0 {
			delete(s.wait, m.Receiver)
		}
	}
	s.mu.Unlock()
	if p != nil {
		s.rec.add(sample{kind: KindViber, total: time.Since(p.due)})
	}
	fmt.Fprintf(w, `{"status":0,"status_message":"ok","message_token":%d}`, s.token.Add(1))
}

// unanswered counts callbacks whose reply never came.
func (s *sink) unanswered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.wait {
		n += len(q)
	}
	return n
}
