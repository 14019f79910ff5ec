package serbian_test

import (
	"testing"

	"github.com/miasrbija/mia/serbian"
)

func TestToLatin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"љубав", "ljubav"},
		{"Љубав", "Ljubav"},
		{"ЉУБАВ", "LJUBAV"},
		{"Његош", "Njegoš"},
		{"ЊЕГОШ", "NJEGOŠ"},
		{"Џеп ЏЕП џеп", "Džep DŽEP džep"},
		{"ђак Ђорђе ћирилица Ћуприја", "đak Đorđe ćirilica Ćuprija"},
		{"Љ. Петровић", "Lj. Petrović"},
		{"Шалтер 8, 025/468-222", "Šalter 8, 025/468-222"},
		{"mixed Ћирилица and latin", "mixed Ćirilica and latin"},
		{"ǅak ǈubav ǋegoš ǉ ǌ ǆ Ǉ", "Džak Ljubav Njegoš lj nj dž LJ"},
		{"already latin: čćžšđ", "already latin: čćžšđ"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := serbian.ToLatin(tt.in); got != tt.want {
			t.Errorf("ToLatin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToCyrillic(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ljubav", "љубав"},
		{"Ljubav LJUBAV", "Љубав ЉУБАВ"},
		{"Njegoš", "Његош"},
		{"NJEGOŠ", "ЊЕГОШ"},
		{"džep Džep DŽEP", "џеп Џеп ЏЕП"},
		{"đak Đorđe ćuprija", "ђак Ђорђе ћуприја"},
		// dj is д+ј in properly written Latin
		{"odjava podjela gdje", "одјава подјела гдје"},
		// digraph exceptions
		{"nadživeti", "надживети"},
		{"odžaliti", "оджалити"},
		{"podžanr", "поджанр"},
		{"injekcija", "инјекција"},
		{"konjunkcija konjugacija Tanjug", "конјункција конјугација Танјуг"},
		{"injekcije", "инјекције"},
		// things that must stay Latin
		{"https://www.sombor.rs/uslužni-centar", "https://www.sombor.rs/uslužni-centar"},
		{"info@prostorsombor.rs", "info@prostorsombor.rs"},
		{"SO-KP-2026-000123", "SO-KP-2026-000123"},
		{"025/468-222", "025/468-222"},
		{"www.sombor.rs", "www.sombor.rs"},
		{"šalter 8", "шалтер 8"},
		{"Wi-Fi Xerox yoga quorum", "Wi-Fi Xerox yoga quorum"},
		{"café René", "café René"},
		{
			"Posetite https://www.sombor.rs/uslužni-centar ili pišite na info@prostorsombor.rs.",
			"Посетите https://www.sombor.rs/uslužni-centar или пишите на info@prostorsombor.rs.",
		},
		{
			"Vaš predmet SO-KP-2026-000123 je na šalteru 8 (tel. 025/468-222).",
			"Ваш предмет SO-KP-2026-000123 је на шалтеру 8 (тел. 025/468-222).",
		},
		{"već ćirilica", "већ ћирилица"},
		{
			"Vidi [Uslužni centar](https://www.sombor.rs/uslužni-centar).",
			"Види [Услужни центар](https://www.sombor.rs/uslužni-centar).",
		},
		{"", ""},
	}
	for _, tt := range tests {
		if got := serbian.ToCyrillic(tt.in); got != tt.want {
			t.Errorf("ToCyrillic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

const latinParagraph = `Gradska uprava Grada Sombora obaveštava građane da se zahtevi za izdavanje
uverenja o državljanstvu, izvoda iz matičnih knjiga rođenih, venčanih i umrlih, kao i
prijave kvarova na javnoj rasveti, mogu podneti u Uslužnom centru, svakog radnog dana od
sedam i trideset do petnaest i trideset časova. Džeparac, ljubav, njiva, čišćenje, šljunak,
žalba i đačka knjižica pišu se ćirilicom i latinicom podjednako. Odjava prebivališta i
podjela nasledstva obavljaju se u opštini. LJUBAV, NJIVA i DŽEP ostaju velikim slovima.`

func TestRoundTrip(t *testing.T) {
	cyr := serbian.ToCyrillic(latinParagraph)
	if got := serbian.ToLatin(cyr); got != latinParagraph {
		t.Errorf("Latin→Cyrillic→Latin changed the text:\n got %q\nwant %q", got, latinParagraph)
	}
	if got := serbian.ToCyrillic(serbian.ToLatin(cyr)); got != cyr {
		t.Errorf("Cyrillic→Latin→Cyrillic changed the text:\n got %q\nwant %q", got, cyr)
	}
	if serbian.DetectScript(cyr) != serbian.Cyrillic {
		t.Errorf("DetectScript(cyrillic paragraph) = %v", serbian.DetectScript(cyr))
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đoković", "dokovic"},
		{"Djokovic", "dokovic"},
		{"Ђоковић", "dokovic"},
		{"ČIŠĆENJE", "ciscenje"},
		{"Џеп džep", "dzep dzep"},
		{"međunarodni medjunarodni", "medunarodni medunarodni"},
		{"Šalter 8", "salter 8"},
		{"ǅak", "dzak"},
	}
	for _, tt := range tests {
		if got := serbian.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetectScript(t *testing.T) {
	tests := []struct {
		in   string
		want serbian.Script
	}{
		{"Kako da dobijem uverenje?", serbian.Latin},
		{"Како да добијем уверење?", serbian.Cyrillic},
		{"Здраво, treba mi uverenje o državljanstvu", serbian.Latin},
		{"Како да пријавим квар? https://www.sombor.rs/prijava-kvara info@sombor.rs", serbian.Cyrillic},
		{"Poštovani, молим вас информацију о порезу на имовину", serbian.Cyrillic},
		{"SO-KP-2026-000123", serbian.Latin},
		{"025/468-222", serbian.Unknown},
		{"", serbian.Unknown},
		{"?!", serbian.Unknown},
	}
	for _, tt := range tests {
		if got := serbian.DetectScript(tt.in); got != tt.want {
			t.Errorf("DetectScript(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
