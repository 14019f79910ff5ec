package forms

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miasrbija/mia/forms/mediatest"
	"github.com/miasrbija/mia/municipality"
)

var testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// withChecksum completes 12 digits with the control digit, or returns ""
// when the prefix has remainder 1 (m = 10), which has none.
func withChecksum(p string) string {
	d := make([]int, 12)
	for i := range 12 {
		d[i] = int(p[i] - '0')
	}
	sum := 7*(d[0]+d[6]) + 6*(d[1]+d[7]) + 5*(d[2]+d[8]) + 4*(d[3]+d[9]) + 3*(d[4]+d[10]) + 2*(d[5]+d[11])
	m := 11 - sum%11
	switch m {
	case 10:
		return ""
	case 11:
		m = 0
	}
	return p + fmt.Sprint(m)
}

func TestValidateJMBG(t *testing.T) {
	t.Parallel()
	// A prefix with S mod 11 = 1: find one, then check both spellings are refused.
	var rem1 string
	for b := 100; b < 999 && rem1 == ""; b++ {
		p := fmt.Sprintf("0101990810%03d", b)[:12]
		if withChecksum(p) == "" {
			rem1 = p
		}
	}
	if rem1 == "" {
		t.Fatal("no remainder-1 prefix found")
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"documented example 1900", "0101900350008", nil},
		{"documented example 2000", "0101000805018", nil},
		{"1800s allowed (8xx)", withChecksum("010189081000"), nil},
		{"leap day 2000", withChecksum("290200081000"), nil},
		{"leap day 1996", withChecksum("290299681000"), nil},
		{"no leap day 1900", withChecksum("290290081000"), ErrJMBGDate},
		{"no leap day 2001", withChecksum("290200181000"), ErrJMBGDate},
		{"31 February", withChecksum("310299081001"), ErrJMBGDate},
		{"month 13", withChecksum("011399081000"), ErrJMBGDate},
		{"YYY 1xx not issued", withChecksum("010110071000"), ErrJMBGDate},
		{"future date", withChecksum("010103081000"), ErrJMBGFuture},
		{"tomorrow", withChecksum("281102681000"), ErrJMBGFuture},
		{"bad checksum", "0101900350007", ErrJMBGChecksum},
		{"remainder 1 with K=0 rejected", rem1 + "0", ErrJMBGChecksum},
		{"remainder 1 with K=1 rejected", rem1 + "1", ErrJMBGChecksum},
		{"12 digits", "010190035000", ErrJMBGFormat},
		{"letters", "01019003500a8", ErrJMBGFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in == "" || len(tt.in) != 13 && tt.want != ErrJMBGFormat {
				t.Fatalf("test JMBG %q: prefix has remainder 1, pick another", tt.in)
			}
			if got := ValidateJMBG(tt.in, testNow); !errors.Is(got, tt.want) {
				t.Errorf("ValidateJMBG(%s) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if got := MaskJMBG("0101900350008"); got != "0101******008" {
		t.Errorf("MaskJMBG = %s", got)
	}
}

// TestNormalizePhone: a number without the country code is read in the
// plan of the municipality's country (a Laktaši citizen's 065… is in
// Bosnia and Herzegovina, a Sombor citizen's in Serbia); with the code,
// as that country has it; a foreign number of an international length is
// taken, a short or malformed one is not.
func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	sombor, laktasi := testMunicipalities(t)
	for _, tt := range []struct {
		m        *municipality.Municipality
		in, want string
	}{
		{sombor, "064 123 4567", "+381641234567"},
		{sombor, "+381 64 123 4567", "+381641234567"},
		{sombor, "+381 (0)64 123 4567", "+381641234567"},
		{sombor, "00381641234567", "+381641234567"},
		{sombor, "025/123-456", "+38125123456"},
		{sombor, "011 1234567", "+381111234567"},
		{sombor, "065 123 456", "+38165123456"},
		{sombor, "051 334 200", ""}, // no Serbian area code 051
		{sombor, "+387 65 123 456", "+38765123456"},
		{laktasi, "065 123 456", "+38765123456"},
		{laktasi, "051 334 200", "+38751334200"},
		{laktasi, "+387 51 334 200", "+38751334200"},
		{laktasi, "+381 64 123 4567", "+381641234567"},
		{laktasi, "011 1234567", ""}, // no area code 011 in Bosnia
		{laktasi, "+387 51 33", ""},
		{nil, "+44 20 7946 0958", "+442079460958"},
		{nil, "+44 20", ""},
		{nil, "12345", ""},
		{nil, "064 12", ""},
		{nil, "abc", ""},
		{nil, "+38x641234567", ""},
	} {
		got, err := NormalizePhone(tt.m, tt.in)
		if (err != nil) != (tt.want == "") || got != tt.want {
			t.Errorf("NormalizePhone(%s, %q) = %q, %v; want %q", tt.m.CountryCode(), tt.in, got, err, tt.want)
		}
	}
	if _, err := NormalizePhone(laktasi, "011 1234567"); err == nil || !strings.Contains(err.Error(), "065 123 456") {
		t.Errorf("a Laktaši citizen is shown a Bosnian example: %v", err)
	}
	if got := maskDigits("+38765123456"); got != "+387*****456" {
		t.Errorf("maskDigits = %q", got)
	}
}

// exifGPS builds an APP1 segment carrying a TIFF/EXIF block with a GPS IFD
// (latitude 45°46'N) and a recognisable marker string.
func exifGPS() []byte {
	var tiff bytes.Buffer
	tiff.WriteString("II*\x00")
	_ = binary.Write(&tiff, binary.LittleEndian, uint32(8)) // IFD0 at 8
	// IFD0: one entry, GPSInfo (0x8825) → offset 26
	_ = binary.Write(&tiff, binary.LittleEndian, uint16(1))
	_ = binary.Write(&tiff, binary.LittleEndian, [3]uint16{0x8825, 4, 1})
	_ = binary.Write(&tiff, binary.LittleEndian, uint32(1))
	_ = binary.Write(&tiff, binary.LittleEndian, uint32(26))
	_ = binary.Write(&tiff, binary.LittleEndian, uint32(0))
	// GPS IFD: GPSLatitudeRef 'N', then a marker
	_ = binary.Write(&tiff, binary.LittleEndian, uint16(1))
	_ = binary.Write(&tiff, binary.LittleEndian, [3]uint16{0x0001, 2, 2})
	tiff.WriteString("N\x00\x00\x00")
	_ = binary.Write(&tiff, binary.LittleEndian, uint32(0))
	tiff.WriteString("GPSLAT45.7667N-GPSLON19.1122E")
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// jpegWithEXIF encodes a small real image and inserts an EXIF GPS segment
// after SOI.
func jpegWithEXIF(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, exifGPS()...)
	return append(out, raw[2:]...)
}

func TestSniffMedia(t *testing.T) {
	t.Parallel()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := map[string]struct {
		data []byte
		want string
	}{
		"jpeg":          {jpegWithEXIF(t), MIMEJPEG},
		"png":           {png, MIMEPNG},
		"webp":          {[]byte("RIFF\x10\x00\x00\x00WEBPVP8 "), MIMEWebP},
		"mp4":           {[]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), MIMEMP4},
		"quicktime":     {[]byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "), MIMEQuickTime},
		"text as photo": {[]byte("ovo je tekst, a ne slika"), ""},
		"pdf":           {[]byte("%PDF-1.7\n"), ""},
		"html":          {[]byte("<html><body>x</body></html>"), ""},
	}
	for name, tt := range tests {
		if got := SniffMedia(tt.data); got != tt.want {
			t.Errorf("%s: SniffMedia = %q, want %q", name, got, tt.want)
		}
	}
}

func TestDefinitions(t *testing.T) {
	t.Parallel()
	cr, ok := Lookup(FormCommunalReport)
	if !ok {
		t.Fatal("communal_report missing")
	}
	f, _ := cr.Field("category")
	var vals []string
	for _, o := range f.Options {
		vals = append(vals, o.Value)
	}
	if !slices.Equal(vals, municipality.Categories) {
		t.Errorf("categories %v, want municipality.Categories %v", vals, municipality.Categories)
	}
	for _, name := range []string{FormCommunalReport, FormRegistryExtract} {
		d, _ := Lookup(name)
		var schema struct {
			Type       string                     `json:"type"`
			Properties map[string]json.RawMessage `json:"properties"`
			Additional bool                       `json:"additionalProperties"`
		}
		if err := json.Unmarshal(d.ToolSchema(), &schema); err != nil {
			t.Fatalf("%s schema: %v", name, err)
		}
		if schema.Type != "object" || len(schema.Properties) == 0 || schema.Additional {
			t.Errorf("%s schema: %+v", name, schema)
		}
		if _, ok := schema.Properties["attachments"]; ok {
			t.Errorf("%s: attachments must not be a model property", name)
		}
		// Every summary renders with every field filled.
		values := map[string]string{}
		for _, f := range d.Fields {
			values[f.Name] = "x"
		}
		if s := d.summaryText(nil, values); strings.Contains(s, "no value") || !strings.Contains(s, "tačno") {
			t.Errorf("%s summary: %s", name, s)
		}
	}
	ex, _ := Lookup(FormRegistryExtract)
	p, _ := ex.Field("purpose")
	for _, v := range []string{"school", "employment", "military", "ex_officio", "social_protection"} {
		if o, ok := p.Option(v); !ok || !o.FeeExempt {
			t.Errorf("purpose %s should be fee exempt", v)
		}
	}
	_, err := ParseDefinition([]byte("name: x\nkind: KP\nsummary: s\nfields:\n  - name: a\n    type: text\n    label: A\n    prompt: A?\n    colour: red\n"))
	if err == nil || !strings.Contains(err.Error(), "colour") {
		t.Errorf("unknown key accepted: %v", err)
	}
	_, err = ParseDefinition([]byte("name: x\nkind: KP\nsummary: s\nfields:\n  - name: a\n    type: texty\n    label: A\n    prompt: A?\n"))
	if err == nil {
		t.Error("unknown type accepted")
	}
}

func TestCrypter(t *testing.T) {
	t.Parallel()
	c, err := NewEphemeralCrypter()
	if err != nil || !c.Ephemeral() {
		t.Fatalf("development without key: %v, ephemeral %v", err, c != nil && c.Ephemeral())
	}
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	c, err = NewCrypter(key)
	if err != nil || c.Ephemeral() {
		t.Fatalf("with key: %v", err)
	}
	ct, _ := c.Encrypt("jmbg", []byte("0101900350008"))
	if bytes.Contains(ct, []byte("0101900350008")) {
		t.Error("ciphertext contains the plaintext")
	}
	pt, err := c.Decrypt("jmbg", ct)
	if err != nil || string(pt) != "0101900350008" {
		t.Errorf("round trip: %q %v", pt, err)
	}
	if _, err := c.Decrypt("other", ct); err == nil {
		t.Error("ciphertext opened for another purpose")
	}
	if _, err := NewCrypter("c2hvcnQ="); err == nil || strings.Contains(err.Error(), "c2hvcnQ") {
		t.Errorf("short key: %v", err)
	}
}

func TestDraftMasksJMBG(t *testing.T) {
	t.Parallel()
	d := &Draft{ID: 1, Form: FormRegistryExtract, values: map[string]string{"jmbg": "0101900350008", "full_name": "Petar Petrović"}}
	if got := d.ModelView()["jmbg"]; got != "[JMBG]" {
		t.Errorf("ModelView jmbg = %q", got)
	}
	for _, s := range []string{d.String(), fmt.Sprintf("%v %+v %#v %s", d, d, d, d)} {
		if strings.Contains(s, "0101900350008") {
			t.Errorf("clear JMBG printed: %s", s)
		}
	}
	if got := d.Value("jmbg"); got != "0101******008" {
		t.Errorf("Value(jmbg) = %q", got)
	}
}

func TestPrepareAttachmentLimits(t *testing.T) {
	t.Parallel()
	photo := jpegWithEXIF(t)
	bigPhoto := append(append([]byte{}, photo...), make([]byte, MaxPhotoBytes)...)
	if _, _, err := prepareAttachment(Attachment{Data: bigPhoto}); !errors.Is(err, errPhotoSize) {
		t.Errorf("11 MB photo: %v", err)
	}
	video := mediatest.Video(mediatest.VideoOpts{SampleBytes: 20 << 20})
	if _, mime, err := prepareAttachment(Attachment{Data: video}); err != nil || mime != MIMEMP4 {
		t.Errorf("20 MB video: %s %v", mime, err)
	}
	// The declared type does not matter: text labelled image/jpeg is refused.
	if _, _, err := prepareAttachment(Attachment{ContentType: "image/jpeg", Data: []byte("GIF89a...")}); !errors.Is(err, errNotMedia) {
		t.Errorf("GIF/text: %v", err)
	}
}

// TestSensitiveFieldsAgree: the retention job erases fields by name
// (SensitiveFields) from every form's cases, so a name sensitive in one
// form must be sensitive wherever it is used.
func TestSensitiveFieldsAgree(t *testing.T) {
	sensitive := SensitiveFields()
	if !slices.Contains(sensitive, "jmbg") || !slices.Contains(sensitive, "phone") {
		t.Fatalf("SensitiveFields() = %v", sensitive)
	}
	for name, d := range Definitions() {
		for _, f := range d.Fields {
			if slices.Contains(sensitive, f.Name) && !f.Sensitive {
				t.Errorf("%s.%s is not sensitive, but another form's field of that name is: the retention job would erase it", name, f.Name)
			}
		}
	}
}
