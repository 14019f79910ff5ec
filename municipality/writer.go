package municipality

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// ErrExists is returned by Add for a slug the file already has.
var ErrExists = errors.New("the municipality is already in the file")

// DefaultFile returns the embedded configuration file (Sombor), the
// starting point of a deployment's own file.
func DefaultFile() []byte {
	data, err := defaultFS.ReadFile(defaultFileName)
	if err != nil {
		panic(err) // embedded at build time
	}
	return data
}

// defaultFileName is the configuration's name among the embedded files.
const defaultFileName = "municipalities.yaml"

// InitFile writes the embedded configuration to path, and the files it
// names (Sombor's boundary) next to it, so a deployment starts its own
// file from the default. It refuses to overwrite any existing file and
// then writes nothing. It returns the paths written.
func InitFile(path string) ([]string, error) {
	entries, err := fs.ReadDir(defaultFS, ".")
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	var targets, names []string
	for _, e := range entries {
		target := filepath.Join(dir, e.Name())
		if e.Name() == defaultFileName {
			target = path
		}
		if _, err := os.Stat(target); err == nil {
			return nil, fmt.Errorf("%s exists: not overwritten", target)
		}
		targets, names = append(targets, target), append(names, e.Name())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for i, target := range targets {
		data, err := defaultFS.ReadFile(names[i])
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return targets[:i], err
		}
	}
	return targets, nil
}

// AddOptions says how Add treats the file.
type AddOptions struct {
	Replace     bool // replace an entry with the same slug instead of failing
	MakeDefault bool // make the municipality the file's default
	// Files is where files the configuration names (boundaries) are read
	// when the result is checked: the configuration file's directory.
	// nil is the embedded default's.
	Files fs.FS
}

// Add returns the configuration file data with m appended to its
// municipalities (or, with Replace, put in place of the entry with its
// slug). The other entries and the comments stay as written. The result
// is checked as Load checks a file, and every problem is reported at
// once; nothing is returned then. A slug already present without Replace
// is ErrExists.
func Add(data []byte, m Municipality, opt AddOptions) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse municipalities: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("parse municipalities: expected a mapping with default and municipalities")
	}
	root := doc.Content[0]
	list := mappingValue(root, "municipalities")
	if list == nil {
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		root.Content = append(root.Content, scalar("municipalities"), list)
	}
	if list.Kind != yaml.SequenceNode {
		return nil, errors.New("parse municipalities: municipalities is not a list")
	}
	var entry yaml.Node
	if err := entry.Encode(m); err != nil {
		return nil, err
	}
	tidy(&entry)
	if m.Boundary != nil && m.Boundary.File != "" {
		// A boundary is written as the path of its GeoJSON file, the form
		// Load reads, never as the decoded polygons.
		setMappingValue(&entry, "boundary", scalar(m.Boundary.File))
	}
	replaced := false
	for i, item := range list.Content {
		if s := mappingValue(item, "slug"); s != nil && s.Value == m.Slug {
			if !opt.Replace {
				return nil, fmt.Errorf("%w: %s", ErrExists, m.Slug)
			}
			entry.HeadComment = item.HeadComment
			list.Content[i] = &entry
			replaced = true
		}
	}
	if !replaced {
		list.Content = append(list.Content, &entry)
	}
	if opt.MakeDefault {
		if d := mappingValue(root, "default"); d != nil {
			d.Value, d.Tag, d.Style = m.Slug, "!!str", 0
		} else {
			root.Content = append([]*yaml.Node{scalar("default"), scalar(m.Slug)}, root.Content...)
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	files := opt.Files
	if files == nil {
		files = defaultFS
	}
	if _, err := ParseFS(b.Bytes(), files); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// setMappingValue sets key in the mapping n, adding it when missing.
func setMappingValue(n *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = v
			return
		}
	}
	n.Content = append(n.Content, scalar(key), v)
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// mappingValue returns the value of key in the mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// tidy drops unset values (empty strings, false, integer 0, empty lists
// and maps) so a written entry reads like a hand-written one, and writes
// short lists and the bounds on one line, as the embedded file does.
func tidy(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.MappingNode:
		var kept []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if tidy(v) {
				kept = append(kept, k, v)
			}
		}
		n.Content = kept
		if allScalars(n) && len(n.Content) <= 8 {
			n.Style = yaml.FlowStyle
		}
		return len(kept) > 0
	case yaml.SequenceNode:
		var kept []*yaml.Node
		for _, c := range n.Content {
			if tidy(c) {
				kept = append(kept, c)
			}
		}
		n.Content = kept
		if allScalars(n) {
			n.Style = yaml.FlowStyle
		}
		return len(kept) > 0
	case yaml.ScalarNode:
		// An integer 0 means "the default" (media_retention_days); a float
		// 0 is a coordinate and stays.
		return !(n.Value == "" || n.Tag == "!!bool" && n.Value == "false" || n.Tag == "!!int" && n.Value == "0" || n.Tag == "!!null")
	}
	return true
}

func allScalars(n *yaml.Node) bool {
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}
