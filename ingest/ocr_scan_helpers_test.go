package ingest_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"os/exec"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"
)

// Test scans: demo notices rendered to A4 page images at 300 dpi with
// DejaVu Sans (Debian's fonts-dejavu-core, which scripts/deps.sh installs)
// and wrapped into PDFs that have no text layer, like a copier's output.

const (
	scanDPI      = 300
	scanWidth    = 2480 // A4 at 300 dpi
	scanHeight   = 3508
	scanMargin   = 250
	scanFontPt   = 12
	dejaVuSansTT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)

// requireOCR skips when tesseract with both Serbian models is missing.
func requireOCR(t testing.TB) {
	t.Helper()
	out, err := exec.Command("tesseract", "--list-langs").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("srp\n")) || !bytes.Contains(out, []byte("srp_latn")) {
		t.Skip("tesseract with srp and srp_latn not installed (scripts/deps.sh installs them)")
	}
	for _, tool := range []string{"pdftotext", "pdftoppm", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (scripts/deps.sh installs poppler-utils)", tool)
		}
	}
}

// scanFace loads DejaVu Sans at size points for scanDPI, or skips.
func scanFace(t testing.TB, size float64) font.Face {
	t.Helper()
	data, err := os.ReadFile(dejaVuSansTT)
	if err != nil {
		t.Skipf("no font to render test scans with: %v (install fonts-dejavu-core)", err)
	}
	f, err := opentype.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: scanDPI, Hinting: font.HintingFull})
	if err != nil {
		t.Fatal(err)
	}
	return face
}

// demoNotice returns a demo corpus notice decoded from its legacy code
// page: the Cyrillic one (Windows-1251) or the Latin one (Windows-1250).
func demoNotice(t testing.TB, cyrillic bool) string {
	t.Helper()
	name, cm := "obavestenje-sneg-i-led-cp1250.txt", charmap.Windows1250
	if cyrillic {
		name, cm = "obavestenje-mesec-cistoce-cp1251.txt", charmap.Windows1251
	}
	raw, err := os.ReadFile("../corpus/sombor/" + name)
	if err != nil {
		t.Fatal(err)
	}
	text, err := cm.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(text), "\r\n", "\n")
}

// renderPages lays text out on white A4 pages: paragraphs (split at blank
// lines) wrapped to the margins, a blank line between them.
func renderPages(t testing.TB, text string, face font.Face) []*image.Gray {
	t.Helper()
	lineH := face.Metrics().Height.Ceil() * 13 / 10
	maxW := fixed.I(scanWidth - 2*scanMargin)
	var pages []*image.Gray
	var page *image.Gray
	y := 0
	newPage := func() {
		page = image.NewGray(image.Rect(0, 0, scanWidth, scanHeight))
		draw.Draw(page, page.Bounds(), image.White, image.Point{}, draw.Src)
		pages = append(pages, page)
		y = scanMargin + face.Metrics().Ascent.Ceil()
	}
	drawLine := func(s string) {
		if page == nil || y > scanHeight-scanMargin {
			newPage()
		}
		d := &font.Drawer{Dst: page, Src: image.NewUniform(color.Black), Face: face, Dot: fixed.P(scanMargin, y)}
		d.DrawString(s)
		y += lineH
	}
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		line := words[0]
		for _, w := range words[1:] {
			if font.MeasureString(face, line+" "+w) > maxW {
				drawLine(line)
				line = w
				continue
			}
			line += " " + w
		}
		drawLine(line)
		y += lineH / 2
	}
	return pages
}

// pixelate makes img look scanned at 1/k of its resolution: each k×k
// block takes the colour of its top-left pixel.
func pixelate(img *image.Gray, k int) {
	b := img.Bounds()
	for y := range b.Dy() {
		for x := range b.Dx() {
			img.Pix[y*img.Stride+x] = img.Pix[(y/k*k)*img.Stride+x/k*k]
		}
	}
}

// scannedPDF writes pages as JPEG images (DCTDecode) into a PDF with no
// text layer at all: one image XObject drawn over each A4 page.
func scannedPDF(t testing.TB, pages []*image.Gray) []byte {
	t.Helper()
	var images [][]byte
	for _, p := range pages {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, p, &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		images = append(images, b.Bytes())
	}
	w := &pdfWriter{}
	w.raw("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	n := len(pages)
	// Objects: 1 catalog, 2 page tree, then per page: page, content, image.
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids []string
	for i := range n {
		kids = append(kids, fmt.Sprintf("%d 0 R", 3+3*i))
	}
	w.obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	for i, img := range images {
		pg, content, im := 3+3*i, 4+3*i, 5+3*i
		w.obj(pg, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "+
			"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>", im, content))
		w.stream(content, "", []byte("q 595.28 0 0 841.89 0 0 cm /Im0 Do Q"))
		w.stream(im, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d "+
			"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", scanWidth, scanHeight), img)
	}
	return w.finish(1)
}

// pdfWriter writes a PDF by hand, recording object offsets for the xref.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets map[int]int
}

func (w *pdfWriter) raw(s string) { w.buf.WriteString(s) }

func (w *pdfWriter) obj(n int, body string) {
	if w.offsets == nil {
		w.offsets = map[int]int{}
	}
	w.offsets[n] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

func (w *pdfWriter) stream(n int, dict string, data []byte) {
	w.obj(n, fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data))
}

func (w *pdfWriter) finish(root int) []byte {
	size := 0
	for n := range w.offsets {
		size = max(size, n+1)
	}
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", size)
	for n := 1; n < size; n++ {
		if off, ok := w.offsets[n]; ok {
			fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
		} else {
			w.buf.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", size, root, xref)
	return w.buf.Bytes()
}

// ocrWords splits text into lower-case words of letters and digits.
func ocrWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// wordAccuracy is the share of the source's words that OCR read right, in
// order: the longest common subsequence of the two word lists over the
// source's length.
func wordAccuracy(source, ocr string) float64 {
	a, b := ocrWords(source), ocrWords(ocr)
	if len(a) == 0 {
		return 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(b)]) / float64(len(a))
}
