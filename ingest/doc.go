// Package ingest turns a city's source documents into format-independent
// Documents and splits them into token-sized Chunks for retrieval.
//
// # Loading
//
// LoadFile picks a parser by extension (Supported tells in advance):
//
//   - .pdf: poppler's pdftotext (must be on PATH; scripts/deps.sh installs
//     it) in reading-order mode, under a timeout. The text is checked
//     before use: no letters means a scan without a text layer, and a high
//     share of U+FFFD, private-use or control characters means a font
//     without a usable ToUnicode map. Paragraphs, list items and headings
//     are guessed from the lines (text_lines.go, text_headings.go).
//     Tables are found in a second run, pdftotext -bbox-layout: lines
//     side by side in rows, split into columns at gutters that the rows
//     share (pdf_tables.go); their lines in the text become a Table
//     block, and the rest of the text is read as before (pdf_splice.go).
//     Look-alikes (prose in columns, "label: value" lines, contents with
//     page numbers) are refused; when the run fails, there are no tables.
//     A page without a usable text layer (it fails that check on its own)
//     is read by OCR instead: rendered with pdftoppm at 300 dpi (less for
//     a page over Limits.MaxOCRPixels) and read by tesseract with the
//     Serbian Cyrillic model, or the Latin one when that reads better,
//     chosen per page (ocr.go). The OCR text then goes through the same
//     checks and heuristics; Document.OCR keeps the mean word confidence
//     and the pages under Limits.OCRMinConfidence. Pages are read by
//     Limits.OCRWorkers single-threaded, niced processes, each under
//     Limits.OCRPageTimeout; a PDF with more than Limits.MaxOCRPages
//     such pages fails before any is rendered.
//   - .png, .jpg, .jpeg: a scanned notice, read by OCR like a PDF page,
//     after its header is checked against Limits.MaxOCRPixels.
//   - .docx: archive/zip and a streaming encoding/xml walk of the body;
//     headings from paragraph styles (names, localized ids, outline
//     levels), lists from numbering, tables with their rows. Decompression
//     is capped across all parts (Limits.MaxUnpackedBytes), so zip bombs
//     stop early.
//   - .odt: the same, over content.xml (text:h headings by outline level,
//     list items, tables; footnotes and frames as paragraphs, comments and
//     tracked deletions dropped) with the title from meta.xml, under the
//     same caps.
//   - .html, .htm: goquery; navigation, cookie banners, footers and the
//     like are removed and the main content (<main>, a single <article>,
//     else the smallest element with most of the paragraph text) is
//     walked. Legacy Windows-1250/1251 pages are decoded.
//   - .md, .markdown: front matter, headings, lists, pipe tables, fenced
//     code; inline markup is stripped.
//   - .txt: UTF-8, UTF-16 with BOM, or Windows-1250 vs Windows-1251 told
//     apart by scoring both decodings; binary files are refused.
//
// A sidecar PATH.meta.yaml ("title", "source_url"; other keys are errors)
// overrides the title and URL a file carries. Failures wrap the sentinel
// errors in errors.go, so a caller can print a one-line reason.
//
// # Chunking
//
// A Chunker follows the document's structure: a heading starts a section,
// every chunk carries its heading path, blocks are packed up to MaxTokens,
// long paragraphs are cut at sentence boundaries, tables are cut between
// rows with the header repeated, and overlap is taken in whole sentences
// from the previous chunk of the same section only. Tokens are counted
// with cl100k_base (tokens.Count), the tokenizer of OpenAI's embedding
// models, loaded offline once per process.
//
// testdata/make_fixtures.sh rebuilds the binary test fixtures.
package ingest
