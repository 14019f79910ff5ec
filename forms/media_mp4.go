package forms

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// An MP4 or QuickTime file is a sequence of boxes (ISO/IEC 14496-12,
// Apple's QuickTime File Format): ftyp, moov (the description of the
// tracks), mdat (the media data). Phones put the place and the camera in
// moov/udta (©xyz, loci, ©mak, ©mod), in moov/meta (Apple's
// com.apple.quicktime.location.ISO6709 and model keys), in XMP uuid boxes,
// and some cameras (GoPro, DJI) in a timed metadata or subtitle track.
// cleanMP4 rewrites the file box by box: only ftyp, moov, mdat and moof are
// kept at the top level (so anything appended to the file goes too); inside
// moov every udta, meta, uuid, free and skip box is dropped, and every
// track that is neither video nor sound is removed. The media data is
// copied, with every byte no kept track's sample uses (a removed track's
// GPS trace, anything hidden between samples) overwritten by zeros; the
// chunk offsets (stco, co64, tfhd) are moved by what was dropped before
// them. Fragmented files keep their fragments as they are.

// mp4TopKeep are the top-level boxes a cleaned file keeps.
var mp4TopKeep = map[string]bool{"ftyp": true, "moov": true, "mdat": true, "moof": true}

// mp4Containers are the boxes inside moov whose children are examined.
var mp4Containers = map[string]bool{
	"moov": true, "trak": true, "mdia": true, "minf": true, "stbl": true, "edts": true, "dinf": true, "mvex": true,
}

// mp4Drop are dropped wherever they appear inside moov: user data
// (©xyz, loci, ©mak, ©mod, XMP_), metadata (keys and ilst), uuid boxes
// (XMP and vendor data) and free space (which may hold an earlier copy of
// any of them).
var mp4Drop = map[string]bool{
	"udta": true, "meta": true, "uuid": true, "free": true, "skip": true, "\xa9xyz": true, "loci": true, "XMP_": true,
}

type mp4Box struct {
	typ              string
	start, body, end int // the box's first byte, its payload's, and the byte after it
}

// parseMP4Box reads the box header at i; the box must end by end.
func parseMP4Box(data []byte, i, end int) (mp4Box, bool) {
	if end-i < 8 {
		return mp4Box{}, false
	}
	size := uint64(binary.BigEndian.Uint32(data[i:]))
	b := mp4Box{typ: string(data[i+4 : i+8]), start: i, body: i + 8}
	switch size {
	case 0: // to the end of the file
		size = uint64(end - i)
	case 1: // 64-bit size after the type
		if end-i < 16 {
			return mp4Box{}, false
		}
		size, b.body = binary.BigEndian.Uint64(data[i+8:]), i+16
	}
	if size < uint64(b.body-i) || size > uint64(end-i) {
		return mp4Box{}, false
	}
	b.end = i + int(size)
	return b, true
}

// mp4Children parses the payload of a container box: it must be boxes,
// exactly.
func mp4Children(data []byte, b mp4Box) ([]mp4Box, error) {
	var out []mp4Box
	for i := b.body; i < b.end; {
		c, ok := parseMP4Box(data, i, b.end)
		if !ok {
			return nil, fmt.Errorf("mp4: bad box in %s at %d", b.typ, i)
		}
		out = append(out, c)
		i = c.end
	}
	return out, nil
}

// mp4Patch is an absolute file offset stored in the output at pos that
// must be moved to where its byte went.
type mp4Patch struct {
	pos   int // of the first of count offsets in a row
	count int
	wide  bool // 64 bits
}

func (p mp4Patch) width() int {
	if p.wide {
		return 8
	}
	return 4
}

// mp4Span is where a kept top-level box went.
type mp4Span struct {
	typ                        string
	oldStart, oldEnd, newStart int
	header                     int // bytes before the payload
}

type mp4Cleaner struct {
	data    []byte
	patches []mp4Patch
	samples [][2]int // old byte ranges of the kept tracks' samples
	tracks  int      // video and sound tracks kept
}

