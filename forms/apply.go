package forms

// Applying a citizen's input to a draft: values from a model's tool call,
// typed text, a location or attachments, each validated before it is kept.

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/municipality"
)

// applyValues validates several values at once (a model's tool call or a
// button); valid ones are kept, refused ones explained.
func (s *Service) applyValues(m *municipality.Municipality, def *Definition, d *Draft, values map[string]string) []FieldError {
	var errs []FieldError
	// In definition order, so a when-condition sees its field first.
	for _, f := range def.Fields {
		v, ok := values[f.Name]
		if !ok {
			continue
		}
		if f.Type == TypeAttachments {
			errs = append(errs, fieldError(&f, "prilog pošaljite kao fotografiju ili video"))
			continue
		}
		if f.Sensitive && strings.TrimSpace(v) == placeholder(&f) {
			continue // the model echoed the ModelView placeholder: keep the stored value
		}
		norm, err := s.parse(m, &f, v, nil)
		if err != nil {
			errs = append(errs, fieldError(&f, err.Error()))
			continue
		}
		d.values[f.Name] = norm
	}
	for k := range values {
		if _, ok := def.Field(k); !ok {
			errs = append(errs, FieldError{Field: k, Message: fmt.Sprintf("nepoznato polje %q", k)})
		}
	}
	return errs
}

// applyCurrent applies typed text, a location or attachments to the field
// being asked.
func (s *Service) applyCurrent(ctx context.Context, tx Tx, m *municipality.Municipality, def *Definition, d *Draft, in Input) ([]FieldError, error) {
	f, ok := def.Field(d.Current)
	// A photo or a shared location sent while another question is open
	// (people often send the photo first) goes to its own field.
	if (!ok || f.Type != TypeAttachments) && len(in.Attachments) > 0 {
		if af := def.fieldOfType(TypeAttachments); af != nil {
			return s.addAttachments(ctx, tx, d, af, in.Attachments)
		}
	}
	if (!ok || f.Type != TypeLocation) && in.Location != nil {
		if lf := def.fieldOfType(TypeLocation); lf != nil {
			v, err := s.parse(m, lf, "", in.Location)
			if err != nil {
				return []FieldError{fieldError(lf, err.Error())}, nil
			}
			d.values[lf.Name] = v
			return nil, nil
		}
	}
	if !ok {
		return nil, nil // at the summary: the summary is shown again
	}
	if f.Type == TypeAttachments {
		if len(in.Attachments) == 0 {
			if strings.TrimSpace(in.Text) != "" && f.Optional {
				return []FieldError{fieldError(f, "pošaljite fotografiju ili video, ili izaberite „Preskoči”")}, nil
			}
			return []FieldError{fieldError(f, "pošaljite fotografiju ili video kao prilog")}, nil
		}
		return s.addAttachments(ctx, tx, d, f, in.Attachments)
	}
	v, err := s.parse(m, f, in.Text, in.Location)
	if err != nil {
		return []FieldError{fieldError(f, err.Error())}, nil
	}
	d.values[f.Name] = v
	return nil, nil
}

// addAttachments validates and stores attachments; every valid one is
// kept even when another is refused.
func (s *Service) addAttachments(ctx context.Context, tx Tx, d *Draft, f *Field, atts []Attachment) ([]FieldError, error) {
	n, _ := strconv.Atoi(d.values[f.Name])
	var errs []FieldError
	for _, a := range atts {
		if n >= MaxAttachments {
			errs = append(errs, fieldError(f, errTooMany.Error()))
			break
		}
		data, mime, err := prepareAttachment(a)
		if err != nil {
			errs = append(errs, fieldError(f, err.Error()))
			continue
		}
		key := newStorageKey()
		if err := s.blobs.Put(ctx, d.Municipality, key, data); err != nil {
			return nil, err
		}
		if err := tx.AddAttachment(ctx, AttachmentInfo{Municipality: d.Municipality, DraftID: d.ID, StorageKey: key,
			MIME: mime, Size: int64(len(data)), Name: a.Name}); err != nil {
			return nil, fmt.Errorf("record attachment: %w", err)
		}
		n++
	}
	if n > 0 {
		d.values[f.Name] = strconv.Itoa(n)
	}
	return errs, nil
}
