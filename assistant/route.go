package assistant

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/miasrbija/mia/serbian"
)

// Intent is what Classify makes of one message, before any knowledge-base
// lookup or model call.
type Intent struct {
	Route Route
	// Form is FormCommunalReport or FormRegistryExtract when Route is
	// RouteFormStart, otherwise empty.
	Form string
	// CaseRef is the normalised case reference ("SO-KP-2026-000123") when
	// Route is RouteStatus and the message carries one; empty means the
	// engine has to ask for it.
	CaseRef string
	// Emergency is one of the Emergency* services when Route is
	// RouteEmergency.
	Emergency string
}

// Forms Classify can start.
const (
	FormCommunalReport  = "communal_report"
	FormRegistryExtract = "registry_extract"
)

// Emergency services, with the Serbian numbers the reply gives.
const (
	EmergencyGeneral   = "general"   // 112
	EmergencyPolice    = "police"    // 192
	EmergencyFire      = "fire"      // 193
	EmergencyAmbulance = "ambulance" // 194
)

// Classify decides deterministically and offline what one citizen message
// is. It never returns RouteForm (a form in progress is the engine's
// state, not a property of the text). Matching works on folded words
// (serbian.Fold, ijekavian reduced to ekavian), so Cyrillic, Latin with or
// without diacritics and both dialects meet; phrases match whole words,
// never substrings.
//
// Priority: emergency, abuse, case status, form start, small talk,
// greeting/thanks, and RouteInfo for everything else: the knowledge base,
// not keyword lists, decides whether a question is in scope.
func Classify(text string) Intent {
	ws := routeWords(text)
	if len(ws) == 0 {
		// An emoji or a sticker: the greeting offers the menu.
		return Intent{Route: RouteGreeting}
	}
	if svc := emergencyOf(ws); svc != "" {
		return Intent{Route: RouteEmergency, Emergency: svc}
	}
	if isAbuse(ws) {
		return Intent{Route: RouteAbuse}
	}
	if ref := FindCaseRef(text); ref != "" {
		return Intent{Route: RouteStatus, CaseRef: ref}
	}
	if statusAsk.any(ws) || filedBefore.any(ws) && stillWaiting.any(ws) && !wouldFile.any(ws) ||
		len(ws) == 1 && ws[0] == "status" {
		return Intent{Route: RouteStatus}
	}
	if form := formOf(ws, strings.Contains(text, "?")); form != "" {
		return Intent{Route: RouteFormStart, Form: form}
	}
	if len(ws) <= 8 && smallTalk.any(ws) {
		return Intent{Route: RouteOutOfScope}
	}
	if r, ok := courtesyOf(ws); ok {
		return Intent{Route: r}
	}
	return Intent{Route: RouteInfo}
}

// caseRefRE finds a reference such as SO-KP-2026-000123 in folded text:
// a 2–4 letter prefix, the kind (kp: komunalna prijava, iz: izvod), the
// year and 3–8 digits, with any of " -_/." or nothing between the parts.
// At least three digits keep "dete je iz 2020" from looking like a case.
var caseRefRE = regexp.MustCompile(`(?:^|[^a-z0-9])([a-z]{2,4})[ ._/-]{0,2}(kp|iz)[ ._/-]{0,2}(20\d\d)[ ._/-]{0,2}(\d{3,8})(?:$|[^0-9])`)

// FindCaseRef returns the first case reference in s, normalised to upper
// case with dashes and a number of at least six digits
// ("so kp 2026 123" → "SO-KP-2026-000123"), or "" when there is none.
// Cyrillic is accepted ("СО-КП-2026-000123").
func FindCaseRef(s string) string {
	m := caseRefRE.FindStringSubmatch(serbian.Fold(s))
	if m == nil {
		return ""
	}
	num := m[4]
	if len(num) < 6 {
		num = strings.Repeat("0", 6-len(num)) + num
	}
	return strings.ToUpper(m[1]+"-"+m[2]) + "-" + m[3] + "-" + num
}

