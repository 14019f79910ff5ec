package assistant

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
