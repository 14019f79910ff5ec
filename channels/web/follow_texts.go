package web

import "maps"

// followTexts are the widget's words for following a case (follow.go),
// kept beside the feature and merged into widgetTexts before any handler
// builds the widget.
var followTexts = map[string]string{
	"followOpen":     "Pratite prijavu",
	"followRef":      "Broj prijave",
	"followContact":  "Telefon ili e-pošta iz prijave",
	"followSend":     "Prikaži status",
	"followWait":     "Proveravam…",
	"followNotFound": "Nismo pronašli prijavu s tim brojem i kontaktom. Proverite broj prijave i telefon ili e-poštu koje ste naveli u prijavi.",
	"followBad":      "Upišite broj prijave i broj telefona ili adresu e-pošte koju ste dali u prijavi.",
}

func init() { maps.Copy(widgetTexts, followTexts) }
