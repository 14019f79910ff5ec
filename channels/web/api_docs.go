package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The API reference (/api/docs) is rendered here, on the server, from the
// same openapi.json the API serves: readable without JavaScript, with
// nothing loaded from another site (its Content-Security-Policy allows
// only this server's style sheet), and never out of step with the document.

var (
	apiDocsTmpl = template.Must(template.New("api_docs.html").ParseFS(static, "static/api_docs.html"))
	apiDocsCSS  = mustRead("api_docs.css")
	// apiDocsPage is the rendered page; the document is embedded, so it is
	// rendered once.
	apiDocsPage = sync.OnceValues(func() ([]byte, error) { return renderAPIDocs(openAPIDoc) })
)

const apiDocsCSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (h *Handler) apiDocs(w http.ResponseWriter, r *http.Request) {
	page, err := apiDocsPage()
	if err != nil {
		h.cfg.Log.ErrorContext(r.Context(), "render API reference", "err", err)
		http.Error(w, "API reference unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", apiDocsCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(page)
}

func (h *Handler) apiDocsStyle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(apiDocsCSS)
}

// The view the template renders.
type (
	apiView struct {
		Title, Version, Description string
		Groups                      []apiGroup
		Schemas                     []apiSchemaDef
	}
	apiGroup struct {
		Tag string
		Ops []apiOp
	}
	apiOp struct {
		ID, Method, Path, Summary, Description string
		Params                                 []apiParam
		Body                                   *apiBody
		Responses                              []apiResponse
	}
	apiParam struct {
		Name, In, Description string
		Required              bool
		Schema                *apiSchema
	}
	apiBody struct {
		Required    bool
		Description string
		Contents    []apiContent
	}
	apiContent struct {
		Type     string
		Schema   *apiSchema
		Example  string // pretty JSON; "" for none
		Explicit bool   // the example is the document's, not generated
	}
	apiResponse struct {
		Status, Description string
		Headers             []apiParam
		Contents            []apiContent
	}
	apiSchema struct {
		Ref         string // a component schema's name: shown as a link
		Type        string
		Description string
		Enum        []string
		Constraints []string
		Props       []apiProp
		Items       *apiSchema
	}
	apiProp struct {
		Name     string
		Required bool
		Schema   *apiSchema
	}
	apiSchemaDef struct {
		Name     string
		Schema   *apiSchema
		Example  string
		Explicit bool // the example is the document's, not generated
	}
)

// renderAPIDocs renders the reference page of an OpenAPI 3 document.
func renderAPIDocs(doc []byte) ([]byte, error) {
	root, err := decodeOrdered(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	d := apiDoc{root: root}
	info := root.obj("info")
	v := apiView{Title: info.str("title"), Version: info.str("version"), Description: info.str("description")}
	groups := map[string]int{}
	paths := root.obj("paths")
	for _, path := range paths.keys {
		item := d.deref(paths.obj(path))
		for _, method := range item.keys {
			if method == "parameters" {
				continue
			}
			op := d.operation(path, method, item, d.deref(item.obj(method)))
			tag := "other"
			if tags := item.obj(method).arr("tags"); len(tags) > 0 {
				tag = fmt.Sprint(tags[0])
			}
			i, ok := groups[tag]
			if !ok {
				i = len(v.Groups)
				groups[tag] = i
				v.Groups = append(v.Groups, apiGroup{Tag: tag})
			}
			v.Groups[i].Ops = append(v.Groups[i].Ops, op)
		}
	}
	schemas := root.obj("components").obj("schemas")
	for _, name := range schemas.keys {
		s := schemas.obj(name)
		_, explicit := s.vals["example"]
		v.Schemas = append(v.Schemas, apiSchemaDef{Name: name, Schema: d.schema(s, 0, true), Example: prettyJSON(d.sample(s, 0)),
			Explicit: explicit})
	}
	var b bytes.Buffer
	if err := apiDocsTmpl.Execute(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// apiDoc resolves references within one document.
type apiDoc struct{ root *object }

// deref follows a local $ref (#/a/b/c); anything else is returned as is.
func (d apiDoc) deref(o *object) *object {
	for range 8 { // a chain of references, never a cycle
		ref := o.str("$ref")
		if !strings.HasPrefix(ref, "#/") {
			return o
		}
		cur := d.root
		for _, part := range strings.Split(ref[2:], "/") {
			cur = cur.obj(part)
		}
		o = cur
	}
	return o
}

var nonID = regexp.MustCompile(`[^a-z0-9]+`)

func (d apiDoc) operation(path, method string, item, op *object) apiOp {
	o := apiOp{ID: "op-" + method + "-" + strings.Trim(nonID.ReplaceAllString(strings.ToLower(path), "-"), "-"),
		Method: strings.ToUpper(method), Path: path, Summary: op.str("summary"), Description: op.str("description")}
	if o.ID == "op-"+method+"-" {
		o.ID += "root"
	}
	for _, p := range append(item.arr("parameters"), op.arr("parameters")...) {
		o.Params = append(o.Params, d.param(asObject(p)))
	}
	if rb := op.obj("requestBody"); len(rb.keys) > 0 {
		rb = d.deref(rb)
		o.Body = &apiBody{Required: rb.bool("required"), Description: rb.str("description"), Contents: d.contents(rb.obj("content"))}
	}
	responses := op.obj("responses")
	statuses := append([]string(nil), responses.keys...)
	sort.Strings(statuses) // 2xx before 4xx; "default" last
	for _, status := range statuses {
		r := d.deref(responses.obj(status))
		resp := apiResponse{Status: status, Description: r.str("description"), Contents: d.contents(r.obj("content"))}
		headers := r.obj("headers")
		for _, name := range headers.keys {
			h := d.deref(headers.obj(name))
			resp.Headers = append(resp.Headers, apiParam{Name: name, Description: h.str("description"), Schema: d.schema(h.obj("schema"), 0, false)})
		}
		o.Responses = append(o.Responses, resp)
	}
	return o
}

func (d apiDoc) param(p *object) apiParam {
	p = d.deref(p)
	return apiParam{Name: p.str("name"), In: p.str("in"), Description: p.str("description"), Required: p.bool("required"),
		Schema: d.schema(p.obj("schema"), 0, false)}
}

func (d apiDoc) contents(c *object) []apiContent {
	var out []apiContent
	for _, typ := range c.keys {
		mt := c.obj(typ)
		ct := apiContent{Type: typ}
		if s := mt.obj("schema"); len(s.keys) > 0 {
			ct.Schema = d.schema(s, 0, false)
		}
		if ex, ok := mt.vals["example"]; ok {
			ct.Example, ct.Explicit = prettyJSON(ex), true
		} else if strings.Contains(typ, "json") && ct.Schema != nil {
			s := d.deref(mt.obj("schema"))
			_, ct.Explicit = s.vals["example"]
			ct.Example = prettyJSON(d.sample(s, 0))
		}
		out = append(out, ct)
	}
	return out
}

// schema describes s. A reference to a component schema stays a link
// unless expand (the component's own definition); inline objects and
// arrays are described in full.
func (d apiDoc) schema(s *object, depth int, expand bool) *apiSchema {
	if ref := s.str("$ref"); ref != "" && !expand {
		return &apiSchema{Ref: ref[strings.LastIndex(ref, "/")+1:], Description: s.str("description")}
	}
	s = d.deref(s)
	out := &apiSchema{Type: s.str("type"), Description: s.str("description")}
	if f := s.str("format"); f != "" {
		out.Type += " (" + f + ")"
	}
	for _, e := range s.arr("enum") {
		out.Enum = append(out.Enum, fmt.Sprint(e))
	}
	for _, k := range []string{"minLength", "maxLength", "minimum", "maximum", "pattern", "minItems", "maxItems", "default"} {
		if v, ok := s.vals[k]; ok {
			out.Constraints = append(out.Constraints, fmt.Sprintf("%s: %v", k, v))
		}
	}
	if depth > 6 {
		return out
	}
	required := map[string]bool{}
	for _, r := range s.arr("required") {
		required[fmt.Sprint(r)] = true
	}
	props := s.obj("properties")
	for _, name := range props.keys {
		out.Props = append(out.Props, apiProp{Name: name, Required: required[name], Schema: d.schema(props.obj(name), depth+1, false)})
	}
	if out.Type == "" && len(out.Props) > 0 {
		out.Type = "object"
	}
	if items := s.obj("items"); len(items.keys) > 0 {
		out.Items = d.schema(items, depth+1, false)
	}
	return out
}

// sample builds an example value from a schema: the document's example
// when it has one, else a value of each property's type.
func (d apiDoc) sample(s *object, depth int) any {
	s = d.deref(s)
	if ex, ok := s.vals["example"]; ok {
		return ex
	}
	if enum := s.arr("enum"); len(enum) > 0 {
		return enum[0]
	}
	if depth > 5 {
		return nil
	}
	switch typ := s.str("type"); {
	case typ == "object" || len(s.obj("properties").keys) > 0:
		props := s.obj("properties")
		o := &object{vals: map[string]any{}}
		for _, name := range props.keys {
			o.keys = append(o.keys, name)
			o.vals[name] = d.sample(props.obj(name), depth+1)
		}
		return o
	case typ == "array":
		return []any{d.sample(s.obj("items"), depth+1)}
	case typ == "integer" || typ == "number":
		return json.Number("0")
	case typ == "boolean":
		return false
	case s.str("format") == "date-time":
		return "2026-01-31T12:00:00Z"
	default:
		return "string"
	}
}

// object is a JSON object with its keys in document order, which is the
// order a reader expects (paths, properties).
type object struct {
	keys []string
	vals map[string]any
}

func asObject(v any) *object {
	if o, ok := v.(*object); ok {
		return o
	}
	return &object{}
}

// obj returns the member object k; a missing one is empty, never nil.
func (o *object) obj(k string) *object { return asObject(o.vals[k]) }
func (o *object) str(k string) string  { s, _ := o.vals[k].(string); return s }
func (o *object) bool(k string) bool   { b, _ := o.vals[k].(bool); return b }
func (o *object) arr(k string) []any   { a, _ := o.vals[k].([]any); return a }

func decodeOrdered(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	o, ok := v.(*object)
	if !ok {
		return nil, fmt.Errorf("not a JSON object")
	}
	return o, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &object{vals: map[string]any{}}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			key, _ := k.(string)
			o.keys = append(o.keys, key)
			o.vals[key] = v
		}
		_, err = dec.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err = dec.Token()
		return a, err
	}
	return tok, nil
}

// prettyJSON writes v indented, objects in their key order.
func prettyJSON(v any) string {
	var b strings.Builder
	writeOrderedJSON(&b, v, "")
	return b.String()
}

func writeOrderedJSON(b *strings.Builder, v any, indent string) {
	switch t := v.(type) {
	case *object:
		if len(t.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range t.keys {
			b.WriteString(indent + "  " + jsonScalar(k) + ": ")
			writeOrderedJSON(b, t.vals[k], indent+"  ")
			if i < len(t.keys)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "}")
	case []any:
		if len(t) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range t {
			b.WriteString(indent + "  ")
			writeOrderedJSON(b, e, indent+"  ")
			if i < len(t)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString(indent + "]")
	default:
		b.WriteString(jsonScalar(t))
	}
}

// jsonScalar encodes a string, number, boolean or null without escaping
// <, > and & (the page escapes what it shows).
func jsonScalar(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "null"
	}
	return strings.TrimSuffix(b.String(), "\n")
}
