package viber

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/miasrbija/mia/assistant"
)

// errGone marks a media link that cannot be fetched any more (4xx): the
// turn goes on without it.
var errGone = errors.New("media link gone")

// errTooLarge marks media over Config.MaxMedia.
var errTooLarge = errors.New("media too large")

// fetchMedia downloads the message's media and stores it. It returns nil
// (and no error) when the media cannot be kept: gone, too large, or no
// link; a transient failure is an error, for the job to be retried while
// the link lives (an hour).
func (d *deps) fetchMedia(ctx context.Context, slug string, a TurnArgs) (*assistant.Attachment, error) {
	log := d.cfg.Log.With("municipality", slug, "token", a.Token, "kind", a.Message.Type)
	if a.Message.Media == "" {
		return nil, nil
	}
	if a.Message.FileSize > d.cfg.MaxMedia {
		log.WarnContext(ctx, "viber: media too large, not kept", "size", a.Message.FileSize)
		return nil, nil
	}
	data, ctype, err := d.download(ctx, a.Message.Media)
	if errors.Is(err, errGone) || errors.Is(err, errTooLarge) {
		log.WarnContext(ctx, "viber: media not kept", "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mt := sniff(data, ctype, a.Message.FileName)
	id, err := d.store.SaveMedia(ctx, &Media{Municipality: slug, User: a.User.ID, Token: a.Token, Kind: a.Message.Type,
		FileName: a.Message.FileName, MIME: mt, Size: int64(len(data)), Data: data})
	if err != nil {
		return nil, fmt.Errorf("store media: %w", err)
	}
	return &assistant.Attachment{ID: id, MIME: mt, Name: a.Message.FileName, Size: int64(len(data)), Data: data}, nil
}

func (d *deps) download(ctx context.Context, url string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", errGone, err)
	}
	res, err := d.cfg.HTTP.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("download media: %w", err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode >= 400 && res.StatusCode < 500:
		return nil, "", fmt.Errorf("%w: HTTP %d", errGone, res.StatusCode)
	case res.StatusCode != http.StatusOK:
		return nil, "", fmt.Errorf("download media: HTTP %d", res.StatusCode)
	}
	if res.ContentLength > d.cfg.MaxMedia {
		return nil, "", errTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, d.cfg.MaxMedia+1))
	if err != nil {
		return nil, "", fmt.Errorf("download media: %w", err)
	}
	if int64(len(data)) > d.cfg.MaxMedia {
		return nil, "", errTooLarge
	}
	return data, res.Header.Get("Content-Type"), nil
}

// sniff returns the media type of data from its bytes; when the bytes say
// nothing specific it trusts the file name's extension, then the server's
// Content-Type.
func sniff(data []byte, ctype, name string) string {
	mt := http.DetectContentType(data)
	if mt != "application/octet-stream" && !strings.HasPrefix(mt, "text/plain") {
		if mt == "application/zip" { // docx, xlsx, odt... are zips
			if byExt := mime.TypeByExtension(path.Ext(name)); byExt != "" {
				return byExt
			}
		}
		return mt
	}
	if byExt := mime.TypeByExtension(path.Ext(name)); byExt != "" {
		return byExt
	}
	if ctype != "" {
		if t, _, err := mime.ParseMediaType(ctype); err == nil {
			return t
		}
	}
	return mt
}
