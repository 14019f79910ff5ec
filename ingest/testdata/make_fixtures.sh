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
# Flat ODT sources carry what HTML cannot: tab stops and a two-column section.
soffice_odt() { command soffice "-env:UserInstallation=file://$work/profile" --headless "$@" >/dev/null 2>&1; }

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

# cene.html: a price list with wrapped cells (one centred beside them) and
# a contacts table, for table recovery in PDFs.
cat > cene.html <<'HTML'
<!DOCTYPE html>
<html lang="sr"><head><meta charset="utf-8"><title>Цене боравка у вртићу</title></head>
<body>
<h1>Цене боравка у вртићу</h1>
<p>Предшколска установа „Бамби“ прима децу од навршених годину дана до поласка у школу. Цене важе од 1. јануара 2027. године.</p>
<h2>Месечне цене</h2>
<table border="1" width="60%">
<tr><th width="65%">Програм</th><th>Месечна цена</th></tr>
<tr><td>Целодневни боравак</td><td>6.500 динара</td></tr>
<tr><td>Полудневни боравак (до четири сата дневно, без ручка)</td><td>3.200 динара</td></tr>
<tr><td>Припремни предшколски програм</td><td>бесплатно</td></tr>
</table>
<p>За треће и свако наредно дете из исте породице боравак је бесплатан.</p>
<h2>Контакти</h2>
<table border="1">
<tr><th>Служба</th><th>Телефон</th></tr>
<tr><td>Управа установе</td><td>025/412-300</td></tr>
<tr><td>Рачуноводство</td><td>025/412-301</td></tr>
<tr><td>Нутрициониста</td><td>025/412-305</td></tr>
</table>
<p>Уплате се врше до 15. у месецу за текући месец.</p>
</body></html>
HTML

# rasprava.fodt: what must not become a table, a page each: a heading
# beside a date and tab-aligned "label:<tab>value" lines; a contents list
# with right-aligned page numbers; prose set in two columns.
cat > rasprava.fodt <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:automatic-styles>
<style:style style:name="Tabs" style:family="paragraph"><style:paragraph-properties><style:tab-stops><style:tab-stop style:position="5cm"/></style:tab-stops></style:paragraph-properties></style:style>
<style:style style:name="Right" style:family="paragraph"><style:paragraph-properties><style:tab-stops><style:tab-stop style:position="16cm" style:type="right"/></style:tab-stops></style:paragraph-properties></style:style>
<style:style style:name="Break" style:family="paragraph"><style:paragraph-properties fo:break-before="page"/></style:style>
<style:style style:name="Cols" style:family="section"><style:section-properties><style:columns fo:column-count="2" fo:column-gap="0.8cm"/></style:section-properties></style:style>
</office:automatic-styles>
<office:body><office:text>
<text:p text:style-name="Right">ОБАВЕШТЕЊЕ О ЈАВНОЈ РАСПРАВИ<text:tab/>12.03.2027.</text:p>
<text:p>Градска управа позива грађане да учествују у јавној расправи о нацрту одлуке о уређењу зелених површина. Расправа траје тридесет дана од дана објављивања овог обавештења.</text:p>
<text:p text:style-name="Tabs">Место:<text:tab/>Велика сала Градске куће</text:p>
<text:p text:style-name="Tabs">Време:<text:tab/>сваког радног дана од 9 до 13 часова</text:p>
<text:p text:style-name="Tabs">Телефон:<text:tab/>025/468-150</text:p>
<text:p text:style-name="Tabs">Е-пошта:<text:tab/>rasprava@sombor.rs</text:p>
<text:p text:style-name="Break">Садржај нацрта:</text:p>
<text:p text:style-name="Right">Опште одредбе<text:tab/>3</text:p>
<text:p text:style-name="Right">Одржавање паркова и дрвореда<text:tab/>5</text:p>
<text:p text:style-name="Right">Казнене одредбе<text:tab/>9</text:p>
<text:p text:style-name="Break">Предлози грађана</text:p>
<text:section text:style-name="Cols" text:name="Dva stupca">
<text:p>Нацрт одлуке уређује одржавање јавних зелених површина на територији града, обавезе јавног комуналног предузећа и права грађана који уочене проблеме пријављују комуналној инспекцији. Предлози се достављају писаним путем на адресу Градске управе или електронском поштом, уз име и презиме подносиоца и кратко образложење предлога.</text:p>
<text:p>Сви пристигли предлози биће размотрени на седници надлежног већа, а извештај о спроведеној расправи објављује се на званичној интернет страници града најкасније петнаест дана по њеном завршетку. Грађани који предлог пошаљу поштом треба да на коверти назначе да се ради о јавној расправи о зеленим површинама.</text:p>
</text:section>
<text:p>Ово обавештење објављује се на огласној табли и на интернет страници града.</text:p>
</office:text></office:body></office:document>
XML

# porez.docx, porez.pdf: headings, lists and a table in Cyrillic.
soffice --convert-to 'docx:MS Word 2007 XML' porez.html
soffice --convert-to pdf:writer_pdf_Export porez.html
# odluka.pdf: Latin script, two pages, headings only as numbered lines.
soffice --convert-to pdf:writer_pdf_Export odluka.html
# cene.pdf, rasprava.pdf: tables and look-alikes (pdf_tables_test.go).
soffice --convert-to pdf:writer_pdf_Export cene.html
soffice_odt --convert-to pdf:writer_pdf_Export rasprava.fodt
# encrypted.pdf: needs the user password "korisnik" to open.
qpdf --encrypt korisnik vlasnik 256 -- porez.pdf encrypted.pdf
# scanned.pdf: the first page of porez.pdf as a 4-colour image and
# nothing else, like a scan without OCR.
pdftoppm -r 50 -gray -png -singlefile -y 0 -H 300 -W 420 porez.pdf scan
convert scan.png -colors 4 scan.png
echo '<html><body><p><img src="scan.png" width="420" height="300"></p></body></html>' > scanned.html
soffice --convert-to pdf:writer_pdf_Export scanned.html

cp porez.docx porez.pdf odluka.pdf cene.pdf rasprava.pdf encrypted.pdf scanned.pdf "$out/"
echo "fixtures written to $out"
