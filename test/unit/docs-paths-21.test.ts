import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { docFiles, REPO_ROOT } from '../helpers/docs.js';
import { defaultConfig, DEFAULT_USER_AGENT, VERSION } from '../../src/config/schema.js';
import { parseByteSize } from '../../src/config/byte-size.js';
import { readDurationMs } from '../../src/config/duration.js';

/**
 * What the docs say about the code, checked against the code (round 21): every `src/...` path they
 * name exists; docs/architecture.md names every module of src/, each in the folder it sits in; the
 * README's architecture table names files of its folders; the defaults the option tables and the
 * prose give are src/config/schema.ts's; and the error codes are src/errors.ts's, the run-level
 * ones in docs/errors.md and the per-URL ones in docs/data.md's "Failure codes".
 */

const exists = (path: string) => existsSync(new URL(path, REPO_ROOT));
const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');

/** Every file under src/, as `src/a/b.ts`. */
function srcFiles(dir = 'src/'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(new URL(dir, REPO_ROOT)).sort()) {
    const path = `${dir}${name}`;
    if (statSync(new URL(path, REPO_ROOT)).isDirectory()) out.push(...srcFiles(`${path}/`));
    else if (/\.c?ts$/.test(name)) out.push(path);
  }
  return out;
}

/** The text of a markdown file between `## heading` lines, keyed by heading. */
function sections(markdown: string): Array<{ heading: string; body: string }> {
  const out: Array<{ heading: string; body: string }> = [];
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    out.push({ heading: part.slice(0, newline), body: part.slice(newline + 1) });
  }
  return out;
}

/** Backquoted file names in `text`: `a.ts`, `fetch/b.ts`, `src/c.ts`. */
function namedFiles(text: string): string[] {
  return [...text.matchAll(/`([A-Za-z0-9_./-]+\.c?ts)`/g)].map((m) => m[1]!);
}

/**
 * Where a name written in a stage's section lives: `src/...` as written; else in the section's
 * `folder` (`commands/crawl.ts` under `src/cli/`), or under src/ (`fetch/robots.ts`).
 */
function resolve(name: string, folder: string): string {
  if (name.startsWith('src/')) return name;
  if (!name.includes('/') || exists(`${folder}${name}`)) return `${folder}${name}`;
  return `src/${name}`;
}

