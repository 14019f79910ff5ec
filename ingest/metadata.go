package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sidecarSuffix names the metadata file kept beside a document:
// "odluka.pdf" is described by "odluka.pdf.meta.yaml".
const sidecarSuffix = ".meta.yaml"

// maxSidecarBytes bounds a sidecar read; real ones are a few lines.
const maxSidecarBytes = 64 << 10

// metadata is what a sidecar or Markdown front matter may say about a
// document. Empty fields mean "not given".
type metadata struct {
	Title     string `yaml:"title"`
	SourceURL string `yaml:"source_url"`
}

// readSidecar loads PATH.meta.yaml. A missing sidecar is not an error; an
// unreadable or invalid one is, and unknown keys are rejected so a typo
// ("sourceurl") does not silently drop the URL.
func readSidecar(docPath string) (metadata, error) {
	var m metadata
	data, err := os.ReadFile(docPath + sidecarSuffix)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	if len(data) > maxSidecarBytes {
		return m, fmt.Errorf("%w: sidecar larger than %d bytes", ErrMetadata, maxSidecarBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return m, fmt.Errorf("%w: sidecar: %s", ErrMetadata, flatten(err))
	}
	return m, m.validate()
}

// flatten puts a multi-line error (yaml lists each field) on one line.
func flatten(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

func (m metadata) validate() error {
	if m.SourceURL == "" {
		return nil
	}
	u, err := url.Parse(m.SourceURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: source_url %q is not an http(s) URL", ErrMetadata, m.SourceURL)
	}
	return nil
}

// splitFrontMatter separates a leading "---" YAML block from Markdown.
// Without a closing "---" (or "...") line the text has no front matter and
// is returned whole, since a lone "---" is also a thematic break. Unknown
// keys are ignored here: front matter is shared with site generators.
func splitFrontMatter(text string) (metadata, string, error) {
	var m metadata
	lines := splitLinesKeep(text)
	if len(lines) == 0 || trimEOL(lines[0]) != "---" {
		return m, text, nil
	}
	for i := 1; i < len(lines); i++ {
		if l := trimEOL(lines[i]); l == "---" || l == "..." {
			var yamlText bytes.Buffer
			for _, y := range lines[1:i] {
				yamlText.WriteString(y)
			}
			if err := yaml.Unmarshal(yamlText.Bytes(), &m); err != nil {
				return m, text, fmt.Errorf("%w: front matter: %s", ErrMetadata, flatten(err))
			}
			var rest bytes.Buffer
			for _, r := range lines[i+1:] {
				rest.WriteString(r)
			}
			return m, rest.String(), m.validate()
		}
	}
	return m, text, nil
}
