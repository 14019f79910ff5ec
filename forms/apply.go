package forms

// Applying a citizen's input to a draft: values (understood from the
// message, a model's tool call, a button), a location, attachments and
// typed text, each validated before it is kept, and what the step must
// say about it.

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

// outcome is what one input did, for the step to say.
type outcome struct {
	errs       []FieldError
	understood []string // fields newly filled besides the one asked
	corrected  []string // fields whose earlier answer changed
	completed  []string // fields whose earlier answer was added to ("Stapar" + "kod prodavnice", "Apatinski put 22" + "ispred zgrade")
	touched    map[string]bool
	photos     int // attachments kept
	videos     int
	hint       string // said before the question (words typed at the summary)

	asked    string            // the field asked when the input came
	orig     map[string]string // the answers before the input
	body     municipality.Body // the responsible body before the input
	hadBody  bool
	rerouted string // the body's name when a correction changed it
	// echoAsked: the answer to the question asked was read, not typed as
	// an option (own words taken as "Ostalo"): it is said back, so that a
	// reading the citizen did not mean is seen and corrected.
	echoAsked bool
}

// before notes the answers and the responsible body before the input.
func (o *outcome) before(m *municipality.Municipality, def *Definition, d *Draft, asked string) {
	o.asked = asked
	o.orig = maps.Clone(d.values)
	o.body, o.hadBody = bodyKey(m, def, d.values)
}

// after lists what the input filled and corrected, compared with the
// answers before it, and notes a change of the responsible body made by a
// correction.
func (o *outcome) after(m *municipality.Municipality, def *Definition, d *Draft) {
	for _, f := range def.Fields {
		if !o.touched[f.Name] {
			continue
		}
		old, had := o.orig[f.Name]
		cur, has := d.values[f.Name]
		switch {
		case had && has && old != "" && (strings.HasPrefix(cur, old+", ") || strings.HasSuffix(cur, ", "+old)):
			o.completed = append(o.completed, f.Name)
		case had && has && old != cur:
			o.corrected = append(o.corrected, f.Name)
		case !had && has && (f.Name != o.asked || o.echoAsked):
			o.understood = append(o.understood, f.Name)
		}
	}
	now, ok := bodyKey(m, def, d.values)
	if o.hadBody && ok && now.Key != o.body.Key && len(o.corrected) > 0 {
		o.rerouted = now.Name
	}
}

// set keeps a validated value.
func (o *outcome) set(d *Draft, f *Field, v string) {
	d.values[f.Name] = v
	if o.touched == nil {
		o.touched = map[string]bool{}
	}
	o.touched[f.Name] = true
}

// clearlyGiven are the types whose values are recognised by their shape:
// a refused one was meant as such and is explained even when the field
// was not asked.
func clearlyGiven(t FieldType) bool {
	return t == TypeJMBG || t == TypePhone || t == TypeEmail || t == TypeContact
}

// applyValues validates several values at once, in definition order (so a
// when-condition sees its field first); valid ones are kept. A refused
// one is explained when it was clearly given, answers the field asked, or
// tried to correct an answer; otherwise (a guess of understanding that
// did not validate) it is dropped and its question asked in turn. start:
// the values of an opening message (unknown names are dropped too).
func (s *Service) applyValues(m *municipality.Municipality, def *Definition, d *Draft, values map[string]string, asked string, start bool, out *outcome) {
	values = s.impliedYes(m, def, d, values, asked)
	for i := range def.Fields {
		f := &def.Fields[i]
		v, ok := values[f.Name]
		if !ok {
			continue
		}
		if f.Type == TypeAttachments {
			if !start {
				out.errs = append(out.errs, fieldError(f, "prilog pošaljite kao fotografiju ili video"))
			}
			continue
		}
		if f.Sensitive && strings.TrimSpace(v) == placeholder(f) {
			continue // the model echoed the ModelView placeholder: keep the stored value
		}
		if g := takerOf(def, d, f); g != nil {
			f = g
		}
		norm, err := s.parse(m, f, v, nil)
		if err != nil {
			_, had := d.values[f.Name]
			if clearlyGiven(f.Type) || f.Name == asked || had {
				out.errs = append(out.errs, fieldError(f, err.Error()))
			}
			continue
		}
		out.set(d, f, norm)
		if f.Type == TypeLocation {
			s.inferSettlement(m, def, d, f, values, out)
		}
	}
	if start {
		return
	}
	for k := range values {
		if _, ok := def.Field(k); !ok {
			out.errs = append(out.errs, FieldError{Field: k, Message: fmt.Sprintf("nepoznato polje %q", k)})
		}
	}
}