test('every src/ path the README and docs/*.md name exists', () => {
  const missing: string[] = [];
  let checked = 0;
  for (const { path, text } of docFiles()) {
    for (const m of text.matchAll(/\bsrc\/[A-Za-z0-9_./-]*[A-Za-z0-9_/-]/g)) {
      checked++;
      if (!exists(m[0])) missing.push(`${path}: ${m[0]}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked >= 50, `src/ paths checked: ${checked}`);
});

test('every bench/, test/ and scripts/ file the README and docs/*.md name exists', () => {
  const missing: string[] = [];
  let checked = 0;
  for (const { path, text } of docFiles()) {
    for (const m of text.matchAll(/(?<![\w/.-])(?:bench|test|scripts)\/[A-Za-z0-9_./-]+\.(?:mjs|ts|json|md|sh|py|yaml)\b/g)) {
      checked++;
      if (!exists(m[0])) missing.push(`${path}: ${m[0]}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked >= 20, `files checked: ${checked}`);
});

test('docs/architecture.md names every module of src/, each in the folder it is in', () => {
  const named = new Set<string>();
  const wrong: string[] = [];
  for (const { heading, body } of sections(read('docs/architecture.md'))) {
    // A stage's section opens with its folder (`src/fetch/`) or its file (`src/crawl.ts`).
    const home = /^`(src\/[A-Za-z0-9_/-]*\/?)[A-Za-z0-9_.-]*`/m.exec(body);
    const folder = home ? home[1]! : 'src/';
    for (const name of namedFiles(body)) {
      const path = resolve(name, folder);
      if (exists(path)) named.add(path);
      else wrong.push(`## ${heading}: ${name} (looked for ${path})`);
    }
  }
  assert.deepEqual(wrong, []);
  const unnamed = srcFiles().filter((path) => !named.has(path));
  assert.deepEqual(unnamed, [], 'modules docs/architecture.md does not name');
});

test("the README's architecture table names files of each stage's folder", () => {
  const readme = read('README.md');
  const start = readme.indexOf('| stage | module | what it does |');
  assert.ok(start >= 0, 'the table is there');
  const rows = readme.slice(start).split('\n\n')[0]!.split('\n').slice(2);
  assert.ok(rows.length >= 8, `rows: ${rows.length}`);
  const wrong: string[] = [];
  for (const row of rows) {
    const cells = row.split(' | ');
    const module = /`(src\/[^`]*)`/.exec(cells[1]!)![1]!;
    assert.ok(exists(module), module);
    const folder = module.endsWith('/') ? module : module.slice(0, module.lastIndexOf('/') + 1);
    for (const name of namedFiles(cells.slice(2).join(' | '))) {
      if (!exists(resolve(name, folder))) wrong.push(`${module}: ${name}`);
    }
  }
  assert.deepEqual(wrong, []);
});

/** The default a crawl option table should show for each option whose default is schema.ts's. */
function schemaDefaults(): Map<string, (cell: string) => boolean> {
  const c = defaultConfig();
  const p = c.fetch.politeness!;
  const seconds = (ms: number) => (cell: string) => readDurationMs(cell.replace(/`/g, '')) === ms;
  const number = (n: number) => (cell: string) => Number(cell.replace(/[`,]/g, '')) === n;
  const text = (s: string) => (cell: string) => cell === `\`${s}\``;
  const noLimit = (value: unknown) => (cell: string) => value === null && cell === 'no limit';
  const off = (value: boolean | undefined) => (cell: string) => value === false && cell === 'off';
  return new Map<string, (cell: string) => boolean>([
    ['--db', text(c.dbPath)],
    ['--max-pages', noLimit(c.maxPages)],
    ['--max-depth', noLimit(c.maxDepth)],
    ['--max-time', noLimit(c.maxTimeMs)],
    ['--max-db-size', noLimit(c.store.maxDbBytes ?? null)],
    ['--concurrency', number(c.fetch.concurrency)],
    ['--per-host', number(c.fetch.perHost)],
    ['--scope', text(c.scope.mode)],
    ['--user-agent', (cell) => cell.replace(/`/g, '').replace('<version>', VERSION) === DEFAULT_USER_AGENT],
    ['--timeout', seconds(c.fetch.timeoutMs)],
    ['--max-bytes', (cell) => parseByteSize(cell.replace(/`/g, '')) === c.fetch.maxBodyBytes],
    ['--delay', seconds(p.delayMs)],
    ['--retries', number(p.retries)],
    ['--max-redirects', number(c.fetch.maxRedirects)],
    ['--max-query-variants', number(c.traps!.maxQueriesPerPath)],
    ['--max-repeat-run', number(c.traps!.maxRepeatRun!)],
    ['--ignore-robots', off(p.ignoreRobots)],
    ['--insecure', off(c.fetch.insecure)],
    ['--follow-nofollow', off(c.scope.followNofollow)],
    ['--store-non-html', off(c.parse.storeNonHtml)],
    ['--recrawl', off(c.recrawl)],
    ['--retry-failed', off(c.retryFailed)],
    ['--sitemaps', off(c.sitemaps)],
    ['--archive', off(c.archive)],
    ['--no-cookies', (cell) => c.fetch.cookies === true && cell === 'cookies on'],
    ['--workers', (cell) => cell === 'CPU cores'],
  ]);
}

test("the crawl option tables' defaults (README, docs/crawl.md) are src/config/schema.ts's", () => {
  const expected = schemaDefaults();
  const wrong: string[] = [];
  const unchecked: string[] = [];
  let checked = 0;
  for (const path of ['README.md', 'docs/crawl.md']) {
    const markdown = read(path);
    const start = markdown.indexOf('| option | default | meaning |');
    assert.ok(start >= 0, `${path} has the option table`);
    for (const row of markdown.slice(start).split('\n\n')[0]!.split('\n').slice(2)) {
      // `| option | default | meaning |`; a `\|` inside a cell (`host\|domain`) is no column.
      const [options, cell] = row.slice(1, row.lastIndexOf('|')).split(/(?<!\\)\|/).map((s) => s.trim()) as [string, string];
      const names = [...options.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
      const known = names.filter((name) => expected.has(name));
      if (known.length === 0) {
        if (cell !== '') unchecked.push(`${path}: ${names.join(', ')}: ${cell}`);
        continue;
      }
      for (const name of known) {
        checked++;
        if (!expected.get(name)!(cell)) wrong.push(`${path}: ${name} says ${cell || '(nothing)'}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  // Defaults that are the command line's own, not schema.ts's (the proxy comes from the environment
  // in config/proxy.ts): listed, so a new row with a default is looked at rather than passed over.
  assert.deepEqual(unchecked, [
    "docs/crawl.md: --proxy: the environment's",
    'docs/crawl.md: --progress-interval: 5',
    'docs/crawl.md: --log-format: `text`',
    'docs/crawl.md: --dry-run: off',
  ]);
  assert.ok(checked >= 30, `defaults checked: ${checked}`);
});

test("the defaults the prose gives in passing (`--per-host` (8), Crawl-delay up to 30 s, trap caps) are schema.ts's", () => {
  const c = defaultConfig();
  const p = c.fetch.politeness!;
  const t = c.traps!;
  const docs = docFiles().filter((f) => f.path !== 'docs/performance.md');
  // One space for each run of white space: a phrase may be broken over two lines.
  const all = docs.map((f) => f.text).join('\n').replace(/\s+/g, ' ');
  // `--option` (N...): the default in parentheses after the option's name.
  const inParens: Record<string, (value: string) => boolean> = {
    '--per-host': (v) => Number(v) === c.fetch.perHost,
    '--retries': (v) => Number(v) === p.retries,
    '--max-redirects': (v) => Number(v) === c.fetch.maxRedirects,
    '--timeout': (v) => readDurationMs(v.replace(' ', '')) === c.fetch.timeoutMs,
    '--max-bytes': (v) => parseByteSize(v.replace(' decoded', '').replace(' ', '')) === c.fetch.maxBodyBytes,
  };
  const wrong: string[] = [];
  let checked = 0;
  for (const m of all.matchAll(/`(--[a-z-]+)` \(([0-9][0-9.,]*(?: ?[a-zA-Z]+)?(?: decoded)?)[),;]/g)) {
    const check = inParens[m[1]!];
    if (!check) continue;
    checked++;
    if (!check(m[2]!)) wrong.push(m[0]);
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 5, `in parentheses: ${checked}`);

  const phrases: Array<[string, boolean]> = [
    [`Crawl-delay\` (up to ${p.maxCrawlDelayMs / 1000} s)`, true],
    [`\`Crawl-delay\` is honoured up to ${p.maxCrawlDelayMs / 1000} s`, true],
    [`(capped at ${p.retryMaxDelayMs / 1000} s;`, true],
    [`capped at ${p.retryAfterMaxMs / 60_000} minutes`, true],
    [`waiting up to ${p.retryBaseMs / 1000} s, ${(2 * p.retryBaseMs) / 1000} s`, true],
    [`the first ${p.robotsMaxBytes / 1024} KiB`, true],
    [`(at most ${p.robotsTtlMs / 3_600_000} h)`, true],
    [`longer than ${t.maxUrlLength.toLocaleString('en-US')} characters`, true],
    [`more than ${t.maxPathDepth} path segments`, true],
    [`more than ${t.maxRepeatedSegment} times`, true],
    [`the ${t.maxQueriesPerPath + 1}st distinct query string`, true],
  ];
  const absent = phrases.filter(([phrase]) => !all.includes(phrase)).map(([phrase]) => phrase);
  assert.deepEqual(absent, [], 'each default is said where the docs say it, with the value schema.ts has');
});

/** The members of src/errors.ts's ErrorCode union, split at its `// per-URL` comment. */
function errorCodes(): { runLevel: string[]; perUrl: string[] } {
  const source = read('src/errors.ts');
  const union = source.slice(source.indexOf('export type ErrorCode'), source.indexOf(';', source.indexOf('export type ErrorCode')));
  const split = union.indexOf('// per-URL');
  assert.ok(split > 0, 'the union marks its per-URL codes');
  const codes = (text: string) => [...text.matchAll(/'(CRAWL_[A-Z_]+)'/g)].map((m) => m[1]!);
  return { runLevel: codes(union.slice(0, split)), perUrl: codes(union.slice(split)) };
}

test('error codes: the run-level ones in docs/errors.md, the per-URL ones in docs/data.md "Failure codes", none the code lacks', () => {
  const { runLevel, perUrl } = errorCodes();
  assert.ok(runLevel.length >= 10 && perUrl.length >= 30, `${runLevel.length} run-level, ${perUrl.length} per-URL`);
  const errorsMd = read('docs/errors.md');
  assert.deepEqual(runLevel.filter((code) => !errorsMd.includes(`[${code}]`)), [], 'run-level codes without their error line in docs/errors.md');
  const data = read('docs/data.md');
  const failureCodes = data.slice(data.indexOf('## Failure codes'));
  assert.ok(failureCodes.length < data.length, 'docs/data.md has "Failure codes"');
  assert.deepEqual(perUrl.filter((code) => !failureCodes.includes(`\`${code}\``)), [], 'per-URL codes missing from docs/data.md "Failure codes"');
  const known = new Set([...runLevel, ...perUrl]);
  const unknown = new Set<string>();
  for (const { path, text } of docFiles()) {
    // `CRAWL_TRAP_*` names a family; `_RESET` after a full code is its short form.
    for (const m of text.matchAll(/\bCRAWL_[A-Z_]*[A-Z]\b(?!_?\*)/g)) if (!known.has(m[0])) unknown.add(`${path}: ${m[0]}`);
  }
  assert.deepEqual([...unknown], [], 'codes the docs name that src/errors.ts does not have');
});

test("docs/crawl.md's job-file keys table holds every key of src/config/job-schema.ts, and no other", async () => {
  const { allKeyPaths } = await import('../../src/config/job-schema.js');
  const crawl = read('docs/crawl.md');
  const start = crawl.indexOf('| where | keys |');
  assert.ok(start >= 0, 'the table is there');
  const documented: string[] = [];
  for (const row of crawl.slice(start).split('\n\n')[0]!.split('\n').slice(2)) {
    const [where, keys] = row.slice(1, row.lastIndexOf('|')).split('|').map((cell) => cell.trim()) as [string, string];
    const prefix = where === 'top level' ? '' : `${where.replace(/`/g, '')}.`;
    // Only the keys that start the cell's items, not the values in their notes (`false`).
    for (const m of keys.matchAll(/(?:^|, |plus |and )`([a-zA-Z]+)`/g)) documented.push(`${prefix}${m[1]}`);
  }
  // A group's own name (`fetch`, `fetch.politeness`) is a key of the schema too.
  const groups = ['scope', 'fetch', 'fetch.politeness', 'parse', 'store', 'traps'];
  assert.deepEqual([...documented, ...groups].sort(), [...allKeyPaths(), 'fields'].sort());
});
