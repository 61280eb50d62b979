#!/bin/bash
# CPU per page of each thread of a `crawlite bench` run, and of the bench server, read from
# /proc (Linux only) every 0.2 s; a thread's last reading before it exits is kept. The two
# busiest other threads are the parse workers; the ones at ~0.1-0.2 ms are V8's platform threads.
# The bench server's CPU is given apart for its start-up (rendering every page before the crawl
# begins, which competes with nothing) and for the crawl itself (from its first sampling with the
# crawler's connections open: more than 8 sockets), which is what shares the cores with the crawler.
#
#   npm run build && bash bench/threads.sh [--pages N] [other bench flags]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=5000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [ "${args[$i]}" = "--pages" ] && pages=${args[$((i + 1))]}; done
[ ${#args[@]} -eq 0 ] && args=(--pages "$pages")
out=$(mktemp) snaps=$(mktemp) db=$(mktemp -u /tmp/threads-bench-XXXXXX.db)
trap 'rm -f "$out" "$snaps" "$db" "$db-wal" "$db-shm"' EXIT
node dist/src/cli/main.js bench "${args[@]}" --db "$db" >"$out" 2>&1 &
pid=$!
server_start=
ticks() { local s rest f; s=$(cat "$1" 2>/dev/null) || return 0; rest=${s##*) }; read -ra f <<<"$rest"; echo $((f[11] + f[12])); }
while kill -0 "$pid" 2>/dev/null; do
  for t in /proc/"$pid"/task/*; do
    # Every thread is called "node"; the main thread is the one whose id is the process's.
    label="thread-${t##*/}"; [ "${t##*/}" = "$pid" ] && label="main-thread"
    n=$(ticks "$t/stat"); [ -n "$n" ] && echo "$label $n"
  done >>"$snaps"
  for c in $(pgrep -P "$pid" || true); do
    n=$(ticks "/proc/$c/stat"); [ -n "$n" ] || continue
    echo "bench-server $n"
    if [ -z "$server_start" ]; then
      sockets=$(find /proc/"$c"/fd -lname 'socket:*' 2>/dev/null | wc -l)
      [ "$sockets" -gt 8 ] && server_start=$n
    fi
  done >>"$snaps"
  sleep 0.2
done
wait "$pid" || { cat "$out"; exit 1; }
grep -E "pages stored|per second|CPU per" "$out"
hz=$(getconf CLK_TCK)
awk -v pages="$pages" -v hz="$hz" -v start="$server_start" '{ if ($2 > m[$1]) m[$1] = $2 } END {
  if (start != "" && ("bench-server" in m)) { m["bench-server (start-up)"] = start; m["bench-server (crawl)"] = m["bench-server"] - start; delete m["bench-server"] }
  for (k in m) if (m[k] * 1000 / hz / pages >= 0.01) printf "%.4f %-28s %.2f ms/page\n", m[k] * 1000 / hz / pages, k, m[k] * 1000 / hz / pages }' "$snaps" | sort -rn | cut -d' ' -f2-
