// Why the cores idle during a bench crawl: which thread waits on what, and for how long (Linux, perf).
//
//   npm run build && node bench/idle-gaps.mjs [--pages 5000] [--keep] [--cli other/dist/src/cli/main.js]
//
// Records the crawl's scheduler events with `perf sched record -g` (context switches with their
// stacks, wake-ups), then prints, per thread of the crawler: time on a CPU, time runnable but
// waiting for one, and time blocked by what it blocked in (the kernel or libc frames of its stack)
// and which thread woke it; then the stretches in which both parse threads waited for their next
// page (blocked, woken by the main thread), by length, and what the main thread ran meanwhile.
// "Pipeline gap" is core time neither the main thread nor a parse thread could use, none of them
// runnable: what a quiet host leaves idle. Needs perf with tracepoints (`perf sched record` as root).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const pages = Number(args[args.indexOf('--pages') + 1] ?? 5000) || 5000;
const keep = args.includes('--keep');
const main = args.includes('--cli') ? args[args.indexOf('--cli') + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'crawlite-idle-'));
const data = join(dir, 'sched.data');
const rec = spawnSync('perf', ['sched', 'record', '-g', '-o', data, '--', process.execPath, main, 'bench', '--pages', String(pages), '--db', join(dir, 'bench.db')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
if (rec.status !== 0) {
  process.stderr.write(`perf sched record failed: ${rec.stderr || rec.error}\n`);
  process.exit(1);
}

// One event: [tgid, tid, time, name, trace, stack frames "addr symbol", cpu].
const events = [];
const header = /^\s*\S.*?\s+(\d+)\/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)$/;
await new Promise((resolve, reject) => {
  const script = spawn('perf', ['script', '-i', data, '-F', 'comm,pid,tid,cpu,time,event,trace,ip,sym'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let rest = '';
  let cur = null;
  const take = (line) => {
    const m = header.exec(line);
    if (m) {
      cur = [Number(m[1]), Number(m[2]), Number(m[4]), m[5], m[6], [], Number(m[3])];
      events.push(cur);
    } else if (cur && line.trim()) cur[5].push(line.trim());
  };
  script.stdout.setEncoding('utf8');
  script.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) take(line);
  });
  script.on('close', () => (take(rest), resolve()));
  script.on('error', reject);
});
if (!keep) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${data}`);

const field = (trace, name) => Number(new RegExp(`${name}=(\\d+)`).exec(trace)?.[1]);
const userFrames = (stack) => stack.filter((f) => !f.startsWith('ffffffff')).map((f) => f.slice(f.indexOf(' ') + 1));
/** What a thread blocked in, from its stack at the switch. */
function blockedIn(stack) {
  const frames = userFrames(stack);
  const lock = frames.findIndex((f) => f.includes('lll_lock_wait'));
  if (lock >= 0) return `lock in ${(frames[lock + 1] ?? '?').slice(0, 40)}`;
  const s = stack.join(' ');
  for (const [key, name] of [['fsync', 'fsync'], ['fdatasync', 'fsync'], ['pwrite', 'pwrite'], ['pread', 'pread'], ['epoll_wait', 'epoll (event loop)'],
    ['__futex_abstimed_wait_common', 'condition wait'], ['pthread_cond', 'condition wait'], ['futex', 'futex']]) {
    if (s.includes(key)) return name;
  }
  return 'other';
}
/** What the main thread ran, from a runtime sample's stack. */
function ranIn(stack) {
  const s = userFrames(stack).join(' ');
  for (const [key, name] of [['walCheckpoint', 'SQLite checkpoint'], ['fts5IndexMerge', 'FTS5 merge'], ['Fts5FlushToDisk', 'FTS5 flush'], ['pagerWalFrames', 'commit: WAL frames'],
    ['sqlite3', 'SQLite statements'], ['MarkCompact', 'GC (full)'], ['Scavenge', 'GC (young)'], ['MessagePort', 'messages from the parse threads'], ['uv__io_poll', 'I/O callbacks']]) {
    if (s.includes(key)) return name;
  }
  return 'other';
}

// The crawler: the process with the most CPU; the bench server: the child it forked with the most.
// Thread ids are reused on a busy host, so a thread's CPU counts only while it is the process's.
const add = (map, key, value) => map.set(key, (map.get(key) ?? 0) + value);
const forks = new Map();
const cpuOf = (include, from = -Infinity, to = Infinity) => {
  const total = new Map();
  const lastIn = new Map();
  for (const [group, tid, t, name, trace] of events) {
    if (name !== 'sched:sched_switch') continue;
    const next = field(trace, 'next_pid');
    if (lastIn.has(tid) && include(group) && t > from && t <= to) total.set(`${group}/${tid}`, (total.get(`${group}/${tid}`) ?? 0) + t - lastIn.get(tid));
    lastIn.set(next, t);
  }
  return total;
};
for (const [, , , name, trace] of events) if (name === 'sched:sched_process_fork') forks.set(field(trace, 'child_pid'), field(trace, 'pid'));
const perProcess = new Map();
for (const [key, s] of cpuOf(() => true)) perProcess.set(Number(key.split('/')[0]), (perProcess.get(Number(key.split('/')[0])) ?? 0) + s);
const byCpu = [...perProcess].filter(([p]) => p !== 0).sort((a, b) => b[1] - a[1]).map(([p]) => p);
const crawler = byCpu.find((p) => [...forks.values()].includes(p));
const server = byCpu.find((p) => forks.get(p) === crawler);
const onCpu = new Map([...cpuOf((g) => g === crawler || g === server)].map(([key, s]) => [Number(key.split('/')[1]), s]));
const crawlerTids = new Set(events.filter((e) => e[0] === crawler).map((e) => e[1]));
const serverTids = new Set(events.filter((e) => e[0] === server).map((e) => e[1]));
const threads = [...crawlerTids].sort((a, b) => (onCpu.get(b) ?? 0) - (onCpu.get(a) ?? 0));
// The parse threads: the two the main thread wakes most (a task handed over wakes its thread).
const wokenByMain = new Map();
for (const [, tid, , name, trace] of events) {
  if (name === 'sched:sched_waking' && tid === crawler && crawlerTids.has(field(trace, 'pid'))) add(wokenByMain, field(trace, 'pid'), 1);
}
const workers = [...wokenByMain].filter(([tid]) => tid !== crawler).sort((a, b) => b[1] - a[1]).slice(0, 2).map(([tid]) => tid);
const ours = (tid) => crawlerTids.has(tid) || serverTids.has(tid);
const nameOf = (tid) => (tid === crawler ? 'main' : workers.includes(tid) ? `parse ${tid}` : crawlerTids.has(tid) ? `thread ${tid}` : serverTids.has(tid) ? 'bench server' : tid === 0 ? 'interrupt' : 'other process');

// The crawl itself: from the main thread's first wake-up of a parse thread to its last (before it,
// the bench server renders its pages alone; after it, the file is settled).
const handOffs = events.filter(([, tid, , name, trace]) => name === 'sched:sched_waking' && tid === crawler && workers.includes(field(trace, 'pid')));
const crawlFrom = handOffs[0]?.[2] ?? 0;
const crawlTo = handOffs.at(-1)?.[2] ?? Infinity;
const onCpuCrawl = new Map([...cpuOf((g) => g === crawler || g === server, crawlFrom, crawlTo)].map(([key, s]) => [Number(key.split('/')[1]), s]));
// Per thread: blocked time by reason and waker; runnable time; and the crawl's occupancy.
const blockedSince = new Map();
const runnableSince = new Map();
const state = new Map();
const running = new Map();
const blocked = new Map();
const runnable = new Map();
const stretches = [];
const mainDuring = new Map();
let stretchStart = null;
let stretchRan = [];
let gap = 0;
let contended = 0;
let prevT = null;
for (const [, tid, t, name, trace, stack, cpu] of events) {
  if (prevT !== null && t > crawlFrom && t <= crawlTo) {
    const n = [...running.values()].filter(ours).length;
    if (n < 2) {
      const crit = [crawler, ...workers].map((x) => state.get(x));
      if (crit.includes('runnable')) contended += (2 - n) * (t - prevT);
      else gap += (2 - n) * (t - prevT);
    }
  }
  prevT = t;
  if (name === 'sched:sched_waking') {
    const woken = field(trace, 'pid');
    const since = blockedSince.get(woken);
    if (since && since.t >= crawlFrom && t <= crawlTo) {
      blockedSince.delete(woken);
      const key = `${since.why} <- ${nameOf(tid)}`;
      const per = blocked.get(woken) ?? new Map();
      blocked.set(woken, per);
      const cur = per.get(key) ?? [0, 0];
      per.set(key, [cur[0] + t - since.t, cur[1] + 1]);
    }
    if (ours(woken) && state.get(woken) !== 'running') {
      state.set(woken, 'runnable');
      if (!runnableSince.has(woken)) runnableSince.set(woken, t);
    }
  } else if (name === 'sched:sched_switch') {
    const prev = field(trace, 'prev_pid');
    const next = field(trace, 'next_pid');
    const isRunnable = /prev_state=R/.test(trace);
    if (ours(prev)) {
      state.set(prev, isRunnable ? 'runnable' : blockedIn(stack));
      if (isRunnable) runnableSince.set(prev, t);
      else blockedSince.set(prev, { t, why: blockedIn(stack) });
    }
    running.set(cpu, next);
    if (runnableSince.has(next) && t > crawlFrom && t <= crawlTo) add(runnable, next, t - runnableSince.get(next));
    runnableSince.delete(next);
    if (ours(next)) state.set(next, 'running');
  } else if (name === 'sched:sched_stat_runtime' && tid === crawler && stretchStart !== null) {
    stretchRan.push([ranIn(stack), field(trace, 'runtime') / 1e9]);
  }
  const bothWait = workers.every((w) => state.get(w) === 'condition wait');
  if (bothWait && stretchStart === null) (stretchStart = t), (stretchRan = []);
  else if (!bothWait && stretchStart !== null) {
    stretches.push(t - stretchStart);
    if (t - stretchStart >= 0.003) for (const [what, s] of stretchRan) add(mainDuring, what, s);
    stretchStart = null;
  }
}

const ms = (s) => (s * 1000 / pages).toFixed(3);
console.log(`\nper page of ${pages} (ms): crawler ${crawler}, parse threads ${workers.join(', ')}, bench server ${server}`);
for (const tid of [crawler, ...workers, ...threads.filter((x) => x !== crawler && !workers.includes(x)).slice(0, 5), ...[...serverTids].sort((a, b) => (onCpu.get(b) ?? 0) - (onCpu.get(a) ?? 0)).slice(0, 1)]) {
  const per = [...(blocked.get(tid) ?? new Map())].sort((a, b) => b[1][0] - a[1][0]);
  const total = per.reduce((s, [, [v]]) => s + v, 0);
  console.log(`  ${nameOf(tid).padEnd(14)} on CPU ${ms(onCpuCrawl.get(tid) ?? 0)}  runnable ${ms(runnable.get(tid) ?? 0)}  blocked ${ms(total)}`);
  for (const [why, [s, n]] of per.slice(0, tid === crawler || workers.includes(tid) ? 4 : 1)) {
    console.log(`      ${ms(s)} ${why} (${n} times, mean ${(s / n * 1000).toFixed(2)} ms)`);
  }
}
const bins = [[0.001, '< 1 ms'], [0.003, '1-3 ms'], [0.01, '3-10 ms'], [0.03, '10-30 ms'], [Infinity, '>= 30 ms']];
console.log('\nboth parse threads waiting for their next page, stretches by length:');
for (const [i, [top, label]] of bins.entries()) {
  const inBin = stretches.filter((s) => s < top && s >= (i === 0 ? 0 : bins[i - 1][0]));
  console.log(`  ${label.padEnd(9)} ${String(inBin.length).padStart(5)} stretches, ${ms(inBin.reduce((a, b) => a + b, 0))} ms a page`);
}
const during = [...mainDuring].sort((a, b) => b[1] - a[1]);
const duringTotal = during.reduce((s, [, v]) => s + v, 0);
console.log('  the main thread meanwhile (stretches of 3 ms and more, share of its CPU samples):');
for (const [what, s] of during.slice(0, 8)) console.log(`    ${(s / duringTotal * 100).toFixed(1).padStart(5)} %  ${what}`);
console.log(`\nthe crawl: ${(crawlTo - crawlFrom).toFixed(2)} s; core time lost to it, ms a page: pipeline gap (neither the main thread nor a parse thread runnable) ${ms(gap)}, ` +
  `runnable but waiting for a core (other processes, or the crawl's own threads) ${ms(contended)}`);
