package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/miasrbija/mia/municipality"
	"github.com/miasrbija/mia/serbian"
)

const municipalityUsage = `Usage: mia municipality init FILE
       mia municipality add --municipalities FILE [--init] --slug SLUG --name NAME --body ... [flags]
       mia municipality list [--municipalities FILE]

init copies the embedded municipalities file (Sombor) to FILE, with the files it names.
add validates a new municipality and writes it into FILE (MIA_MUNICIPALITIES); --init
first copies the embedded file there when FILE does not exist. The embedded file itself
is never changed.

--body KEY=NAME:handles=CAT,CAT[:phone=P][:email=E][:villages] is repeatable; every
category must be handled: ` + "%s" + `.
Territory: --boundary FILE.geojson (a Polygon or MultiPolygon, copied next to FILE) or
--bounds MIN_LAT,MIN_LON,MAX_LAT,MAX_LON.

Example:
  mia municipality add --municipalities municipalities.yaml --init --slug apatin \
    --name "Opština Apatin" --phone 025/772-122 --email info@soapatin.org \
    --bounds 45.55,18.85,45.8,19.15 --allow-origin https://www.soapatin.org \
    --body "jkp-komunalac=JKP Komunalac Apatin:handles=waste,street_cleaning,greenery,public_lighting,animals" \
    --body "jkp-vodovod=JKP Vodovod Apatin:handles=water_sewage" \
    --body "inspekcija=Komunalna inspekcija:handles=illegal_dumping,roads,other"
`

// runMunicipality writes the municipalities file a deployment serves: a
// maintainer onboards a city with one validated command instead of
// editing YAML by hand.
func runMunicipality(ctx context.Context, e *env, args []string) error {
	usage := fmt.Sprintf(municipalityUsage, strings.Join(municipality.Categories, ", "))
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(e.stderr, usage)
		if len(args) > 0 && slices.Contains([]string{"-h", "--help", "-help"}, args[0]) {
			return nil
		}
		return usageError{"give a subcommand: init, add or list"}
	}
	switch args[0] {
	case "init":
		if len(args) != 2 || strings.HasPrefix(args[1], "-") {
			fmt.Fprint(e.stderr, usage)
			return usageError{"mia municipality init FILE: give the file to create"}
		}
		written, err := municipality.InitFile(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\nUse it with MIA_MUNICIPALITIES=%s (or --municipalities %s).\n",
			strings.Join(written, ", "), args[1], args[1])
		return nil
	case "add":
		return runMunicipalityAdd(e, args[1:], usage)
	case "list":
		fs := newFlagSet("municipality list", e)
		cf := bindConfig(fs, e, []*setting{setMunicipalities})
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		c, err := cf.load()
		if err != nil {
			return err
		}
		reg, err := municipality.Load(c.Municipalities)
		if err != nil {
			return err
		}
		for _, m := range reg.All() {
			def := ""
			if m.Slug == reg.Default().Slug {
				def = " (default)"
			}
			fmt.Fprintf(e.stdout, "%s\t%s · %s%s\n", m.Slug, m.Name, m.NameCyr, def)
		}
		return nil
	}
	fmt.Fprint(e.stderr, usage)
	return usageError{fmt.Sprintf("unknown municipality subcommand %q", args[0])}
}

// listFlag is a repeatable flag; commas also separate values when split.
type listFlag struct {
	vals  []string
	split bool
}

func (l *listFlag) String() string { return strings.Join(l.vals, " ") }
func (l *listFlag) Set(v string) error {
	if !l.split {
		l.vals = append(l.vals, v)
		return nil
	}
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			l.vals = append(l.vals, p)
		}
	}
	return nil
}

