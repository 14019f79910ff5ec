package web_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/forms/mediatest"
)

// reportAtPhotos opens a communal report in a new conversation and brings
// it to the question that asks for photos; it returns the messages path.
func (b *testBundle) reportAtPhotos(tb testing.TB) string {
	tb.Helper()
	return b.reportAtPhotosIn(tb, b.newConversation(tb))
}

// reportAtPhotosIn does the same in the conversation of token tok.
func (b *testBundle) reportAtPhotosIn(tb testing.TB, tok string) string {
	tb.Helper()
	path := "/api/v1/sombor/conversations/" + tok + "/messages"
	var r map[string]any
	for _, body := range []any{
		map[string]string{"payload": "form:communal_report"},
		map[string]string{"payload": "form:set:category=waste"},
		map[string]string{"text": "ne"},
		map[string]string{"text": "Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje"},
		map[string]any{"location": map[string]float64{"lat": 45.7733, "lon": 19.1151}},
	} {
		r = doneReply(tb, b.do(tb, "POST", path, body, nil))
	}
	if !strings.Contains(replyText(r), "fotografij") {
		tb.Fatalf("photos not asked: %s", r["text"])
	}
	return path
}

// TestUploadStoresCleanMedia sends, over the API, one photo of each kind
// and two videos, each carrying a GPS position and a camera in its
// metadata (and two with data appended), files the report, and reads
// what was stored: no position, no camera, no metadata block, no appended
// data, and every file still a photo or a video.
func TestUploadStoresCleanMedia(t *testing.T) {
	t.Parallel()
	spool := t.TempDir()
	b := setup(t, func(c *web.Config) {
		c.PerConversation = web.Limit{Rate: 100, Burst: 100}
		c.UploadDir = spool
	})
	path := b.reportAtPhotos(t)
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00payload.exe....PK\x05\x06")
	html := []byte("<html><script>alert(document.cookie)</script></html>")
	files := []upload{
		{"gps.jpg", "image/jpeg", append(mediatest.JPEG(40, 24, 1), zip...)},
		{"gps.png", "image/png", append(mediatest.PNG(40, 24), html...)},
		{"gps.webp", "image/webp", mediatest.WebP(40, 24)},
		{"gps.mp4", "video/mp4", mediatest.Video(mediatest.VideoOpts{MetaTrack: true})},
		{"gps.mov", "video/quicktime", mediatest.Video(mediatest.VideoOpts{QuickTime: true})},
	}
	r := doneReply(t, b.postFiles(t, path, "", files...))
	if !strings.Contains(replyText(r), "pristajete") {
		t.Fatalf("the files were not all taken: %s", r["text"])
	}
	doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:set:contact_consent=no"}, nil))
	ref := refRE.FindString(doneReply(t, b.do(t, "POST", path, map[string]string{"payload": "form:confirm"}, nil))["text"].(string))
	if ref == "" {
		t.Fatal("no case filed")
	}
	if left, _ := os.ReadDir(spool); len(left) != 0 {
		t.Errorf("%d uploaded files left in the upload directory after the turn", len(left))
	}

	ctx := context.Background()
	rows, err := b.forms.FindCases(ctx, forms.CaseScope{Municipality: "sombor"}, forms.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var caseID int64
	for _, row := range rows {
		if row.Ref == ref {
			caseID = row.ID
		}
	}
	infos, err := b.forms.CaseAttachments(ctx, "sombor", caseID)
	if err != nil || len(infos) != len(files) {
		t.Fatalf("%d attachments stored (%v), want %d", len(infos), err, len(files))
	}
	markers := []string{"Exif\x00\x00", "xmpmeta", "eXIf", "tEXt", "iTXt", "EXIF", "udta", "\xa9xyz", "meta", "uuid", "GPS5",
		"PK\x03\x04", "<html"}
	for _, info := range infos {
		a, err := b.forms.AttachmentForStaff(ctx, "sombor", caseID, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range append(append([]string{}, mediatest.Secrets...), markers...) {
			if bytes.Contains(a.Data, []byte(s)) {
				t.Errorf("%s (%s): %q stored", a.Name, a.MIME, s)
			}
		}
		switch a.MIME {
		case forms.MIMEJPEG, forms.MIMEPNG:
			img, _, err := image.Decode(bytes.NewReader(a.Data))
			if err != nil || img.Bounds().Dx() != 40 {
				t.Errorf("%s: stored photo does not decode: %v", a.Name, err)
			}
		case forms.MIMEMP4, forms.MIMEQuickTime:
			s, err := mediatest.ReadVideoSample(a.Data)
			if err != nil || !bytes.HasPrefix(s, []byte(mediatest.VideoSample)) {
				t.Errorf("%s: stored video lost its picture data: %v", a.Name, err)
			}
		default:
			t.Errorf("%s stored as %q", a.Name, a.MIME)
		}
	}
}

// countingBody counts the bytes a handler reads from request bodies.
func countingBody(n *atomic.Int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Body = &countReader{r: r.Body, n: n}
			next.ServeHTTP(w, r)
		})
	}
}

