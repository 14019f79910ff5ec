package serbian

import "strings"

// rule replaces a matched suffix with repl. bald rules belong to the
// no-diacritics rule set and fire only when the word has no č/ć/ž/š/đ
// (text typed without diacritics). cond checks the part of the word before
// the suffix.
type rule struct {
	repl string
	bald bool
	cond func(stem string) bool
}

// ruleSet indexes rules by suffix for longest-match lookup.
type ruleSet struct {
	bySuffix map[string]rule
	maxLen   int
}

// entry is one suffix→replacement pair before indexing.
type entry struct {
	suffix, repl string
	cond         func(stem string) bool
}

func always(string) bool { return true }

// family lists suffixes that all reduce to the same kept part, the way the
// Snowball rules are organised (every -sk- adjective ending becomes "sk").
// Each ending is appended to each kept part.
func family(keep, endings string) []entry {
	var out []entry
	for _, k := range strings.Fields(keep) {
		for _, e := range strings.Fields(endings) {
			out = append(out, entry{suffix: k + e, repl: k})
		}
	}
	return out
}

// rewrite maps each listed suffix to one replacement.
func rewrite(suffixes, repl string) []entry {
	var out []entry
	for _, s := range strings.Fields(suffixes) {
		out = append(out, entry{suffix: s, repl: repl})
	}
	return out
}

// when attaches a condition on the preceding stem to entries.
func when(cond func(string) bool, es []entry) []entry {
	for i := range es {
		es[i].cond = cond
	}
	return es
}

// buildRules indexes entries and adds, for every suffix written with
// diacritics, its no-diacritics twin (ošću→osti also as oscu→osti), which
// is how the stemmer serves users who type c for č/ć, s for š, z for ž.
// An explicit entry always beats a generated twin.
func buildRules(groups ...[]entry) ruleSet {
	rs := ruleSet{bySuffix: map[string]rule{}}
	add := func(suffix string, r rule) {
		if _, dup := rs.bySuffix[suffix]; dup {
			return // first entry wins, so list specific rules first
		}
		if r.cond == nil {
			r.cond = always
		}
		rs.bySuffix[suffix] = r
		rs.maxLen = max(rs.maxLen, len(suffix))
	}
	for _, g := range groups {
		for _, e := range g {
			add(e.suffix, rule{repl: e.repl, cond: e.cond})
		}
	}
	for _, g := range groups {
		for _, e := range g {
			if b := folder.Replace(e.suffix); b != e.suffix {
				add(b, rule{repl: folder.Replace(e.repl), bald: true, cond: e.cond})
			}
		}
	}
	return rs
}

