package forms

import (
	"math"
	"strings"
	"testing"

	"github.com/miasrbija/mia/municipality"
)

func TestParseTypedPoint(t *testing.T) {
	t.Parallel()
	const lat, lon = 45.7733, 19.1151 // Sombor, Trg cara Uroša
	tests := []struct {
		name, text string
		lat, lon   float64
	}{
		{"geo URI", "geo:45.7733,19.1151", lat, lon},
		{"geo URI upper case", "GEO:45.7733,19.1151", lat, lon},
		{"geo URI with altitude", "geo:45.7733,19.1151,90", lat, lon},
		{"geo URI with uncertainty", "geo:45.7733,19.1151;u=35", lat, lon},
		{"geo URI with crs and u", "geo:45.7733,19.1151;crs=wgs84;u=12.5", lat, lon},
		{"geo URI Android query", "geo:0,0?q=45.7733,19.1151(Kontejner)", lat, lon},
		{"geo URI in a sentence", "evo gde je: geo:45.7733,19.1151.", lat, lon},
		{"decimal", "45.7733, 19.1151", lat, lon},
		{"decimal no space", "45.7733,19.1151", lat, lon},
		{"decimal space", "45.7733 19.1151", lat, lon},
		{"decimal semicolon", "45.7733; 19.1151", lat, lon},
		{"decimal comma", "45,7733 19,1151", lat, lon},
		{"decimal comma and separator", "45,7733, 19,1151", lat, lon},
		{"decimal with words", "45.7733, 19.1151 kod pijace", lat, lon},
		{"DMS", `45°46'23.9"N 19°06'54.4"E`, 45.773306, 19.115111},
		{"DMS typographic", "45° 46′ 23.9″ N, 19° 6′ 54.4″ E", 45.773306, 19.115111},
		{"DMS two apostrophes", "45°46'23.9''N 19°06'54.4''E", 45.773306, 19.115111},
		{"DMS hemisphere first", "N 45°46.398' E 19°06.906'", 45.7733, 19.1151},
		{"DMS longitude first", `19°06'54.4"E 45°46'23.9"N`, 45.773306, 19.115111},
		{"DMS Serbian", `45°46'23.9"S 19°06'54.4"I`, 45.773306, 19.115111},
		{"decimal degrees with hemispheres", "45.7733° N, 19.1151° E", lat, lon},
		{"south and west", `33°51'35"S 151°12'40"E`, -33.859722, 151.211111},
		{"Google place pin", "https://www.google.com/maps/place/Trg+cara+Uro%C5%A1a,+Sombor/@45.77,19.11,17z/data=!3m1!4b1!4m6!3m5!1s0x0:0x0!8m2!3d45.7733!4d19.1151", lat, lon},
		{"Google view", "https://www.google.com/maps/@45.7733,19.1151,17z", lat, lon},
		{"Google q", "https://maps.google.com/?q=45.7733,19.1151", lat, lon},
		{"Google api query", "https://www.google.com/maps/search/?api=1&query=45.7733%2C19.1151", lat, lon},
		{"Google search path", "https://www.google.com/maps/search/45.7733,+19.1151", lat, lon},
		{"Google place path", "https://www.google.com/maps/place/45.7733,19.1151", lat, lon},
		{"OSM marker", "https://www.openstreetmap.org/?mlat=45.7733&mlon=19.1151#map=18/45.77/19.11", lat, lon},
		{"OSM view", "https://www.openstreetmap.org/#map=18/45.7733/19.1151", lat, lon},
		{"Apple", "https://maps.apple.com/?ll=45.7733,19.1151&q=Prijava", lat, lon},
		{"link in a sentence", "Ovde je (https://maps.google.com/?q=45.7733,19.1151).", lat, lon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotLat, gotLon, found, err := parseTypedPoint(tt.text)
			if err != nil || !found {
				t.Fatalf("parseTypedPoint(%q) = found %v, err %v", tt.text, found, err)
			}
			if math.Abs(gotLat-tt.lat) > 1e-5 || math.Abs(gotLon-tt.lon) > 1e-5 {
				t.Fatalf("parseTypedPoint(%q) = %.6f, %.6f; want %.6f, %.6f", tt.text, gotLat, gotLon, tt.lat, tt.lon)
			}
		})
	}

	addresses := []string{"Apatinski put 12, Sombor", "Trg cara Uroša 1, 25000 Sombor", "Kralja Petra I 5", "ugao Zmaj Jovine i 12. ulice"}
	for _, a := range addresses {
		if _, _, found, err := parseTypedPoint(a); found || err != nil {
			t.Errorf("address %q read as a point (found %v, err %v)", a, found, err)
		}
	}
	refused := []string{"https://maps.app.goo.gl/AbCdEf123", "geo:abc", "geo:45.7,19.1;crs=EPSG:3857", "https://www.sombor.rs/"}
	for _, r := range refused {
		if _, _, found, err := parseTypedPoint(r); found || err == nil {
			t.Errorf("%q: found %v, err %v; want an explanation", r, found, err)
		}
	}
}

// TestLocationTerritory is the regression test of issue 15: a typed geo:
// URI (or a map link) took no territory check, and the check was a
// rectangle that took in Apatin. Every form now meets the boundary.
func TestLocationTerritory(t *testing.T) {
	t.Parallel()
	reg, err := municipality.Load("")
	if err != nil {
		t.Fatal(err)
	}
	m := reg.Default()
	f := &Field{Name: "location", Label: "Lokacija", Type: TypeLocation}
	const outside = "van teritorije"
	tests := []struct {
		name string
		text string
		loc  *Location
		want string // stored value, or the substring of the error
	}{
		{"shared point in Sombor", "", &Location{Lat: 45.7733, Lon: 19.1151}, "geo:45.773300,19.115100"},
		{"typed geo in Sombor", "geo:45.7733,19.1151;u=20", nil, "geo:45.773300,19.115100"},
		{"typed geo in Bački Monoštor", "geo:45.7833,18.9333", nil, "geo:45.783300,18.933300"},
		{"address", "Apatinski put 12, Sombor", nil, "Apatinski put 12, Sombor"},
		// Apatin lies inside the old rectangle, outside the boundary.
		{"typed geo in Apatin", "geo:45.6710,18.9847", nil, outside},
		{"shared point in Apatin", "", &Location{Lat: 45.6710, Lon: 18.9847}, outside},
		{"DMS in Apatin", `45°40'15.6"N 18°59'04.9"E`, nil, outside},
		{"map link to Baja", "https://www.google.com/maps/@46.1811,18.9536,15z", nil, outside},
		{"geo in Novi Sad", "geo:45.2671,19.8335", nil, outside},
		{"address field holding geo", "", &Location{Address: "geo:46.1000,19.6667"}, outside},
		// A client's label does not replace the point it came with.
		{"Viber point with a Sombor label", "", &Location{Lat: 45.6710, Lon: 18.9847, Address: "Sombor"}, outside},
		{"not a number", "", &Location{Lat: math.NaN(), Lon: 19.1}, "koordinate nisu ispravne"},
		{"short link", "https://maps.app.goo.gl/AbCdEf123", nil, "linka"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseValue(m, f, tt.text, tt.loc, testNow)
			if strings.HasPrefix(tt.want, "geo:") || err == nil {
				if err != nil || got != tt.want {
					t.Fatalf("= %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
