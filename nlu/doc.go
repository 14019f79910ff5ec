// Package nlu reads one citizen message: which intent it carries (a
// question for the knowledge base, starting a form, answering or
// correcting one, cancelling, asking for a person...) with a calibrated
// confidence, and which form fields it already fills (slots keyed by the
// form's field names).
//
// Intents are learned, not listed: a multinomial logistic regression over
// character n-grams of folded, ekavised words, Serbian stems and stem
// bigrams, trained at start from the YAML examples under data/intents
// (augmented in code with typos). The features are script-invariant by
// construction (Cyrillic is read as Latin) and fold diacritics, so one
// example serves both scripts and bald spellings; a feature marks a
// message sent inside a form. Training is deterministic.
//
// Slots come from patterns (JMBG, phone, e-mail, case references, house
// numbers) and from matching the forms' option labels plus the synonyms in
// data/lexicon.yaml by stem, with a small edit distance for typos. The
// place is read first (an address, a landmark, a street, with the
// settlement or seat named beside it); the category then comes from the
// options named outside it, those named as the problem ("rupa", "nisu
// odneli") outweighing those named as where it is ("na trotoaru"), and
// from the category model when only a place names one. Rubbish named
// ("smeće", "kese") is matter, not a problem: rubbish, mud or leaves on a
// public surface, or a surface said to be dirty, is street cleaning
// unless a bin, its emptying, a dumping or a hole is named too. A
// negation takes an option out, except a negated verb of a service's work
// ("niko nije počistio"), which is the problem; for the options a
// citizen chooses, a refusal ("nemam mejl", "zaboravite šalter", "lično
// ne mogu") takes one out too. A contrast ("ipak", "nego") or an opening
// "ne," marks a correction (Corrects).
//
// The confidence temperature and the thresholds (ask instead of guessing;
// the evidence a form start needs) are fitted on the dev split of
// eval/datasets/nlu only (`mia eval nlu --calibrate`), stored in
// data/calibration.json.
package nlu
