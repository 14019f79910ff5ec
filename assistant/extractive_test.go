package assistant

import (
	"cmp"
	"strings"
	"testing"

	"github.com/miasrbija/mia/rag"
	"github.com/miasrbija/mia/serbian"
)

func TestReadableTables(t *testing.T) {
	tests := []struct{ in, want string }{
		{"| Šta | Podatak |\n| Šalter | 6 — porodična podrška |\n| Telefon šaltera | 025/468-206 |\nNa istom šalteru…",
			"Šalter: 6 — porodična podrška.\nTelefon šaltera: 025/468-206.\nNa istom šalteru…"},
		{"| Tromesečje | Početak | Rok za plaćanje |\n| I | 1. januar | 14. februar |", "I — Početak: 1. januar, Rok za plaćanje: 14. februar."},
		{"Bez tabele.", "Bez tabele."},
	}
	for _, tt := range tests {
		if got := readableTables(tt.in); got != tt.want {
			t.Errorf("readableTables(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestQuoteKeepsCaveatAndList: the caveat after the fact sentence is
// quoted with it, an unrelated next sentence is not, and a list is
// quoted whole with its introduction.
func TestQuoteKeepsCaveatAndList(t *testing.T) {
	t.Parallel()
	x := extractive{maxPassages: 2, maxUnits: 4}
	w := map[string]float64{"taks": 2, "uverenj": 1.5}
	h := rag.Hit{Content: "Taksa za uverenje iznosi 1.040 dinara. Ovi iznosi su primer; proverite iznose za 2026. godinu. Uverenje izdaje matična služba u roku od 8 dana. Grad ima i muzej."}
	units := x.quote(h, newTermWeights(&rag.Results{Weights: w}), asked{kind: howMuchFact}).units
	got := joinUnits(units)
	if !strings.Contains(got, "Ovi iznosi su primer") {
		t.Errorf("caveat dropped: %q", got)
	}
	if strings.Contains(got, "muzej") {
		t.Errorf("unrelated sentence quoted: %q", got)
	}

	h = rag.Hit{Content: "Uz zahtev za uverenje prilaže se:\n- lična karta;\n- izvod;\n- potvrda;\n- rešenje;\n- ugovor;\n- taksa.\nOstalo."}
	units = x.quote(h, newTermWeights(&rag.Results{Weights: w}), asked{kind: documentsFact}).units
	if len(units) != 7 {
		t.Errorf("list not quoted whole: %q", units)
	}
}

func TestQualifies(t *testing.T) {
	t.Parallel()
	fact := "Taksa iznosi 1.040 dinara."
	tests := []struct {
		next string
		want bool
	}{
		{"Ovi iznosi su demo iznosi za 2026. godinu.", true},
		{"Ukoliko je namena oslobođena, taksa se ne plaća.", true},
		{"Taksa se uplaćuje pre podnošenja zahteva.", true},      // repeats the fact's subject
		{"Međutim, za inostranstvo se plaća 870 dinara.", false}, // a figure of its own
		{"Uverenje izdaje matična služba.", false},
		{"- lična karta;", false},
	}
	for _, tt := range tests {
		if got := qualifies(fact, tt.next); got != tt.want {
			t.Errorf("qualifies(%q) = %v, want %v", tt.next, got, tt.want)
		}
	}
}

// searchResults builds the results a search would give for question over
// hits: every token of the question (and of hint) is a term the corpus
// knows, rarer words weighing more as idf says (1 otherwise).
func searchResults(question, hint string, idf map[string]float64, hits ...rag.Hit) *rag.Results {
	res := &rag.Results{Query: question, Hits: hits, Weights: map[string]float64{}}
	add := func(text string, isHint bool) {
		for _, t := range serbian.Tokens(text) {
			if _, ok := res.Weights[t]; ok {
				continue
			}
			w := idf[t]
			if w == 0 {
				w = 1
			}
			res.Weights[t] = w
			res.QueryTerms = append(res.QueryTerms, rag.QueryTerm{Token: t, Forms: []string{t}, IDF: w, DocFreq: 1, Hint: isHint})
		}
	}
	add(question, false)
	add(hint, true)
	return res
}

// answerText is the extractive answer's text as the citizen reads it.
// composeFor is the engine's extractive answer (two passages of at most
// four units) to q from hits, as a search with those idf weights gives them.
func composeFor(q, hint string, idf map[string]float64, hits ...rag.Hit) []passage {
	x := extractive{maxPassages: 2, maxUnits: 4}
	return x.compose(searchResults(q, hint, idf, hits...), answerType(q))
}

func answerText(ps []passage) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, cmp.Or(p.text, readableTables(p.quote)))
	}
	return strings.Join(parts, "\n")
}

// porezHits are the property-tax passages as search returns them for "do
// kada se plaća prva rata": the best-ranked one repeats the question's
// words, the deadline table comes third.
var porezHits = []rag.Hit{
	{ChunkID: 160, DocumentID: 19, HeadingPath: []string{"Порез на имовину", "Плаћање пре него што стигне решење"},
		Content: "Решење за текућу годину често стиже тек после првог рока. До његовог пријема порез се плаћа аконтационо: уплаћује се иста рата као последња тромесечна рата претходне године.\n\nКада решење стигне, упоредите укупно уплаћене аконтације са ратама које по решењу доспевају до тог тренутка."},
	{ChunkID: 115, DocumentID: 13, HeadingPath: []string{"Локални јавни приходи", "Плаћање локалних прихода"},
		Content: "Свака обавеза се плаћа на рачун и са позивом на број који су наведени у решењу. Рокове за порез на имовину (четири рате годишње) описује посебан текст о порезу на имовину."},
	{ChunkID: 159, DocumentID: 19, HeadingPath: []string{"Порез на имовину", "Тромесечне рате и рокови у 2026. години"},
		Content: "Годишњи износ се не плаћа одједном, него у четири тромесечне рате. Свака рата доспева 45 дана од почетка тромесечја:\n\n" +
			"| Тромесечје | Почетак тромесечја | Рок за плаћање рате |\n| --- | --- | --- |\n| I | 1. јануар | 14. фебруар |\n| II | 1. април | 15. мај |\n" +
			"| III | 1. јул | 14. август |\n| IV | 1. октобар | 14. новембар |\n\n" +
			"Ако последњи дан рока пада у суботу, недељу или на празник, питајте на шалтерима 2–4 да ли се рок помера на први радни дан."},
}

// TestComposeFindsTheDeadlineRow: the answer to "do kada" is the row of
// the deadline table whose label is the asked rate ("I" for "prva"), read
// with its header's deadline column, even though a better-ranked passage
// repeats more of the question's words; the citation quotes the row with
// its header.
func TestComposeFindsTheDeadlineRow(t *testing.T) {
	t.Parallel()
	for _, q := range []string{"Do kada se plaća prva rata poreza na imovinu?", "do kad se placa prva rata poreza na imovinu"} {
		ps := composeFor(q, factHint[answerType(q)], nil, porezHits...)
		if len(ps) == 0 || ps[0].hit.ChunkID != 159 {
			t.Fatalf("%q: quoted %+v, want the table passage first", q, ps)
		}
		got := answerText(ps[:1])
		if !strings.Contains(got, "I — Рок за плаћање рате: 14. фебруар.") {
			t.Errorf("%q: answer %q, want the first rate's deadline read against its header", q, got)
		}
		if strings.Contains(got, "15. мај") || strings.Contains(got, "1. јануар") {
			t.Errorf("%q: answer %q reads other rows or the start column", q, got)
		}
		if !strings.Contains(ps[0].quote, "| Тромесечје | Почетак тромесечја | Рок за плаћање рате |\n| I | 1. јануар | 14. фебруар |") {
			t.Errorf("%q: citation quote %q, want the row with its header", q, ps[0].quote)
		}
	}
}

// TestQuoteTableRowByLabel: of a schedule table, the row named in the
// question ("u Jablanu") is read out, with the sentence before the table
// that says when the bins go out.
func TestQuoteTableRowByLabel(t *testing.T) {
	t.Parallel()
	h := rag.Hit{ChunkID: 249, DocumentID: 7, HeadingPath: []string{"Odvoz smeća i čistoća javnih površina", "Raspored odvoza po mjesnim zajednicama"},
		Content: "Kante i kontejneri se prazne po sljedećem rasporedu. Posude iznesite do 6:00 časova ujutro na dan odvoza.\n\n" +
			"| Mjesna zajednica | Dan odvoza |\n| --- | --- |\n| Laktaši-grad (uže gradsko područje) | utorak i petak |\n| Aleksandrovac | srijeda |\n" +
			"| Jablan i Maglajani | četvrtak |\n| Trn i Mahovljani | srijeda (svake druge sedmice) |\n\nAko odvoz padne na praznik, smeće se odvozi prvog narednog radnog dana."}
	zoo := rag.Hit{ChunkID: 252, DocumentID: 7, HeadingPath: []string{"Odvoz smeća i čistoća javnih površina", "Zoohigijena i napušteni psi"},
		Content: "Higijeničarska služba JKP „Komunalac“ uklanja leševe životinja. Prijavu uputite na +387 51 532 310; leš se uklanja u roku od 24 sata od prijave."}
	q := "Кад одвозе смеће у Јаблану?"
	got := answerText(composeFor(q, factHint[answerType(q)], map[string]float64{"jablan": 3}, zoo, h))
	if !strings.Contains(got, "Jablan i Maglajani: četvrtak.") {
		t.Errorf("answer %q, want the Jablan row", got)
	}
	if strings.Contains(got, "Aleksandrovac") || strings.Contains(got, "24 sata") {
		t.Errorf("answer %q quotes other rows or the other passage", got)
	}

	// The sentence right after the one naming the bins states the hour.
	q = "do koliko sati treba iznijeti kantu"
	if got := answerText(composeFor(q, "", map[string]float64{"kant": 3, "sat": 3}, zoo, h)); !strings.Contains(got, "do 6:00 časova") {
		t.Errorf("answer %q, want the hour", got)
	}
}

// TestQuoteLastRow: "poslednja"/"zadnja" asks for a table's last row (the
// fourth rate), as "prva" asks for the row labelled I.
func TestQuoteLastRow(t *testing.T) {
	t.Parallel()
	h := rag.Hit{ChunkID: 20, DocumentID: 2, HeadingPath: []string{"Porez na imovinu", "Rokovi plaćanja"},
		Content: "Svaka rata dospeva 45 dana od početka tromesečja:\n\n| Rata | Rok za plaćanje rate |\n| --- | --- |\n" +
			"| I | 14. februar |\n| II | 15. maj |\n| III | 14. avgust |\n| IV | 14. novembar |"}
	for _, q := range []string{"poslednja rata poreza na imovinu do kad", "Do kada se plaća zadnja rata poreza?"} {
		got := answerText(composeFor(q, factHint[answerType(q)], map[string]float64{"posledn": 3, "zadnj": 3, "rat": 2}, h))
		if !strings.Contains(got, "14. novembar") || strings.Contains(got, "15. maj") {
			t.Errorf("%q: answer %q, want the last row only", q, got)
		}
	}
}

// TestQuoteSectionAnswers: a short section whose heading names the
// question is quoted whole, so the phone number after the opening
// sentence is not lost; a sentence that goes on about a quoted one ("Te
// podatke proverite…") stays with it, and one that points back ("To važi
// za…") brings the sentence it points to.
func TestQuoteSectionAnswers(t *testing.T) {
	t.Parallel()
	dogs := rag.Hit{ChunkID: 103, DocumentID: 3, HeadingPath: []string{"Пријава комуналних проблема", "Пси луталице"},
		Content: "Ко хвата псе луталице у Сомбору, демо подаци не потврђују. Пријавите проблем преко МИА или питајте на инфо-пулту 025/468-222 која је служба надлежна."}
	q := "ko hvata pse lutalice u somboru"
	got := answerText(composeFor(q, "", nil, dogs))
	if !strings.Contains(got, "025/468-222") {
		t.Errorf("answer %q, want the section whole with its phone", got)
	}

	price := rag.Hit{ChunkID: 138, DocumentID: 4, HeadingPath: []string{"Obaveštenje: Mesec čistoće", "Cena usluga"},
		Content: "Ovo obaveštenje ne navodi da li je odvoz kabastog otpada tokom akcije besplatan. Te podatke proverite pozivom na 025/415-788. Akcija traje ceo april, a raspored se objavljuje na sajtu."}
	q = "da li je odvoz kabastog otpada besplatan"
	got = answerText(composeFor(q, "", map[string]float64{"kabast": 3}, price))
	if !strings.Contains(got, "025/415-788") || strings.Contains(got, "raspored") {
		t.Errorf("answer %q, want the follow-up sentence and not the unrelated one", got)
	}

	snow := rag.Hit{ChunkID: 143, DocumentID: 5, HeadingPath: []string{"Obaveštenje: uklanjanje snega"},
		Content: "Vlasnici i korisnici objekata dužni su da uklone sneg sa trotoara ispred svojih objekata. To važi za porodične kuće, stambene zgrade i poslovne prostore. Grad ima i muzej."}
	q = "da li se odnosi na stambene zgrade"
	got = answerText(composeFor(q, "", map[string]float64{"stambe": 3}, snow))
	if !strings.Contains(got, "Vlasnici i korisnici") || strings.Contains(got, "muzej") {
		t.Errorf("answer %q, want the sentence 'To važi' points back to, and no other", got)
	}
}

// TestQuoteListWhole: the documents to bring are quoted as the whole
// list, though the passage has no introduction of its own (the heading
// introduces it), each item on its line; what follows the list starts a
// line too.
func TestQuoteListWhole(t *testing.T) {
	t.Parallel()
	h := rag.Hit{ChunkID: 198, DocumentID: 9, HeadingPath: []string{"Права из социјалне заштите", "Шта се прилаже уз захтјев за новчану помоћ"},
		Content: "- захтјев на обрасцу Центра;\n- копија личне карте за све чланове домаћинства;\n- извод из матичне књиге рођених за дјецу;\n" +
			"- доказ о приходима свих чланова домаћинства за посљедња три мјесеца;\n- увјерење Завода за запошљавање за незапослене чланове.\n\n" +
			"Центар о захтјеву одлучује рјешењем у року од 30 дана."}
	q := "Шта треба приложити уз захтјев за новчану помоћ?"
	ps := composeFor(q, "", nil, h)
	if len(ps) != 1 {
		t.Fatalf("passages %+v", ps)
	}
	got := answerText(ps)
	if !strings.Contains(got, "посљедња три мјесеца") || !strings.Contains(got, "Завода за запошљавање") {
		t.Errorf("answer %q, want the whole list", got)
	}
	for _, l := range strings.Split(got, "\n") {
		if strings.Count(l, "- ") > 1 {
			t.Errorf("line %q: items run together", l)
		}
	}
}

// TestComposeYesNoChecksTheDate: "da li se plaća do 15. maja" is checked
// against the passage stating the real deadlines, not one that shares a
// number with the question.
func TestComposeYesNoChecksTheDate(t *testing.T) {
	t.Parallel()
	vrtic := rag.Hit{ChunkID: 279, DocumentID: 30, HeadingPath: []string{"Dječiji vrtić", "Mjesečna cijena"},
		Content: "Cijena se plaća do 10. u mjesecu za tekući mjesec. Za odsustvo duže od 15 radnih dana plaća se 50% cijene."}
	porez := rag.Hit{ChunkID: 266, DocumentID: 31, HeadingPath: []string{"Porez na nepokretnosti", "Rokovi plaćanja u 2026. godini"},
		Content: "Porez na nepokretnosti plaća se u dvije jednake rate:\n- prva rata — do 30. juna 2026.;\n- druga rata — do 30. septembra 2026."}
	q := "Da li se porez na imovinu plaća tromesečno do 15. maja?"
	ps := composeFor(q, "", map[string]float64{"maj": 4}, vrtic, porez)
	if len(ps) == 0 || ps[0].hit.ChunkID != 266 || !strings.Contains(answerText(ps), "dvije jednake rate") {
		t.Errorf("answer %q, want the tax deadlines", answerText(ps))
	}
}

func TestNearForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"jabla", "jablan", true}, // Jablan / Jablanu
		{"razgovar", "razgovara", true},
		{"red", "redn", true}, // red / redni
		{"registruj", "registrac", true},
		{"izvod", "izvor", false},  // different words
		{"porez", "poresk", false}, // too short a shared start
		{"rok", "roko", true},
		{"rat", "ratar", false},
	}
	for _, tt := range tests {
		if got := nearForm(tt.a, tt.b); got != tt.want {
			t.Errorf("nearForm(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDataLabel: the word naming the personal data a citizen gives is not
// what they ask; a question about the JMBG itself keeps its topic.
func TestDataLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Moj JMBG je [JMBG] a telefon [TELEFON], gde se vadi izvod?": "Moj   a  , gde se vadi izvod?",
		"Мој телефон: [TELEFON], где је шалтер 8?":                   "Moj  , gde je šalter 8?",
		"kako se računa kontrolna cifra JMBG":                        "kako se računa kontrolna cifra JMBG",
	} {
		got := dataLabelRE.ReplaceAllString(serbian.ToLatin(in), " ")
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if k := answerType(placeholderRE.ReplaceAllString(dataLabelRE.ReplaceAllString("a telefon [TELEFON], gde se vadi izvod?", " "), " ")); k != whereFact {
		t.Errorf("kind %d, want a place", k)
	}
}
