package forms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"
	"golang.org/x/sync/semaphore"
)

// Image limits, checked on the header before any pixel is decoded: a
// small file can declare a huge canvas (a 65535×65535 PNG would need
// 16 GB once decoded).
const (
	MaxImageSide   = 12000      // pixels, either side
	MaxImagePixels = 40_000_000 // 40 megapixels
)

// jpegQuality is the quality photos are re-encoded at: visually the same
// as a phone's own output, about its size.
const jpegQuality = 90

// decodeBudget bounds the memory of decoded pixels across all the
// photos being cleaned at once (web and Viber turns alike), so that many
// large photos arriving together queue instead of exhausting memory.
var decodeBudget = semaphore.NewWeighted(decodeBudgetBytes)

const decodeBudgetBytes = 320 << 20 // one 40 MP photo, rotated, fits

var errImageTooLarge = fmt.Errorf("fotografija je prevelika (najviše %d×%d tačaka i %d megapiksela); pošaljite manju",
	MaxImageSide, MaxImageSide, MaxImagePixels/1_000_000)

// CleanMedia checks a photo or video the citizen sent and returns the
// bytes that may be stored: never the original ones. The type is judged
// from the bytes (SniffMedia); declaredMIME, what the channel was told,
// never decides. Photos are decoded and re-encoded (JPEG as JPEG, PNG as
// PNG, WebP as JPEG, or PNG when it has transparency), which leaves
// behind every metadata block (EXIF with GPS and camera, XMP, IPTC,
// comments, text chunks) and anything appended after the image; a JPEG's
// EXIF orientation is applied to the pixels first. A header over
// MaxImageSide or MaxImagePixels is refused before decoding. MP4 and
// QuickTime videos are rewritten box by box (see cleanMP4): location,
// user data, metadata and XMP boxes, metadata tracks and unrecognised
// top-level data are dropped, the media data kept as it is.
//
// The error, when not nil, is a Serbian sentence for the citizen: the
// file is not a photo or video, too big, or not well formed.
func CleanMedia(data []byte, declaredMIME string) (clean []byte, mime string, err error) {
	_ = declaredMIME // a client's claim: logged by channels at most, trusted never
	mime = SniffMedia(data)
	switch mime {
	case MIMEJPEG, MIMEPNG, MIMEWebP:
		if len(data) > MaxPhotoBytes {
			return nil, "", errPhotoSize
		}
		return cleanImage(data, mime)
	case MIMEMP4, MIMEQuickTime:
		if len(data) > MaxVideoBytes {
			return nil, "", errVideoSize
		}
		if clean, err = cleanMP4(data); err != nil {
			return nil, "", errBadVideo
		}
		return clean, mime, nil
	}
	return nil, "", errNotMedia
}

var (
	errBadPhoto = errors.New("fotografija je oštećena ili nepotpuna; pošaljite je ponovo")
	errBadVideo = errors.New("video je oštećen, nepotpun ili u obliku koji ne primamo; pošaljite MP4 ili MOV snimak")
)

// cleanImage decodes a photo within the limits and re-encodes it.
func cleanImage(data []byte, mime string) ([]byte, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != mime {
		return nil, "", errBadPhoto
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide ||
		cfg.Width*cfg.Height > MaxImagePixels {
		return nil, "", errImageTooLarge
	}
	orient := 1
	if mime == MIMEJPEG {
		orient = jpegOrientation(data)
	}
	// Decoded pixels take 4 bytes each, 8 at 16 bits per channel; a
	// rotation needs a second copy.
	bpp := int64(4)
	if cfg.ColorModel == color.RGBA64Model || cfg.ColorModel == color.NRGBA64Model {
		bpp = 8
	}
	weight := int64(cfg.Width) * int64(cfg.Height) * bpp
	if orient != 1 {
		weight *= 2
	}
	weight = min(weight, decodeBudgetBytes)
	if err := decodeBudget.Acquire(context.Background(), weight); err != nil {
		return nil, "", err // never: the context is not cancelled
	}
	defer decodeBudget.Release(weight)

	var img image.Image
	switch mime {
	case MIMEJPEG:
		img, err = jpeg.Decode(bytes.NewReader(data))
	case MIMEPNG:
		img, err = png.Decode(bytes.NewReader(data))
	case MIMEWebP:
		img, err = webp.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, "", errBadPhoto
	}
	if orient != 1 {
		img = orientImage(img, orient)
	}

	var out bytes.Buffer
	out.Grow(len(data))
	switch {
	case mime == MIMEPNG || mime == MIMEWebP && !isOpaque(img):
		mime = MIMEPNG
		err = png.Encode(&out, img)
	default:
		mime = MIMEJPEG
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return nil, "", fmt.Errorf("encode %s: %w", mime, err)
	}
	return out.Bytes(), mime, nil
}

// isOpaque reports whether every pixel of img is opaque.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// toRGBA returns img as *image.RGBA (a copy unless it already is one).
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
	return out
}