// takerOf returns the field that takes a value read for f when f does
// not apply ("nikola@example.com" typed while the extract is to be
// collected in person: no e-mail delivery, but the contact for the
// request is still to be given): an unanswered field that applies and
// accepts a phone or an e-mail. nil when f applies or none takes it.
func takerOf(def *Definition, d *Draft, f *Field) *Field {
	if f.applies(d.values) || f.Type != TypeEmail && f.Type != TypePhone {
		return nil
	}
	for i := range def.Fields {
		g := &def.Fields[i]
		if _, answered := d.values[g.Name]; g != f && g.Type == TypeContact && !answered && g.applies(d.values) {
			return g
		}
	}
	return nil
}

// impliedYes returns values with the yes/no question being asked
// answered by them: a valid value, given in answer to it, for a field
// asked only after its "yes" (the name and phone after the consent to be
// contacted) is that yes, so a contact shared when the consent is asked
// is neither ignored nor asked for again. Data given elsewhere (a phone
// inside a description) consents to nothing.
func (s *Service) impliedYes(m *municipality.Municipality, def *Definition, d *Draft, values map[string]string, asked string) map[string]string {
	var implied map[string]string
	for i := range def.Fields {
		f := &def.Fields[i]
		v, ok := values[f.Name]
		if !ok || f.Type == TypeAttachments {
			continue
		}
		for k, want := range f.When {
			kf, ok := def.Field(k)
			if k != asked || !ok || kf.Type != TypeYesNo || want != "yes" {
				continue
			}
			if _, given := values[k]; given {
				continue
			}
			if _, answered := d.values[k]; answered {
				continue
			}
			if _, err := s.parse(m, f, v, nil); err != nil {
				continue
			}
			if implied == nil {
				implied = maps.Clone(values)
			}
			implied[k] = "yes"
		}
	}
	if implied == nil {
		return values
	}
	return implied
}

// inferSettlement answers the yes/no field tied to a location field
// (Field.SettlementOf) from the place the location just given names: a
// settlement is "yes", the seat alone "no". The municipality's list of
// settlements is surer than the citizen's idea of a village (or a guess
// of understanding), so a settlement named corrects any answer; the seat
// alone does not override an answer given with it.
func (s *Service) inferSettlement(m *municipality.Municipality, def *Definition, d *Draft, loc *Field, values map[string]string, out *outcome) {
	for i := range def.Fields {
		f := &def.Fields[i]
		if f.SettlementOf != loc.Name {
			continue
		}
		_, seat, ok := settlementIn(m, d.values[loc.Name])
		if _, given := values[f.Name]; !ok || given && seat {
			continue // nothing named, or the seat against an explicit answer
		}
		v := "yes"
		if seat {
			v = "no"
		}
		out.set(d, f, v)
	}
}

