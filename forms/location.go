package forms

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/miasrbija/mia/municipality"
)

// A location field takes a shared point (a browser's or Viber's location
// object) or text. Text may itself be a point in any form a phone or a
// map gives, and every such point is checked against the municipality's
// territory like a shared one: otherwise a typed "geo:" URI or a pasted
// map link would file a report for a place the city does not serve.

// errLinkWithoutPoint is a link or URI that names no readable point: a
// short link (maps.app.goo.gl) cannot be followed here.
var errLinkWithoutPoint = errors.New("iz ovog linka ne mogu da pročitam tačku na mapi. Podelite lokaciju dugmetom ili upišite adresu (ulica i broj, mesto)")

var errBadPoint = errors.New("koordinate nisu ispravne. Podelite lokaciju dugmetom ili upišite adresu (ulica i broj, mesto)")

// locationValue validates a location field's answer: a shared point, or
// typed text that is a point (any form parseTypedPoint reads) or an
// address. Points are stored as "geo:LAT,LON" once inside the territory.
func locationValue(m *municipality.Municipality, text string, loc *Location) (string, error) {
	if loc != nil && (loc.Lat != 0 || loc.Lon != 0) {
		// A shared point wins over the label a client sends with it
		// (Viber's address text): the point is what must be in the city.
		return pointValue(m, loc.Lat, loc.Lon)
	}
	if loc != nil {
		text = strings.TrimSpace(loc.Address)
	}
	lat, lon, found, err := parseTypedPoint(text)
	if err != nil {
		return "", err
	}
	if found {
		return pointValue(m, lat, lon)
	}
	if n := utf8.RuneCountInString(text); n < 3 || n > 300 {
		return "", fmt.Errorf("upišite adresu (ulica i broj, mesto) ili podelite lokaciju")
	}
	if err := checkPlace(m, text); err != nil {
		return "", err
	}
	return text, nil
}

// pointValue stores a point as "geo:LAT,LON" after checking it lies in the
// municipality's territory (its boundary polygon; see
// municipality.Municipality.InTerritory).
func pointValue(m *municipality.Municipality, lat, lon float64) (string, error) {
	if !validPoint(lat, lon) {
		return "", errBadPoint
	}
	if !m.InTerritory(lat, lon) {
		return "", fmt.Errorf("lokacija koju ste podelili je van teritorije: %s prima prijave samo za svoje područje. Podelite lokaciju na mestu problema ili upišite adresu", m.Name)
	}
	return fmt.Sprintf("geo:%.6f,%.6f", lat, lon), nil
}

func validPoint(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 &&
		(lat != 0 || lon != 0) // Null Island: a failed fix, not a place
}

var (
	// linkRE finds a link or geo: URI inside a message ("evo: https://…").
	linkRE = regexp.MustCompile(`(?i)(?:https?://|geo:)\S+`)
	// decimalPairRE is a whole answer "LAT, LON" in decimal degrees; a
	// decimal comma (45,7733 19,1151) is accepted too.
	decimalPairRE = regexp.MustCompile(`^([-+]?\d{1,3}[.,]\d+)\s*(?:[,;/]\s*|\s+)([-+]?\d{1,3}[.,]\d+)$`)
	// pairAnywhereRE finds "LAT, LON" in decimal degrees inside a longer
	// answer ("45.77331, 19.11512 kod pijace"); no address reads so.
	pairAnywhereRE = regexp.MustCompile(`(?:^|[^\d.,])([-+]?\d{1,2}\.\d{3,})\s*,\s*([-+]?\d{1,3}\.\d{3,})(?:$|[^\d.])`)
	// pairInRE finds "LAT,LON" inside a link's parameter or path.
	pairInRE = regexp.MustCompile(`([-+]?\d{1,3}\.\d+)\s*,\s*([-+]?\d{1,3}\.\d+)`)
	// googlePinRE is the dropped pin of a Google Maps place link
	// (…/data=!3d45.7733!4d19.1151), more exact than the view's centre.
	googlePinRE = regexp.MustCompile(`!3d([-+]?\d{1,3}\.\d+)!4d([-+]?\d{1,3}\.\d+)`)
	// googleViewRE is a Google Maps view "@LAT,LON,ZOOMz".
	googleViewRE = regexp.MustCompile(`@([-+]?\d{1,3}\.\d+),([-+]?\d{1,3}\.\d+)`)
	// osmMapRE is an OpenStreetMap fragment "map=ZOOM/LAT/LON".
	osmMapRE = regexp.MustCompile(`map=\d+(?:\.\d+)?/([-+]?\d{1,3}\.\d+)/([-+]?\d{1,3}\.\d+)`)
)

