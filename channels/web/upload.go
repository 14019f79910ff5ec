package web

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"time"
	"unicode/utf8"

	"github.com/miasrbija/mia/assistant"
)

// Upload errors: a photo or video sent when no form can take it, and a
// server with too many uploads in memory for this one to wait.
var (
	errNoFormForMedia = apiError{http.StatusConflict, "no_form_for_media",
		"Ovde se fotografije i video ne primaju: prijave komunalnih problema nisu uključene u ovaj razgovor. Problem prijavite lokalnoj samoupravi."}
	errUploadBusy = apiError{http.StatusServiceUnavailable, "upload_busy",
		"Trenutno se prima mnogo priloga. Pokušajte ponovo za minut."}
)

// uploadWait bounds how long an upload waits for memory to be handled.
const uploadWait = 2 * time.Minute

// spooledFile is an uploaded file kept on disk until its turn runs.
type spooledFile struct {
	path, name, mime string
	size             int64
}

// readUpload reads a multipart message: an optional text (and payload)
// field and up to maxFiles "file" parts. Before the body is read, the
// engine is asked whether the conversation has a form open that takes
// photos or video; when not, the answer is 409 and the body is left
// unread. Files are streamed to temporary files in UploadDir (each capped
// at maxFileBytes, the whole body at MaxUpload: 413 beyond), then loaded
// into memory once the upload memory budget (UploadMemory, shared by all
// requests) has room for them. The content type a browser declares is
// passed on; the forms judge and clean the bytes themselves. Other parts
// are skipped. done, never nil, releases the memory and removes the
// temporary files: call it when the turn has ended.
func (h *Handler) readUpload(w http.ResponseWriter, r *http.Request) (_ assistant.Turn, done func(), _ *apiError) {
	ctx := r.Context()
	done = func() {}
	takes, err := h.cfg.Assistant.AcceptsMedia(ctx, municipalityFrom(ctx).Slug, assistant.ChannelWeb, userFrom(ctx))
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "accepts media", "err", err)
		return assistant.Turn{}, done, &errInternal
	}
	if !takes {
		// Closing the connection spares the server reading (draining) the
		// body it refuses.
		w.Header().Set("Connection", "close")
		return assistant.Turn{}, done, &errNoFormForMedia
	}

	var files []spooledFile
	remove := func() {
		for _, f := range files {
			_ = os.Remove(f.path)
		}
	}
	req, apiErr := h.spoolUpload(w, r, &files)
	if apiErr != nil {
		remove()
		return assistant.Turn{}, done, apiErr
	}
	if len(files) == 0 {
		t, apiErr := turnFromRequest(req)
		return t, done, apiErr
	}
	// Text alone may be empty when files came.
	if !utf8.ValidString(req.Text) || !utf8.ValidString(req.Payload) || len(req.Payload) > maxPayload {
		remove()
		return assistant.Turn{}, done, &errBadJSON
	}

	var total int64
	for _, f := range files {
		total += f.size
	}
	// A message larger than the whole budget waits until it is alone.
	weight := min(total, h.cfg.UploadMemory)
	wctx, cancel := context.WithTimeout(ctx, uploadWait)
	defer cancel()
	if err := h.uploadMem.Acquire(wctx, weight); err != nil {
		remove()
		return assistant.Turn{}, done, &errUploadBusy
	}
	done = func() {
		h.uploadMem.Release(weight)
		remove()
	}
	t := assistant.Turn{Text: req.Text, Payload: req.Payload}
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			h.cfg.Log.ErrorContext(ctx, "read spooled upload", "err", err)
			done()
			return assistant.Turn{}, func() {}, &errInternal
		}
		t.Attachments = append(t.Attachments, assistant.Attachment{Name: f.name, MIME: f.mime, Size: f.size, Data: data})
	}
	return t, done, nil
}

// spoolUpload reads the multipart body: text fields into req, files into
// temporary files appended to *files (also on error, for the caller to
// remove).
func (h *Handler) spoolUpload(w http.ResponseWriter, r *http.Request, files *[]spooledFile) (messageRequest, *apiError) {
	var req messageRequest
	r.Body = http.MaxBytesReader(w, r.Body, h.cfg.MaxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return req, &errBadJSON
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return req, nil
		}
		if err != nil {
			return req, uploadError(err)
		}
		switch p.FormName() {
		case "text", "payload":
			b, err := io.ReadAll(io.LimitReader(p, h.cfg.MaxBody+1))
			if err != nil {
				return req, uploadError(err)
			}
			if int64(len(b)) > h.cfg.MaxBody {
				return req, &errTooLarge
			}
			if p.FormName() == "text" {
				req.Text = string(b)
			} else {
				req.Payload = string(b)
			}
		case "file":
			if len(*files) == maxFiles {
				return req, &errTooManyFiles
			}
			f, apiErr := h.spoolFile(r.Context(), p)
			if f.path != "" {
				*files = append(*files, f)
			}
			if apiErr != nil {
				return req, apiErr
			}
			if f.size == 0 { // an empty file input
				_ = os.Remove(f.path)
				*files = (*files)[:len(*files)-1]
			}
		}
		_ = p.Close()
	}
}

// spoolFile copies one file part to a temporary file, at most
// maxFileBytes. The returned path, when set, is the caller's to remove.
func (h *Handler) spoolFile(ctx context.Context, p *multipart.Part) (spooledFile, *apiError) {
	tmp, err := os.CreateTemp(h.cfg.UploadDir, "mia-upload-*")
	if err != nil {
		h.cfg.Log.ErrorContext(ctx, "spool upload", "err", err)
		return spooledFile{}, &errInternal
	}
	f := spooledFile{path: tmp.Name(), name: fileName(p.FileName()), mime: p.Header.Get("Content-Type")}
	body := &readErr{r: io.LimitReader(p, maxFileBytes+1)}
	f.size, err = io.Copy(tmp, body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case body.err != nil: // the client's body: cut, malformed or too big
		return f, uploadError(body.err)
	case err != nil: // the disk
		h.cfg.Log.ErrorContext(ctx, "spool upload", "err", err)
		return f, &errInternal
	case f.size > maxFileBytes:
		return f, &errUploadTooLarge
	}
	return f, nil
}

// readErr remembers the error its reader returned, other than io.EOF.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// uploadError maps a failed read of a multipart body to its API error.
func uploadError(err error) *apiError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &errUploadTooLarge
	}
	return &errBadJSON
}
