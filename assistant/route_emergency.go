package assistant

import "cmp"

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
	svc, _ := emergencyRead(ws)
	return svc
}

// emergencyRead returns the service a message calls for, or "", and the
// service of a rule whose danger word the message uses in its harmless
// sense (the rule's unless: "pala je tuča", hail; "javna rasveta ne
// gori"), or "".
func emergencyRead(ws []string) (svc, harmless string) {
	for _, r := range emergencyRules {
		vetoed := r.unless != nil && r.unless.any(ws)
		for _, i := range r.match.starts(ws) {
			negated := i >= 1 && negators[ws[i-1]] ||
				i >= 2 && negators[ws[i-2]] && bridges[ws[i-1]]
			switch {
			case negated:
			case vetoed:
				harmless = cmp.Or(harmless, r.service)
			default:
				return r.service, ""
			}
		}
	}
	return "", harmless
}
