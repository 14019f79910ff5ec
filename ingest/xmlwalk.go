package ingest

import (
	"encoding/xml"
	"errors"
	"io"
)

// xmlHandler takes an office document body's XML as it streams: DOCX and
// ODT bodies differ in elements, not in how they are read.
type xmlHandler interface {
	start(xml.StartElement)
	end(local string)
	chars(xml.CharData)
}

// walkXML streams the XML of r to h, token by token.
func walkXML(r io.Reader, h xmlHandler) error {
	dec := xml.NewDecoder(r)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			h.start(t)
		case xml.EndElement:
			h.end(t.Name.Local)
		case xml.CharData:
			h.chars(t)
		}
	}
}
