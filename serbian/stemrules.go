package serbian

import (
	"fmt"
	"strings"
)

// suffixRule is one entry of a Snowball among-list: the matched suffix is
// replaced by repl. noDiacritics marks the .sbl's no_diacritics guard: the rule
// applies only to words written without č, ć, ž, š and đ.
type suffixRule struct {
	repl         string
	noDiacritics bool
}

// among is a Snowball among-list indexed by suffix.
type among struct {
	rules  map[string]suffixRule
	maxLen int // longest suffix, in bytes
}

// group lists the suffixes (space separated, in .sbl order) that share one
// replacement and guard.
type group struct {
	repl         string
	noDiacritics bool
	suffixes     string
}

// to is a group of suffixes all replaced by repl.
func to(repl, suffixes string) group { return group{repl: repl, suffixes: suffixes} }

// toBald is a group guarded by no_diacritics: it applies only to words typed without
// diacritics.
func toBald(repl, suffixes string) group {
	return group{repl: repl, noDiacritics: true, suffixes: suffixes}
}

// newAmong indexes groups. A suffix listed twice is a transcription error
// (Snowball rejects duplicate strings in an among), so it panics.
func newAmong(groups ...group) *among {
	a := &among{rules: map[string]suffixRule{}}
	for _, g := range groups {
		for _, s := range strings.Fields(g.suffixes) {
			if _, dup := a.rules[s]; dup {
				panic(fmt.Sprintf("serbian: suffix %q listed twice", s))
			}
			a.rules[s] = suffixRule{repl: g.repl, noDiacritics: g.noDiacritics}
			a.maxLen = max(a.maxLen, len(s))
		}
	}
	return a
}

// apply does what `[substring] R1 among (...)` does in the .sbl: it finds
// the longest suffix of w in the list and, if that suffix starts at or
// after p1 and its guard holds, replaces it. Otherwise the step fails (w
// is returned unchanged with false): a shorter suffix is never tried.
// Step 1 has no R1 condition and passes p1 = 0.
func (a *among) apply(w string, p1 int, noDiacritics bool) (string, bool) {
	for k := min(a.maxLen, len(w)); k > 0; k-- {
		r, ok := a.rules[w[len(w)-k:]]
		if !ok {
			continue
		}
		start := len(w) - k
		if start < p1 || r.noDiacritics && !noDiacritics {
			return w, false
		}
		if strings.HasPrefix(w[start:], r.repl) {
			// Most rules keep the head of the suffix (skoga → sk): slicing
			// saves an allocation per word.
			return w[:start+len(r.repl)], true
		}
		return w[:start] + r.repl, true
	}
	return w, false
}

// step1 rewrites stem-final shapes (fleeting a, -an adjectives, velar
// sibilarisation) so that related forms meet before the endings are cut:
// dodatak → dodatka, korisnici → korisnik.
var step1 = newAmong(
	to("loga", "lozi lozima"),
	to("peh", "pesi pesima"),
	to("vojka", "vojci"),
	to("bojka", "bojci"),
	to("jak", "jaci jacima"),
	to("čajni", "čajan"),
	toBald("cajni", "cajan"),
	to("erni", "eran"),
	to("larni", "laran"),
	to("esni", "esan"),
	to("anjca", "anjac"),
	to("ajca", "ajac ajaca"),
	to("ljca", "ljaca ljac"),
	to("ejca", "ejac ejaca"),
	to("ojca", "ojac ojaca"),
	to("ajka", "ajaka"),
	to("ojka", "ojaka"),
	to("šca", "šaca šac"),
	to("ing", "inzima inzi"),
	to("tvenik", "tvenici"),
	to("tetika", "tetici teticima"),
	to("nstva", "nstava"),
	to("nik", "nicima"),
	to("tik", "ticima"),
	to("zik", "zicima"),
	to("snik", "snici"),
	to("kusi", "kuse"),
	to("kusni", "kusan"),
	to("kustva", "kustava"),
	to("dušni", "dušan"),
	toBald("dusni", "dusan"),
	to("antni", "antan"),
	to("bilni", "bilan"),
	to("tilni", "tilan"),
	to("avilni", "avilan"),
	to("silni", "silan"),
	to("gilni", "gilan"),
	to("rilni", "rilan"),
	to("nilni", "nilan"),
	to("alni", "alan"),
	to("ozni", "ozan"),
	to("ravi", "rave"),
	to("stavni", "stavan"),
	to("pravni", "pravan"),
	to("tivni", "tivan"),
	to("sivni", "sivan"),
	to("atni", "atan"),
	to("enta", "enat"),
	to("tetni", "tetan"),
	to("pletni", "pletan"),
	to("šavi", "šave"),
	toBald("savi", "save"),
	to("anta", "anata"),
	to("ačka", "ačak ačaka"),
	toBald("acka", "acak acaka"),
	to("uška", "ušak"),
	toBald("uska", "usak"),
	to("atka", "atak ataka atci atcima"),
	to("etka", "etak etaka"),
	to("itka", "itak itaka itci"),
	to("otka", "otak otaka"),
	to("utka", "utak utaka utci utcima"),
	to("eskna", "eskan"),
	to("tični", "tičan"),
	toBald("ticni", "tican"),
	to("ojska", "ojsci"),
	to("esma", "esama"),
	to("metra", "metar metara"),
	to("centra", "centar centara"),
	to("istra", "istar istara"),
	to("osti", "ošću"),
	toBald("osti", "oscu"),
	to("dba", "daba"),
	to("čka", "čcima čci"),
	to("mca", "mac maca"),
	to("nca", "naca nac"),
	to("voljni", "voljan"),
	to("anki", "anaka"),
	to("vca", "vac vaca"),
	to("sca", "saca sac"),
	to("rca", "raca rac"),
	to("alca", "aoca alaca alac"),
	to("elca", "elaca elac"),
	to("olca", "olaca olac olce"),
	to("njca", "njac njaca"),
	to("ekta", "ekata ekat"),
	to("izma", "izam izama"),
	to("jebi", "jebe"),
	to("baci", "baci"),
	to("ašni", "ašan"),
	toBald("asni", "asan"),
)

// step3 removes plain inflectional endings when Step 2 did not apply.
var step3 = newAmong(
	to("", "enom enoj enog enim enih anoj anog anim anih ost eno eni oga ima "+
		"enu ena ama ano ani om og u o i e a"),
)
