// Package mediatest builds the photos and videos that tests of media
// cleaning send: real containers (encoded with Go's image packages, or box
// by box) that carry a GPS position and camera details in the places
// phones put them. It is for tests only.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
)

// GPS and Camera are written into every metadata block of the fixtures;
// neither may be found in a cleaned file.
const (
	GPS    = "+45.7733+019.1151"
	Camera = "MIAcam X1"
)

// Secrets are the strings a cleaned fixture must not contain.
var Secrets = []string{GPS, "45.7733", Camera}

func pattern(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	return img
}

// EXIF returns an EXIF TIFF block (little-endian): IFD0 with the
// orientation, the camera make and a pointer to a GPS IFD holding the
// latitude reference and the position as text.
func EXIF(orientation int) []byte {
	var t bytes.Buffer
	le := binary.LittleEndian
	w := func(v any) { _ = binary.Write(&t, le, v) }
	t.WriteString("II")
	w(uint16(42))
	w(uint32(8))
	// IFD0 at 8: 3 entries, then next IFD 0; data after it.
	const ifd0 = 8
	const data = ifd0 + 2 + 3*12 + 4 // 50
	mk := Camera + "\x00"
	gpsIFD := data + len(mk)
	w(uint16(3))
	w([2]uint16{0x010F, 2}) // Make, ASCII
	w(uint32(len(mk)))
	w(uint32(data))
	w([2]uint16{0x0112, 3}) // Orientation, SHORT
	w(uint32(1))
	w([2]uint16{uint16(orientation), 0})
	w([2]uint16{0x8825, 4}) // GPS IFD pointer, LONG
	w(uint32(1))
	w(uint32(gpsIFD))
	w(uint32(0))
	t.WriteString(mk)
	// GPS IFD: GPSLatitudeRef "N", GPSAreaInformation-like text.
	txt := "GPS " + GPS + "\x00"
	w(uint16(2))
	w([2]uint16{0x0001, 2})
	w(uint32(2))
	t.WriteString("N\x00\x00\x00")
	w([2]uint16{0x001C, 7}) // GPSAreaInformation, UNDEFINED
	w(uint32(len(txt)))
	w(uint32(gpsIFD + 2 + 2*12 + 4))
	w(uint32(0))
	t.WriteString(txt)
	return t.Bytes()
}

// XMP is an XMP packet with the position and the camera.
func XMP() []byte {
	return []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description exif:GPSLatitude="` + GPS + `" tiff:Model="` + Camera + `"/></rdf:RDF></x:xmpmeta>`)
}

func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// JPEG is a w×h photo with an EXIF block (GPS, camera, orientation), an
// XMP block and a comment (COM) naming the position.
func JPEG(w, h, orientation int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, pattern(w, h), &jpeg.Options{Quality: 95}); err != nil {
		panic(err)
	}
	raw := b.Bytes()
	out := append([]byte{}, raw[:2]...)
	out = append(out, jpegSegment(0xE1, append([]byte("Exif\x00\x00"), EXIF(orientation)...))...)
	out = append(out, jpegSegment(0xE1, append([]byte("http://ns.adobe.com/xap/1.0/\x00"), XMP()...))...)
	out = append(out, jpegSegment(0xFE, []byte("Snimljeno na "+GPS+" kamerom "+Camera))...)
	return append(out, raw[2:]...)
}

// PNGChunk is one PNG chunk with its CRC.
func PNGChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// PNG is a w×h image with eXIf (GPS, camera), tEXt and iTXt (XMP)
// chunks after its header.
func PNG(w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, pattern(w, h)); err != nil {
		panic(err)
	}
	raw := b.Bytes()
	const afterIHDR = 8 + 8 + 13 + 4
	out := append([]byte{}, raw[:afterIHDR]...)
	out = append(out, PNGChunk("eXIf", EXIF(1))...)
	out = append(out, PNGChunk("tEXt", []byte("Comment\x00GPS "+GPS+" "+Camera))...)
	out = append(out, PNGChunk("iTXt", append([]byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"), XMP()...))...)
	return append(out, raw[afterIHDR:]...)
}

// PNGHeader is a PNG that declares a w×h canvas and holds almost no data:
// decoding its pixels would need w*h*4 bytes.
func PNGHeader(w, h int) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, PNGChunk("IHDR", ihdr)...)
	out = append(out, PNGChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, PNGChunk("IEND", nil)...)
}

// bitWriter packs bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf  []byte
	acc  uint64
	bits uint
}

func (bw *bitWriter) write(v uint64, n uint) {
	bw.acc |= v << bw.bits
	bw.bits += n
	for bw.bits >= 8 {
		bw.buf = append(bw.buf, byte(bw.acc))
		bw.acc >>= 8
		bw.bits -= 8
	}
}

func (bw *bitWriter) bytes() []byte {
	if bw.bits > 0 {
		bw.buf = append(bw.buf, byte(bw.acc))
	}
	return bw.buf
}

// vp8l is a lossless WebP bitstream of a w×h image of one opaque color:
// no transform, no color cache, five one-symbol prefix codes, so each
// pixel takes no bits.
func vp8l(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(0x2f, 8)
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(0, 1) // alpha unused
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no color cache
	bw.write(0, 1) // no meta prefix codes
	for _, v := range []uint8{c.G, c.R, c.B, c.A} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // of 8 bits
		bw.write(uint64(v), 8)
	}
	bw.write(1, 1) // distance: simple code, one symbol, 1 bit, 0
	bw.write(0, 1)
	bw.write(0, 1)
	bw.write(0, 1)
	return bw.bytes()
}

func riffChunk(typ string, data []byte) []byte {
	c := append([]byte(typ), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// WebP is a w×h lossless WebP (extended format) with EXIF (GPS, camera)
// and XMP chunks.
func WebP(w, h int) []byte {
	x := []byte{0x08 | 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0} // EXIF and XMP present
	x[4], x[5], x[6] = byte(w-1), byte((w-1)>>8), byte((w-1)>>16)
	x[7], x[8], x[9] = byte(h-1), byte((h-1)>>8), byte((h-1)>>16)
	body := []byte("WEBP")
	body = append(body, riffChunk("VP8X", x)...)
	body = append(body, riffChunk("VP8L", vp8l(w, h, color.NRGBA{30, 140, 60, 255}))...)
	body = append(body, riffChunk("EXIF", EXIF(1))...)
	body = append(body, riffChunk("XMP ", XMP())...)
	return append(riffChunk("RIFF", body)[:8], body...)
}
