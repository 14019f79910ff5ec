package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
)

// callKey is the context key under which a ChatClient call hands its
// callState to callDoer.
type callKey struct{}

// callState belongs to one ChatClient call. It travels in the request's
// context because the client and its RetryingDoer are shared by concurrent
// calls, so neither can hold per-call data.
type callState struct {
	attempts atomic.Int32
	// temperature, when set, is written into the JSON body as is.
	temperature *float64
}

func withCallState(ctx context.Context, temperature *float64) (context.Context, *callState) {
	st := &callState{}
	if temperature != nil {
		t := *temperature // the caller may reuse its variable
		st.temperature = &t
	}
	return context.WithValue(ctx, callKey{}, st), st
}

func (s *callState) count() int { return int(s.attempts.Load()) }

// callDoer sits between the RetryingDoer and the HTTP client, so it sees
// every attempt: it counts them for the call and puts the temperature into
// the body.
//
// go-openai declares Temperature as float32 with omitempty, so 0 (the value
// MIA wants for factual answers) is never sent and the server uses its
// default of 1; non-zero values arrive rounded to float32. Patching the
// marshalled body is the one place that fixes both without forking the
// library.
type callDoer struct {
	next HTTPDoer
}

func (d *callDoer) Do(req *http.Request) (*http.Response, error) {
	st, _ := req.Context().Value(callKey{}).(*callState)
	if st == nil {
		return d.next.Do(req)
	}
	st.attempts.Add(1)
	if st.temperature != nil && req.Body != nil && req.Body != http.NoBody {
		patched, err := withTemperature(req, *st.temperature)
		if err != nil {
			return nil, err
		}
		req = patched
	}
	return d.next.Do(req)
}

// withTemperature returns a copy of req whose JSON body has
// "temperature": t. The copy's body is re-readable (GetBody) like the
// original; the RetryingDoer still resends from the original's GetBody, and
// each attempt passes through here again.
func withTemperature(req *http.Request, t float64) (*http.Request, error) {
	raw, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read chat request body: %w", err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("chat request body is not a JSON object: %w", err)
	}
	fields["temperature"] = json.RawMessage(strconv.FormatFloat(t, 'f', -1, 64))
	body, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("re-encode chat request body: %w", err)
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	out.ContentLength = int64(len(body))
	return out, nil
}
