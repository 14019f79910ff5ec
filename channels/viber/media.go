package viber

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/miasrbija/mia/assistant"
)

// errGone marks a media link that cannot be fetched any more (4xx): the
// turn goes on without it.
var errGone = errors.New("media link gone")

// errTooLarge marks media over Config.MaxMedia.
var errTooLarge = errors.New("media too large")

// DefaultMediaHosts are the hosts of Viber's media links. The Bot API's
// documentation names none; the links of incoming pictures, videos and
// files are on dl-media.viber.com, and every host under viber.com is
// Viber's own, so those are allowed and nothing else.
var DefaultMediaHosts = []string{".viber.com"}

// mediaHostAllowed reports whether u is an http(s) link on one of hosts
// (a name, or ".domain" for any host under it).
func mediaHostAllowed(u *url.URL, hosts []string) bool {
	if u.Scheme != "https" && u.Scheme != "http" {
		return false
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if h == "" {
		return false
	}
	for _, allowed := range hosts {
		allowed = strings.ToLower(allowed)
		if h == allowed || strings.HasPrefix(allowed, ".") && strings.HasSuffix(h, allowed) {
			return true
		}
	}
	return false
}

// fetchMedia downloads the message's media for the turn; nothing is
// stored here (a form keeps only what forms.CleanMedia makes of it). It
// returns nil (and no error) when the media cannot be had: gone, too
// large, on a host other than Viber's, or no link; a transient failure is
// an error, for the job to be retried while the link lives (an hour).
func (d *deps) fetchMedia(ctx context.Context, slug string, in *Incoming) (*assistant.Attachment, error) {
	msg := in.Message
	log := d.cfg.Log.With("municipality", slug, "token", in.Token, "kind", msg.Type)
	if msg.Media == "" {
		return nil, nil
	}
	u, err := url.Parse(msg.Media)
	if err != nil || !mediaHostAllowed(u, d.cfg.MediaHosts) {
		host := ""
		if u != nil {
			host = u.Hostname()
		}
		log.WarnContext(ctx, "viber: media link not on Viber's hosts, not fetched", "host", host)
		return nil, nil
	}
	if msg.FileSize > d.cfg.MaxMedia {
		log.WarnContext(ctx, "viber: media too large, not kept", "size", msg.FileSize)
		return nil, nil
	}
	data, ctype, err := d.download(ctx, u.String())
	if errors.Is(err, errGone) || errors.Is(err, errTooLarge) || errors.Is(err, errForeignRedirect) {
		log.WarnContext(ctx, "viber: media not kept", "err", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	mt := sniff(data, ctype, msg.FileName)
	return &assistant.Attachment{MIME: mt, Name: msg.FileName, Size: int64(len(data)), Data: data}, nil
}

// errForeignRedirect marks a media link redirecting off Viber's hosts.
var errForeignRedirect = errors.New("media link redirects off Viber's hosts")

// mediaClient is cfg.HTTP following redirects only to the allowed hosts.
func mediaClient(c *http.Client, hosts []string) *http.Client {
	mc := *c
	next := c.CheckRedirect
	mc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if !mediaHostAllowed(req.URL, hosts) {
			return fmt.Errorf("%w: %s", errForeignRedirect, req.URL.Hostname())
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &mc
}

func (d *deps) download(ctx context.Context, url string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", errGone, err)
	}
	res, err := d.media.Do(req)
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