// parseTypedPoint reads a point from a citizen's text: a geo: URI (RFC
// 5870, with ;crs= and ;u= parameters, or Android's geo:0,0?q=LAT,LON), a
// Google Maps, OpenStreetMap, Apple Maps or similar link carrying
// coordinates, decimal degrees "45.7733, 19.1151", or degrees, minutes
// and seconds "45°46'24"N 19°06'54"E". found is false for text that is
// none of these (an address); err explains a link or URI that holds no
// usable point.
func parseTypedPoint(text string) (lat, lon float64, found bool, err error) {
	text = strings.TrimSpace(text)
	if link := linkRE.FindString(text); link != "" {
		link = strings.TrimRight(link, ".,;)»”\"'")
		var ok bool
		if strings.HasPrefix(strings.ToLower(link), "geo:") {
			lat, lon, ok, err = parseGeoURI(link)
		} else {
			lat, lon, ok = parseMapLink(link)
		}
		if err != nil {
			return 0, 0, false, err
		}
		if !ok {
			return 0, 0, false, errLinkWithoutPoint
		}
		return lat, lon, true, nil
	}
	if p := decimalPairRE.FindStringSubmatch(text); p != nil {
		lat, err1 := strconv.ParseFloat(strings.Replace(p[1], ",", ".", 1), 64)
		lon, err2 := strconv.ParseFloat(strings.Replace(p[2], ",", ".", 1), 64)
		if err1 != nil || err2 != nil {
			return 0, 0, false, errBadPoint
		}
		return lat, lon, true, nil
	}
	if lat, lon, ok, err := parseDMS(text); ok || err != nil {
		return lat, lon, ok, err
	}
	if p := pairAnywhereRE.FindStringSubmatch(text); p != nil {
		return pairFloats(p)
	}
	return 0, 0, false, nil
}

// parseGeoURI reads "geo:LAT,LON[,ALT][;crs=wgs84][;u=UNCERTAINTY][?q=…]".
// A coordinate reference system other than WGS 84 is refused: its numbers
// are not degrees on the map the territory is drawn on.
func parseGeoURI(uri string) (lat, lon float64, ok bool, err error) {
	rest := uri[len("geo:"):]
	rest, query, _ := strings.Cut(rest, "?")
	coords, params, _ := strings.Cut(rest, ";")
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(k, "crs") && !strings.EqualFold(v, "wgs84") {
			return 0, 0, false, errBadPoint
		}
	}
	parts := strings.Split(coords, ",")
	if len(parts) == 2 || len(parts) == 3 {
		lat, err1 := strconv.ParseFloat(parts[0], 64)
		lon, err2 := strconv.ParseFloat(parts[1], 64)
		if err1 == nil && err2 == nil && (lat != 0 || lon != 0) {
			return lat, lon, true, nil
		}
	}
	// Android's "geo:0,0?q=LAT,LON(label)" puts the point in the query.
	if q, err := url.ParseQuery(query); err == nil {
		if p := pairInRE.FindStringSubmatch(q.Get("q")); p != nil {
			return pairFloats(p)
		}
	}
	return 0, 0, false, errLinkWithoutPoint
}