// routeWords folds text and splits it into words of letters and digits.
// Invisible format characters (zero-width spaces, Unicode tags) are
// dropped first so they cannot split a word and hide it from matching.
func routeWords(text string) []string {
	text = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, text)
	ws := strings.FieldsFunc(serbian.Fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for i, w := range ws {
		ws[i] = ekavianWord(w)
	}
	return ws
}

// ekavianWord turns the ijekavian reflex into the ekavian one the way the
// Snowball prelude does: consonant+ije+consonant and consonant+je+consonant
// become e (cijev→cev, zahtjev→zahtev, svjetlo→svetlo). It is applied to
// patterns too, so the odd ekavian word it changes (objekat→obekat) still
// meets itself.
func ekavianWord(w string) string {
	if !strings.Contains(w, "je") {
		return w
	}
	for _, from := range []string{"ije", "je"} {
		var b strings.Builder
		for i := 0; i < len(w); {
			if i > 0 && strings.HasPrefix(w[i:], from) && i+len(from) < len(w) &&
				isConsonant(w[i-1]) && isConsonant(w[i+len(from)]) {
				b.WriteByte('e')
				i += len(from)
				continue
			}
			b.WriteByte(w[i])
			i++
		}
		w = b.String()
	}
	return w
}

func isConsonant(c byte) bool {
	return c >= 'a' && c <= 'z' && !strings.ContainsRune("aeiou", rune(c))
}

// wordPat matches one word. Its alternatives are written "a|b|c"; a
// trailing * makes an alternative a prefix (stem) match and a trailing ~
// tolerates one typo (edit or swap) in words of five letters or more.
type wordPat struct {
	alts []wordAlt
	gap  bool // "...": up to maxGap arbitrary words
}

type wordAlt struct {
	text          string
	prefix, fuzzy bool
}

// maxGap is how many words a "..." in a phrase may skip.
const maxGap = 3

func (p wordPat) match(w string) bool {
	for _, a := range p.alts {
		if a.match(w) {
			return true
		}
	}
	return false
}

func (a wordAlt) match(w string) bool {
	switch {
	case a.prefix && strings.HasPrefix(w, a.text), !a.prefix && w == a.text:
		return true
	case !a.fuzzy || len(w) < 4:
		return false
	case !a.prefix:
		return oneEditApart(a.text, w)
	}
	// A fuzzy stem: some prefix of w is one typo away from the stem.
	for n := len(a.text) - 1; n <= len(a.text)+1 && n <= len(w); n++ {
		if oneEditApart(a.text, w[:n]) {
			return true
		}
	}
	return false
}

// oneEditApart reports whether a and b differ by at most one insertion,
// deletion, substitution or swap of neighbouring letters.
func oneEditApart(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return true
	}
	if len(a) == len(b) {
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}

// phrase is a sequence of word patterns matched against consecutive words.
type phrase []wordPat

// phrases is a list of alternatives; any match counts.
type phrases []phrase

// mustPhrases compiles phrases. A phrase is space-separated word patterns,
// e.g. "status* ... prijav*|zahtev*"; commas separate alternative phrases
// within one argument ("dobar dan, dobro jutro"). Patterns go through the
// same folding as messages, so they may be written with diacritics or in
// Cyrillic.
func mustPhrases(src ...string) phrases {
	var ps phrases
	for _, list := range src {
		for _, s := range strings.Split(list, ",") {
			ps = append(ps, mustPhrase(s))
		}
	}
	return ps
}

func mustPhrase(s string) phrase {
	var p phrase
	for _, f := range strings.Fields(s) {
		if f == "..." {
			p = append(p, wordPat{gap: true})
			continue
		}
		var wp wordPat
		for _, alt := range strings.Split(f, "|") {
			var a wordAlt
			for {
				if t, ok := strings.CutSuffix(alt, "*"); ok {
					alt, a.prefix = t, true
				} else if t, ok := strings.CutSuffix(alt, "~"); ok {
					alt, a.fuzzy = t, true
				} else {
					break
				}
			}
			ws := routeWords(alt)
			if len(ws) != 1 {
				panic("assistant: bad word pattern " + strconv.Quote(alt) + " in " + strconv.Quote(s))
			}
			a.text = ws[0]
			a.fuzzy = a.fuzzy && len(a.text) >= 5
			wp.alts = append(wp.alts, a)
		}
		p = append(p, wp)
	}
	if len(p) == 0 || p[0].gap || p[len(p)-1].gap {
		panic("assistant: bad phrase " + strconv.Quote(s))
	}
	return p
}