// step1Rules rewrite stem-final shapes so that forms with and without a
// fleeting a, or with sibilarised plurals, share a form before the endings
// are stripped (dodatak→dodatka, pravilan→pravilni, korisnici→korisnik).
var step1Rules = buildRules(
	// short adjectives in -an lose the a in other forms (dovoljan/dovoljni)
	rewrite("čajan", "čajni"), rewrite("ačan", "ačni"), rewrite("ećan", "ećni"),
	rewrite("eran", "erni"), rewrite("laran", "larni"), rewrite("esan", "esni"),
	rewrite("kusan", "kusni"), rewrite("dušan", "dušni"), rewrite("antan", "antni"),
	rewrite("bilan", "bilni"), rewrite("tilan", "tilni"), rewrite("avilan", "avilni"),
	rewrite("silan", "silni"), rewrite("gilan", "gilni"), rewrite("rilan", "rilni"),
	rewrite("nilan", "nilni"), rewrite("alan", "alni"), rewrite("ozan", "ozni"),
	rewrite("stavan", "stavni"), rewrite("pravan", "pravni"), rewrite("tivan", "tivni"),
	rewrite("sivan", "sivni"), rewrite("atan", "atni"), rewrite("tetan", "tetni"),
	rewrite("pletan", "pletni"), rewrite("tičan", "tični"), rewrite("voljan", "voljni"),
	rewrite("ašan", "ašni"),
	// nouns with a fleeting a (dodatak/dodatka, početak/početka)
	rewrite("ačak ačaka", "ačka"), rewrite("ušak", "uška"),
	rewrite("atak ataka atci atcima", "atka"), rewrite("etak etaka", "etka"),
	rewrite("itak itaka itci", "itka"), rewrite("otak otaka", "otka"),
	rewrite("utak utaka utci utcima", "utka"),
	// project extension: sibilarised plurals of -datak/-statak nouns
	// (podaci, dodaci, zadaci, ostaci), frequent in administrative text
	rewrite("daci dacima", "datka"), rewrite("staci stacima", "statka"),
	rewrite("anjac anjaca", "anjca"), rewrite("njac njaca", "njca"),
	rewrite("ljac ljaca", "ljca"), rewrite("ajac ajaca", "ajca"),
	rewrite("ejac ejaca", "ejca"), rewrite("ojac ojaca", "ojca"),
	rewrite("ajaka", "ajka"), rewrite("ojaka", "ojka"),
	rewrite("šac šaca", "šca"), rewrite("mac maca", "mca"),
	rewrite("nac naca", "nca"), rewrite("vac vaca", "vca"),
	rewrite("sac saca", "sca"), rewrite("rac raca", "rca"),
	rewrite("alac alaca aoca aocu aocem aoci aocima", "alca"),
	// project extension: agent nouns in -lac/-oca (podnosilac zahteva)
	rewrite("ilac ilaca ioca iocu iocem ioci iocima", "ilca"),
	rewrite("elac elaca", "elca"), rewrite("olac olaca olce", "olca"),
	// foreign nouns with an inserted a (projekat/projekta, turizam/turizma)
	rewrite("ekat ekata", "ekta"), rewrite("enat enata", "enta"),
	rewrite("izam izama", "izma"), rewrite("metar metara", "metra"),
	rewrite("centar centara", "centra"), rewrite("istar istara", "istra"),
	rewrite("astar astara", "astra"), rewrite("esama", "esma"),
	rewrite("kustava", "kustva"), rewrite("daba", "dba"),
	// other alternations (mogućnošću/mogućnosti, razlozi/razloga)
	rewrite("ošću", "osti"), rewrite("lozi lozima", "loga"),
	rewrite("pesi pesima", "peh"), rewrite("jaci jacima", "jak"),
	rewrite("snici", "snik"), rewrite("nicima", "nik"),
	rewrite("ticima", "tik"), rewrite("zicima", "zik"),
	rewrite("inzi inzima", "ing"), rewrite("ojsci", "ojska"),
	rewrite("čci čcima", "čka"),
)

// Ending lists shared by the Step 2 families.
const (
	adjEndings = "ijima ijega ijemu ijem ega emu em ijim ijih ijoj ijeg iji ije ija iju " +
		"oga ome omu ima og om im ih oj i e o a u"
	nounEndings = "ama ima om a e i u o"
)

// step2Rules strip whole suffix families and keep the derivational part
// (gradskog→gradsk, opštinama→opštin, rođenih→rođen). Verb endings that
// are unambiguous (-ovati, -uje...) are removed entirely.
var step2Rules = buildRules(
	family("sk šk", adjEndings),
	family("stv štv", "ima om o a u"),
	family("tanij manij panij ranij ganij", "ama ima om a u e i"),
	family("an", "inom ina inu ine ima in om u i a e"),
	family("in", "ima ama om a e i u o"),
	family("on", "ovima ova ove ovi ima om a e i u"),
	family("n", adjEndings),
	family("ć", "oga ome omu ega emu ima oj ih om eg em og im e a i u o"),
	family("ug", "ovima ovi ove ova ama om a e i u o"),
	family("log", "ama om a u e i"),
	rewrite("ovati ovao ovala ovali ovalo ovale ivati ivao ivala ivali ivalo ivale "+
		"avati avao avala avali avalo avale ujem uješ uje ujemo ujete uju ujući", ""),
)

// step3Rules are the plain inflectional endings, tried only when Step 2
// did not stem the word. The e-endings of the soft declension (-em, -eg,
// -ega, -emu) require a soft consonant before them, so nouns such as
// problem/sistem or kolega keep their stem across forms.
var step3Rules = buildRules(
	when(afterSoft, rewrite("em eg ega emu", "")),
	when(notLogNoun, rewrite("og oga", "")),
	rewrite("ama ima om oj ome omu ih im a e i o u", ""),
)

// afterSoft reports whether the stem ends in a soft consonant (j, lj, nj,
// č, ć, š, ž, đ, dž, c), which take -em/-eg instead of -om/-og.
func afterSoft(stem string) bool {
	for _, s := range []string{"j", "č", "ć", "š", "ž", "đ", "c"} {
		if strings.HasSuffix(stem, s) {
			return true
		}
	}
	return false
}

// logNouns end in "og" as part of the stem, not as an adjective ending.
var logNouns = []string{"razl", "predl", "nal", "zal", "katal", "dijal", "pril", "izl"}

func notLogNoun(stem string) bool {
	for _, s := range logNouns {
		if strings.HasSuffix(stem, s) {
			return false
		}
	}
	return true
}
