#!/usr/bin/env python3
"""Minimal WordprocessingML writer: '# ' Heading1, '## ' Heading2, '- ' list
paragraphs, '| a | b |' table rows (first row is the header), other lines
paragraphs. Usage: mkdocx.py SOURCE.txt OUT.docx TITLE LANG"""
import sys, zipfile, datetime
from xml.sax.saxutils import escape
src, out, title, lang = sys.argv[1:5]
W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
def run(text, bold=False):
    rpr = '<w:rPr><w:b/></w:rPr>' if bold else ''
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
def para(text, style=None, bold=False, num=False):
    ppr = ''
    if style or num:
        ppr = '<w:pPr>' + (f'<w:pStyle w:val="{style}"/>' if style else '') + '</w:pPr>'
    return f'<w:p>{ppr}{run(text, bold)}</w:p>'
body = []
lines = open(src, encoding='utf-8').read().split('\n')
i = 0
while i < len(lines):
    l = lines[i].rstrip()
    if not l:
        i += 1; continue
    if l.startswith('| '):
        rows = []
        while i < len(lines) and lines[i].startswith('| '):
            rows.append([c.strip() for c in lines[i].strip().strip('|').split('|')]); i += 1
        ncol = len(rows[0])
        t = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid>']
        t += ['<w:gridCol w:w="%d"/>' % (9000 // ncol)] * ncol
        t.append('</w:tblGrid>')
        for r, row in enumerate(rows):
            trpr = '<w:trPr><w:tblHeader/></w:trPr>' if r == 0 else ''
            t.append(f'<w:tr>{trpr}')
            for c in row:
                t.append(f'<w:tc><w:tcPr><w:tcW w:w="{9000 // ncol}" w:type="dxa"/></w:tcPr>{para(c, "TableContents", bold=(r == 0))}</w:tc>')
            t.append('</w:tr>')
        t.append('</w:tbl>')
        body.append(''.join(t)); continue
    if l.startswith('## '): body.append(para(l[3:], 'Heading2'))
    elif l.startswith('# '): body.append(para(l[2:], 'Heading1'))
    elif l.startswith('- '): body.append(para(l[2:], 'ListParagraph'))
    elif l.startswith('Demo tekst') or l.startswith('Демо текст'): body.append(para(l, 'Normal', bold=True))
    else: body.append(para(l, 'Normal'))
    i += 1
document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>'
            + ''.join(body) +
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr></w:body></w:document>')
def style(sid, name, extra=''):
    return f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>{extra}</w:style>'
styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
          f'<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Sans" w:hAnsi="DejaVu Sans" w:cs="DejaVu Sans"/><w:sz w:val="22"/><w:lang w:val="{lang}"/></w:rPr></w:rPrDefault></w:docDefaults>'
          + style('Normal', 'Normal')
          + style('Heading1', 'heading 1', '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>')
          + style('Heading2', 'heading 2', '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="26"/></w:rPr>')
          + style('ListParagraph', 'List Paragraph', '<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/></w:pPr>')
          + style('TableContents', 'Table Contents', '<w:basedOn w:val="Normal"/>')
          + '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
          + ''.join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for s in ('top', 'left', 'bottom', 'right', 'insideH', 'insideV'))
          + '</w:tblBorders></w:tblPr></w:style></w:styles>')
now = '2026-01-15T09:00:00Z'
core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f'<dc:title>{escape(title)}</dc:title><dc:language>{lang}</dc:language><dc:creator>Opština Laktaši (demo)</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>')
ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
      '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
      '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
docrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
fixed = (2026, 1, 15, 9, 0, 0)
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    for name, data in [('[Content_Types].xml', ct), ('_rels/.rels', rels), ('docProps/core.xml', core),
                       ('word/_rels/document.xml.rels', docrels), ('word/document.xml', document), ('word/styles.xml', styles)]:
        z.writestr(zipfile.ZipInfo(name, fixed), data.encode('utf-8'), zipfile.ZIP_DEFLATED)