func runMunicipalityAdd(e *env, args []string, usage string) error {
	fs := newFlagSet("municipality add", e)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage+"\n")
		fs.PrintDefaults()
	}
	cf := bindConfig(fs, e, []*setting{setMunicipalities})
	var m municipality.Municipality
	fs.StringVar(&m.Slug, "slug", "", "stable key, lowercase letters, digits and dashes, e.g. apatin")
	fs.StringVar(&m.Name, "name", "", "name in Latin script, e.g. \"Opština Apatin\"")
	fs.StringVar(&m.NameCyr, "name-cyr", "", "name in Cyrillic (default: transliterated from --name)")
	fs.StringVar(&m.RefPrefix, "ref-prefix", "", "2-4 capital letters starting case numbers (default: the slug's first two letters)")
	fs.StringVar(&m.Address, "address", "", "the city hall's address")
	fs.StringVar(&m.Phone, "phone", "", "the citizens' info phone")
	fs.StringVar(&m.Email, "email", "", "the citizens' info e-mail")
	fs.StringVar(&m.Website, "website", "", "the city's web site")
	fs.StringVar(&m.OfficeHours, "office-hours", "", "office hours as citizens should be told them")
	fs.StringVar(&m.Variant, "variant", "", "official Serbian of the municipality: ekavian (default) or ijekavian (Republika Srpska)")
	fs.StringVar(&m.Country, "country", "", "country of the municipality, for phone numbers typed without a country code: RS (default) or BA")
	fs.StringVar(&m.ViberTokenEnv, "viber-token-env", "", "variable holding the Viber bot token (default MIA_VIBER_TOKEN_<SLUG>)")
	bounds := fs.String("bounds", "", "territory rectangle MIN_LAT,MIN_LON,MAX_LAT,MAX_LON")
	boundary := fs.String("boundary", "", "territory as a GeoJSON Polygon/MultiPolygon file (copied next to the municipalities file)")
	var bodies, origins listFlag
	origins.split = true
	fs.Var(&bodies, "body", "a body and what it handles: KEY=NAME:handles=CAT,CAT[:phone=P][:email=E][:villages] (repeatable)")
	fs.Var(&origins, "allow-origin", "origin of a site that embeds the widget, e.g. https://www.apatin.rs (repeatable)")
	initFile := fs.Bool("init", false, "copy the embedded municipalities file to --municipalities first when it does not exist")
	replace := fs.Bool("replace", false, "replace the entry with the same slug instead of refusing")
	makeDefault := fs.Bool("default", false, "make it the file's default municipality")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := cf.load()
	if err != nil {
		return err
	}
	path := c.Municipalities
	if path == "" {
		return usageError{"MIA_MUNICIPALITIES (--municipalities) is not set, and the embedded file cannot be changed: copy it first with\n" +
			"    mia municipality init municipalities.yaml\nthen add with --municipalities municipalities.yaml (or add --init to do both)"}
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if !*initFile {
			return usageError{fmt.Sprintf("%s does not exist: create it from the embedded file with\n    mia municipality init %s\n(or add --init)", path, path)}
		}
		written, err := municipality.InitFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s (a copy of the embedded file)\n", strings.Join(written, ", "))
	}
	if m.Slug == "" || m.Name == "" {
		fs.Usage()
		return usageError{"--slug and --name are required"}
	}
	if m.NameCyr == "" {
		m.NameCyr = serbian.ToCyrillic(m.Name)
	}
	if m.RefPrefix == "" && len(m.Slug) >= 2 {
		m.RefPrefix = strings.ToUpper(m.Slug[:2])
	}
	if m.ViberTokenEnv == "" {
		m.ViberTokenEnv = "MIA_VIBER_TOKEN_" + strings.ToUpper(strings.ReplaceAll(m.Slug, "-", "_"))
	}
	m.AllowOrigins = origins.vals
	var problems []error
	for _, b := range bodies.vals {
		body, err := parseBody(b)
		if err != nil {
			problems = append(problems, err)
		}
		m.Bodies = append(m.Bodies, body)
	}
	if *bounds != "" {
		if m.Bounds, err = parseBounds(*bounds); err != nil {
			problems = append(problems, err)
		}
	}
	dir := filepath.Dir(path)
	var copied string
	if *boundary != "" {
		rel, cp, err := placeBoundary(*boundary, dir, m.Slug)
		if err != nil {
			return err
		}
		copied = cp
		m.Boundary = &municipality.Boundary{File: rel}
	}
	fail := func(err error) error {
		if copied != "" {
			os.Remove(copied) // nothing of a refused add stays behind
		}
		return err
	}
	if len(problems) > 0 {
		return fail(usageError{errors.Join(problems...).Error()})
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	for _, other := range mustParseAll(data, dir) {
		if other.Slug != m.Slug && other.RefPrefix == m.RefPrefix {
			return fail(usageError{fmt.Sprintf("ref_prefix %s is %s's: give another with --ref-prefix", m.RefPrefix, other.Slug)})
		}
	}
	out, err := municipality.Add(data, m, municipality.AddOptions{Replace: *replace, MakeDefault: *makeDefault, Files: os.DirFS(dir)})
	if errors.Is(err, municipality.ErrExists) {
		return fail(usageError{err.Error() + " (use --replace to update it)"})
	}
	if err != nil {
		return fail(fmt.Errorf("%s: not written: %w", path, err))
	}
	if err := writeFileAtomic(path, out); err != nil {
		return fail(err)
	}
	fmt.Fprintf(e.stdout, "municipality %s (%s · %s) written to %s\n", m.Slug, m.Name, m.NameCyr, path)
	fmt.Fprintf(e.stdout, `Next (see README "Adding a municipality"):
  mia ingest --municipalities %[2]s --municipality %[1]s DOCUMENTS_DIR
  mia staff add --municipalities %[2]s --municipality %[1]s --email E --name N --role admin
  MIA_MUNICIPALITIES=%[2]s mia serve     (restart: the file is read at start)
  on the city's site (its origin in allow_origins): <script src="https://MIA_HOST/widget.js" data-municipality="%[1]s" defer></script>
  Viber: set %[3]s, then mia viber set-webhook --municipality %[1]s --url https://MIA_HOST/viber/%[1]s
`, m.Slug, path, m.ViberTokenEnv)
	return nil
}

