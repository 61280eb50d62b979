// Where a page's instructions go, part by part: callgrind with V8's --perf-basic-prof map (so JIT
// code is named by its JS function and file), run at N and 2N pages, the difference per page
// bucketed (brotli, OpenSSL, SQLite, the parse modules, V8's GC and compilers...). Start-up,
// page rendering and most warm-up fall out of the difference, as in parse-instructions.mjs.
//
//   npm run build && node bench/callgrind-parts.mjs [compiled-dir=dist] [--pages=120] [--crawl] [--functions=30]
//
// Default: parsePage alone, through bench/parse-instructions.mjs' child (V8 single-threaded, no OSR).
// --crawl: a whole `crawlite bench --workers 0` crawl of N and 2N pages instead (fetch, inline
// parse, writer, SQLite; the bench site's server is another process, not counted), so the main
// thread's user-space work shows beside the parse. Slow under valgrind: ~1 page a second.
// Kernel time (socket reads and writes, pwrite, futex wake-ups) is not counted at all, and
// callgrind counts `rep stos` per byte and the SHA-256 it sees on the AVX2 path, where the CPU
// runs SHA instructions natively: the memset of brotli's hash table and SHA-256 are far cheaper
// than their counts.
//
// Needs valgrind. Writes its callgrind files under a temporary directory and removes them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
const isCrawl = args.includes('--crawl');
const pages = Number(args.find((a) => a.startsWith('--pages='))?.slice(8) ?? (isCrawl ? 300 : 120));
const functions = Number(args.find((a) => a.startsWith('--functions='))?.slice(12) ?? 30);
if (!(pages > 0) || !(functions >= 0)) throw new RangeError('--pages must be a positive number, --functions a number');
const work = mkdtempSync(join(tmpdir(), 'callgrind-parts-'));
const v8Flags = ['--single-threaded', '--no-use-osr', '--perf-basic-prof'];

function run(count) {
  const out = join(work, `${count}.cg`);
  const child = isCrawl
    ? [join(dir, 'src/cli/main.js'), 'bench', '--pages', String(count), '--workers', '0', '--db', join(work, `${count}.db`)]
    : [new URL('./parse-instructions.mjs', import.meta.url).pathname, '--child', dir, String(count), String(2 * pages), ''];
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, ...v8Flags, ...child], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`valgrind: ${r.error.message} (is valgrind installed?)`);
  const pid = /==(\d+)==/.exec(r.stderr)?.[1];
  if (r.status !== 0 || pid === undefined) throw new Error(`valgrind run failed (exit ${r.status}): ${r.stderr.slice(-500)}`);
  const ann = spawnSync('callgrind_annotate', ['--inclusive=no', '--threshold=99.9', out], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const names = jitNames(`/tmp/perf-${pid}.map`);
  rmSync(`/tmp/perf-${pid}.map`, { force: true });
  const byFunction = new Map();
  for (const line of ann.stdout.split('\n')) {
    const m = /^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$/.exec(line);
    if (!m || line.includes('PROGRAM TOTALS')) continue;
    const address = /\?\?\?:(0x[0-9a-f]+)/.exec(m[2]);
    const name = address ? names(parseInt(address[1], 16)) : m[2].replace(/ \[.*$/, '');
    byFunction.set(name, (byFunction.get(name) ?? 0) + Number(m[1].replaceAll(',', '')));
  }
  return byFunction;
}

/** The perf map's JIT ranges, sorted, as a lookup from an address to its function. */
function jitNames(path) {
  const ranges = readFileSync(path, 'utf8').split('\n').map((l) => {
    const [start, size, ...name] = l.split(' ');
    return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: name.join(' ') };
  }).filter((r) => r.name !== '').sort((a, b) => a.start - b.start);
  return (address) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid].start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    const r = ranges[hi];
    return r !== undefined && address < r.end ? r.name : 'JIT code without a name';
  };
}

const PARTS = [
  ['brotli', /Brotli|EncodeData|CreateBackwardReferences|StoreDataWithHuffman|BuildHistograms/],
  ['OpenSSL (SHA-256 of the body, SHA-1 of the copy signature)', /sha256|sha1_|ossl|OPENSSL|EVP_/],
  ['SQLite', /sqlite3|fts5|Fts5|better_sqlite3|unixShm|accessPayload|walIndex|pager|btree/i],
  ['RegExp code', /^RegExp:/],
  ['htmlparser2 (the Tokenizer)', /node_modules\/htmlparser2/],
  ['undici', /node_modules\/undici/],
  ['piscina', /node_modules\/piscina/],
  ['crawlite parse modules', /\/src\/(parse\/|text-spans|content-frame)/],
  ['crawlite writer and search index', /\/src\/(store|search)\//],
  ['crawlite fetch, frontier, crawl', /\/src\//],
  ['Node library JS', /node:/],
  ['V8 compilers and parser', /compiler::|Turbofan|Maglev|interpreter::|Parser|Scanner|BytecodeGenerator|Zone/],
  ['V8 GC', /Scaveng|Mark|Sweep|Heap::|Evacuat|RecordWrite|Worklist|IterateObjectCache|Compact/],
  ['V8 strings (UTF-8 decoding, flattening)', /Utf8|WriteToFlat|String/],
  ['V8 builtins (ICs, interpreter handlers)', /Builtins_/],
  ['libc memory (memcpy, memset, malloc)', /memcpy|memmove|memset|memchr|memcmp|malloc|free/],
];

function part(name) {
  return PARTS.find(([, re]) => re.test(name))?.[0] ?? 'other';
}

try {
  const one = run(pages);
  const two = run(2 * pages);
  const perPage = (m) => m / pages / 1e6;
  const delta = new Map();
  for (const [name, n] of two) delta.set(name, n - (one.get(name) ?? 0));
  for (const [name, n] of one) if (!two.has(name)) delta.set(name, -n);
  const parts = new Map();
  let total = 0;
  for (const [name, n] of delta) {
    parts.set(part(name), (parts.get(part(name)) ?? 0) + n);
    total += n;
  }
  console.log(`${isCrawl ? 'crawl, --workers 0' : 'parsePage'} (${dir}), ${pages} -> ${2 * pages} pages: ${perPage(total).toFixed(2)} M instructions a page`);
  for (const [name, n] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${perPage(n).toFixed(2).padStart(6)} M  ${name}`);
  if (functions > 0) {
    console.log('largest functions:');
    for (const [name, n] of [...delta].sort((a, b) => b[1] - a[1]).slice(0, functions)) console.log(`  ${perPage(n).toFixed(3).padStart(7)} M  ${name.slice(0, 140)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