// applyInput applies values, then a location and attachments to their own
// fields whatever is asked (people often send the photo first), then the
// typed text to the field asked, unless the values already answered it.
func (s *Service) applyInput(ctx context.Context, tx Tx, m *municipality.Municipality, def *Definition, d *Draft, in Input, start bool, out *outcome) error {
	asked := out.asked
	values := in.Values
	if !start && onlyValues(in.Text, values) {
		// A message that is only contact data ("064 555 1234", "Marko
		// Jović 064…"), typed whatever is asked, offers it: that is the
		// consent it hangs on, as when the consent is asked.
		for i := range def.Fields {
			if g := &def.Fields[i]; g.Type == TypeYesNo && g.Name != asked {
				values = s.impliedYes(m, def, d, values, g.Name)
			}
		}
	}
	if len(values) > 0 {
		s.applyValues(m, def, d, values, asked, start, out)
	}
	if len(in.Attachments) > 0 {
		af := def.fieldOfType(TypeAttachments)
		if af == nil {
			out.errs = append(out.errs, FieldError{Field: "", Message: "Ovaj obrazac ne prima fotografije ni video; prilog nije sačuvan."})
		} else if err := s.addAttachments(ctx, tx, d, af, in.Attachments, out); err != nil {
			return err
		}
	}
	if in.Location != nil {
		if lf := def.fieldOfType(TypeLocation); lf != nil {
			v, err := s.parse(m, lf, "", in.Location)
			if err != nil {
				out.errs = append(out.errs, fieldError(lf, err.Error()))
			} else {
				out.set(d, lf, v)
				s.inferSettlement(m, def, d, lf, in.Values, out)
			}
		}
	}
	text := strings.TrimSpace(in.Text)
	if text != "" && len(out.touched) == 0 && len(in.Attachments) == 0 && in.Location == nil {
		if g, v, ok := swapApplies(def, d, text); ok {
			// "nije 5 nego 15": part of an earlier answer corrected.
			s.setParsed(m, def, d, g, v, out)
			return nil
		}
	}
	f, ok := def.Field(asked)
	switch {
	case !ok && text != "" && len(in.Values) == 0 && d.Status == DraftConfirming:
		// Words at the summary are never ignored silently.
		out.hint = "Prijava još nije poslata. Izaberite „Potvrdi” da je pošaljete, „Izmeni” da nešto promenite ili „Otkaži” da odustanete."
		return nil
	case !ok || out.touched[asked]:
		return nil // nothing asked, or the values answered it
	case f.Type == TypeAttachments:
		switch {
		case len(in.Attachments) > 0 || in.Location != nil || len(in.Values) > 0 && (text == "" || len(out.touched) > 0):
			// the input was a file or a place, or its text carried the values
		case f.Optional && (isRefusal(text) || declinesFile(f, text)):
			out.set(d, f, "") // "nemam sliku", "neću", "slikaću sutra": skipped
		case text != "" && f.Optional:
			out.errs = append(out.errs, fieldError(f, "pošaljite fotografiju ili video, ili izaberite „Preskoči”"))
		case text == "" && len(in.Values) == 0:
			out.errs = append(out.errs, fieldError(f, "pošaljite fotografiju ili video kao prilog"))
		}
		return nil
	case f.Type == TypeLocation && in.Location != nil:
		return nil // the shared point answered it
	case text == "" && (len(in.Values) > 0 || len(in.Attachments) > 0 || in.Location != nil):
		return nil // the input was about other fields
	}
	for _, e := range out.errs {
		if e.Field == f.Name {
			return nil // the value read for it was refused and explained: once is enough
		}
	}
	if jf := jmbgAttempt(def, d, f, text); jf != nil {
		// A number typed alone that can only be a JMBG, of a wrong length
		// ("1505985805" while another question is asked): explained, not
		// answered with the question's own choices.
		out.errs = append(out.errs, fieldError(jf, ValidateJMBG(NormalizeJMBG(text), s.now()).Error()))
		return nil
	}
	if c := revokedChoice(def, d, f); c != nil && f.Type != TypeChoice && isRefusal(text) &&
		(namesAny(text, f.About) || len(words(text)) <= 2) {
		// "nemam mejl" asked for the e-mail that electronic delivery
		// needs: that choice cannot stand; it is asked again. (A choice
		// refused is no answer: refused options, elsewhere.)
		revoke(d, c, f, out)
		return nil
	}
	if rest, ok := refusedAside(def, d, f, text, out); ok {
		if rest == "" {
			return nil // the message refused another step and said nothing of this one
		}
		text = rest // "ne, bez slike": the "ne" is still the answer asked
	}
	if name, phone, ok := sharedContact(m, text); ok && f.Type == TypeName {
		// Viber's shared contact answers the name and the phone at once.
		text = name
		defer s.fillPhone(def, d, phone, out)
	}
	if f.Type == TypeYesNo && yesNo(text) == "" && isRefusal(text) && offers(def, f) {
		// "nemam", "neću" to an offer (the consent to be contacted) is
		// its "no"; to a question of fact it says nothing.
		text = "ne"
	}
	v, err := s.parse(m, f, text, nil)
	if other, ok := otherAnswer(f, text); err != nil && ok && len(in.Values) == 0 {
		// Words that carried no value of any field state a purpose of
		// the citizen's own.
		v, err, out.echoAsked = other, nil, true
	}
	switch {
	case err != nil && len(in.Values) > 0 && (len(out.touched) > 0 || len(out.errs) > 0):
		// The text carried the values it was read for, not this answer;
		// a value refused is explained already, and the question asked
		// follows without a second complaint.
		return nil
	case err != nil:
		out.errs = append(out.errs, fieldError(f, err.Error()))
		return nil
	}
	out.set(d, f, v)
	if f.Type == TypeLocation {
		s.inferSettlement(m, def, d, f, nil, out)
	}
	return nil
}