// mustParseAll returns the municipalities of data, or none when it does
// not load (Add then reports why).
func mustParseAll(data []byte, dir string) []*municipality.Municipality {
	reg, err := municipality.ParseFS(data, os.DirFS(dir))
	if err != nil {
		return nil
	}
	return reg.All()
}

// parseBody reads KEY=NAME:handles=CAT,CAT[:phone=P][:email=E][:villages].
// A part that is none of the attributes belongs to the name, so a name
// may hold a colon.
func parseBody(v string) (municipality.Body, error) {
	parts := strings.Split(v, ":")
	key, name, ok := strings.Cut(parts[0], "=")
	b := municipality.Body{Key: strings.TrimSpace(key)}
	if !ok || b.Key == "" {
		return b, fmt.Errorf("--body %q: expected KEY=NAME:handles=CAT,CAT", v)
	}
	for _, p := range parts[1:] {
		k, val, _ := strings.Cut(p, "=")
		switch strings.TrimSpace(k) {
		case "handles":
			for _, c := range strings.Split(val, ",") {
				if c = strings.TrimSpace(c); c != "" {
					b.Handles = append(b.Handles, c)
				}
			}
		case "phone":
			b.Phone = strings.TrimSpace(val)
		case "email":
			b.Email = strings.TrimSpace(val)
		case "villages":
			b.Villages = val == "" || val == "true"
		default:
			name += ":" + p
		}
	}
	b.Name = strings.TrimSpace(name)
	if len(b.Handles) == 0 {
		return b, fmt.Errorf("--body %q: say what it handles (:handles=CAT,CAT)", v)
	}
	return b, nil
}

// parseBounds reads MIN_LAT,MIN_LON,MAX_LAT,MAX_LON.
func parseBounds(v string) (municipality.Bounds, error) {
	f := strings.Split(v, ",")
	if len(f) != 4 {
		return municipality.Bounds{}, fmt.Errorf("--bounds %q: expected MIN_LAT,MIN_LON,MAX_LAT,MAX_LON", v)
	}
	var n [4]float64
	for i, s := range f {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return municipality.Bounds{}, fmt.Errorf("--bounds %q: %q is not a number", v, s)
		}
		n[i] = x
	}
	return municipality.Bounds{MinLat: n[0], MinLon: n[1], MaxLat: n[2], MaxLon: n[3]}, nil
}

// placeBoundary returns the boundary file's path relative to the
// municipalities file's directory, where Load reads it. A file outside
// that directory is copied in as SLUG.geojson (copied is then its path).
func placeBoundary(src, dir, slug string) (rel, copied string, err error) {
	absSrc, err := filepath.Abs(src)
	if err != nil {
		return "", "", err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	if r, err := filepath.Rel(absDir, absSrc); err == nil && filepath.IsLocal(r) {
		return filepath.ToSlash(r), "", nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return "", "", fmt.Errorf("--boundary: %w", err)
	}
	target := filepath.Join(dir, slug+".geojson")
	if old, err := os.ReadFile(target); err == nil {
		if bytes.Equal(old, data) {
			return slug + ".geojson", "", nil // copied by an earlier add
		}
		return "", "", fmt.Errorf("--boundary: %s exists with other contents: move your file there or remove it", target)
	}
	if err := os.WriteFile(target, data, 0o644); err != nil {
		return "", "", err
	}
	return slug + ".geojson", target, nil
}

// writeFileAtomic replaces path with data so a reader (a starting server)
// sees the old file or the new one, never half of it.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".municipalities-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var _ flag.Value = (*listFlag)(nil)