// matchAt reports whether p matches ws starting at word i, and where the
// match ends.
func (p phrase) matchAt(ws []string, i int) (int, bool) {
	if len(p) == 0 {
		return i, true
	}
	if p[0].gap {
		for k := 0; k <= maxGap && i+k <= len(ws); k++ {
			if end, ok := p[1:].matchAt(ws, i+k); ok {
				return end, true
			}
		}
		return 0, false
	}
	if i < len(ws) && p[0].match(ws[i]) {
		return p[1:].matchAt(ws, i+1)
	}
	return 0, false
}

// starts returns the word indexes where any phrase matches, in order.
func (ps phrases) starts(ws []string) []int {
	var out []int
	for i := range ws {
		for _, p := range ps {
			if _, ok := p.matchAt(ws, i); ok {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func (ps phrases) any(ws []string) bool {
	for i := range ws {
		for _, p := range ps {
			if _, ok := p.matchAt(ws, i); ok {
				return true
			}
		}
	}
	return false
}

// emergencyRule maps phrases to a service. Rules are tried in order, so
// fire beats ambulance beats police beats the general number: a traffic
// accident with injured people gets 194, not 192.
type emergencyRule struct {
	service string
	match   phrases
	// unless cancels the rule when it appears anywhere in the message
	// ("javna rasveta ne gori", "gori mi rok").
	unless phrases
}

var emergencyRules = []emergencyRule{
	{service: EmergencyFire, match: mustPhrases(
		"požar|požara|požaru|požarom|požari|vatra|vatru|vatre|vatri|vatrom",
		"plamen|plamena|plamenu|plamenom|plamenovi|dim|dima|dimom|dimi",
		"zapalio|zapalila|zapalilo|zapalili|zapaljen|zapaljena|zapaljeno|zapaljeni",
		"eksplozij*|eksplodira*",
		"curi|cure|curenje|isticanje|ističe|izlazi ... gas|gasa|plin|plina",
		"gas|plin ... curi|cure|ističe|izlazi",
		"miris*|smrdi|oseća|oseti ... gas|gasa|gasom|plin|plina",
	)},
	// "Gori" alone is a fire, unless it is about a light (a street light
	// that is out "ne gori", one left on "gori ceo dan") or an idiom.
	{service: EmergencyFire, match: mustPhrases(
		"gori|goreo|gorela|gorelo|izgoreo|izgorela|izgorelo|izgoreli",
	), unless: mustPhrases(
		"sijalic*|svetilj*|rasvet*|lamp*|svetl*|bander*|stub|stuba|stubu|semafor*|reflektor*",
		"rok|roka|roku|rokovi|obraz|obraza",
	)},
	{service: EmergencyAmbulance, match: mustPhrases(
		"povređen*|povredio|povredila|povredili|povredilo|ranjen|ranjena|ranjeni|ranjeno",
		"krvari*|krvarenj*",
		"ne diše, nediše, ne reaguje, teško diše, guši se, gušim se",
		"prestao|prestala|prestalo ... da diše",
		"srčan* udar*, infarkt*, moždan* udar*, šlog|šlogiran*",
		"onesvest*|nesvest*, bez svesti, izgubio|izgubila svest",
		"davi|davim|davimo se, se davi|davim|davimo, udavi*|utapa*",
		"hitna|hitnu|hitne|hitnoj pomoć|pomoći, hitnu",
		"umire|umiru",
		"otrovao|otrovala|otrovali se, predozir*",
		"strujni udar, udar struje, udarila|udarilo|ubila ... struja",
	)},
	// Words with a harmless second meaning: tuča is also hail, provala
	// oblaka a cloudburst, pipes "pucaju" in frost.
	{service: EmergencyPolice, match: mustPhrases(
		"tuča|tuče|tuči|tuču|bije|biju|provala|pucaju",
	), unless: mustPhrases(
		"pala|pada|padala|padao|nevrem*|grad|gradom|oluj*|oblak*|led|leda|cev|cevi|cevovod*|srce",
	)},
	{service: EmergencyPolice, match: mustPhrases(
		"nasilj*|nasilnik*|napad|napadu|napadnut*|napadaju|napada|napao|napala|napali",
		"tučnjav*|tuku|pretuk*",
		"provalio|provalili|provalnik*|provaljuj*|obija|obijaju|obio|obili",
		"kradu|krade|krađa|lopov*|pljačk*|ukrao|ukrali|ukraden*",
		"pucnjav*|pucnj*|pucanj|pucali",
		"oružj*|pištolj*|nožem|noževima|mačetom",
		"pretio|pretila|pretili|pretnj*",
		"otmic*|oteli|oteo|otela|kidnap*",
		"siluj*|silovan*|silovao",
		"nestao|nestala|nestalo|izgubio|izgubila|izgubilo ... dete|deteta|sin|sina|ćerka|kćerka|otac|majka|mama|tata|baka|deda|muž|žena|brat|sestra|čovek",
		"dete|sin|ćerka|kćerka|otac|majka|baka|deda|muž|brat|sestra ... nestao|nestala|nestalo",
		"saobraćajn~* nesreć~*",
		"saobraćajk*|udes|udesa|udesu|sudar|sudara|sudaru|sudario|sudarila|sudarili|pregazio|pregazila|pregazilo",
		"udario|udarila|oborio|oborila ... auto|automobil|kola|kamion|pešak*|biciklist*",
	)},
	{service: EmergencyGeneral, match: mustPhrases(
		"poplav* ... kuć*|stan|stanu|dom|domu|zgrad*",
		"kuć*|stan|stanu|zgrad* ... poplav*",
		"voda ... ulazi|prodire ... kuću|kući|stan|stanu",
		"srušil*|srušio|urušil*|urušio|ruši ... kuć*|zgrad*|krov*|zid|zida|balkon*|plafon*|tavanic*",
		"kuća|zgrada|krov|zid|balkon|plafon ... srušil*|srušio|urušil*|urušio|ruši",
		"upomoć|spasite|spasi",
		"desila|dogodila ... nesreć~*",
		"nesreća na|u|kod",
		"zemljotres*, u opasnosti, životno ugrožen*, ugrožen život",
		"pao|pala|pali|polomljen* ... dalekovod*|kabl*|žic*",
	)},
}

// negators before a hit cancel it ("ne gori", "nema povređenih"), also
// across one bridging word ("nije bilo povređenih", "nema više dima").
var (
	negators = wordSet("ne nema nije nisu neće bez nikakav nikakve nikakvog nikakvih niko nikog")
	bridges  = wordSet("bilo više još uopšte da ni je mi nam")
)

// emergencyOf returns the service a message calls for, or "".
func emergencyOf(ws []string) string {
	for _, r := range emergencyRules {
		if r.unless != nil && r.unless.any(ws) {
			continue
		}
		for _, i := range r.match.starts(ws) {
			negated := i >= 1 && negators[ws[i-1]] ||
				i >= 2 && negators[ws[i-2]] && bridges[ws[i-1]]
			if !negated {
				return r.service
			}
		}
	}
	return ""
}

// insult is the word pattern of common insults (adjectives and nouns).
const insult = "idiot*|debil*|kreten*|budal*|glup*|majmun*|retard*|moron*|magarac|stoka|smeće|govno"

// Abuse is an insult aimed at the assistant, not any rude word: "jebeni
// kontejner opet nije ispražnjen" is a report, not abuse.
var (
	abuseDirected = mustPhrases(
		"jebem|jebo ti|vam|vas|te",
		"jebi|jebite|odjebi|odjebite|nabijem",
		"puši|pušite kurac|ga",
		"idi|idite|odi u ... kurac|pičku|materinu|pm",
		"pička|pičko|pičku|pičkin*|pičkice|pizda|pizdo|kurac|kurcu|kurca|kurcem|kurčina|kurčino|kurvo|kurvin|drolj*|peder*|govnar*|seljačino|stoko|smradu",
		// vocatives address the assistant
		"idiote|debilu|kretenu|budalo|glupane|glupačo|majmune|moronu|retardu|magarče|glupsone",
		"smeće|govno jedno",
		// "ste ... smeće" would catch "da li ste odneli smeće": the insult
		// must follow the verb directly
		"si|ste "+insult+", si|ste baš|stvarno|totalno|potpuno|obična|običan "+insult,
		insult+" si|ste",
		"glup*|blesav*|debiln* bot*|mašin*|asistent*|aplikacij*|program*",
		"gubi|nosi se, marš odavde|bre",
	)
	vulgarWords = wordSet("jebote jebiga jebem jebo kurac kurca pička pičkin pizda sranje govno marš")
	vulgarFill  = wordSet("bre ba e ej ti te mu sve ovo ovu mater mamu")
)

func isAbuse(ws []string) bool {
	if abuseDirected.any(ws) {
		return true
	}
	// A message of nothing but swearing is aimed at whoever reads it.
	vulgar := false
	for _, w := range ws {
		switch {
		case vulgarWords[w]:
			vulgar = true
		case !vulgarFill[w]:
			return false
		}
	}
	return vulgar && len(ws) <= 4
}

// statusAsk recognises a question about the citizen's own case without a
// reference number; the engine then asks for it.
var statusAsk = mustPhrases(
	"status* ... moj*|prijav*|zahtev*|predmet*|porudžbin*|narudžbin*",
	"šta|što je|bi|se ... sa|s ... prijav*|zahtev*|izvod*|porudžbin*|narudžbin*|predmet*",
	"dokle ... je|su ... stigao|stigla|stiglo|stigli",
	"gde|kada|kad|jel je|ce|će|su ... moj*|naš* ... prijav*|zahtev*|izvod*|porudžbin*|narudžbin*|predmet*",
	"da|je li ... moj*|naš* ... prijav*|zahtev*|izvod*|porudžbin*|narudžbin*|predmet*",
	"proveri*|prati*|pratim ... prijav*|zahtev*|status*|porudžbin*|predmet*",
	"broj prijave|predmeta|zahteva|porudžbine",
)

// A case filed earlier and a sign of waiting anywhere in the message:
// "prijavio sam rupu pre mesec dana i ništa".
var (
	filedBefore = mustPhrases("prijavio|prijavila|prijavili|podneo|podnela|podneli|poslao|poslala|poslali|poručio|poručila|naručio|naručila|predao|predala")
	// wouldFile is the conditional "prijavio bih": a request, not history.
	wouldFile    = mustPhrases("prijavio|prijavila|prijavili|poručio|poručila|naručio|naručila bih|bismo")
	stillWaiting = mustPhrases("ništa|niko|nije|nisu|još|odgovor*|rešen*|čekam|čekamo|popravljen*|došao|došla|stigao|stigla|dokle")
)

// Phrases that decide whether a message about a service files it now or
// asks about it. See formOf for the order in which they are weighed.
var (
	communalTerms = mustPhrases(
		"rupa|rupe|rupu|rupi|rupom|rupama",
		"kvar|kvara|kvaru|kvarom|kvarovi|kvarova|pokvaren*|pokvario|pokvarila|pokvarilo",
		"rasvet~*|sijalic~*|svetilj*|bander*|lampa|lampe|lampu|semafor*",
		"ne svetli|svetle|gori|gore|sija, pregorel*|pregoreo",
		"smeće|smeća|smećem|smeću|otpad|otpada|otpadom|deponij~*|kontejner~*|šut|šuta",
		"lutalic~*|uginu*|lešin*|strvin*|pacov*",
		"mrtv* pas|psa|mačka|mačku|mačke|životinj*|ptic*|golub*|labud*|lisic*|srn*|zec*",
		"curi|curenje|pukl*|prsla|prsnula|cev|cevi|vodovod*|hidrant*|kanalizacij~*|kanal|kanala|kanalu|izliv*|izliva|fekalij*|šaht*|slivnik*|odvod*|zapušen*|začepljen*|poplavljen*",
		"nema vode, nestalo vode, nestala voda, mutna|prljava voda",
		"drvo|drveta|drvetu|stablo|stabla|grana|grane|granu|granje|granja",
		"trava|trave|travu|korov*|nepokošen*|pokosi*|košenj*|ambrozij*",
		"sneg|snega|snegu|snegom|led|leda|ledu|poledic*|neočišćen*|čišćenj*",
		"trotoar*|pločnik*|asfalt*|ulegnuć*|kolovoz*|oštećen*|polomljen*|ljuljašk*|igrališt*|olupin*|klupa|klupe|klupu",
		"napušten* vozil*|automobil*|auto|kola, buka|buke|buku|bukom",
		"komunaln* problem*",
		"prijav* ... problem*|kvar*",
	)
	// Bills, fees and bulky-waste pickup are questions for the knowledge
	// base even when they mention waste or water.
	communalNot = mustPhrases(
		"kabast*|račun*|uplat*|plaćanj*|cen*|taks*|naknad*|porez*|subvencij*|popust*|ugovor*|konkurs*",
	)
	// namedProblem asks for the report by name.
	namedProblem = mustPhrases("komunaln* problem*")
	// concrete places the problem: "ispred moje kuće", "u ulici ...".
	concrete = mustPhrases(
		"moja|moje|moju|mojoj|mojom|mog|mom|mojem|moji|mojih|naša|naše|našu|našoj|našom|našeg|našem|naši|naših",
		"ispred|iza|pored, preko puta, na uglu, kod mene|nas, u dvorištu|ulici",
	)
	// problemNow describes a failure happening now.
	problemNow = mustPhrases(
		"ne radi|rade|gori|svetli|svetle|sija",
		"curi|pukl*|palo|pala|pao|uginu*|pregorel*|pregoreo|prepun*|zapušen*|začepljen*",
		"ne odvoz*|odnos*|prazn*|kose|čisti, nije odvez*|odnet*|ispražnjen*|pokošen*|očišćen*|popravljen*",
		"nisu odneli|ispraznili|pokosili|očistili|popravili",
		"nepokošen*|neočišćen*, niko ne dolazi, niko nije došao, danima|nedeljama|mesecima",
	)
	registryTerms = mustPhrases(
		"izvod|izvoda|izvode|izvodi|izvodu|izvodom|izvodima|eizvod",
		"matič~*|matičn~* knjig*",
		"rodni|venčani|smrtni list, rodnog|venčanog lista",
		"državljanstv~*",
	)
	// Extracts MIA cannot order: land registry, business register,
	// criminal record, bank statements.
	registryNot = mustPhrases(
		"radov*|katast*|nepokretnost*|zemljišn*|posedovn*|apr|privredn*|kazn*|krivičn*|sud|suda|sudu|sudsk*|banc*|bank*|račun*|platn*|penzij*|pio|porez*|poresk*|mup|policij*",
	)
	// strongIntent asks for a service now: "treba mi izvod".
	strongIntent = mustPhrases(
		"hoću|hoćemo|želim|želimo|želela|želeo|želeli|htela|hteo|hteli|trebam|trebamo",
		"treba~|trebaju|trebaće|trebalo|trebao|trebala|potreban|potrebna|potrebno|potrebni mi|nam",
		"meni|nama|mi|nam treba|trebaju|potreban|potrebna|potrebno",
		"prijavljujem|prijavljujemo|poručujem|naručujem",
		"prijavio|prijavila|prijavili|poručio|poručila|naručio|naručila bih|bismo",
		"imam|imamo problem|kvar",
	)
	// "hoću da znam", "zanima me" and "treba li mi" ask about a service
	// instead; they outweigh the intent words.
	knowCue = mustPhrases(
		"zanima|zanimalo|interesuje|interesovalo me",
		"pitanje|pitam|pitala|pitao|pitati|saznam|saznati|informišem|informacij*, da znam",
		"trebam|treba|trebaju|moram|mora li",
		"li|jel ... treba|trebaju|trebam|potreban|potrebna|potrebno|potrebni|moram|mora",
	)
	// contentQ asks for a fact: a fee, a deadline, a duration.
	contentQ = mustPhrases(
		"koliko|zašto|rok|roku|rokovi|taksa|takse|taksu|taksi|cena|cene|cenu|košta|koštaju|koštati|plaća|plaćanje|besplatn*|traje|traju|trajanje",
		"do kada, u kom roku",
	)
	// firstPerson is a request in the first person or a polite command:
	// "kako da prijavim", "možete li", "naruči mi".
	firstPerson = mustPhrases(
		"da prijavim|prijavimo|naručim|poručim|naručimo|poručimo",
		"prijavi|prijavite|naruči|poruči|naručite|poručite",
		"šta da radim|uradim|radimo, kome da se obratim|javim, kome|gde da javim",
		"možete|možeš|mogu|može li, da li možete|možeš|mogu, molim|molimo|pomozite",
	)
	// questionAny marks a question wherever it appears; questionLead only
	// at the start, since kada, koji, gde... are also conjunctions.
	questionAny  = mustPhrases("li|jel|jeli")
	questionLead = wordSet("kako gde ko kome koga čime šta što zašto kada kad koji koja koje kojeg kojem kojoj kojim koju koliko dokle otkud odakle")
	leadFill     = wordSet("zdravo pozdrav ćao hej halo poštovani poštovana poštovanje dobar dan dobro jutro veče izvinite molim vas e pa i a evo mia")
)

// formOf returns the form a message starts, or "". A service word alone
// is not enough: the message must ask for the service now (first person,
// a polite request, or a concrete problem described), not about it.
func formOf(ws []string, qmark bool) string {
	registry := registryTerms.any(ws) && !registryNot.any(ws)
	communal := !registry && communalTerms.any(ws) && !communalNot.any(ws)
	if !registry && !communal {
		if bareReport(ws) {
			return FormCommunalReport
		}
		return ""
	}
	form := FormRegistryExtract
	if communal {
		form = FormCommunalReport
	}
	lead := questionLead[leadWord(ws)]
	question := qmark || lead || questionAny.any(ws)
	now := communal && problemNow.any(ws)
	switch {
	case knowCue.any(ws):
		return ""
	case strongIntent.any(ws):
		return form
	case communal && concrete.any(ws) && (now || !question):
		return form
	case contentQ.any(ws):
		return ""
	case firstPerson.any(ws):
		return form
	case question:
		return ""
	case communal && (len(ws) > 2 || now || namedProblem.any(ws)):
		// A statement describing a problem ("rupa na putu u Apatinskoj");
		// a bare topic ("smeće") is left to the knowledge base.
		return form
	}
	return ""
}

// bareReport is "hoću da prijavim" with no object: in a municipal chat
// that is a communal problem. "Hoću da prijavim prebivalište" is not.
var (
	reportVerb = mustPhrases("prijavim|prijavimo|prijaviti|prijavljujem, prijavio|prijavila bih")
	reportFill = wordSet("hoću hoćemo želim želimo želela želeo bih bismo htela hteo da ja mi nešto jedan jednu jedno molim vas prijavim prijavimo prijaviti prijavljujem prijavio prijavila")
)

func bareReport(ws []string) bool {
	if !reportVerb.any(ws) {
		return false
	}
	for _, w := range ws {
		if !reportFill[w] {
			return false
		}
	}
	return true
}

// leadWord returns the first word after greetings and fillers.
func leadWord(ws []string) string {
	for _, w := range ws {
		if !leadFill[w] {
			return w
		}
	}
	return ""
}

// smallTalk is the obvious off-topic chat; everything else goes to the
// knowledge base, whose confidence decides scope.
var smallTalk = mustPhrases(
	"ispričaj|ispričajte|reci|recite|znaš|znate ... vic|viceve|vica|šalu, vic|vicevi",
	"koliko je sati, koliko je sad sati, koji je sat, koje je vreme sada",
	"kakvo je vreme, kakvo će biti vreme, kakvo će vreme",
	"vremensk* prognoz*, prognoz* vremena, hoće li padati kiša, da li će padati kiša",
	"ko će pobediti, ko je pobedio, utakmic*",
	"napiši pesmu, otpevaj|pevaj, recept za",
	"voliš li me, da li me voliš, imaš li devojku|dečka, koliko ti je godina, koliko imaš godina",
	"smisao života, omiljen* film*|pesm*|boj*",
)

// Greetings, help requests and thanks are only recognised when the message
// is nothing else: "zdravo, kada se plaća porez?" is a question.
var (
	greetingPhrases = mustPhrases(
		"zdravo~|zdrao|ćao|ćaos|pozdrav~|pozdravi|pozdravljam|hej|hey|hi|hello|halo|alo|ej",
		"dobar dan, dobardan, dobro jutro, dobro veče, dobra|dobar večer, pomaže|pomozi bog, ima li koga, selam",
		"ko si, ko si ti, ko ste, ko ste vi, šta si ti, šta je mia, šta je to mia",
		"šta možeš|možete|znaš|znate|umeš|radiš, šta sve možeš|možete, čime se baviš, kako radiš",
		"kako mi možeš|možete pomoći, kako možeš|možete da mi pomogneš|pomognete, u čemu možeš|možete da mi pomogneš|pomognete",
		"pomoć|help|start|početak|počni|meni|menu|info|opcije|test|proba",
		"treba|trebam mi pomoć, treba mi pomoć, pomozite|pomozi mi, možete|možeš li mi pomoći",
		"da li možete|možeš mi pomoći, da li možete|možeš da mi pomognete|pomogneš",
		"kako se zoveš|zovete, ima li neko, ima li neko živ",
		"jesi|jeste li ... robot|čovek|bot|živ|stvaran|stvarna, da li si|ste ... robot|čovek|bot|živ|stvaran|stvarna",
		"kako si, kako ste, šta ima, šta ima novo, kako ide",
	)
	thanksPhrases = mustPhrases(
		"hvala~|fala|hvla|zahvaljujem~|zahvaljujemo|zahvalan|zahvalna|thanks|thx|tnx, thank you",
		"to je to, to je sve, to bi bilo sve, ništa više, doviđenja, vidimo se, prijatno, laku noć, zbogom",
		"ok|okej|oke|okay|važi|dobro|jasno|razumem|razumeo|razumela|super|odlično|sjajno|divno|savršeno|bravo|top, u redu",
	)
	courtesyFill = wordSet("mia mio mija bot bote vi vama vam ti tebi te svima lepo lepa puno mnogo još jednom e ej evo pa i a da molim vas draga dragi poštovani poštovana poštovanje gospodo ovde tu mi je sam ja bre ba onda ali no sve to ovo baš stvarno zaista veliko velika najlepše na pomoći pomoć informaciji informacijama odgovoru odgovorima svemu trebalo")
)

// courtesyOf reports whether a message is only a greeting or only thanks;
// thanks win when both appear ("hvala, pozdrav" closes a conversation).
func courtesyOf(ws []string) (Route, bool) {
	if len(ws) > 12 {
		return "", false
	}
	greet, thank := false, false
	for i := 0; i < len(ws); {
		end, isThanks := courtesyAt(ws, i)
		switch {
		case end > i:
			greet, thank = greet || !isThanks, thank || isThanks
			i = end
		case i+2 < len(ws) && ws[i] == "ja" && ws[i+1] == "sam":
			i += 3 // "ja sam Ana": a name may follow
		case courtesyFill[ws[i]]:
			i++
		default:
			return "", false
		}
	}
	switch {
	case thank:
		return RouteThanks, true
	case greet:
		return RouteGreeting, true
	}
	return "", false
}

// courtesyAt returns where the longest greeting or thanks phrase starting
// at word i ends (i when none does) and whether it was thanks.
func courtesyAt(ws []string, i int) (int, bool) {
	end, isThanks := i, false
	for _, p := range greetingPhrases {
		if e, ok := p.matchAt(ws, i); ok && e > end {
			end = e
		}
	}
	for _, p := range thanksPhrases {
		if e, ok := p.matchAt(ws, i); ok && e > end {
			end, isThanks = e, true
		}
	}
	return end, isThanks
}

// wordSet folds a space-separated list of words into a set.
func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range routeWords(s) {
		m[w] = true
	}
	return m
}