func cleanMP4(data []byte) ([]byte, error) {
	c := &mp4Cleaner{data: data}
	out := make([]byte, 0, len(data))
	var (
		spans                    []mp4Span
		moovs, moofs             int
		droppedAfterMoof, mdatOK bool
	)
	for i := 0; i < len(data); {
		b, ok := parseMP4Box(data, i, len(data))
		if !ok {
			if len(data)-i >= 8 && string(data[i+4:i+8]) == "mdat" {
				return nil, errors.New("mp4: truncated media data")
			}
			break // not a box: data appended to the file
		}
		i = b.end
		if !mp4TopKeep[b.typ] {
			droppedAfterMoof = droppedAfterMoof || moofs > 0
			continue
		}
		if droppedAfterMoof {
			// A fragment's sample offsets may be relative to its moof:
			// removing bytes between fragments would break them.
			return nil, errors.New("mp4: unexpected box between fragments")
		}
		newStart := len(out)
		var err error
		switch b.typ {
		case "moov":
			moovs++
			out, err = c.copyBox(out, b)
		case "moof":
			moofs++
			out, err = c.copyFragment(out, b)
		default:
			mdatOK = mdatOK || b.typ == "mdat"
			out = append(out, data[b.start:b.end]...)
		}
		if err != nil {
			return nil, err
		}
		spans = append(spans, mp4Span{b.typ, b.start, b.end, newStart, b.body - b.start})
	}
	switch {
	case moovs != 1:
		return nil, fmt.Errorf("mp4: %d moov boxes", moovs)
	case !mdatOK:
		return nil, errors.New("mp4: no media data")
	case c.tracks == 0:
		return nil, errors.New("mp4: no video or sound track")
	}
	// where returns the kept box holding file offset off; the end of a
	// box counts as in it (an empty chunk at its end).
	where := func(off uint64) (mp4Span, bool) {
		for _, s := range spans {
			if off >= uint64(s.oldStart) && off < uint64(s.oldEnd) {
				return s, true
			}
		}
		for _, s := range spans {
			if off == uint64(s.oldEnd) {
				return s, true
			}
		}
		return mp4Span{}, false
	}
	for _, p := range c.patches {
		for k := range p.count {
			pos := p.pos + k*p.width()
			var off uint64
			if p.wide {
				off = binary.BigEndian.Uint64(out[pos:])
			} else {
				off = uint64(binary.BigEndian.Uint32(out[pos:]))
			}
			s, ok := where(off)
			if !ok {
				return nil, errors.New("mp4: chunk outside the kept data")
			}
			moved := uint64(s.newStart) + off - uint64(s.oldStart) // never more: bytes are only removed
			if p.wide {
				binary.BigEndian.PutUint64(out[pos:], moved)
			} else {
				binary.BigEndian.PutUint32(out[pos:], uint32(moved))
			}
		}
	}
	if moofs == 0 {
		if err := c.clearUnused(out, spans, where); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// copyBox appends box b of moov to out without the dropped boxes and
// tracks; it records the chunk offsets to move.
func (c *mp4Cleaner) copyBox(out []byte, b mp4Box) ([]byte, error) {
	switch {
	case b.typ == "stco" || b.typ == "co64":
		width := 4
		if b.typ == "co64" {
			width = 8
		}
		n, err := tableCount(c.data, b, width)
		if err != nil {
			return nil, err
		}
		c.patches = append(c.patches, mp4Patch{pos: len(out) + (b.body - b.start) + 8, count: n, wide: width == 8})
		return append(out, c.data[b.start:b.end]...), nil
	case !mp4Containers[b.typ]:
		return append(out, c.data[b.start:b.end]...), nil
	}
	children, err := mp4Children(c.data, b)
	if err != nil {
		return nil, err
	}
	if b.typ == "trak" {
		switch h := c.handler(children); h {
		case "vide", "soun":
			c.tracks++
			if err := c.addSamples(children); err != nil {
				return nil, err
			}
		default: // metadata, subtitles, timecode, hints: dropped
			return out, nil
		}
	}
	hdr := len(out)
	out = append(out, 0, 0, 0, 0)
	out = append(out, b.typ...)
	for _, ch := range children {
		if mp4Drop[ch.typ] {
			continue
		}
		if out, err = c.copyBox(out, ch); err != nil {
			return nil, err
		}
	}
	size := len(out) - hdr
	if size > math.MaxUint32 {
		return nil, errors.New("mp4: box too large")
	}
	binary.BigEndian.PutUint32(out[hdr:], uint32(size))
	return out, nil
}

// copyFragment appends a movie fragment as it is, recording the explicit
// base data offsets of its track fragments.
func (c *mp4Cleaner) copyFragment(out []byte, moof mp4Box) ([]byte, error) {
	shift := len(out) - moof.start
	kids, err := mp4Children(c.data, moof)
	if err != nil {
		return nil, err
	}
	for _, traf := range kids {
		if traf.typ != "traf" {
			continue
		}
		boxes, err := mp4Children(c.data, traf)
		if err != nil {
			return nil, err
		}
		for _, b := range boxes {
			if b.typ != "tfhd" || b.end-b.body < 16 {
				continue
			}
			if flags := binary.BigEndian.Uint32(c.data[b.body:]) & 0xFFFFFF; flags&1 != 0 {
				c.patches = append(c.patches, mp4Patch{pos: b.body + 8 + shift, count: 1, wide: true})
			}
		}
	}
	return append(out, c.data[moof.start:moof.end]...), nil
}

// find returns the first box of type typ among boxes.
func find(boxes []mp4Box, typ string) (mp4Box, bool) {
	for _, b := range boxes {
		if b.typ == typ {
			return b, true
		}
	}
	return mp4Box{}, false
}

// path descends from boxes through the containers named.
func (c *mp4Cleaner) path(boxes []mp4Box, typs ...string) ([]mp4Box, error) {
	for _, t := range typs {
		b, ok := find(boxes, t)
		if !ok {
			return nil, fmt.Errorf("mp4: no %s", t)
		}
		var err error
		if boxes, err = mp4Children(c.data, b); err != nil {
			return nil, err
		}
	}
	return boxes, nil
}

// handler returns a track's handler type ("vide", "soun", "meta"...).
func (c *mp4Cleaner) handler(trak []mp4Box) string {
	mdia, err := c.path(trak, "mdia")
	if err != nil {
		return ""
	}
	h, ok := find(mdia, "hdlr")
	if !ok || h.end-h.body < 12 {
		return ""
	}
	return string(c.data[h.body+8 : h.body+12])
}

// tableCount reads the entry count of a full box table (version and
// flags, a 32-bit count, entries of width bytes) and checks it fits.
func tableCount(data []byte, b mp4Box, width int) (int, error) {
	if b.end-b.body < 8 {
		return 0, fmt.Errorf("mp4: short %s", b.typ)
	}
	n := int(binary.BigEndian.Uint32(data[b.body+4:]))
	if n > (b.end-b.body-8)/width {
		return 0, fmt.Errorf("mp4: %s overruns its box", b.typ)
	}
	return n, nil
}

// addSamples records the byte ranges of a kept track's samples (one range
// per chunk). A track fragmented into moof boxes has none here.
func (c *mp4Cleaner) addSamples(trak []mp4Box) error {
	stbl, err := c.path(trak, "mdia", "minf", "stbl")
	if err != nil {
		return err
	}
	d := c.data
	stsz, ok1 := find(stbl, "stsz")
	stsc, ok2 := find(stbl, "stsc")
	stco, ok3 := find(stbl, "stco")
	width := 4
	if !ok3 {
		stco, ok3 = find(stbl, "co64")
		width = 8
	}
	if !ok1 || !ok2 || !ok3 || stsz.end-stsz.body < 12 {
		return errors.New("mp4: track without a sample table")
	}
	fixed := int64(binary.BigEndian.Uint32(d[stsz.body+4:]))
	samples := int(binary.BigEndian.Uint32(d[stsz.body+8:]))
	if fixed == 0 && samples > (stsz.end-stsz.body-12)/4 {
		return errors.New("mp4: stsz overruns its box")
	}
	runs, err := tableCount(d, stsc, 12)
	if err != nil {
		return err
	}
	chunks, err := tableCount(d, stco, width)
	if err != nil {
		return err
	}
	s, r, per := 0, 0, 0
	for k := range chunks {
		var off int64
		if width == 8 {
			off = int64(binary.BigEndian.Uint64(d[stco.body+8+8*k:]))
		} else {
			off = int64(binary.BigEndian.Uint32(d[stco.body+8+4*k:]))
		}
		// Samples per chunk: from the last run starting at or before
		// chunk k+1 (runs are in chunk order).
		for ; r < runs && int(binary.BigEndian.Uint32(d[stsc.body+8+12*r:])) <= k+1; r++ {
			per = int(binary.BigEndian.Uint32(d[stsc.body+8+12*r+4:]))
		}
		end := off
		for j := 0; j < per && s < samples; j, s = j+1, s+1 {
			size := fixed
			if fixed == 0 {
				size = int64(binary.BigEndian.Uint32(d[stsz.body+12+4*s:]))
			}
			end += size
		}
		if off < 0 || end > int64(len(d)) || end < off {
			return errors.New("mp4: sample outside the file")
		}
		if end > off {
			c.samples = append(c.samples, [2]int{int(off), int(end)})
		}
	}
	return nil
}

// clearUnused overwrites with zeros every byte of the media data in out
// that no kept track's sample uses.
func (c *mp4Cleaner) clearUnused(out []byte, spans []mp4Span, where func(uint64) (mp4Span, bool)) error {
	used := make([][2]int, 0, len(c.samples)) // in out
	for _, r := range c.samples {
		s, ok := where(uint64(r[0]))
		if !ok || r[1] > s.oldEnd || r[0] < s.oldStart+s.header {
			return errors.New("mp4: sample outside the media data")
		}
		from := s.newStart + r[0] - s.oldStart
		used = append(used, [2]int{from, from + r[1] - r[0]})
	}
	slices.SortFunc(used, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	for _, s := range spans {
		if s.typ != "mdat" {
			continue
		}
		pos, end := s.newStart+s.header, s.newStart+s.oldEnd-s.oldStart
		for _, u := range used {
			if u[1] <= pos || u[0] >= end {
				continue
			}
			if u[0] > pos {
				clear(out[pos:u[0]])
			}
			pos = max(pos, u[1])
		}
		if pos < end {
			clear(out[pos:end])
		}
	}
	return nil
}
