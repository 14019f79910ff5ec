package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

//go:embed static
var static embed.FS

func mustRead(name string) []byte {
	b, err := static.ReadFile("static/" + name)
	if err != nil {
		panic(err)
	}
	return b
}

var (
	widgetSource = mustRead("widget.js")
	widgetCSS    = mustRead("widget.css")
	openAPIDoc   = mustRead("openapi.json")
	demoTmpl     = template.Must(template.New("demo").Parse(string(mustRead("demo.html"))))
)

// widgetTexts are the widget's own words, in Latin; the Cyrillic set is
// transliterated from them when the handler is built.
var widgetTexts = map[string]string{
	"open":        "Pitajte MIA",
	"title":       "MIA — digitalni asistent",
	"close":       "Zatvori čet",
	"notice":      "Razgovarate sa automatizovanim asistentom, ne sa službenikom. Odgovori se zasnivaju na zvaničnim dokumentima lokalne samouprave; za hitne slučajeve pozovite 112.",
	"welcome":     "Dobar dan! Postavite pitanje o uslugama lokalne samouprave, npr. gde se predaje zahtev ili koliko košta taksa.",
	"label":       "Vaše pitanje",
	"placeholder": "Napišite pitanje…",
	"send":        "Pošalji",
	"typing":      "MIA piše odgovor…",
	"answered":    "MIA je odgovorila.",
	"sources":     "Izvori",
	"changed":     "izmenjeno",
	"quick":       "Predlozi pitanja",
	"you":         "Vi",
	"mia":         "MIA",
	"script":      "Ćirilica",
	"scriptLabel": "Prikaži tekst čet prozora ćirilicom",
	"error":       "Odgovor trenutno nije moguće dobiti. Pokušajte ponovo.",
	"rate":        "Previše poruka u kratkom vremenu. Sačekajte malo pa pokušajte ponovo.",
	"tooLong":     "Poruka je predugačka. Skratite je i pošaljite ponovo.",
	"newChat":     "Novi razgovor",
	"noticeMore":  "Više", // opens the notice a short screen shows in part
	"noticeLess":  "Manje",
	// Photos, video and the location, for citizen-service forms.
	"photo":          "Dodaj fotografiju ili video",
	"location":       "Podeli moju lokaciju",
	"chosen":         "Izabrani prilozi",
	"previewAlt":     "Pregled fotografije",
	"remove":         "Ukloni priloge",
	"tooMany":        "Najviše 5 priloga u jednoj poruci; poslaće se prvih 5.",
	"fileTooBig":     "Prilog je prevelik. Fotografija može imati najviše 10 MB, a video 50 MB.",
	"mediaNoForm":    "Fotografiju ili video možete poslati uz prijavu komunalnog problema. Napišite šta želite da prijavite, pa pošaljite prilog kada Vas MIA pita za njega.",
	"uploadBusy":     "Trenutno se šalje mnogo priloga. Pokušajte ponovo za minut.",
	"locating":       "Određujem lokaciju…",
	"geoDenied":      "Pristup lokaciji nije dozvoljen. Dozvolite ga u podešavanjima pregledača ili upišite adresu (ulica i broj, mesto).",
	"geoUnavailable": "Lokaciju nije moguće odrediti na ovom uređaju. Upišite adresu (ulica i broj, mesto).",
	"locationSent":   "lokacija",
	"photoSent":      "fotografija",
	"videoSent":      "video",
	"noText":         "(izbor, lokacija ili prilog)",
	"staff":          "Službenik", // a staff member's reply, live (live.go)
	// First-run help, and starting anew while a form or a case is in this
	// conversation (history.go); {1} is the case's reference.
	"suggested":   "Česta pitanja",
	"confirmForm": "Imate obrazac koji još nije poslat. Ako započnete novi razgovor, obrazac neće biti poslat. Da li želite novi razgovor?",
	"confirmCase": "Vaša prijava {1} je zavedena. Sačuvajte broj prijave da biste mogli da pratite njen status. Da li želite novi razgovor?",
	"confirmYes":  "Započni novi razgovor",
	"confirmNo":   "Nastavi ovaj razgovor",
	"lastCase":    "Broj Vaše poslednje prijave:",
	// Rating an answer (feedback.go).
	"rateQuestion":        "Da li je odgovor koristan?",
	"rateUp":              "Da, odgovor je koristan",
	"rateDown":            "Ne, odgovor nije koristan",
	"rateThanks":          "Hvala na oceni.",
	"rateDownThanks":      "Hvala. Ako želite, recite nam šta nije bilo u redu.",
	"talkToPerson":        "Razgovor sa službenikom",
	"rateFailed":          "Ocena nije poslata. Pokušajte ponovo.",
	"reasonLegend":        "Šta nije bilo u redu? (nije obavezno)",
	"reasonWrong":         "Pogrešno",
	"reasonOutdated":      "Zastarelo",
	"reasonNotUnderstood": "Nisam razumeo/la",
	"reasonOther":         "Drugo",
	"reasonComment":       "Napišite ukratko (nije obavezno)",
	"reasonSend":          "Pošalji ocenu",
	"reasonThanks":        "Hvala! Vaša ocena nam pomaže da dopunimo odgovore.",
}