// setParsed validates a value for f and stores it, or explains why not.
func (s *Service) setParsed(m *municipality.Municipality, def *Definition, d *Draft, f *Field, text string, out *outcome) {
	v, err := s.parse(m, f, text, nil)
	if err != nil {
		out.errs = append(out.errs, fieldError(f, err.Error()))
		return
	}
	out.set(d, f, v)
	if f.Type == TypeLocation {
		s.inferSettlement(m, def, d, f, nil, out)
	}
}

// addAttachments validates and stores attachments; every valid one is
// kept even when another is refused.
func (s *Service) addAttachments(ctx context.Context, tx Tx, d *Draft, f *Field, atts []Attachment, out *outcome) error {
	n, _ := strconv.Atoi(d.values[f.Name])
	for _, a := range atts {
		if n >= MaxAttachments {
			out.errs = append(out.errs, fieldError(f, errTooMany.Error()))
			break
		}
		data, mime, err := prepareAttachment(a)
		if err != nil {
			out.errs = append(out.errs, fieldError(f, err.Error()))
			continue
		}
		key := newStorageKey()
		if err := s.blobs.Put(ctx, d.Municipality, key, data); err != nil {
			return err
		}
		if err := tx.AddAttachment(ctx, AttachmentInfo{Municipality: d.Municipality, DraftID: d.ID, StorageKey: key,
			MIME: mime, Size: int64(len(data)), Name: a.Name}); err != nil {
			return fmt.Errorf("record attachment: %w", err)
		}
		n++
		if strings.HasPrefix(mime, "video/") {
			out.videos++
		} else {
			out.photos++
		}
	}
	if n > 0 {
		d.values[f.Name] = strconv.Itoa(n)
	}
	return nil
}

// fillPhone keeps a phone number read along with a name in the form's
// phone field, when it applies and is not answered yet.
func (s *Service) fillPhone(def *Definition, d *Draft, phone string, out *outcome) {
	for i := range def.Fields {
		f := &def.Fields[i]
		if _, answered := d.values[f.Name]; f.Type == TypePhone && !answered && f.applies(d.values) {
			out.set(d, f, phone)
			return
		}
	}
}

// refusedAside applies the refusals in a typed answer that name another
// field still to come ("nemam sliku", "ne želim da ostavim kontakt" while
// the village is asked): an optional field is skipped, a yes/no field is
// answered "no". A refusal answers what it names; taking its "ne" for the
// question asked would file a wrong answer and ask the refused step
// again. It returns the clauses left for the question asked and whether
// any refusal was applied. Free text is left alone: any words describe.
func refusedAside(def *Definition, d *Draft, asked *Field, text string, out *outcome) (string, bool) {
	if asked.Type == TypeText || asked.Type == TypeLocation {
		return text, false
	}
	var rest []string
	applied := false
	for _, c := range clauses(text) {
		g := namedField(def, d, asked, c)
		if g == nil || !refuses(c) {
			rest = append(rest, c)
			continue
		}
		if c := revokedChoice(def, d, g); c != nil {
			revoke(d, c, g, out)
			applied = true
			continue
		}
		v := ""
		if g.Type == TypeYesNo {
			v = "no"
		}
		out.set(d, g, v)
		applied = true
	}
	return strings.Join(rest, ", "), applied
}

// revokedChoice returns the choice field whose answer made the required
// field f apply (delivery "electronic" for the e-mail), when f is not
// answered yet: refusing f ("nemam mejl") takes that answer back. nil
// when f is optional or applies whatever was chosen.
func revokedChoice(def *Definition, d *Draft, f *Field) *Field {
	if f.Optional || len(f.When) != 1 || !f.applies(d.values) {
		return nil
	}
	if _, answered := d.values[f.Name]; answered {
		return nil
	}
	for k := range f.When {
		if c, ok := def.Field(k); ok && c.Type == TypeChoice {
			return c
		}
	}
	return nil
}

// revoke takes back the choice c that made the refused field f apply and
// says why; the form then asks c again.
func revoke(d *Draft, c, f *Field, out *outcome) {
	delete(d.values, c.Name)
	if out.touched == nil {
		out.touched = map[string]bool{}
	}
	out.touched[c.Name] = true
	out.errs = append(out.errs, fieldError(c, "bez podatka „"+strings.ToLower(f.Label)+"” to ne može; izaberite drugu mogućnost"))
}

