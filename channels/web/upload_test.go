package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/miasrbija/mia/channels/web"
	"github.com/miasrbija/mia/serbian"
)

// jpegPhoto is a small real JPEG.
func jpegPhoto(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		img.Set(x, x, color.RGBA{200, 10, 10, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

type upload struct {
	name, contentType string
	data              []byte
}

// postFiles sends a multipart message: an optional text and the files.
func (b *testBundle) postFiles(tb testing.TB, path, text string, files ...upload) *http.Response {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if text != "" {
		if err := mw.WriteField("text", text); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, f.name))
		h.Set("Content-Type", f.contentType)
		p, err := mw.CreatePart(h)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := p.Write(f.data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.srv.URL+path, &body)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { res.Body.Close() })
	return res
}

// doneReply reads a reply stream and returns its final reply.
func doneReply(tb testing.TB, res *http.Response) map[string]any {
	tb.Helper()
	if res.StatusCode != http.StatusOK {
		code, msg := errorCode(tb, res)
		tb.Fatalf("%s: %s %s", res.Status, code, msg)
	}
	evs := readSSE(tb, res.Body)
	if len(evs) == 0 || evs[len(evs)-1].Name != "done" {
		tb.Fatalf("stream does not end with done: %v", names(evs))
	}
	return evs[len(evs)-1].Data["reply"].(map[string]any)
}

func replyText(r map[string]any) string { return serbian.Fold(r["text"].(string)) }

// TestCommunalReportThroughAPI files a communal report over the API: a
// location outside the city is refused and asked again, a file that is
// not an image is refused, a JPEG is taken, and the case is filed.
func TestCommunalReportThroughAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) { c.PerConversation = web.Limit{Rate: 100, Burst: 100} })
	tok := b.newConversation(t)
	path := "/api/v1/sombor/conversations/" + tok + "/messages"
	send := func(body any) map[string]any {
		t.Helper()
		return doneReply(t, b.do(t, "POST", path, body, nil))
	}

	if r := send(map[string]string{"text": "Hoću da prijavim problem sa smećem"}); r["form"] != "communal_report" {
		t.Fatalf("no communal report form: %v", r)
	}
	send(map[string]string{"payload": "form:set:category=waste"})
	send(map[string]string{"text": "ne"})
	r := send(map[string]string{"text": "Kontejner u Ulici kralja Petra nije ispražnjen dve nedelje"})
	if !strings.Contains(replyText(r), "lokacij") {
		t.Fatalf("location not asked: %s", r["text"])
	}

	// Belgrade is not Sombor: refused in Serbian, the form still waits for it.
	r = send(map[string]any{"location": map[string]float64{"lat": 44.8125, "lon": 20.4612}})
	if !strings.Contains(replyText(r), "van teritorije") || r["form"] != "communal_report" {
		t.Fatalf("location outside the city: %v", r)
	}
	r = send(map[string]any{"location": map[string]float64{"lat": 45.7733, "lon": 19.1151}})
	if !strings.Contains(replyText(r), "fotografij") {
		t.Fatalf("after a location in Sombor, photos are not asked: %s", r["text"])
	}

	// A "photo" that is text is refused by its bytes, whatever it claims.
	r = doneReply(t, b.postFiles(t, path, "", upload{"kontejner.jpg", "image/jpeg", []byte("ovo nije fotografija, samo tekst")}))
	if !strings.Contains(replyText(r), "nije fotografija") {
		t.Fatalf("a text file was taken as a photo: %s", r["text"])
	}
	r = doneReply(t, b.postFiles(t, path, "", upload{"kontejner.jpg", "image/jpeg", jpegPhoto(t)}))
	if !strings.Contains(replyText(r), "pristajete") {
		t.Fatalf("after the photo, contact consent is not asked: %s", r["text"])
	}
	send(map[string]string{"payload": "form:set:contact_consent=no"})
	r = send(map[string]string{"payload": "form:confirm"})
	if !strings.Contains(r["text"].(string), "SO-KP-") {
		t.Fatalf("no case reference: %s", r["text"])
	}
}

