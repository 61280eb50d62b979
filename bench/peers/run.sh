#!/bin/bash
# Peer comparison: crawlite, Crawlee (CheerioCrawler), node-crawler and Scrapy each crawl the
# same generated site (src/bench/site.ts), served by its own process on 127.0.0.1, a fresh
# server per crawler and run. Each crawler runs under /usr/bin/time (wall, user, sys, peak RSS
# of the crawler's largest process; the server is not a child, so its CPU is not counted).
#
#   bash bench/peers/run.sh [--pages N] [--only crawlite,crawlee,node-crawler,scrapy] [--runs R] [--save] [--keep]
#
# Needs `npm run build` at the repo root (dist/), `cd bench/peers && npm install` for Crawlee
# and node-crawler, and Debian's python3-scrapy for Scrapy; a missing peer is skipped.
# --save writes the table as JSON to bench/results/<date>-peers.json; --keep keeps each run's
# output (DB, JSONL, Crawlee storage, logs) in the temp folder it names. Exit status 1 if a
# crawl failed or missed pages (a skipped peer is not a failure).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pages=5000
runs=1
only=crawlite,crawlee,node-crawler,scrapy
save=0
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --save) save=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$pages" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --pages must be a positive integer" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs must be a positive integer" >&2; exit 2; }
IFS=, read -ra crawlers <<<"$only"
for c in "${crawlers[@]}"; do
  case "$c" in crawlite|crawlee|node-crawler|scrapy) ;; *) echo "run.sh: unknown crawler '$c'" >&2; exit 2 ;; esac
done

CRAWL_TIMEOUT_S=${CRAWL_TIMEOUT_S:-600}
# The server stops by itself a minute after the longest a crawl may take.
SERVER_LIFETIME_MS=$(((CRAWL_TIMEOUT_S + 60) * 1000))
PYTHON=${PYTHON:-/usr/bin/python3}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "run.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
[ -f "$root/dist/src/bench/site-server.js" ] || { echo "run.sh: build first: npm run build" >&2; exit 1; }

tmp=$(mktemp -d /tmp/crawlite-peers-XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ "$keep" -eq 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Starts a fresh site server; sets server_pid and port.
start_server() {
  local out=$tmp/server.out
  : >"$out"
  node "$root/dist/src/bench/site-server.js" --pages "$pages" --max-lifetime-ms "$SERVER_LIFETIME_MS" >"$out" 2>"$tmp/server.err" &
  server_pid=$!
  for _ in $(seq 1 600); do
    if grep -q '"ready"' "$out"; then
      port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$out" | head -1)
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: site server did not start: $(cat "$tmp/server.err")" >&2
  exit 1
}

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# Prints the version, or nothing when the crawler is not installed.
version_of() {
  case "$1" in
    crawlite) [ -f "$root/dist/src/cli/main.js" ] && echo "$(node -p "require('$root/package.json').version")+$(git -C "$root" rev-parse --short HEAD)" ;;
    crawlee) [ -f "$here/node_modules/@crawlee/cheerio/package.json" ] && node -p "require('$here/node_modules/@crawlee/cheerio/package.json').version" ;;
    node-crawler) [ -f "$here/node_modules/crawler/package.json" ] && node -p "require('$here/node_modules/crawler/package.json').version" ;;
    scrapy) "$PYTHON" -c 'import scrapy; print(scrapy.__version__)' 2>/dev/null ;;
  esac
  return 0
}

install_hint() {
  case "$1" in
    crawlite) echo "npm run build (at the repo root)" ;;
    crawlee|node-crawler) echo "cd bench/peers && npm install --no-audit --no-fund" ;;
    scrapy) echo "apt-get install -y --no-install-recommends python3-scrapy" ;;
  esac
}

# Runs crawler $1 against $url with its output under $work; sets rc.
run_crawler() {
  local c=$1 url=$2 work=$3
  rc=0
  case "$c" in
    crawlite)
      # As `crawlite bench` runs it: perHost = concurrency, the site being local and ours.
      (cd "$work" && "$TIME" -f '%e %U %S %M' -o "$work/time" timeout "$CRAWL_TIMEOUT_S" \
        node "$root/dist/src/cli/main.js" crawl "$url" --db "$work/crawl.db" --concurrency 32 --per-host 32 --quiet) \
        >"$work/log" 2>&1 || rc=$? ;;
    crawlee)
      (cd "$work" && CRAWLEE_STORAGE_DIR="$work/storage" "$TIME" -f '%e %U %S %M' -o "$work/time" timeout "$CRAWL_TIMEOUT_S" \
        node "$here/crawlee.mjs" "$url") >"$work/log" 2>&1 || rc=$? ;;
    node-crawler)
      (cd "$work" && "$TIME" -f '%e %U %S %M' -o "$work/time" timeout "$CRAWL_TIMEOUT_S" \
        node "$here/node-crawler.mjs" "$url" "$work/pages.jsonl") >"$work/log" 2>&1 || rc=$? ;;
    scrapy)
      (cd "$work" && "$TIME" -f '%e %U %S %M' -o "$work/time" timeout "$CRAWL_TIMEOUT_S" \
        "$PYTHON" -m scrapy runspider -L WARNING "$here/scrapy_spider.py" -a "start_url=$url" -O "$work/pages.jsonl:jsonlines") \
        >"$work/log" 2>&1 || rc=$? ;;
  esac
}

