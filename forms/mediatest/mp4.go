package mediatest

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// VideoOpts shapes a Video.
type VideoOpts struct {
	// QuickTime makes a .mov as an iPhone writes it (ftyp qt, a wide box,
	// the media data before moov); otherwise an MP4 with moov first.
	QuickTime bool
	// MetaTrack adds a timed metadata track whose one sample is a GPS fix,
	// as action cameras record.
	MetaTrack bool
	// SampleBytes is the size of the video track's one sample (default 4096).
	SampleBytes int
}

// VideoSample is the start of the video track's sample in every Video.
const VideoSample = "VIDEOSAMPLE"

func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	out := binary.BigEndian.AppendUint32(make([]byte, 0, n), uint32(n))
	out = append(out, typ...)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func full(typ string, version byte, flags uint32, parts ...[]byte) []byte {
	vf := binary.BigEndian.AppendUint32(nil, uint32(version)<<24|flags)
	return box(typ, append([][]byte{vf}, parts...)...)
}

func u32(vs ...uint32) []byte {
	var out []byte
	for _, v := range vs {
		out = binary.BigEndian.AppendUint32(out, v)
	}
	return out
}

var matrix = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)

func trak(id uint32, handler, entry string, sampleSize int, offset uint32) []byte {
	tkhd := full("tkhd", 0, 3, u32(0, 0, id, 0, 1000, 0, 0, 0), []byte{0, 0, 0, 0}, matrix, u32(16<<16, 16<<16))
	mdhd := full("mdhd", 0, 0, u32(0, 0, 1000, 1000), []byte{0x55, 0xc4, 0, 0})
	hdlr := full("hdlr", 0, 0, u32(0), []byte(handler), u32(0, 0, 0), []byte(handler+"Handler\x00"))
	var head []byte
	if handler == "vide" {
		head = full("vmhd", 0, 1, make([]byte, 8))
	} else {
		head = full("nmhd", 0, 0)
	}
	dinf := box("dinf", full("dref", 0, 0, u32(1), full("url ", 0, 1)))
	stbl := box("stbl",
		full("stsd", 0, 0, u32(1), box(entry, make([]byte, 78))),
		full("stts", 0, 0, u32(1, 1, 1000)),
		full("stsc", 0, 0, u32(1, 1, 1, 1)),
		full("stsz", 0, 0, u32(0, 1, uint32(sampleSize))),
		full("stco", 0, 0, u32(1, offset)),
	)
	return box("trak", tkhd, box("mdia", mdhd, hdlr, box("minf", head, dinf, stbl)),
		box("udta", box("\xa9xyz", []byte{0, 18, 0x15, 0xc7}, []byte(GPS+"/"))))
}

// metadata is what phones write: user data with the position (©xyz) and
// the camera (©mak), Apple's metadata keys, and an XMP uuid box.
func metadata() [][]byte {
	key := "com.apple.quicktime.location.ISO6709"
	keys := full("keys", 0, 0, u32(1), box("mdta", []byte(key)))
	ilst := box("ilst", box(string([]byte{0, 0, 0, 1}), box("data", u32(1, 0), []byte(GPS+"+080.000/"))))
	return [][]byte{
		box("udta", box("\xa9xyz", []byte{0, 18, 0x15, 0xc7}, []byte(GPS+"/")), box("\xa9mak", []byte{0, 9, 0, 0}, []byte(Camera))),
		box("meta", full("hdlr", 0, 0, u32(0), []byte("mdta"), u32(0, 0, 0), []byte{0}), keys, ilst),
		box("uuid", []byte("\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac"), XMP()),
	}
}

