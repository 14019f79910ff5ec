package assistant

import (
	"context"
	"maps"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/miasrbija/mia/forms"
	"github.com/miasrbija/mia/nlu"
)

// formMove is what a typed message does to the form in progress: answer
// it, step aside from it, or act as one of the form's buttons (the move
// is then the button's payload).
type formMove string

const (
	moveAnswer    formMove = ""
	moveAside     formMove = "aside"     // a question or small talk: answered, the form waits
	moveEmergency formMove = "emergency" // answered first by the router; the form waits
	moveCancel             = formMove(forms.PayloadCancel)
	moveConfirm            = formMove(forms.PayloadConfirm)
	moveChange             = formMove(forms.PayloadChange)
	moveSkip               = formMove(forms.PayloadSkip)
)

// readMove reads a typed message inside a form. The classifier was given
// the form, so a message that only gives values reads as nlu.Inform; a
// message the classifier is unsure of is an answer, and the form's own
// validation has the last word. A value understood for the question being
// asked makes the message an answer whatever else it seems to be.
func readMove(r nlu.Result, raw string, d *forms.Draft, media bool) formMove {
	svc := emergencyOf(routeWords(raw))
	_, answers := r.Slots[d.Current]
	answers = answers && d.Current != ""
	switch {
	case svc != "" && (r.Intent == nlu.Emergency || r.Clarify):
		return moveEmergency // a danger word the classifier reads so too, or is unsure of
	case r.Intent == nlu.Emergency && !answers:
		return moveEmergency
	}
	// The classifier alone saw an emergency in a value for the question
	// asked ("ulaz u Kljajićevo iz pravca Sombora" for the place): with no
	// danger word in it, it is the answer.
	f := currentField(d)
	if cancelsForm(raw) && (f == nil || f.Meaning != forms.MeaningMessage) {
		return moveCancel // "ipak ništa, otkaži prijavu" whatever else it names
	}
	if r.Clarify || media {
		return moveAnswer
	}
	if answers && !(r.Intent == nlu.Info && f != nil && isOption(f) && asksFact(raw)) {
		// An option named in a question asking something else ("Koliko
		// košta odvoz kabastog otpada?" at the category) is no answer.
		return moveAnswer
	}
	if changesAnswer(r, raw, d) || reanswers(r, raw, d) || d.Swaps(raw) {
		// "ne, lično ću preuzeti" at the summary changes the delivery, "nije
		// 5 nego 15" a house number; neither asks for the change menu.
		return moveAnswer
	}
	if f != nil && f.Meaning == forms.MeaningMessage {
		return moveAnswer // a message for staff may ask anything
	}
	if r.Intent == nlu.Deny && len(formValues(r, raw, d)) > 0 {
		// "ne znam tačno broj, kod prodavnice" at the photo question says
		// where, not "skip".
		return moveAnswer
	}
	switch r.Intent {
	case nlu.Cancel:
		// A word or two ("neću", "ne želim") to a yes/no or optional
		// question is its answer; a sentence ("ma ništa, odustajem od
		// prijave") leaves the form.
		if f != nil && (f.Type == forms.TypeYesNo || f.Optional) && len(routeWords(raw)) <= 2 {
			return moveAnswer
		}
		return moveCancel
	case nlu.Confirm:
		if f == nil {
			return moveConfirm
		}
	case nlu.Deny:
		switch {
		case f == nil:
			return moveChange
		case f.Optional && f.Type == forms.TypeAttachments:
			return moveSkip
		}
	case nlu.Info, nlu.Status, nlu.Handover, nlu.Greeting, nlu.Thanks, nlu.OutOfScope, nlu.Abuse:
		return moveAside
	}
	return moveAnswer
}

// currentField returns the field being asked, nil at the summary.
func currentField(d *forms.Draft) *forms.Field {
	def, ok := forms.Lookup(d.Form)
	if !ok || d.Current == "" {
		return nil
	}
	f, ok := def.Field(d.Current)
	if !ok {
		return nil
	}
	return f
}

