// Instructions per page of parsePage, counted by valgrind's callgrind: unlike CPU time on this
// 2-vCPU machine (whose speed drifts ±15 % from one minute to the next), a run's total repeats
// within about ±1.5 % (JIT and GC threads vary a little), so builds that differ by more than
// ~6 % per page can be told apart. Runs parsePage over N and 2N generated bench pages and reports the
// difference per page, which leaves out start-up, page rendering and most JIT warm-up (the
// transfer of pages between threads is not counted: parsePage runs on this one thread).
//
//   npm run build && node bench/parse-instructions.mjs [compiled-dir=dist] [--pages=120] [--page-bytes=N] [--threaded]
//
// --page-bytes renders pages of about N bytes instead of the ~50 KB articles: a page of 5,000
// (2.7 K characters of text) is a soft-404's size, whose whole text the copy sketch reads
// (parse/copy-sketch.ts), where a long page's is not read at all.
//
// Needs valgrind (Debian: apt install valgrind); each count takes a few minutes.
//
// The child runs with V8's --single-threaded (no concurrent compiler or GC threads): with them,
// whether a function's optimized code was ready before or after a given call varied from count
// to count under valgrind's serialized threads, and the 2N totals of one build spread over 4 %
// (10.68-11.12 G); without them 2N totals repeat within ~0.2 %. Compiles then run on this
// thread, which the N -> 2N difference mostly leaves out. --threaded restores V8's threads.
//
// And with --no-use-osr: single-threaded, a function whose loop was compiled on stack replacement
// during its first call (searchWords' scan, on a 46 KB text) re-entered that OSR code on every
// later call and was never compiled whole, so the count measured code the workers do not run
// (with V8's compiler threads, `--trace-opt` shows the whole function compiled within a few pages;
// its OSR code was slower, and in one build deoptimized at its end on every call). Without OSR a
// function's first call runs unoptimized and later calls run its whole-function code, as in the
// workers. Same build (97e38f8): 17.94 M a page with OSR, 17.08 M without.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const [, dir, count, rendered, pageBytes] = args;
  const load = (p) => import(pathToFileURL(resolve(dir, p)).href);
  const { renderPage } = await load('src/bench/site.js');
  const { parsePage } = await load('src/parse/parse-page.js');
  // Both runs render the same pages, so the difference between them is parsing alone.
  const bodies = Array.from({ length: Number(rendered) }, (_, i) => renderPage(i * 7, { pages: Math.max(5000, Number(rendered) * 7), ...(pageBytes ? { pageBytes: Number(pageBytes) } : {}) }));
  for (let i = 0; i < Number(count); i++) {
    parsePage({ url: `http://127.0.0.1/articles/${i}.html`, body: bodies[i], contentType: 'text/html', isHtml: true, maxLinks: 1000 });
  }
  process.exit(0);
}

const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const v8Flags = args.includes('--threaded') ? [] : ['--single-threaded', '--no-use-osr'];
const pages = Number(args.find((a) => a.startsWith('--pages='))?.slice(8) ?? 120);
if (!(pages > 0)) throw new RangeError('--pages must be a positive number');
const pageBytes = args.find((a) => a.startsWith('--page-bytes='))?.slice(13) ?? '';
if (pageBytes !== '' && !(Number(pageBytes) > 0)) throw new RangeError('--page-bytes must be a positive number');

function instructions(count) {
  const child = [...v8Flags, new URL(import.meta.url).pathname, '--child', dir, String(count), String(2 * pages), pageBytes];
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, ...child], { encoding: 'utf8' });
  if (run.error) throw new Error(`valgrind: ${run.error.message} (is valgrind installed?)`);
  const m = /I\s+refs:\s+([\d,]+)/.exec(run.stderr);
  if (run.status !== 0 || !m) throw new Error(`valgrind run failed (exit ${run.status}): ${run.stderr.slice(-500)}`);
  return Number(m[1].replaceAll(',', ''));
}

const one = instructions(pages);
const two = instructions(2 * pages);
console.log(`${dir}${pageBytes ? ` (${pageBytes}-byte pages)` : ''}: ${((two - one) / pages / 1e6).toFixed(2)} M instructions per page (${pages} -> ${2 * pages} pages: ${(one / 1e9).toFixed(3)} G -> ${(two / 1e9).toFixed(3)} G)`);
