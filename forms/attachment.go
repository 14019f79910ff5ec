package forms

import (
	"bytes"
	"context"
	"crypto/rand"
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
// sniffed from Data, and Data is cleaned (CleanMedia) before it is stored.
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

// prepareAttachment returns the bytes of an attachment to store and
// their content type: CleanMedia's, never the bytes the citizen sent.
func prepareAttachment(a Attachment) ([]byte, string, error) {
	return CleanMedia(a.Data, a.ContentType)
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
