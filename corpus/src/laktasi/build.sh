#!/bin/bash
# Builds the generated files of corpus/laktasi from the sources beside this
# script: *.cyr.* files transliterated to Cyrillic (translit.py), text
# re-encoded to Windows-1250/1251, DOCX written by mkdocx.py, the PDF printed
# by headless Chromium. Latin Markdown and HTML documents need no building:
# they are edited in corpus/laktasi itself.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); export HERE
SRC=$HERE; OUT=$HERE/../../laktasi; T=$HERE/translit.py
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
meta() { # FILE TITLE URL
  printf 'title: "%s"\nsource_url: "%s"\n' "$2" "$3" > "$1.meta.yaml"
}
cyr() { python3 $T; }
for f in $SRC/*.cyr.md; do
  b=$(basename "$f"); name=${b%.*.md}.md
  if [[ $b == *.cyr.md ]]; then
    python3 - "$f" > "$OUT/$name" <<'PY'
import sys
import os; sys.path.insert(0, os.environ['HERE']); from translit import translit
t=open(sys.argv[1],encoding='utf-8').read()
_,fm,body=t.split('---\n',2)
lines=[]
for l in fm.splitlines():
    if l.startswith('title:'): l='title: '+translit(l[len('title: '):])
    lines.append(l)
sys.stdout.write('---\n'+'\n'.join(lines)+'\n---\n'+translit(body))
PY
  fi
done
title_of() { python3 -c "import re,sys;print(re.search(r'<title>(.*?)</title>',open(sys.argv[1]).read()).group(1))" "$1"; }
url_of() { python3 -c "import re,sys;print(re.search(r'rel=\"canonical\" href=\"(.*?)\"',open(sys.argv[1]).read()).group(1))" "$1"; }
# HTML
cyr < $SRC/centar-za-socijalni-rad.cyr.html > $OUT/centar-za-socijalni-rad.html
for h in odvoz-smeca-jkp-komunalac centar-za-socijalni-rad; do
  meta $OUT/$h.html "$(title_of $OUT/$h.html | sed 's/ — JU.*$//; s/ | Opština Laktaši//')" "$(url_of $OUT/$h.html)"
done
# DOCX
cyr < $SRC/maticna-sluzba-izvodi.cyr.docx.txt > $TMP/maticna.txt
T1=$(echo "Izvodi iz matičnih knjiga rođenih, vjenčanih i umrlih — takse i e-usluge" | cyr)
python3 $HERE/mkdocx.py $TMP/maticna.txt $OUT/maticna-sluzba-izvodi.docx "$T1" sr-Cyrl-BA
meta $OUT/maticna-sluzba-izvodi.docx "$T1" "https://www.laktasi.org/maticna-sluzba/izvodi-iz-maticnih-knjiga/"
T2="Podsticaji za poljoprivredu u 2026. godini — mjere, iznosi i rokovi"
python3 $HERE/mkdocx.py $SRC/podsticaji-za-poljoprivredu.lat.docx.txt $OUT/podsticaji-za-poljoprivredu.docx "$T2" sr-Latn-BA
meta $OUT/podsticaji-za-poljoprivredu.docx "$T2" "https://www.laktasi.org/privreda/podsticaji-za-poljoprivredu/"
# Legacy-encoded text
cyr < $SRC/mjesne-zajednice-cp1251.cyr.txt | sed 's/$/\r/' | iconv -f UTF-8 -t WINDOWS-1251 > $OUT/mjesne-zajednice-cp1251.txt
meta $OUT/mjesne-zajednice-cp1251.txt "$(echo 'Obavještenje: raspored rada sekretara mjesnih zajednica' | cyr)" "https://www.laktasi.org/mjesne-zajednice/raspored-rada-sekretara/"
sed 's/$/\r/' $SRC/zimska-sluzba-cp1250.lat.txt | iconv -f UTF-8 -t WINDOWS-1250 > $OUT/zimska-sluzba-cp1250.txt
meta $OUT/zimska-sluzba-cp1250.txt "Obavještenje o organizaciji zimske službe 2025/2026." "https://www.laktasi.org/vijesti/obavjestenje-zimska-sluzba-2025-2026/"
# PDF through headless Chromium (DejaVu embedded with ToUnicode maps)
cyr < $SRC/vrtic-upis-i-cijene.cyr.pdf.html > $TMP/vrtic.html
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf=$OUT/vrtic-upis-i-cijene.pdf file://$TMP/vrtic.html 2>/dev/null
meta $OUT/vrtic-upis-i-cijene.pdf "$(echo 'JU Dječiji vrtić „Naša radost“ Laktaši — upis djece i cijene boravka' | cyr)" "https://www.laktasi.org/obrazovanje/djeciji-vrtic-upis-i-cijene/"
ls -la $OUT