# Prints "<items> <distinct-urls> <empty> <offsite>" for what crawler $1 stored.
count_stored() {
  local c=$1 url=$2 work=$3
  case "$c" in
    crawlite)
      # sqlite3's CLI if present, else the root's better-sqlite3.
      local q="SELECT count(*), count(DISTINCT url), sum(title IS NULL OR title = '' OR content_hash IS NULL), sum(url NOT LIKE '$url%') FROM pages WHERE status = 200"
      if command -v sqlite3 >/dev/null; then sqlite3 -separator ' ' "$work/crawl.db" "$q" 2>/dev/null || echo "0 0 0 0"
      else (cd "$root" && node -e "const D=require('better-sqlite3');const r=new D(process.argv[1],{readonly:true}).prepare(process.argv[2]).raw().get();console.log(r.map(v=>v??0).join(' '))" "$work/crawl.db" "$q") 2>/dev/null || echo "0 0 0 0"; fi ;;
    crawlee) node "$here/count.mjs" crawlee "$work/storage" "$url" ;;
    node-crawler|scrapy) node "$here/count.mjs" jsonl "$work/pages.jsonl" "$url" ;;
  esac
}

rows=$tmp/rows.tsv
: >"$rows"
bad=0
fmt='%-13s %-16s %9s %-10s %8s %8s %12s %13s %10s\n'
# The 1-minute load average before and after each crawl: on a shared machine, a figure well
# above ~2 (the crawler and the server) means something else competed for the CPU.
loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?'; }
printf "site: %d pages of ~50 KB on 127.0.0.1, 32 requests in flight; %d run(s) each; %s, %d cores\n\n" \
  "$pages" "$runs" "$(node -v)" "$(nproc)"
printf "$fmt" crawler version pages complete "wall s" pages/s "CPU ms/page" "peak RSS MB" "load"
for c in "${crawlers[@]}"; do
  version=$(version_of "$c")
  if [ -z "$version" ]; then
    printf '%-13s skipped: not installed; %s\n' "$c" "$(install_hint "$c")"
    printf '%s\t-\t%s\n' "$c" "skipped" >>"$rows"
    continue
  fi
  for ((run = 1; run <= runs; run++)); do
    work=$tmp/$c-$run
    mkdir -p "$work"
    start_server
    url="http://127.0.0.1:$port/"
    load_before=$(loadavg)
    run_crawler "$c" "$url" "$work"
    load_after=$(loadavg)
    stop_server
    read -r items distinct empty offsite < <(count_stored "$c" "$url" "$work")
    if [ "$rc" -ne 0 ] || [ ! -s "$work/time" ]; then
      status="failed (exit $rc$([ "$rc" -eq 124 ] && echo ', timed out'))"
      printf '%-13s %-16s %9s %s\n' "$c" "$version" "$distinct" "$status"
      sed 's/^/    /' "$work/log" | tail -20 >&2
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$version" "$status" "$run" "$items" "$distinct" "$empty" "$offsite" 0 0 0 >>"$rows"
      bad=1
      continue
    fi
    # GNU time may print "Command exited with non-zero status" first; the figures are the last line.
    read -r wall user sys rss_kb < <(tail -1 "$work/time")
    complete=yes
    [ "$distinct" -eq "$pages" ] || complete="NO:$distinct"
    [ "$empty" -eq 0 ] || complete="$complete,${empty}empty"
    [ "$offsite" -eq 0 ] || complete="$complete,${offsite}offsite"
    [ "$items" -eq "$distinct" ] || complete="$complete,$((items - distinct))dup"
    [ "$complete" = yes ] || bad=1
    read -r pps cpu_ms rss_mb < <(awk -v n="$distinct" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss_kb" \
      'BEGIN { d = n > 0 ? n : 1; printf "%.0f %.2f %.0f\n", n / w, (u + s) * 1000 / d, m / 1024 }')
    printf "$fmt" "$c" "$version" "$distinct" "$complete" "$wall" "$pps" "$cpu_ms" "$rss_mb" "$load_before>$load_after"
    if [ -s "$work/log" ]; then sed 's/^/    | /' "$work/log" | head -5; fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$version" ok "$run" "$items" "$distinct" "$empty" "$offsite" \
      "$wall" "$user" "$sys" "$rss_kb" "$complete" "$load_before" "$load_after" >>"$rows"
  done
done

if [ "$save" -eq 1 ]; then
  mkdir -p "$root/bench/results"
  file="$root/bench/results/$(date -u +%Y-%m-%dT%H%M%S)-peers.json"
  node - "$rows" "$pages" "$runs" "$(git -C "$root" rev-parse --short HEAD)" >"$file" <<'JS'
const [rowsPath, pages, runs, commit] = process.argv.slice(2);
const os = require('node:os');
const rows = require('node:fs').readFileSync(rowsPath, 'utf8').split('\n').filter(Boolean).map((line) => {
  const [crawler, version, status, run, items, distinct, empty, offsite, wall, user, sys, rssKb, complete, loadBefore, loadAfter] = line.split('\t');
  if (status !== 'ok') return { crawler, version, status, ...(run ? { run: +run, pagesStored: +distinct } : {}) };
  return {
    crawler, version, status, run: +run, pagesStored: +distinct, items: +items, emptyItems: +empty, offsiteItems: +offsite,
    complete: complete === 'yes', wallS: +wall, pagesPerS: +(distinct / wall).toFixed(1),
    cpuMsPerPage: +(((+user + +sys) * 1000) / distinct).toFixed(3), userS: +user, sysS: +sys, peakRssMb: +(rssKb / 1024).toFixed(1),
    loadAvg1Before: +loadBefore, loadAvg1After: +loadAfter,
  };
});
const result = {
  kind: 'peers', date: new Date().toISOString(), commit, pages: +pages, pageBytes: 50000, runs: +runs, concurrency: 32,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${os.platform()} ${os.release()}` },
  rows,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
JS
  echo "saved $file"
fi
# A failed or incomplete crawl fails the script (a skipped peer does not).
exit "$bad"
