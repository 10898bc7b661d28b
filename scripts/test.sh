#!/usr/bin/env bash
# Runs every Parley test on a fresh machine that has the .NET 10 SDK, node and apt:
# installs what is missing (chromium, postgresql, poppler-utils, maildev, Azurite, npm stripe and axe-core, the python3.11-doc pages), starts a throwaway PostgreSQL
# cluster, maildev and Azurite on free loopback ports, runs unit + integration (SQLite and PostgreSQL) + browser tests,
# stops what it started, and ends with "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/parley-test.XXXXXX)
chmod 755 "$WORK"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
log() { printf '\n== %s\n' "$*"; }

# --- 1. What the tests need from Debian and npm -------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing ${missing[*]}"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install ${missing[*]} failed"; exit 1; }
fi
TOOLS="$ROOT/.tools"
npm_tools=()
[ -x "$TOOLS/node_modules/.bin/maildev" ] || npm_tools+=(maildev@2.2.1)
[ -x "$TOOLS/node_modules/.bin/azurite-blob" ] || npm_tools+=(azurite@3.37.0)
# Stripe's node library signs the webhook payloads the billing tests send (webhooks.generateTestHeaderString).
[ -f "$TOOLS/node_modules/stripe/package.json" ] || npm_tools+=(stripe@23.1.0)
# axe-core checks the widget, the inbox and the dashboard pages for accessibility in the browser tests.
[ -f "$TOOLS/node_modules/axe-core/axe.min.js" ] || npm_tools+=(axe-core@4.14.1)
if [ ${#npm_tools[@]} -gt 0 ]; then
  log "Installing ${npm_tools[*]}"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "${npm_tools[@]}" >/dev/null || { echo "npm install ${npm_tools[*]} failed"; exit 1; }
fi

# The Python 3.11 documentation for the answer-quality evaluation, unpacked from Debian's python3.11-doc into .tools
# (dpkg-deb -x: no root needed, and images that leave /usr/share/doc out of installs still get the files).
DOCS="$TOOLS/python3.11-doc/usr/share/doc/python3.11/html"
if [ ! -f "$DOCS/index.html" ]; then
  log "Unpacking python3.11-doc"
  ( cd "$WORK" && { apt-get download python3.11-doc >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download python3.11-doc >/dev/null; }; } \
    && dpkg-deb -x "$WORK"/python3.11-doc_*.deb "$TOOLS/python3.11-doc" ) || { echo "python3.11-doc could not be unpacked"; exit 1; }
fi
export PARLEY_EVAL_DOCS="$DOCS"
export PARLEY_STRIPE_NODE="$TOOLS/node_modules/stripe"
export PARLEY_AXE="$TOOLS/node_modules/axe-core/axe.min.js"

# Waits until a URL answers anything; node, not curl, since a fresh machine may lack curl.
wait_http() { for _ in $(seq 1 100); do node -e "require('http').get(process.argv[1],()=>process.exit(0)).on('error',()=>process.exit(1))" "$1" && return 0; sleep 0.2; done; echo "$1 did not answer"; return 1; }
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# --- 2. Throwaway PostgreSQL and maildev -------------------------------------------------------------
PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
PGDATA="$WORK/pg"; PGPORT=$(free_port)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$PGDATA"; [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
  [ -n "${MAILDEV_PID:-}" ] && kill "$MAILDEV_PID" 2>/dev/null
  [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
log "Starting PostgreSQL on 127.0.0.1:$PGPORT"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync >/dev/null || { echo "initdb failed"; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null \
  || { cat "$PGDATA/server.log"; exit 1; }
export PARLEY_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20"

SMTP_PORT=$(free_port); MAILDEV_WEB=$(free_port)
log "Starting maildev (smtp $SMTP_PORT, web $MAILDEV_WEB)"
"$TOOLS/node_modules/.bin/maildev" --smtp "$SMTP_PORT" --web "$MAILDEV_WEB" --ip 127.0.0.1 --silent > "$WORK/maildev.log" 2>&1 &
MAILDEV_PID=$!
wait_http "http://127.0.0.1:$MAILDEV_WEB/email" || { cat "$WORK/maildev.log"; exit 1; }
export PARLEY_TEST_SMTP_PORT=$SMTP_PORT

BLOB_PORT=$(free_port)
log "Starting Azurite blob service on 127.0.0.1:$BLOB_PORT"
mkdir -p "$WORK/azurite"
"$TOOLS/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" --location "$WORK/azurite" \
  --silent --disableTelemetry --skipApiVersionCheck > "$WORK/azurite.log" 2>&1 &
AZURITE_PID=$!
wait_http "http://127.0.0.1:$BLOB_PORT/" || { cat "$WORK/azurite.log"; exit 1; }
export PARLEY_TEST_AZURITE_BLOB="http://127.0.0.1:$BLOB_PORT/devstoreaccount1"
export PARLEY_TEST_MAILDEV_URL="http://127.0.0.1:$MAILDEV_WEB"
export PARLEY_CHROMIUM=$(command -v chromium)
# Many app instances share each test process: file watchers poll rather than use up the user's inotify instances.
export DOTNET_USE_POLLING_FILE_WATCHER=true

# --- 3. Build once, then each test project -----------------------------------------------------------
log "Building"
dotnet build App.sln -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0; skipped=0; status=0
for project in Web.Tests Web.E2E; do
  log "Testing $project"
  out="$WORK/$project.log"
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" --results-directory "$ROOT/TestResults" 2>&1 | tee "$out" | awk '/Error Message/ { print; shown = 4; next } shown > 0 { print; shown--; next } /^[[:space:]]+(Failed|Passed|Skipped) |Failed!|Passed!|^[[:space:]]+at Parley/' || true
  # The console logger's closing block: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" lines.
  summary=$(awk '/^Total tests:/{f=1} f' "$out")
  if [ -z "$summary" ]; then echo "$project produced no test summary"; failed=$((failed + 1)); status=1; continue; fi
  count() { grep -E "^\s+$1: [0-9]+" <<<"$summary" | grep -oE '[0-9]+' | head -n 1 || true; }
  p=$(count Passed); f=$(count Failed); s=$(count Skipped)
  p=${p:-0}; f=${f:-0}; s=${s:-0}
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$f" -gt 0 ] && status=1
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo
echo "$line"
exit $status