// buildWidget puts the texts in both scripts and the stylesheet into
// widget.js. The texts come in ekavian and, for the municipalities whose
// official Serbian is ijekavian (reg lists them), ijekavian: the widget
// picks the set by its data-municipality.
func buildWidget(reg *municipality.Registry) ([]byte, error) {
	scripts := func(say func(string) string) map[string]map[string]string {
		lat := make(map[string]string, len(widgetTexts))
		cyr := make(map[string]string, len(widgetTexts))
		for k, v := range widgetTexts {
			lat[k] = say(v)
			cyr[k] = serbian.ToCyrillic(lat[k])
		}
		cyr["script"] = "Latinica"
		cyr["scriptLabel"] = serbian.ToCyrillic(say("Prikaži tekst čet prozora latinicom"))
		return map[string]map[string]string{"lat": lat, "cyr": cyr}
	}
	ijekavian := []string{}
	for _, m := range reg.All() {
		if m.IsIjekavian() {
			ijekavian = append(ijekavian, m.Slug)
		}
	}
	texts, err := json.Marshal(map[string]any{
		"ekavian":        scripts(func(s string) string { return s }),
		"ijekavian":      scripts(serbian.Ijekavian),
		"ijekavianSlugs": ijekavian,
	})
	if err != nil {
		return nil, err
	}
	css, err := json.Marshal(string(widgetCSS))
	if err != nil {
		return nil, err
	}
	out := widgetSource
	for marker, v := range map[string][]byte{"/*TEXTS*/null": texts, "/*CSS*/null": css} {
		if !bytes.Contains(out, []byte(marker)) {
			return nil, fmt.Errorf("web: widget.js lacks %s", marker)
		}
		out = bytes.Replace(out, []byte(marker), v, 1)
	}
	return out, nil
}

func (h *Handler) widgetJS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(h.widget)
}

func (h *Handler) widgetCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(widgetCSS)
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*") // a public description
	_, _ = w.Write(openAPIDoc)
}

type demoView struct {
	Slug, Name, NameCyr, Address, Phone, Email, Hours string
}

// demoPage is a Sombor-styled city page with the widget on it.
func (h *Handler) demoPage(w http.ResponseWriter, r *http.Request) {
	m := h.cfg.Municipalities.Default()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	setCSP(w, demoCSP(m))
	err := demoTmpl.Execute(w, demoView{Slug: m.Slug, Name: m.Name, NameCyr: m.NameCyr, Address: m.Address,
		Phone: m.Phone, Email: m.Email, Hours: m.OfficeHours})
	if err != nil {
		h.cfg.Log.ErrorContext(r.Context(), "render demo page", "err", err)
	}
}
