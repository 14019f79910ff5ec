package assistant

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