// declinesFile reports whether words typed at an optional photo question,
// instead of a photo, say that none comes now: a short statement (not a
// question) with a no in it ("telefon mi ne može da slika") or speaking
// of the photo it does not send ("slikaću sutra pa pošaljem"). Asking
// again would only get the same words: the step is skipped, and a photo
// sent later is still taken.
func declinesFile(f *Field, text string) bool {
	ws := words(text)
	if len(ws) == 0 || len(ws) > 10 || isQuestion(text) {
		return false
	}
	for _, w := range ws {
		if refusalWords[w] || noWords[w] {
			return true
		}
	}
	return namesAny(text, f.About)
}

// refuses reports whether a short clause says no in any order ("nemam
// sliku", "slika nema", "bez slike").
func refuses(clause string) bool {
	ws := words(clause)
	if len(ws) == 0 || len(ws) > 5 {
		return false
	}
	for _, w := range ws {
		if refusalWords[w] {
			return true
		}
	}
	return false
}

// namedField returns the field, other than the one asked and not yet
// answered, whose About words the clause names; nil when none or several.
func namedField(def *Definition, d *Draft, asked *Field, clause string) *Field {
	var found *Field
	for i := range def.Fields {
		g := &def.Fields[i]
		if g.Name == asked.Name || len(g.About) == 0 || !(g.Optional || g.Type == TypeYesNo || revokedChoice(def, d, g) != nil) || !g.applies(d.values) {
			continue
		}
		if _, answered := d.values[g.Name]; answered {
			continue
		}
		if !namesAny(clause, g.About) {
			continue
		}
		if found != nil {
			return nil
		}
		found = g
	}
	return found
}

// namesAny reports whether a clause's words name one of the about words:
// on stems, or for a longer word on its first letters (all but the last
// two), which its case forms keep through a fleeting "a" ("snimak" /
// "snimka", "podaci" / "podatke") that stems do not follow.
func namesAny(clause string, about []string) bool {
	toks, ws := serbian.Tokens(clause), words(clause)
	for _, a := range about {
		for _, st := range serbian.Tokens(a) {
			for _, t := range toks {
				if stemMatch(t, st) {
					return true
				}
			}
		}
		f := serbian.Fold(a)
		if len(f) < 6 {
			continue
		}
		for _, w := range ws {
			if strings.HasPrefix(w, f[:len(f)-2]) && len(w) <= len(f)+3 {
				return true
			}
		}
	}
	return false
}

// clauses cuts a short answer at punctuation and at "i", "a", "ali":
// "ne, bez slike" and "nemam sliku a ni broj" are two answers each.
func clauses(text string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for _, w := range strings.Fields(text) {
		trimmed := strings.TrimRight(w, ",.;!?")
		switch serbian.Fold(trimmed) {
		case "i", "a", "ali":
			flush()
			continue
		}
		if trimmed != "" {
			cur = append(cur, trimmed)
		}
		if trimmed != w {
			flush()
		}
	}
	flush()
	return out
}

// jmbgAttempt returns the form's JMBG field, not answered yet, when a
// message asking something else is only a run of digits that no phone
// number is: no leading 0 or + (a phone written at home or abroad), 9 to
// 15 digits. Such a number is a JMBG with digits missing or too many.
func jmbgAttempt(def *Definition, d *Draft, asked *Field, text string) *Field {
	jf := def.fieldOfType(TypeJMBG)
	if jf == nil || asked.Type == TypeJMBG || !jf.applies(d.values) {
		return nil
	}
	if _, answered := d.values[jf.Name]; answered {
		return nil
	}
	n := NormalizeJMBG(text)
	if len(n) < 9 || len(n) > 15 || !onlyDigits(n) || n[0] == '0' {
		return nil
	}
	return jf
}

// onlyValues reports whether a typed message says nothing but the values
// read from it: no word is left once their words and digits are taken
// out.
func onlyValues(text string, values map[string]string) bool {
	if len(values) == 0 || strings.TrimSpace(text) == "" {
		return false
	}
	own := map[string]bool{}
	for _, v := range values {
		for _, w := range words(v) {
			own[w] = true
		}
	}
	for _, w := range words(text) {
		if !own[w] && !onlyDigits(w) {
			return false
		}
	}
	return true
}

// offers reports whether a yes/no field offers something: other fields
// are asked only after its "yes" (the consent before the name and phone).
func offers(def *Definition, f *Field) bool {
	for i := range def.Fields {
		if def.Fields[i].When[f.Name] == "yes" {
			return true
		}
	}
	return false
}