// formValues are the slots a message inside a form fills. The question
// being asked takes its understood value (a choice matched by synonyms,
// a JMBG out of "Petar Petrović, JMBG …"), except free text, which the
// message itself answers. Other fields are filled when still empty, and
// changed only when the citizen corrects them ("ipak nije rasveta nego
// kontejner", "ipak mi pošaljite poštom") or, at the summary, names
// another option. A description is taken only as the answer to its own
// question or a correction: any message describes something.
func formValues(r nlu.Result, raw string, d *forms.Draft) map[string]string {
	def, ok := forms.Lookup(d.Form)
	if !ok {
		return nil
	}
	correct := corrects(r, raw)
	changed := !correct && reanswers(r, raw, d)
	out := map[string]string{}
	for k, v := range r.Slots {
		f, ok := def.Field(k)
		if !ok {
			continue // case_ref and the like belong to no field
		}
		switch {
		case k == d.Current:
			if f.Type != forms.TypeText && f.Type != forms.TypeLocation {
				out[k] = v
			}
		case f.Type == forms.TypeText:
			if correct {
				out[k] = v
			}
		case d.Value(k) == "":
			out[k] = v
		case f.Type == forms.TypeLocation && refinesPlace(d.Value(k), v):
			// "kod prodavnice" said after "Stapar, Dožetova" places it
			// better; it replaces nothing.
			out[k] = d.Value(k) + ", " + v
		case f.Type == forms.TypeLocation && placesLandmark(d.Value(k), v):
			// "Apatinski put 22" said after "ispred zgrade" names the
			// place the landmark stands at; the landmark stays.
			out[k] = v + ", " + d.Value(k)
		case correct && (f.Type != forms.TypeLocation || namesPlace(v)):
			// A correction names what changes; a landmark said in passing
			// ("kontejner pored stuba") does not replace an address.
			out[k] = v
		case (d.Current == "" || changed) && isOption(f) && d.Value(k) != v:
			// At the summary an option typed is the change wanted, and so
			// is one named instead of the answer asked for.
			out[k] = v
		}
	}
	if d.Current == "" || correct {
		// Contact data given at the summary or as a correction ("ipak me
		// kontaktirajte, Marko 064…") is the consent it was refused with:
		// the yes/no field it hangs on turns to yes, and the data is kept.
		for k := range out {
			f, _ := def.Field(k)
			for y, want := range f.When {
				if g, ok := def.Field(y); ok && g.Type == forms.TypeYesNo && want == "yes" && d.Value(y) != "yes" {
					out[y] = "yes"
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// corrects reports whether a message inside a form corrects an earlier
// answer: so classified, or saying so in words.
func corrects(r nlu.Result, raw string) bool {
	return r.Intent == nlu.Correct || nlu.Corrects(raw)
}

// isOption reports whether a field's value is one of fixed options.
func isOption(f *forms.Field) bool {
	return f.Type == forms.TypeChoice || f.Type == forms.TypeYesNo
}

// changedOptions reads a field named with two of its options, one of
// them its current answer, as the change to the other ("zaboravite
// šalter, neka ga donese poštar" after "Lično"): nobody corrects an
// answer to what it already is. Whether the message changes anything at
// all is readMove's to decide.
func changedOptions(r nlu.Result, d *forms.Draft) map[string]string {
	var out map[string]string
	for k, vs := range r.Named {
		cur := d.Value(k)
		if cur == "" || r.Slots[k] != cur {
			continue
		}
		for i := len(vs) - 1; i >= 0; i-- {
			if vs[i] != cur {
				if out == nil {
					out = maps.Clone(r.Slots)
				}
				out[k] = vs[i]
				break
			}
		}
	}
	if out == nil {
		return r.Slots
	}
	return out
}

// changesAnswer reports whether a message names another option for a
// field already answered, as a correction (or at the summary, where any
// option typed is a change): it is then an answer whatever the
// classifier took it for ("ne, lično ću preuzeti" reads as a no), unless
// the classifier is sure it leaves the form.
func changesAnswer(r nlu.Result, raw string, d *forms.Draft) bool {
	def, ok := forms.Lookup(d.Form)
	switch {
	case !ok || !(d.Current == "" || corrects(r, raw)):
		return false
	case r.Intent == nlu.Info && strings.Contains(raw, "?") && !nlu.Corrects(raw) && !asksFor(raw):
		// A question naming an option ("a poštom koliko traje?") is
		// answered aside; a request ("a može li ipak poštom?", "može
		// li preko pošte?") asks for the change.
		return false
	case r.Intent == nlu.Cancel && !r.Clarify:
		return false // "ipak ništa, odustajem, sestra će podići izvod"
	}
	for k, v := range r.Slots {
		if f, ok := def.Field(k); ok && isOption(f) && d.Value(k) != "" && d.Value(k) != v {
			return true
		}
	}
	return false
}

// reanswers reports whether a message names another option for a field
// answered before, with or without the answer asked for: "ne mogu da
// dođem, pošaljite ga poštom" or "064…, i neka stigne poštom" at the
// contact question, after "lično", changes the delivery though it says no
// "ipak". Free-text questions are left out (any message answers them, and
// names things in passing), and so are questions asking something ("a
// poštom koliko traje?"), but not requests ("a da mi ga pošaljete na
// adresu?", "može li poštom?").
func reanswers(r nlu.Result, raw string, d *forms.Draft) bool {
	f := currentField(d)
	switch {
	case f == nil || f.Type == forms.TypeText || f.Type == forms.TypeLocation || f.Meaning == forms.MeaningMessage:
		return false
	case r.Intent == nlu.Cancel && !r.Clarify:
		return false
	case strings.Contains(raw, "?") && !asksFor(raw):
		return false
	}
	def, ok := forms.Lookup(d.Form)
	if !ok {
		return false
	}
	for k, v := range r.Slots {
		if g, ok := def.Field(k); ok && k != d.Current && isOption(g) && d.Value(k) != "" && d.Value(k) != v {
			return true
		}
	}
	return false
}

// Questions that ask for something to be done ("može li…", "da li
// možete…", "a da mi…") rather than for a fact: no interrogative word,
// a modal or a "da mi" request.
var (
	whWords     = wordSet("koliko kolko kada kad gde gdje sta sto kako zasto zasta ko koga kome koji koja koje kojim kakav kakva kakvo dokle odakle kuda cemu cega")
	requestCues = wordSet("moze mozete mogu moguce mogli biste bi hocete hoce")
)

// asksFact reports whether a message asks for a fact: a question with an
// interrogative word.
func asksFact(raw string) bool {
	if !strings.Contains(raw, "?") {
		return false
	}
	for _, w := range routeWords(raw) {
		if whWords[w] {
			return true
		}
	}
	return false
}

// asksFor reports whether a question is a request. An alternative
// question ("može li poštom ili samo lično?") asks what is possible, and
// requests nothing.
func asksFor(raw string) bool {
	ws := routeWords(raw)
	request := false
	for i, w := range ws {
		if whWords[w] || w == "ili" {
			return false
		}
		request = request || requestCues[w] || w == "da" && i+1 < len(ws) && (ws[i+1] == "mi" || ws[i+1] == "nam")
	}
	return request
}

// aside answers a message that is not meant for the open form (a question,
// a greeting, a request for a person) and then reminds the citizen of the
// form with its current question and buttons. Nothing is stored in the
// form.
func (e *Engine) aside(ctx context.Context, st *turnState, t Turn, d *forms.Draft) error {
	if err := e.route(ctx, st, t, st.text); err != nil {
		return err
	}
	if st.reply.Route == RouteForm || st.reply.Route == RouteFormStart {
		return nil // routing itself resumed the form
	}
	step, err := e.cfg.Forms.Start(ctx, forms.StartInput{
		ConversationID: st.conv, Municipality: st.m.Slug, Channel: string(t.Channel), ChannelUser: t.UserID, Form: d.Form,
	})
	if err != nil {
		return err
	}
	more := "\n\n" + mirror(step.Prompt, st.script)
	st.reply.Text += more
	if st.record != "" && st.recordOf != "" {
		st.record, st.recordOf = st.record+more, st.reply.Text
	}
	var buttons []QuickReply
	for _, b := range step.Buttons {
		buttons = append(buttons, QuickReply{Label: mirror(b.Label, st.script), Payload: b.Payload})
	}
	st.reply.QuickReplies = buttons
	st.emit(Event{Kind: EventDelta, Text: more})
	if len(buttons) > 0 {
		st.emit(Event{Kind: EventQuickReply, QuickReplies: buttons})
	}
	return nil
}

// namesPlace reports whether a location names a place of its own: a house
// number or a proper name (a street, a settlement), not only a landmark.
func namesPlace(v string) bool {
	ws := strings.Fields(v)
	for i, w := range ws {
		r, _ := utf8.DecodeRuneInString(w)
		// A capital inside ("kod škole Avram Mrazović") or alone ("Kolut",
		// a settlement) names a place; a sentence's first capital does not.
		if unicode.IsDigit(r) || (i > 0 || len(ws) == 1) && unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// landmarkWords open a landmark ("kod škole", "preko puta pošte").
var landmarkWords = wordSet("kod pored ispred iza preko blizu uz izmedju naspram")

// refinesPlace reports whether a landmark given later places the location
// given before more precisely: it names no place of its own (that would
// be another place, a correction's business), is not in it already, and
// the location has no landmark yet.
func refinesPlace(old, v string) bool {
	ws := routeWords(v)
	if len(ws) == 0 || !landmarkWords[ws[0]] || namesPlace(v) {
		return false
	}
	for _, w := range routeWords(old) {
		if landmarkWords[w] {
			return false
		}
	}
	return !strings.Contains(strings.Join(routeWords(old), " "), strings.Join(ws, " "))
}

// placesLandmark reports whether a place given later is where a location
// given before as a landmark alone ("ispred zgrade", "kod škole") stands:
// the new one names a place of its own and no landmark, the old one names
// no place. The reverse of refinesPlace.
func placesLandmark(old, v string) bool {
	ow, nw := routeWords(old), routeWords(v)
	if len(ow) == 0 || len(nw) == 0 || !landmarkWords[ow[0]] || namesPlace(old) || !namesPlace(v) {
		return false
	}
	for _, w := range nw {
		if landmarkWords[w] {
			return false
		}
	}
	return true
}

// Cancelling a form in words: "odustajem" (and its forms) anywhere, or an
// imperative of otkazati/prekinuti with the form as its object ("otkaži
// prijavu", "prekinite zahtev"), in a message that is not a question.
// The object keeps a description ("prekinite to bacanje smeća") from
// reading as a cancel.
var (
	giveUpWords   = wordSet("odustajem odustajemo odustani odustanite")
	cancelVerbs   = wordSet("otkazi otkazite prekini prekinite obrisi obrisite ponisti ponistite")
	cancelObjects = wordSet("prijavu zahtev zahtjev obrazac formular izvod poruku")
)

// cancelsForm reports whether a typed message cancels the form in
// progress, wherever in it the cancel stands ("ipak ništa, otkaži
// prijavu, komšija je već zvao").
func cancelsForm(raw string) bool {
	if strings.Contains(raw, "?") {
		return false
	}
	ws := routeWords(raw)
	for i, w := range ws {
		if i > 0 && ws[i-1] == "ne" {
			continue // "ne odustajem"
		}
		if giveUpWords[w] || cancelVerbs[w] && i+1 < len(ws) && cancelObjects[ws[i+1]] {
			return true
		}
	}
	return false
}
