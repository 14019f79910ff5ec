package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// apiError is the body of every API error: an English code for programs
// and a Serbian message a citizen may be shown.
type apiError struct {
	status  int
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The API's errors, one per code.
var (
	errNotFoundMunicipality = apiError{http.StatusNotFound, "municipality_not_found", "Ova opština ili grad nije uključen u MIA."}
	errBadToken             = apiError{http.StatusNotFound, "conversation_not_found", "Razgovor nije pronađen. Započnite novi razgovor."}
	errBadJSON              = apiError{http.StatusBadRequest, "invalid_request", "Zahtev nije ispravan."}
	errEmpty                = apiError{http.StatusBadRequest, "empty_message", "Poruka je prazna. Napišite pitanje."}
	errTooLarge             = apiError{http.StatusRequestEntityTooLarge, "body_too_large", "Poruka je predugačka. Skratite je i pošaljite ponovo."}
	errUploadTooLarge       = apiError{http.StatusRequestEntityTooLarge, "upload_too_large", "Prilog je prevelik. Fotografija može imati najviše 10 MB, a video 50 MB."}
	errTooManyFiles         = apiError{http.StatusBadRequest, "too_many_files", "Najviše 5 priloga u jednoj poruci."}
	errBadLocation          = apiError{http.StatusBadRequest, "invalid_location", "Lokacija nije ispravna. Podelite lokaciju ponovo ili upišite adresu."}
	errOrigin               = apiError{http.StatusForbidden, "origin_not_allowed", "Ovaj sajt nema dozvolu da koristi MIA čet."}
	errRateLimited          = apiError{http.StatusTooManyRequests, "rate_limited", "Previše poruka u kratkom vremenu. Sačekajte malo pa pokušajte ponovo."}
	errInternal             = apiError{http.StatusInternalServerError, "internal", "Došlo je do greške. Pokušajte ponovo kasnije."}
	errBusy                 = apiError{http.StatusServiceUnavailable, "busy", "MIA je trenutno preopterećena i nije stigla da odgovori. Pokušajte ponovo za minut."}
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers e, its message in the variant of the request's
// municipality once the route has resolved it (a Laktaši citizen reads
// "Zahtjev nije ispravan").
func writeError(w http.ResponseWriter, r *http.Request, e apiError) {
	if m := municipalityFrom(r.Context()); m != nil {
		e.Message = m.Say(e.Message)
	}
	writeJSON(w, e.status, map[string]apiError{"error": e})
}

// writeRateLimited answers 429 with Retry-After in whole seconds.
func writeRateLimited(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(w, r, errRateLimited)
}
