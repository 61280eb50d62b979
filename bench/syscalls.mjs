// Syscalls a bench crawl makes, per page, by thread and by kind (Linux, strace).
//
//   npm run build && node bench/syscalls.mjs [--pages 1000] [--keep] [--cli other/dist/src/cli/main.js]
//   node bench/syscalls.mjs --from kept-strace.txt --pages N     # count a kept trace again
//
// Runs `crawlite bench` under `strace -f` and counts every syscall of the crawler's threads from
// the main thread's first connect() to its last pwrite64() (start-up and exit left out), divided
// by the pages crawled. The bench server is another process: its threads are left out. strace
// slows the crawl several times over, so read counts here, never times; CPU comes from the bench
// itself or bench/threads.sh.
//
// Threads are told apart by the stack size they were made with, which Node 20 fixes: 4 MB for a
// worker_threads Worker (the parse threads), 32 KB for its signal-watching thread, 8 MB for V8's
// platform threads (made first) and for libuv's pool (made after the 32 KB one, on first use).
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const pages = Number(args[args.indexOf('--pages') + 1] ?? 1000) || 1000;
const keep = args.includes('--keep');
const cli = args.includes('--cli') ? args[args.indexOf('--cli') + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');
const from = args.includes('--from') ? args[args.indexOf('--from') + 1] : null;
const dir = from ? null : mkdtempSync(join(tmpdir(), 'crawlite-syscalls-'));
const trace = from ?? join(dir, 'strace.txt');
let crawled = pages;
if (!from) {
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'signal=none', '-o', trace, process.execPath, cli, 'bench', '--pages', String(pages), '--db', join(dir, 'bench.db')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    process.stderr.write(`strace or the bench failed: ${run.stderr || run.error}\n`);
    process.exit(1);
  }
  const stored = /pages stored\s+(\d+)/.exec(run.stdout);
  if (stored) crawled = Number(stored[1]);
}

const call = /^(\d+) +(?:<\.\.\. (\w+) resumed>(.*)|(\w+)\((.*))$/;
const lines = [];
for await (const line of createInterface({ input: createReadStream(trace) })) lines.push(line);

// Who made whom, and with what stack; the first line's thread is the crawler's main thread.
const main = Number(call.exec(lines[0])[1]);
const made = new Map(); // tid -> { by, stack, order }
let order = 0;
let signalThread = Infinity;
const unfinished = new Map(); // tid -> the first half of a clone that strace cut in two
for (const line of lines) {
  const m = call.exec(line);
  if (!m) continue;
  const by = Number(m[1]);
  const name = m[2] ?? m[4];
  if (name !== 'clone3' && name !== 'clone') continue;
  const whole = m[2] ? `${unfinished.get(by) ?? ''}${line}` : line;
  const child = /= (\d+)\s*$/.exec(whole) ?? /parent_tid=\[(\d+)\]/.exec(whole);
  if (!child) {
    unfinished.set(by, line);
    continue;
  }
  unfinished.delete(by);
  const tid = Number(child[1]);
  if (made.has(tid)) continue;
  const stack = /stack_size=(0x[0-9a-f]+)/.exec(whole)?.[1];
  made.set(tid, { by, stack: whole.includes('CLONE_THREAD') ? stack : 'process', order: order++ });
  if (stack === '0x7e80' && by === main) signalThread = order;
}
const label = (tid) => {
  if (tid === main) return 'main thread';
  const t = made.get(tid);
  if (!t) return 'unknown';
  if (t.stack === 'process' || t.by !== main) return 'other process';
  if (t.stack === '0x3ffe80') return 'parse workers';
  if (t.stack === '0x7e80') return 'signal thread';
  return t.order < signalThread ? 'V8 platform' : 'libuv pool';
};

// fd -> what it is, for the main process (fds are shared by its threads).
const fds = new Map();
const counts = new Map(); // group -> Map(kind -> n)
const threads = new Map(); // group -> Set(tid)
const add = (group, kind) => {
  const g = counts.get(group) ?? counts.set(group, new Map()).get(group);
  g.set(kind, (g.get(kind) ?? 0) + 1);
};
let lastWrite = 0;
lines.forEach((line, i) => {
  const m = call.exec(line);
  if (m && Number(m[1]) === main && m[4] === 'pwrite64') lastWrite = i;
});
let inCrawl = false;
lines.forEach((line, i) => {
  const m = call.exec(line);
  if (!m) return;
  const tid = Number(m[1]);
  const group = label(tid);
  if (group === 'other process') return;
  const name = m[4];
  const result = (m[3] ?? m[5]).match(/= (-?\d+)/)?.[1];
  if (name === 'openat' && result) fds.set(result, /"([^"]*)"/.exec(m[5])?.[1].replace(/^.*\//, '') ?? '?');
  if (name === 'socket' && result) fds.set(result, 'socket');
  if (name === 'eventfd2' && result) fds.set(result, 'eventfd');
  if (m[2] === 'socket' || m[2] === 'openat') {
    // The other thread's call was cut in two by strace; its path is on the first half.
    const r = /= (\d+)/.exec(m[3])?.[1];
    if (r) fds.set(r, m[2] === 'socket' ? 'socket' : '(a file)');
  }
  if (!inCrawl && tid === main && name === 'connect') inCrawl = true;
  if (!inCrawl || i > lastWrite || !name) return;
  (threads.get(group) ?? threads.set(group, new Set()).get(group)).add(tid);
  let kind = name;
  if (/^(pwrite64|pread64|read|write|fsync|fdatasync|fcntl)$/.test(name)) {
    const fd = /^(\d+)/.exec(m[5])?.[1];
    const what = fds.get(fd) ?? `fd ${fd}`;
    kind = `${name} ${/^\d+$/.test(what) ? 'fd' : what.replace(/^.*\.db-?/, 'db ').replace(/^db $/, 'db')}`;
    if (name === 'pwrite64') kind += /, 24, \d+\)/.test(m[5]) ? ' (24 B)' : '';
  } else if (name === 'futex') {
    kind = `futex ${/FUTEX_(WAKE|WAIT|\w+)/.exec(m[5])?.[1] ?? ''}`;
  }
  add(group, kind);
});

process.stdout.write(`syscalls a page over ${crawled} pages, from the first connect() to the last pwrite64() (strace -f)\n`);
for (const [group, kinds] of [...counts].sort((a, b) => sum(b[1]) - sum(a[1]))) {
  const ids = [...threads.get(group)].join(', ');
  process.stdout.write(`\n${group} (thread${threads.get(group).size > 1 ? 's' : ''} ${ids}): ${(sum(kinds) / crawled).toFixed(1)} a page\n`);
  for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) {
    if (n / crawled < 0.05) continue;
    process.stdout.write(`  ${kind.padEnd(34)} ${(n / crawled).toFixed(2)}\n`);
  }
}
if (keep && dir) process.stdout.write(`\ntrace kept in ${trace}\n`);
else if (dir) rmSync(dir, { recursive: true, force: true });

function sum(kinds) {
  let n = 0;
  for (const v of kinds.values()) n += v;
  return n;
}
