package ingest

import (
	"regexp"
	"strconv"
	"strings"
)

// docxStyle is what the body parser needs to know about a paragraph style.
type docxStyle struct {
	headingLevel int // 1..6, 0 when not a heading
	list         bool
	title        bool
}

type docxStyles map[string]docxStyle

// Style names Word and LibreOffice give built-in headings, in English and
// in Serbian, German and Hungarian copies seen in the wild. Word stores
// built-in names in English ("heading 1") whatever the UI language, but
// style ids are localized ("Naslov1", "berschrift1").
var (
	headingNameRe = regexp.MustCompile(`(?i)^(?:heading|naslov|наслов|заглавље|zaglavlje|überschrift|berschrift|címsor)\s*([1-6])$`)
	titleNameRe   = regexp.MustCompile(`(?i)^(?:title|naslov dokumenta|наслов документа|titel|cím)$`)
	listNameRe    = regexp.MustCompile(`(?i)^(?:list ?(?:paragraph|bullet|number)(?: ?\d)?|pasus ?liste|odlomak ?popisa)$`)
)

// styles reads word/styles.xml. Heading levels come from the style's name
// or id, else from w:outlineLvl, inherited along w:basedOn as Word does.
func (p *docxPackage) styles(name string) (docxStyles, error) {
	var raw struct {
		Styles []struct {
			Type    string  `xml:"type,attr"`
			ID      string  `xml:"styleId,attr"`
			Name    valAttr `xml:"name"`
			BasedOn valAttr `xml:"basedOn"`
			PPr     struct {
				Outline *valAttr  `xml:"outlineLvl"`
				NumPr   *struct{} `xml:"numPr"`
			} `xml:"pPr"`
		} `xml:"style"`
	}
	if err := p.readXML(name, &raw); err != nil {
		return nil, err
	}
	type entry struct {
		name, basedOn string
		outline       int // -1 when not set
		list          bool
	}
	entries := map[string]entry{}
	for _, s := range raw.Styles {
		if s.Type != "" && s.Type != "paragraph" {
			continue
		}
		e := entry{name: s.Name.Val, basedOn: s.BasedOn.Val, outline: -1, list: s.PPr.NumPr != nil}
		if s.PPr.Outline != nil {
			if n, err := strconv.Atoi(s.PPr.Outline.Val); err == nil {
				e.outline = n
			}
		}
		entries[s.ID] = e
	}

	out := docxStyles{}
	for id, e := range entries {
		st := docxStyle{
			headingLevel: headingLevelFromName(e.name, id),
			list:         e.list || listNameRe.MatchString(e.name),
			title:        titleNameRe.MatchString(e.name) || titleNameRe.MatchString(id),
		}
		// Walk basedOn for an outline level; the depth cap guards cycles.
		for cur, depth := e, 0; st.headingLevel == 0 && depth < 10; depth++ {
			if cur.outline >= 0 && cur.outline < 6 {
				st.headingLevel = cur.outline + 1
				break
			}
			next, ok := entries[cur.basedOn]
			if !ok || cur.outline >= 0 {
				break
			}
			cur = next
		}
		out[id] = st
	}
	return out, nil
}

// lookup resolves a style id; without styles.xml the id alone is used.
func (s docxStyles) lookup(id string) docxStyle {
	if st, ok := s[id]; ok {
		return st
	}
	return docxStyle{
		headingLevel: headingLevelFromName("", id),
		title:        titleNameRe.MatchString(id),
		list:         listNameRe.MatchString(id),
	}
}

func headingLevelFromName(name, id string) int {
	for _, s := range []string{name, id} {
		if m := headingNameRe.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
			return int(m[1][0] - '0')
		}
	}
	return 0
}

type valAttr struct {
	Val string `xml:"val,attr"`
}
