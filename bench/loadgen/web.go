package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// citizen is one simulated web user: a conversation of a municipality,
// reached through the proxy address it appears to come from.
type citizen struct {
	base, town, token, ip string
	turns                 int
}

// newCitizen opens a conversation. Its latency is not a turn's: it is
// not recorded.
func (g *generator) newCitizen(ctx context.Context, t Town) (*citizen, error) {
	c := &citizen{base: g.target(), town: t.Slug, ip: g.nextIP()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/"+t.Slug+"/conversations", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	res, err := g.http.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("conversation: HTTP %d", res.StatusCode)
	}
	var body struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.Token == "" {
		return nil, errors.New("conversation: no token")
	}
	c.token = body.Token
	return c, nil
}

// reply is the end of a turn's stream.
type reply struct {
	Text   string `json:"text"`
	Status string `json:"status"`
	Form   string `json:"form"`
}

// turn sends one message and reads its reply stream: the acknowledgement
// is the start event, the first text the first delta or replace, the
// completion the done event. Times are measured from due.
func (g *generator) turn(ctx context.Context, c *citizen, kind string, due time.Time, body any) (*reply, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.base+"/api/v1/"+c.town+"/conversations/"+c.token+"/messages", bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", c.ip)
	c.turns++
	res, err := g.http.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		io.Copy(io.Discard, res.Body)
		return nil, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	s := sample{kind: kind}
	var done *reply
	err = readEvents(res.Body, func(name string, data []byte) error {
		since := time.Since(due)
		switch name {
		case "start":
			s.ack = since
		case "delta", "replace":
			if s.first == 0 {
				s.first = since
			}
		case "error":
			return errors.New("stream error event")
		case "done":
			var d struct{ Reply reply }
			if err := json.Unmarshal(data, &d); err != nil {
				return fmt.Errorf("done event: %w", err)
			}
			done = &d.Reply
			s.total = since
			if s.first == 0 { // a reply not streamed in pieces arrives whole
				s.first = since
			}
		}
		return nil
	})
	if err != nil {
		return nil, classify(err)
	}
	if done == nil {
		return nil, errors.New("stream ended without done")
	}
	g.rec.add(s)
	return done, nil
}

// readEvents calls fn with each server-sent event's name and data.
func readEvents(r io.Reader, fn func(name string, data []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var name string
	var data []byte
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if name != "" || len(data) > 0 {
				if err := fn(name, data); err != nil {
					return err
				}
			}
			name, data = "", data[:0]
		case bytes.HasPrefix(line, []byte("event:")):
			name = strings.TrimSpace(string(line[6:]))
		case bytes.HasPrefix(line, []byte("data:")):
			if len(data) > 0 { // the lines of one event's data join with newlines
				data = append(data, '\n')
			}
			data = append(data, bytes.TrimSpace(line[5:])...)
		}
	}
	return sc.Err()
}

// classify shortens transport errors to a few kinds for the report.
func classify(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return errors.New("timeout")
	case errors.Is(err, context.Canceled):
		return context.Canceled
	case strings.Contains(err.Error(), "connection refused"):
		return errors.New("connection refused")
	case strings.Contains(err.Error(), "connection reset"), strings.Contains(err.Error(), "EOF"):
		return errors.New("connection reset")
	}
	return err
}

// refRE finds a case reference number in a reply.
var refRE = regexp.MustCompile(`\b[A-Z]{2,4}-KP-\d{4}-\d{6}\b`)

// fileReport files a communal report step by step, with the pauses of a
// citizen reading and typing between steps (the per-conversation limit
// would refuse a faster pace, as it should). Each step is a turn of kind
// "form"; the whole is one "filing" from due to the case number.
func (g *generator) fileReport(ctx context.Context, t Town, due time.Time) {
	c, err := g.newCitizen(ctx, t)
	if err != nil {
		g.rec.fail(KindFiling, err.Error())
		return
	}
	steps := []any{
		map[string]string{"payload": "form:communal_report"},
		map[string]string{"payload": "form:set:category=waste"},
		map[string]string{"text": "ne"},
		map[string]string{"text": "Kontejner u glavnoj ulici nije ispražnjen dve nedelje, smeće je oko njega."},
		map[string]any{"location": map[string]float64{"lat": t.Lat, "lon": t.Lon}},
		map[string]string{"payload": "form:skip"},
		map[string]string{"payload": "form:set:contact_consent=no"},
		map[string]string{"payload": "form:confirm"},
	}
	var last *reply
	for i, body := range steps {
		if i > 0 && !sleep(ctx, g.cfg.ThinkTime) {
			return
		}
		r, err := g.turn(ctx, c, KindForm, time.Now(), body)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				g.rec.fail(KindForm, err.Error())
			}
			return
		}
		last = r
	}
	ref := refRE.FindString(last.Text)
	if ref == "" {
		g.rec.fail(KindFiling, "no case number at the end of the form")
		return
	}
	g.rec.add(sample{kind: KindFiling, total: time.Since(due)})
	g.filed(c, ref)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
