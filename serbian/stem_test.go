package serbian_test

import (
	"testing"

	"github.com/miasrbija/mia/serbian"
)

// Expected stems are the official Snowball Serbian stemmer's output
// (checked with PostgreSQL's ts_lexize('serbian_stem', word)); the cases
// pick out each step and condition of the algorithm.
func TestStem(t *testing.T) {
	tests := []struct{ in, want string }{
		// measured in the doc
		{"rođenih", "rođen"},
		{"rodjenih", "roden"}, // je→e fires before dj→đ
		{"rodenih", "roden"},
		{"рођених", "rođen"},
		{"čišćenje", "čišćenj"},
		{"ciscenje", "ciscenj"},
		{"чишћење", "čišćenj"},
		{"međunarodni", "međunarodn"},
		{"medjunarodni", "međunarodn"},
		{"medunarodni", "medunarodn"},
		{"међународни", "međunarodn"},
		{"đoković", "đoković"},
		{"djokovic", "đokovic"},
		{"ђоковић", "đoković"},
		{"knjiga", "knjig"},
		{"knjizi", "knjiz"}, // light stemmer: no velar restoration
		{"dečji", "dečj"},
		{"dečiji", "dečij"},
		// prelude: Ijekavian → Ekavian
		{"dječji", "dečj"},
		{"uvjerenje", "uverenj"},
		{"rasvjeta", "rasvet"},
		{"vrijeme", "vrem"},
		// Step 1 rewrites
		{"dodatak", "dodatk"},
		{"dodatka", "dodatk"},
		{"podaci", "podac"}, // no rule for -daci: podatak/podaci stay apart
		{"projekat", "projekt"},
		{"socijalan", "socijaln"},
		{"korisnici", "korisnik"},
		{"podnosioca", "podnosioc"}, // only alac/aoca → alca, not ilac/ioca
		{"mogućnošću", "mogućnost"},
		{"mogucnoscu", "mogucnost"},   // oscu→osti only without diacritics
		{"mogucnostima", "mogucnost"}, // Step 2: ostima → ost
		// Step 2 families
		{"roditeljskog", "roditeljsk"},
		{"opštinama", "opštin"},
		{"telefona", "telefon"},
		{"pomoći", "pomoć"},
		{"kupujem", "kupuj"}, // ujem → uj
		// Step 3 and region checks
		{"porezom", "porez"},
		{"uverenjem", "uveren"}, // the prelude makes it uverenem: n+je+m → e
		{"problemi", "problem"},
		{"problema", "problem"},
		{"razlog", "razl"}, // Step 3: og
		{"broj", "broj"},   // "oj" lies outside R1
		{"trgovački", "trgovačk"},
		{"srbija", "srbij"},
		{"lucujemo", "lucujem"}, // lucujemo (luc group) starts before R1, so Step 3
		// R1 after an opening r: the r is syllabic only when it is followed
		// by a consonant and p1 lies more than one byte further (rđa is
		// not stemmed, rganjem keeps its ending)
		{"rđa", "rđa"},
		{"rte", "rte"},
		{"rganjem", "rganem"},
		{"rđajući", "rđajuć"},
		{"grad", "grad"},
		{"ima", "ima"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := serbian.Stem(tt.in); got != tt.want {
			t.Errorf("Stem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