// Video is an MP4 (or QuickTime) file with one video track, a position
// and a camera in moov/udta (©xyz, ©mak), moov/meta (Apple's location key)
// and an XMP uuid box, a free box with an old copy of the position, and
// optionally a metadata track with a GPS sample. Its structure is real;
// its samples are not a decodable picture.
func Video(o VideoOpts) []byte {
	n := o.SampleBytes
	if n == 0 {
		n = 4096
	}
	sample := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
	copy(sample, VideoSample)
	metaSample := []byte("GPS5 " + GPS + " fix 3D")

	ftyp := box("ftyp", []byte("isom"), u32(0x200), []byte("isomiso2avc1mp41"))
	var pre []byte // boxes between ftyp and mdat
	if o.QuickTime {
		ftyp = box("ftyp", []byte("qt  "), u32(0), []byte("qt  "))
		pre = box("wide")
	}
	free := box("free", []byte("leftover "+GPS))
	moov := func(base uint32) []byte {
		parts := [][]byte{full("mvhd", 0, 0, u32(0, 0, 1000, 1000, 0x10000), []byte{1, 0}, make([]byte, 10), matrix, make([]byte, 24), u32(3))}
		parts = append(parts, trak(1, "vide", "avc1", n, base))
		if o.MetaTrack {
			parts = append(parts, trak(2, "meta", "gpmd", len(metaSample), base+uint32(n)))
		}
		parts = append(parts, metadata()...)
		return box("moov", parts...)
	}
	mdat := box("mdat", sample)
	if o.MetaTrack {
		mdat = box("mdat", sample, metaSample)
	}
	if o.QuickTime { // media data first, moov last
		base := uint32(len(ftyp) + len(pre) + 8)
		return bytes.Join([][]byte{ftyp, pre, mdat, free, moov(base)}, nil)
	}
	size := len(moov(0))
	base := uint32(len(ftyp) + size + len(free) + 8)
	return bytes.Join([][]byte{ftyp, moov(base), free, mdat}, nil)
}

// ReadVideoSample returns the bytes the first video track's first chunk
// points to, sized by its sample table: a cleaned file must still lead
// there to the same picture data.
func ReadVideoSample(data []byte) ([]byte, error) {
	moov, err := child(data, 0, len(data), "moov")
	if err != nil {
		return nil, err
	}
	for i := moov[0]; i < moov[1]; {
		size := int(binary.BigEndian.Uint32(data[i:]))
		if size < 8 || i+size > moov[1] {
			return nil, errors.New("bad box in moov")
		}
		if string(data[i+4:i+8]) == "trak" {
			if s, err := trakSample(data, i+8, i+size); err == nil {
				return s, nil
			}
		}
		i += size
	}
	return nil, errors.New("no video track")
}

// child returns the payload range of the first box typ among the boxes
// in [from, to).
func child(data []byte, from, to int, typ string) ([2]int, error) {
	for i := from; i+8 <= to; {
		size := int(binary.BigEndian.Uint32(data[i:]))
		if size < 8 || i+size > to {
			return [2]int{}, errors.New("bad box")
		}
		if string(data[i+4:i+8]) == typ {
			return [2]int{i + 8, i + size}, nil
		}
		i += size
	}
	return [2]int{}, errors.New("no " + typ)
}

func trakSample(data []byte, from, to int) ([]byte, error) {
	mdia, err := child(data, from, to, "mdia")
	if err != nil {
		return nil, err
	}
	hdlr, err := child(data, mdia[0], mdia[1], "hdlr")
	if err != nil || string(data[hdlr[0]+8:hdlr[0]+12]) != "vide" {
		return nil, errors.New("not video")
	}
	r := mdia
	for _, t := range []string{"minf", "stbl"} {
		if r, err = child(data, r[0], r[1], t); err != nil {
			return nil, err
		}
	}
	stsz, err := child(data, r[0], r[1], "stsz")
	if err != nil {
		return nil, err
	}
	stco, err := child(data, r[0], r[1], "stco")
	if err != nil {
		return nil, err
	}
	size := int(binary.BigEndian.Uint32(data[stsz[0]+12:]))
	off := int(binary.BigEndian.Uint32(data[stco[0]+8:]))
	if off < 0 || off+size > len(data) {
		return nil, errors.New("sample outside the file")
	}
	return data[off : off+size], nil
}
