package assistant

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
