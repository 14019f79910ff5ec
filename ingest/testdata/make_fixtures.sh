#!/usr/bin/env bash
# make_fixtures.sh regenerates the binary fixtures of package ingest with
# real tools: LibreOffice (DOCX, PDF), qpdf (encrypted PDF), poppler and
# ImageMagick (a scanned, image-only PDF). The sources are written to a
# temporary directory; only the outputs land in OUT (default: this folder).
#
#   apt-get install -y --no-install-recommends libreoffice-writer-nogui \
#     poppler-utils fonts-dejavu qpdf imagemagick
#
# stranica.html, vodic.md, obavestenje.txt and odluka.pdf.meta.yaml are
# written by hand and kept as they are.
set -euo pipefail
out=$(cd "${1:-$(dirname "$0")}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
soffice() { command soffice "-env:UserInstallation=file://$work/profile" --headless --infilter="HTML (StarWriter)" "$@" >/dev/null 2>&1; }

cat > porez.html <<'HTML'
<!DOCTYPE html>
<html lang="sr"><head><meta charset="utf-8"><title>Порез на имовину</title></head>
<body>
<h1>Порез на имовину</h1>
<p>Градски услужни центар у Сомбору прима пријаве за порез на имовину сваког радног дана од 7:30 до 15:30 часова. Пријава се подноси на шалтеру 5.</p>
<h2>Ко плаћа порез</h2>
<p>Порез на имовину плаћа власник, односно корисник непокретности на територији града. Обвезник који први пут стекне непокретност подноси пореску пријаву у року од 30 дана.</p>
<h2>Рокови плаћања</h2>
<p>Порез се плаћа тромесечно, најкасније до 45. дана од почетка тромесечја. Ако обвезник касни, обрачунава се камата у складу са законом.</p>
<ul>
<li>прва рата: до 14. фебруара</li>
<li>друга рата: до 15. маја</li>
<li>трећа рата: до 14. августа</li>
</ul>
<h2>Потребна документа</h2>
<ol>
<li>попуњен образац ППИ-1</li>
<li>копија уговора о куповини или решења о наслеђивању</li>
</ol>
<table border="1">
<tr><th>Услуга</th><th>Шалтер</th><th>Радно време</th></tr>
<tr><td>Порез на имовину</td><td>5</td><td>7:30–15:30</td></tr>
<tr><td>Изводи из матичних књига</td><td>8</td><td>7:30–15:30</td></tr>
</table>
<p>Све информације се могу добити и телефоном на број 025/468-100.</p>
</body></html>
HTML

cat > odluka.html <<'HTML'
<!DOCTYPE html>
<html lang="sr-Latn"><head><meta charset="utf-8"><title>Odluka o lokalnim komunalnim taksama</title></head>
<body>
<p style="text-align:center"><b>ODLUKA O LOKALNIM KOMUNALNIM TAKSAMA</b></p>
<p>Na osnovu člana 32. Zakona o lokalnoj samoupravi, Skupština grada Sombora donosi sledeću odluku o lokalnim komunalnim taksama koje se plaćaju na teritoriji grada.</p>
<p>1. Opšte odredbe</p>
<p>Ovom odlukom utvrđuju se vrste lokalnih komunalnih taksi, visina, olakšice, rokovi i način plaćanja. Taksa se plaća za korišćenje prava, predmeta i usluga na teritoriji grada Sombora.</p>
<p>2. Obveznici</p>
<p>Obveznik takse je korisnik prava, predmeta ili usluge za čije je korišćenje propisano plaćanje takse. Taksu za isticanje firme plaća pravno lice ili preduzetnik koji ima sedište na teritoriji grada.</p>
<p style="page-break-before: always">3. Rokovi plaćanja</p>
<p>Taksa za isticanje firme plaća se godišnje, u dvanaest jednakih mesečnih rata, najkasnije do petnaestog u mesecu za prethodni mesec. Rešenje o utvrđivanju takse donosi Odeljenje lokalne poreske administracije, koje se nalazi u Gradskom uslužnom centru.</p>
<p>Ova odluka stupa na snagu osmog dana od dana objavljivanja u Službenom listu grada Sombora.</p>
</body></html>
HTML

# porez.docx, porez.pdf: headings, lists and a table in Cyrillic.
soffice --convert-to 'docx:MS Word 2007 XML' porez.html
soffice --convert-to pdf:writer_pdf_Export porez.html
# odluka.pdf: Latin script, two pages, headings only as numbered lines.
soffice --convert-to pdf:writer_pdf_Export odluka.html
# encrypted.pdf: needs the user password "korisnik" to open.
qpdf --encrypt korisnik vlasnik 256 -- porez.pdf encrypted.pdf
# scanned.pdf: the first page of porez.pdf as a 4-colour image and
# nothing else, like a scan without OCR.
pdftoppm -r 50 -gray -png -singlefile -y 0 -H 300 -W 420 porez.pdf scan
convert scan.png -colors 4 scan.png
echo '<html><body><p><img src="scan.png" width="420" height="300"></p></body></html>' > scanned.html
soffice --convert-to pdf:writer_pdf_Export scanned.html

cp porez.docx porez.pdf odluka.pdf encrypted.pdf scanned.pdf "$out/"
echo "fixtures written to $out"
