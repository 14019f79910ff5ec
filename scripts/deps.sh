#!/usr/bin/env bash
# deps.sh makes sure the machine has what `make run` and `make test` need:
# PostgreSQL reachable with the pgvector extension installable, poppler's
# pdftotext for PDF ingestion, Tesseract with the Serbian models for OCR of
# scans, and (with --browser, which `make test` passes) Chromium for widget
# tests, axe-core for their accessibility checks and Redis for the shared
# rate limits' Redis store.
#
# With --local it makes sure a local PostgreSQL on 127.0.0.1:5432 runs with
# pgvector (on Debian/Ubuntu it installs and starts what is missing) and
# that the database named by --local=NAME exists. Without it, it only checks
# that DATABASE_URL answers and offers pgvector. Every step is idempotent:
# a second run does nothing and takes well under a second.
set -euo pipefail

want_browser=0
local_db=""
for a in "$@"; do
  case "$a" in
    --browser) want_browser=1 ;;
    --local=*) local_db=${a#--local=} ;;
    *) echo "deps.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

log() { echo "deps: $*" >&2; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    log "missing $*; install it with your package manager"; exit 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    $SUDO apt-get update -qq >/dev/null
    apt_updated=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- poppler (pdftotext) -----------------------------------------------------
command -v pdftotext >/dev/null || apt_install poppler-utils

# --- Tesseract OCR (scanned PDFs and images), Serbian Cyrillic and Latin -------
langs=$(tesseract --list-langs 2>/dev/null || true)
if ! grep -qx srp <<<"$langs" || ! grep -qx srp_latn <<<"$langs"; then
  apt_install tesseract-ocr tesseract-ocr-srp tesseract-ocr-srp-latn
fi

# --- Chromium (browser tests only) -------------------------------------------
if [ "$want_browser" -eq 1 ] && ! command -v chromium >/dev/null; then
  apt_install chromium fonts-dejavu-core
fi

# --- axe-core (the browser tests' accessibility checks) -------------------------
# npm puts it in a cache outside the repository, where internal/browsertest
# reads it (MIA_AXE_CORE names another file); it is never committed.
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/mia/axe-core"
if [ "$want_browser" -eq 1 ] && [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
  command -v npm >/dev/null || apt_install npm
  log "installing axe-core into $axe_dir"
  mkdir -p "$axe_dir"
  npm install --prefix "$axe_dir" --no-save --no-audit --no-fund --loglevel=error axe-core@4.14.1 >/dev/null
fi

# --- Redis (tests of the shared rate limits' Redis store only) -----------------
if [ "$want_browser" -eq 1 ] && ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  command -v redis-server >/dev/null || apt_install redis-server
  log "starting Redis on 127.0.0.1:6379 (nothing kept on disk)"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
fi

# --- PostgreSQL ----------------------------------------------------------------
if [ -z "$local_db" ]; then
  if [ -z "${DATABASE_URL:-}" ]; then log "DATABASE_URL is not set"; exit 1; fi
  command -v psql >/dev/null || apt_install postgresql-client
  if ! err=$(psql "$DATABASE_URL" -Atqc 'select 1' 2>&1 >/dev/null); then
    if [[ "$err" == *"database \""*"\" does not exist"* ]]; then
      # The server answers; `mia migrate` creates the database (or, when the
      # role may not, prints the createdb command to run).
      log "the database at DATABASE_URL does not exist yet: mia creates it"
      exit 0
    fi
    log "DATABASE_URL is set but the database does not answer: ${err#psql: }"; exit 1
  fi
  if ! psql "$DATABASE_URL" -Atqc "select 1 from pg_available_extensions where name='vector'" | grep -q 1; then
    log "the database at DATABASE_URL has no pgvector extension available"; exit 1
  fi
  exit 0
fi

if ! command -v pg_ctlcluster >/dev/null && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt_install postgresql
fi
pgver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
pgbin=/usr/lib/postgresql/$pgver/bin

pg_up() { psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; }
if ! pg_up; then
  log "starting PostgreSQL $pgver"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$pgver" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
if ! pg_up; then
  log "PostgreSQL $pgver does not accept connections on 127.0.0.1:5432 as user postgres"
  log "(set DATABASE_URL to use another server)"
  exit 1
fi

# --- pgvector ------------------------------------------------------------------
if [ ! -f "/usr/share/postgresql/$pgver/extension/vector.control" ]; then
  # Prefer a binary package; bookworm has none, so fall back to building
  # Debian trixie's source package against this server's headers.
  if apt-cache show "postgresql-$pgver-pgvector" >/dev/null 2>&1; then
    apt_install "postgresql-$pgver-pgvector"
  else
    apt_install "postgresql-server-dev-$pgver" dpkg-dev build-essential
    work=$(mktemp -d)
    chmod 755 "$work" # apt downloads as the _apt user
    # A private apt configuration: the trixie deb-src line never touches the
    # system's sources, so nothing else on the machine is upgraded from trixie.
    mkdir -p "$work/lists/partial" "$work/archives/partial"
    cat >"$work/sources.list" <<SRC
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
SRC
    opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives")
    log "building pgvector from Debian trixie's source package"
    apt-get "${opts[@]}" update -qq >/dev/null
    (cd "$work" && apt-get "${opts[@]}" source -qq --download-only pgvector >/dev/null \
      && dpkg-source -x --no-check ./pgvector_*.dsc src >/dev/null)
    make -s -C "$work/src" PG_CONFIG="$pgbin/pg_config" >/dev/null
    $SUDO make -s -C "$work/src" PG_CONFIG="$pgbin/pg_config" install >/dev/null
    rm -rf "$work"
  fi
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1 from pg_database where datname='$local_db'" | grep -q 1; then
  log "creating database $local_db"
  psql -h 127.0.0.1 -U postgres -d postgres -qc "create database \"$local_db\"" >/dev/null
fi
log "PostgreSQL $pgver with pgvector ready"