// TestAddressAsLocation: an address typed into the location of a JSON
// message is taken like a typed one.
func TestAddressAsLocation(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) { c.PerConversation = web.Limit{Rate: 100, Burst: 100} })
	path := "/api/v1/sombor/conversations/" + b.newConversation(t) + "/messages"
	for _, body := range []any{
		map[string]string{"payload": "form:communal_report"},
		map[string]string{"payload": "form:set:category=greenery"},
		map[string]string{"text": "ne"},
		map[string]string{"text": "Polomljena grana visi nad trotoarom već nedelju dana"},
	} {
		doneReply(t, b.do(t, "POST", path, body, nil))
	}
	r := doneReply(t, b.do(t, "POST", path, map[string]any{"location": map[string]string{"address": "Kralja Petra I 5, Sombor"}}, nil))
	if !strings.Contains(replyText(r), "fotografij") {
		t.Fatalf("address not taken: %s", r["text"])
	}
}

func TestUploadErrors(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *web.Config) {
		c.MaxUpload = 64 << 10
		c.PerConversation = web.Limit{Rate: 100, Burst: 100}
	})
	path := b.reportAtPhotos(t) // an upload needs a form that takes it
	photo := upload{"a.jpg", "image/jpeg", jpegPhoto(t)}
	big := upload{"big.jpg", "image/jpeg", append(jpegPhoto(t), make([]byte, 200<<10)...)}
	tests := []struct {
		name   string
		res    func() *http.Response
		status int
		code   string
	}{
		{"upload over the cap", func() *http.Response { return b.postFiles(t, path, "", big) }, 413, "upload_too_large"},
		{"too many files", func() *http.Response { return b.postFiles(t, path, "", photo, photo, photo, photo, photo, photo) }, 400, "too_many_files"},
		{"nothing", func() *http.Response { return b.postFiles(t, path, "") }, 400, "empty_message"},
		{"text over the body cap", func() *http.Response {
			return b.postFiles(t, path, strings.Repeat("porez ", 4000))
		}, 413, "body_too_large"},
		{"latitude without longitude", func() *http.Response {
			return b.do(t, "POST", path, map[string]any{"location": map[string]float64{"lat": 45.77}}, nil)
		}, 400, "invalid_location"},
		{"latitude out of range", func() *http.Response {
			return b.do(t, "POST", path, map[string]any{"location": map[string]float64{"lat": 145.77, "lon": 19.1}}, nil)
		}, 400, "invalid_location"},
		{"empty location", func() *http.Response {
			return b.do(t, "POST", path, map[string]any{"location": map[string]string{}}, nil)
		}, 400, "invalid_location"},
		{"not multipart", func() *http.Response {
			return b.do(t, "POST", path, "--x\r\n", map[string]string{"Content-Type": "multipart/form-data"})
		}, 400, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res()
			if res.StatusCode != tt.status {
				t.Fatalf("status %s, want %d", res.Status, tt.status)
			}
			code, msg := errorCode(t, res)
			if code != tt.code || msg == "" {
				t.Errorf("error %q %q, want code %q with a message", code, msg, tt.code)
			}
		})
	}
	// A photo sent while a form waits for it is taken.
	if r := doneReply(t, b.postFiles(t, path, "", photo)); !strings.Contains(replyText(r), "pristajete") {
		t.Errorf("photo not taken: %s", r["text"])
	}
	// Outside a form, a photo shows a problem: a report starts with it.
	r := doneReply(t, b.postFiles(t, "/api/v1/sombor/conversations/"+b.newConversation(t)+"/messages", "", photo))
	if r["route"] != "form_start" || !strings.Contains(replyText(r), "primio sam fotografiju") {
		t.Errorf("photo outside a form: %s %q", r["route"], r["text"])
	}
}