type countReader struct {
	r io.ReadCloser
	n *atomic.Int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countReader) Close() error { return c.r.Close() }

// TestUploadWithoutFormRefusedUnread: where no form could keep a photo (a
// deployment without citizen services), a 20 MB upload is answered 409
// after the first kilobyte, before the rest is even sent, and the handler
// reads none of the body.
func TestUploadWithoutFormRefusedUnread(t *testing.T) {
	t.Parallel()
	var read atomic.Int64
	b := setupWith(t, bundleOpts{wrap: countingBody(&read), noForms: true})
	tok := b.newConversation(t)
	doneReply(t, b.do(t, "POST", "/api/v1/sombor/conversations/"+tok+"/messages", map[string]string{"text": "Dobar dan"}, nil))

	u, _ := url.Parse(b.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	first := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.mp4\"\r\nContent-Type: video/mp4\r\n\r\n" +
		strings.Repeat("x", 1<<10)
	head := "POST /api/v1/sombor/conversations/" + tok + "/messages HTTP/1.1\r\nHost: " + u.Host +
		"\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + strconv.Itoa(20<<20) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+first); err != nil {
		t.Fatal(err)
	}
	// The rest of the 20 MB is never sent: only an answer given without
	// the body arrives.
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("status %s, want 409", res.Status)
	}
	if code, msg := errorCode(t, res); code != "no_form_for_media" || !strings.Contains(msg, "prijav") {
		t.Errorf("error %q %q", code, msg)
	}
	if n := read.Load(); n > 4<<10 {
		t.Errorf("the handler read %d bytes of the refused body", n)
	}
}

// vmRSS is the process's resident memory in bytes, from /proc.
func vmRSS(tb testing.TB) int64 {
	tb.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	tb.Fatal("no VmRSS")
	return 0
}

// multipartVideo is a streamed multipart body with one file: the shared
// video bytes are read, never copied.
func multipartVideo(video []byte) (io.Reader, string, int64) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="snimak.mp4"`)
	h.Set("Content-Type", "video/mp4")
	_, _ = mw.CreatePart(h)
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	n := int64(head.Len() + len(video) + len(tail))
	return io.MultiReader(bytes.NewReader(head.Bytes()), bytes.NewReader(video), strings.NewReader(tail)), mw.FormDataContentType(), n
}

// TestUploadMemoryBounded sends 20 videos of 20 MB at once, each to a
// report waiting for it: all are filed, and the process (server and test
// client) stays under 800 MB resident. Not parallel: other tests' memory
// would count.
func TestUploadMemoryBounded(t *testing.T) {
	const n, size = 20, 20 << 20
	b := setup(t, func(c *web.Config) {
		c.PerConversation = web.Limit{Rate: 100, Burst: 100}
		c.PerIP = web.Limit{Rate: 1000, Burst: 1000}
		c.UploadDir = t.TempDir()
	})
	paths := make([]string, n)
	for i := range paths {
		paths[i] = b.reportAtPhotos(t)
	}
	video := mediatest.Video(mediatest.VideoOpts{SampleBytes: size})

	base := vmRSS(t)
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if r := vmRSS(t); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: n, MaxIdleConnsPerHost: n}, Timeout: 3 * time.Minute}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, path := range paths {
		wg.Go(func() {
			body, ctype, length := multipartVideo(video)
			req, _ := http.NewRequest("POST", b.srv.URL+path, body)
			req.Header.Set("Content-Type", ctype)
			req.ContentLength = length
			res, err := client.Do(req)
			if err != nil {
				errs <- err
				return
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("status %s", res.Status)
				return
			}
			evs := readSSE(t, res.Body)
			if len(evs) == 0 || evs[len(evs)-1].Name != "done" ||
				!strings.Contains(replyText(evs[len(evs)-1].Data["reply"].(map[string]any)), "pristajete") {
				errs <- fmt.Errorf("video not taken: %v", evs)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("peak resident memory %d MB (%d MB before) for %d parallel uploads of %d MB", peak.Load()>>20, base>>20, n, size>>20)
	// The race detector's shadow memory grows with the heap (Go's
	// documentation: 5 to 10 times): with it, the bound is on the growth.
	if p := peak.Load(); raceEnabled && p-base > 800<<20 || !raceEnabled && p > 800<<20 {
		t.Errorf("peak resident memory %d MB (%d MB before), want under 800 MB (race detector: %v)", p>>20, base>>20, raceEnabled)
	}
}
