package llm

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// StatusError reports a non-2xx answer from the model server, for chat or
// embeddings. Its message is short (go-openai's RequestError prints the
// whole body, which may be an HTML page) and names the setting to check;
// the go-openai error (*openai.APIError or *openai.RequestError) stays
// reachable through errors.As.
type StatusError struct {
	Kind       string // "chat" or "embedding"
	Model      string
	StatusCode int
	// Message is the server's error message, or the start of a non-JSON body.
	Message  string
	Attempts int // HTTP attempts, retries included; 0 when not counted
	modelEnv string
	err      error
}

// statusError extracts the HTTP status of a go-openai error; ok is false
// when err carries none (a transport error, a timeout).
func statusError(err error, kind, model, modelEnv string, attempts int) (*StatusError, bool) {
	se := &StatusError{Kind: kind, Model: model, Attempts: attempts, modelEnv: modelEnv, err: err}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0:
		se.StatusCode, se.Message = apiErr.HTTPStatusCode, apiErr.Message
	case errors.As(err, &reqErr):
		se.StatusCode, se.Message = reqErr.HTTPStatusCode, snippet(reqErr.Body)
	default:
		return nil, false
	}
	return se, true
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s model %s: server answered HTTP %d %s", e.Kind, e.Model, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		s += " (check " + EnvAPIKey + ")"
	case http.StatusNotFound:
		s += " (check " + EnvBaseURL + " and " + e.modelEnv + ")"
	}
	return s
}

func (e *StatusError) Unwrap() error { return e.err }

// snippet returns the start of a non-JSON error body on one line.
func snippet(body []byte) string {
	const limit = 200
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > limit {
		s = strings.ToValidUTF8(s[:limit], "") + "…"
	}
	return s
}
