package ingest

import (
	"errors"
	"testing"
)

// TestParseTSV: words join into their lines, paragraphs are split by a
// blank line, confidence is the mean over real words (empty words and the
// -1 of non-word rows do not count).
func TestParseTSV(t *testing.T) {
	t.Parallel()
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t96.5\tПорез\n" +
		"5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t93.5\tна\n" +
		"5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t90\tимовину\n" +
		"5\t1\t1\t1\t2\t2\t0\t0\t10\t10\t95\t \n" +
		"5\t1\t2\t1\t1\t1\t0\t0\t10\t10\t80\tКрај.\n"
	p := parseTSV(tsv)
	if want := "Порез на\nимовину\n\nКрај."; p.text != want {
		t.Errorf("text = %q, want %q", p.text, want)
	}
	if p.words != 4 || p.conf != 90 {
		t.Errorf("words %d conf %v, want 4 and 90", p.words, p.conf)
	}
	if e := parseTSV(""); e.words != 0 || e.conf != 0 || e.text != "" {
		t.Errorf("empty TSV: %+v", e)
	}
}

// TestRenderDPI: pages render at 300 dpi unless that exceeds the pixel
// cap; a page that would need under 100 dpi is too large.
func TestRenderDPI(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		size pageSize
		max  int64
		want int
		err  error
	}{
		{"A4", pageSize{595, 842}, 40_000_000, 300, nil},
		{"A0 scaled down", pageSize{2384, 3370}, 40_000_000, 160, nil},
		{"5 m square", pageSize{14400, 14400}, 40_000_000, 0, ErrTooLarge},
		{"no size", pageSize{}, 40_000_000, 0, ErrCorrupt},
	} {
		got, err := renderDPI(tt.size, tt.max)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("%s: renderDPI = %d, %v; want %d, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

// TestOCRSummary: a blank page is not flagged, confidence is weighted by
// words.
func TestOCRSummary(t *testing.T) {
	t.Parallel()
	info := ocrSummary([]int{2, 5, 7}, []ocrPage{{conf: 90, words: 300}, {}, {conf: 60, words: 100}}, 75)
	if info.Pages != 3 || info.Confidence != 82.5 || len(info.LowPages) != 1 || info.LowPages[0] != 7 {
		t.Errorf("summary = %+v", info)
	}
	var none *OCRInfo
	if c, p := none.stored(); c != 0 || p != nil {
		t.Errorf("nil info stored as %v %v", c, p)
	}
}
