package forms_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/forms/mediatest"
)

// mustClean cleans data, which must be accepted as wantMIME.
func mustClean(t *testing.T, data []byte, wantMIME string) []byte {
	t.Helper()
	out, mime, err := forms.CleanMedia(data, "application/octet-stream")
	if err != nil {
		t.Fatalf("CleanMedia: %v", err)
	}
	if mime != wantMIME {
		t.Fatalf("mime %q, want %q", mime, wantMIME)
	}
	return out
}

// noSecrets fails when out still holds the position, the camera or one of
// the metadata markers.
func noSecrets(t *testing.T, out []byte, markers ...string) {
	t.Helper()
	for _, s := range append(append([]string{}, mediatest.Secrets...), markers...) {
		if bytes.Contains(out, []byte(s)) {
			t.Errorf("%q left in the cleaned file", s)
		}
	}
}

func TestCleanMediaPhotos(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       []byte
		markers  []string // metadata blocks that must be gone
		wantMIME string
		decode   func([]byte) (image.Image, error)
	}{
		{"jpeg exif xmp com", mediatest.JPEG(40, 24, 1), []string{"Exif\x00\x00", "xmpmeta", "\xff\xfe"}, forms.MIMEJPEG,
			func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }},
		{"png exif text xmp", mediatest.PNG(40, 24), []string{"eXIf", "tEXt", "iTXt", "xmpmeta"}, forms.MIMEPNG,
			func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }},
		{"webp exif xmp", mediatest.WebP(40, 24), []string{"EXIF", "XMP ", "xmpmeta", "RIFF"}, forms.MIMEJPEG,
			func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range mediatest.Secrets {
				if !bytes.Contains(tt.in, []byte(s)) {
					t.Fatalf("fixture lacks %q", s)
				}
			}
			out := mustClean(t, tt.in, tt.wantMIME)
			noSecrets(t, out, tt.markers...)
			img, err := tt.decode(out)
			if err != nil {
				t.Fatalf("cleaned photo does not decode: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 40 || b.Dy() != 24 {
				t.Errorf("cleaned photo is %v, want 40×24", b)
			}
		})
	}
}

// TestCleanMediaOrientation: a photo a phone took upright but stored on
// its side (EXIF orientation 6) is turned, since its EXIF is dropped.
func TestCleanMediaOrientation(t *testing.T) {
	t.Parallel()
	out := mustClean(t, mediatest.JPEG(40, 24, 6), forms.MIMEJPEG)
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 24 || b.Dy() != 40 {
		t.Errorf("orientation 6: %v, want 24×40", b)
	}
	// The stored pattern grows red to the right; turned clockwise, the
	// red grows downwards.
	top, _, _, _ := img.At(12, 2).RGBA()
	bottom, _, _, _ := img.At(12, 37).RGBA()
	if top >= bottom {
		t.Errorf("not turned clockwise: red %d at the top, %d at the bottom", top>>8, bottom>>8)
	}
}

func TestCleanMediaVideos(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     mediatest.VideoOpts
		wantMIME string
	}{
		{"mp4, moov first", mediatest.VideoOpts{}, forms.MIMEMP4},
		{"mp4 with a metadata track", mediatest.VideoOpts{MetaTrack: true}, forms.MIMEMP4},
		{"quicktime, moov last", mediatest.VideoOpts{QuickTime: true, MetaTrack: true}, forms.MIMEQuickTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := mediatest.Video(tt.opts)
			want, err := mediatest.ReadVideoSample(in)
			if err != nil || !bytes.HasPrefix(want, []byte(mediatest.VideoSample)) {
				t.Fatalf("fixture: %v", err)
			}
			out := mustClean(t, in, tt.wantMIME)
			noSecrets(t, out, "udta", "\xa9xyz", "\xa9mak", "meta", "keys", "uuid", "free", "wide", "GPS5")
			got, err := mediatest.ReadVideoSample(out)
			if err != nil {
				t.Fatalf("cleaned video: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the video track no longer points at its sample: %.20q", got)
			}
			// Cleaning is stable: a cleaned file has nothing more to drop.
			again := mustClean(t, out, tt.wantMIME)
			if !bytes.Equal(again, out) {
				t.Error("cleaning a cleaned video changed it")
			}
		})
	}
}

// TestCleanMediaPolyglot: data appended to a photo or video (an archive,
// a page) is not stored.
func TestCleanMediaPolyglot(t *testing.T) {
	t.Parallel()
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00payload.exe....PK\x05\x06")
	html := []byte("<html><script>alert(document.cookie)</script></html>")
	tests := []struct {
		name, mime string
		in         []byte
		tail       []byte
	}{
		{"jpeg+zip", forms.MIMEJPEG, append(mediatest.JPEG(16, 16, 1), zip...), zip[:4]},
		{"png+html", forms.MIMEPNG, append(mediatest.PNG(16, 16), html...), []byte("<html")},
		{"mp4+zip", forms.MIMEMP4, append(mediatest.Video(mediatest.VideoOpts{}), zip...), zip[:4]},
		{"mp4+html", forms.MIMEMP4, append(mediatest.Video(mediatest.VideoOpts{}), html...), []byte("<html")},
	}
	for _, tt := range tests {
		out := mustClean(t, tt.in, tt.mime)
		if bytes.Contains(out, tt.tail) {
			t.Errorf("%s: trailing data stored", tt.name)
		}
	}
}

// TestCleanMediaHugeCanvas: a few hundred bytes declaring 65535×65535
// pixels are refused from the header, without allocating the pixels.
func TestCleanMediaHugeCanvas(t *testing.T) {
	t.Parallel()
	for _, in := range [][]byte{
		mediatest.PNGHeader(65535, 65535),
		mediatest.PNGHeader(12001, 10),
		mediatest.PNGHeader(8000, 8000), // 64 MP: each side fits, the total does not
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := forms.CleanMedia(in, "image/png")
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "prevelika") {
			t.Errorf("%d-byte PNG declaring a huge canvas: %v", len(in), err)
		}
		// Other tests run alongside: allow them some allocation, far
		// below the 256 MB the smallest of these canvases would take.
		if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
			t.Errorf("refusing the header allocated %d MB", d>>20)
		}
	}
}

func TestCleanMediaRefuses(t *testing.T) {
	t.Parallel()
	video := mediatest.Video(mediatest.VideoOpts{})
	truncated := video[:len(video)-100] // inside mdat
	jpg := mediatest.JPEG(16, 16, 1)
	tests := map[string][]byte{
		"text":               []byte("ovo nije fotografija"),
		"truncated jpeg":     jpg[:len(jpg)/2],
		"truncated video":    truncated,
		"video without moov": append([]byte("\x00\x00\x00\x10ftypisom\x00\x00\x02\x00"), make([]byte, 1<<10)...),
	}
	for name, in := range tests {
		if out, _, err := forms.CleanMedia(in, "image/jpeg"); err == nil {
			t.Errorf("%s accepted (%d bytes out)", name, len(out))
		}
	}
	big := append(mediatest.JPEG(16, 16, 1), make([]byte, forms.MaxPhotoBytes)...)
	if _, _, err := forms.CleanMedia(big, "image/jpeg"); err == nil || !strings.Contains(err.Error(), "10 MB") {
		t.Errorf("11 MB photo: %v", err)
	}
	if _, _, err := forms.CleanMedia(video, ""); err != nil {
		t.Errorf("video: %v", err)
	}
}
