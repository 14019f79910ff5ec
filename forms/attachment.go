package forms

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
)

// Attachment limits.
const (
	MaxPhotoBytes  = 10 << 20 // 10 MB
	MaxVideoBytes  = 50 << 20 // 50 MB
	MaxAttachments = 5        // per report
)

// Attachment is a file the citizen sent, as the channel downloaded it.
// ContentType is what the channel declared; it is ignored: the type is
// sniffed from Data.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Sniffed content types accepted for reports.
const (
	MIMEJPEG      = "image/jpeg"
	MIMEPNG       = "image/png"
	MIMEWebP      = "image/webp"
	MIMEMP4       = "video/mp4"
	MIMEQuickTime = "video/quicktime"
)

var (
	errNotMedia  = errors.New("prilog nije fotografija (JPEG, PNG, WebP) ni video (MP4, MOV); pošaljite fotografiju ili kratak video")
	errPhotoSize = fmt.Errorf("fotografija je veća od %d MB; pošaljite manju", MaxPhotoBytes>>20)
	errVideoSize = fmt.Errorf("video je veći od %d MB; pošaljite kraći snimak", MaxVideoBytes>>20)
	errTooMany   = fmt.Errorf("najviše %d priloga po prijavi", MaxAttachments)
)

// SniffMedia returns the content type of data judged from its bytes alone:
// explicit signature checks for JPEG, PNG, WebP, MP4 and QuickTime, with
// http.DetectContentType as a cross-check for images. Anything else is "".
func SniffMedia(data []byte) string {
	detected := http.DetectContentType(data)
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		if detected == MIMEJPEG {
			return MIMEJPEG
		}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		if detected == MIMEPNG {
			return MIMEPNG
		}
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return MIMEWebP
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		if string(data[8:12]) == "qt  " {
			return MIMEQuickTime
		}
		return MIMEMP4 // isom, mp41, mp42, avc1, M4V, 3gp...: all ISO base media
	case len(data) >= 8 && (string(data[4:8]) == "moov" || string(data[4:8]) == "mdat" || string(data[4:8]) == "wide"):
		return MIMEQuickTime // old QuickTime files start without ftyp
	}
	return ""
}

// prepareAttachment sniffs, size-checks and cleans one attachment,
// returning the bytes to store and their content type.
func prepareAttachment(a Attachment) ([]byte, string, error) {
	mime := SniffMedia(a.Data)
	switch mime {
	case MIMEJPEG, MIMEPNG, MIMEWebP:
		if len(a.Data) > MaxPhotoBytes {
			return nil, "", errPhotoSize
		}
	case MIMEMP4, MIMEQuickTime:
		if len(a.Data) > MaxVideoBytes {
			return nil, "", errVideoSize
		}
	default:
		return nil, "", errNotMedia
	}
	data := a.Data
	if mime == MIMEJPEG {
		var err error
		if data, err = StripJPEGMetadata(data); err != nil {
			return nil, "", errNotMedia
		}
	}
	return data, mime, nil
}

// StripJPEGMetadata removes the APP1 segments (EXIF, with its GPS block,
// and XMP) and APP13 (IPTC) from a JPEG, keeping the image data intact.
// It fails on a truncated or malformed header.
func StripJPEGMetadata(data []byte) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errors.New("not a JPEG")
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
	i := 2
	for i < len(data) {
		if data[i] != 0xFF {
			return nil, errors.New("jpeg: marker expected")
		}
		for i < len(data) && data[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(data) {
			return nil, errors.New("jpeg: truncated")
		}
		marker := data[i]
		i++
		switch {
		case marker == 0xD9: // EOI
			return append(out, 0xFF, 0xD9), nil
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			out = append(out, 0xFF, marker)
			continue
		}
		if i+2 > len(data) {
			return nil, errors.New("jpeg: truncated")
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return nil, errors.New("jpeg: bad segment length")
		}
		if marker == 0xDA { // start of scan: the rest is image data
			out = append(out, 0xFF, marker)
			return append(out, data[i:]...), nil
		}
		if marker != 0xE1 && marker != 0xED {
			out = append(out, 0xFF, marker)
			out = append(out, data[i:i+n]...)
		}
		i += n
	}
	return out, nil
}

// AttachmentStore keeps attachment bytes. postgres/casestore keeps them
// in PostgreSQL; an object store (S3 and the like) can implement it too.
// Metadata (type, size, owner) always lives in the Store.
//
// The bytes are personal data: only staff-facing code (Service.
// AttachmentForStaff) reads them. Channels must never serve them to
// citizens.
type AttachmentStore interface {
	Put(ctx context.Context, municipality, key string, data []byte) error
	// Get returns the bytes under key, or an error of kind
	// fault.ErrNotFound.
	Get(ctx context.Context, municipality, key string) ([]byte, error)
	// Delete removes the bytes under key; a missing key is not an error.
	Delete(ctx context.Context, municipality, key string) error
}

func newStorageKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// StoredAttachment is an attachment of a case, for staff.
type StoredAttachment struct {
	ID     int64
	CaseID int64
	MIME   string
	Name   string
	Size   int64
	Data   []byte
}

// AttachmentForStaff returns an attachment of a case with its bytes, or an
// error of kind fault.ErrNotFound. It is for staff tools only: a channel
// must never call it on a citizen's behalf.
func (s *Service) AttachmentForStaff(ctx context.Context, municipality string, caseID, attachmentID int64) (*StoredAttachment, error) {
	info, err := s.store.CaseAttachment(ctx, municipality, caseID, attachmentID)
	if err != nil {
		return nil, err
	}
	a := StoredAttachment{ID: info.ID, CaseID: info.CaseID, MIME: info.MIME, Name: info.Name, Size: info.Size}
	if a.Data, err = s.blobs.Get(ctx, municipality, info.StorageKey); err != nil {
		return nil, err
	}
	return &a, nil
}

// CaseAttachments lists a case's attachments without their bytes, for
// staff, oldest first.
func (s *Service) CaseAttachments(ctx context.Context, municipality string, caseID int64) ([]AttachmentInfo, error) {
	return s.store.CaseAttachments(ctx, municipality, caseID)
}

// CaseAttachmentIDs lists the ids of a case's attachments, for staff.
func (s *Service) CaseAttachmentIDs(ctx context.Context, municipality string, caseID int64) ([]int64, error) {
	atts, err := s.store.CaseAttachments(ctx, municipality, caseID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(atts))
	for i, a := range atts {
		ids[i] = a.ID
	}
	return ids, nil
}
