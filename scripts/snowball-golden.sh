#!/usr/bin/env bash
# Regenerates serbian/testdata/snowball-serbian.tsv: a vocabulary of about
# 15,000 Serbian words with the stems the official Snowball Serbian stemmer
# gives them. The stems come from PostgreSQL's serbian_stem dictionary,
# which is the Snowball project's own C code; the words are every word of
# the demo corpus and the eval datasets plus 11,000 inflected forms
# expanded from a random sample of Debian's hunspell-sr dictionary (the
# suffix rules of its .aff file applied to its .dic entries).
#
# Needs: psql on a PostgreSQL server (DATABASE_URL or the local default)
# and the hunspell-sr package (apt-get install hunspell-sr). Deterministic
# for a given dictionary version (fixed random seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
dic=/usr/share/hunspell/sr_Latn_RS.dic
aff=/usr/share/hunspell/sr_Latn_RS.aff
[ -r "$dic" ] || { echo "snowball-golden: $dic missing: apt-get install hunspell-sr" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$dic" "$aff" "$tmp/words.txt" <<'PY'
import glob, os, random, re, sys
dic, aff, out = sys.argv[1:4]
letters = r'[A-Za-zČĆŽŠĐčćžšđЀ-ӿ]+'
corpus = set()
for f in glob.glob('corpus/**/*', recursive=True) + glob.glob('eval/datasets/*.yaml'):
    if os.path.isfile(f) and f.endswith(('.md', '.txt', '.html', '.yaml')):
        for w in re.findall(letters, open(f, encoding='utf-8', errors='ignore').read()):
            if len(w) >= 2:
                corpus.add(w.lower())
# Suffix rules: "SFX flag strip add condition", numeric flags.
lines = open(aff, encoding='utf-8').read().replace('\r', '').split('\n')
rules, i = {}, 0
while i < len(lines):
    p = lines[i].split()
    if len(p) >= 4 and p[0] == 'SFX' and p[2] in ('Y', 'N') and p[3].isdigit():
        rs = []
        for q in (lines[i + j].split() for j in range(1, int(p[3]) + 1)):
            strip = '' if q[2] == '0' else q[2]
            add = q[3].split('/')[0]
            rs.append((strip, '' if add == '0' else add, re.compile('(' + (q[4] if len(q) > 4 else '.') + ')$')))
        rules[p[1]] = rs
        i += int(p[3]) + 1
    else:
        i += 1
random.seed(7)
entries = [l for l in open(dic, encoding='utf-8').read().split('\n')[1:] if l and l[0].islower() and '/' in l]
forms = set()
for e in random.sample(entries, 2500):
    w, flags = e.split('/', 1)
    forms.add(w)
    for f in flags.split(','):
        for strip, add, cond in rules.get(f, []):
            if cond.search(w) and w.endswith(strip):
                forms.add(w[:len(w) - len(strip)] + add)
forms = sorted(f for f in forms if re.fullmatch('[a-zčćžšđ]+', f) and len(f) >= 2 and f not in corpus)
random.seed(11)
words = sorted(corpus | set(random.sample(forms, 11000)))
open(out, 'w', encoding='utf-8').write('\n'.join(words) + '\n')
PY

psql "$url" -q -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE w (word text);
\copy w FROM '$tmp/words.txt'
\copy (SELECT word, array_to_string(ts_lexize('serbian_stem', word), ' ') FROM w ORDER BY word) TO '$tmp/golden.tsv'
SQL
mv "$tmp/golden.tsv" serbian/testdata/snowball-serbian.tsv
wc -l serbian/testdata/snowball-serbian.tsv