// parseMapLink finds the coordinates of a map link: a place's pin first,
// then the parameters map services use for a point, then a view's
// centre.
func parseMapLink(link string) (lat, lon float64, ok bool) {
	u, err := url.Parse(link)
	if err != nil {
		return 0, 0, false
	}
	path, _ := url.PathUnescape(u.EscapedPath())
	if p := googlePinRE.FindStringSubmatch(path); p != nil {
		lat, lon, ok, _ = pairFloats(p)
		return lat, lon, ok
	}
	q := u.Query()
	if la, lo := q.Get("mlat"), q.Get("mlon"); la != "" && lo != "" { // OpenStreetMap marker
		lat, err1 := strconv.ParseFloat(la, 64)
		lon, err2 := strconv.ParseFloat(lo, 64)
		return lat, lon, err1 == nil && err2 == nil
	}
	// Google (q, query, destination, ll, center), Apple (q, ll, sll, daddr),
	// Waze (ll), Bing (cp uses "~"), HERE (map).
	for _, k := range []string{"q", "query", "destination", "daddr", "ll", "sll", "center", "cp", "map"} {
		v := strings.ReplaceAll(q.Get(k), "~", ",")
		if p := pairInRE.FindStringSubmatch(v); p != nil {
			lat, lon, ok, _ = pairFloats(p)
			return lat, lon, ok
		}
	}
	if p := googleViewRE.FindStringSubmatch(path); p != nil {
		lat, lon, ok, _ = pairFloats(p)
		return lat, lon, ok
	}
	if p := osmMapRE.FindStringSubmatch(u.Fragment); p != nil {
		lat, lon, ok, _ = pairFloats(p)
		return lat, lon, ok
	}
	// "/maps/place/45.7733,19.1151" and "/maps/search/45.7733,+19.1151".
	if p := pairInRE.FindStringSubmatch(strings.ReplaceAll(path, "+", " ")); p != nil {
		lat, lon, ok, _ = pairFloats(p)
		return lat, lon, ok
	}
	return 0, 0, false
}

func pairFloats(p []string) (lat, lon float64, ok bool, err error) {
	lat, err1 := strconv.ParseFloat(p[1], 64)
	lon, err2 := strconv.ParseFloat(p[2], 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false, errBadPoint
	}
	return lat, lon, true, nil
}

// dmsRE is one coordinate in degrees (with a degree sign), optional
// minutes and seconds, and a hemisphere before or after it: N/S/E/W or
// the Serbian S/J/I/Z (sever, jug, istok, zapad).
var dmsRE = regexp.MustCompile(`(?i)([NSEWIJZ]\s*)?(\d{1,3}(?:[.,]\d+)?)\s*°\s*(?:(\d{1,2}(?:[.,]\d+)?)\s*['′’]\s*)?(?:(\d{1,2}(?:[.,]\d+)?)\s*(?:"|″|”|''|′′)\s*)?([NSEWIJZ]\b)?`)

// parseDMS reads two coordinates with degree signs, latitude first unless
// the hemispheres say otherwise.
func parseDMS(text string) (lat, lon float64, ok bool, err error) {
	ms := dmsRE.FindAllStringSubmatch(text, -1)
	if len(ms) != 2 {
		return 0, 0, false, nil
	}
	// "N 45°46' E 19°07'": the first match also took the second's prefix
	// as its suffix; give it back.
	if ms[0][1] != "" && ms[0][5] != "" && ms[1][1] == "" {
		ms[1][1], ms[0][5] = ms[0][5], ""
	}
	// Serbian letters (I, Z, J) make S mean sever (north), not south.
	serbian := false
	for _, m := range ms {
		h := strings.ToUpper(strings.TrimSpace(m[1] + m[5]))
		serbian = serbian || h == "I" || h == "Z" || h == "J"
	}
	var vals [2]float64
	var axes [2]byte // 'y' latitude, 'x' longitude, 0 unknown
	for i, m := range ms {
		h := strings.ToUpper(strings.TrimSpace(m[1]))
		if h == "" {
			h = strings.ToUpper(m[5])
		}
		v, err := dmsValue(m[2], m[3], m[4])
		if err != nil {
			return 0, 0, false, err
		}
		switch {
		case h == "N", h == "S" && serbian:
			axes[i] = 'y'
		case h == "S", h == "J":
			axes[i], v = 'y', -v
		case h == "E", h == "I":
			axes[i] = 'x'
		case h == "W", h == "Z":
			axes[i], v = 'x', -v
		}
		vals[i] = v
	}
	if axes[0] == 'x' || axes[1] == 'y' {
		vals[0], vals[1] = vals[1], vals[0]
	}
	return vals[0], vals[1], true, nil
}

func dmsValue(deg, min, sec string) (float64, error) {
	num := func(s string) float64 {
		if s == "" {
			return 0
		}
		f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	d, m, s := num(deg), num(min), num(sec)
	if math.IsNaN(d+m+s) || m >= 60 || s >= 60 {
		return 0, errBadPoint
	}
	return d + m/60 + s/3600, nil
}
