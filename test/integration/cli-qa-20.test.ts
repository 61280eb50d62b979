/**
 * QA 20: a long-time Scrapy / wget / Crawlee user's workflows, end to end in a terminal: job files
 * with a mistake at each level, a crawl stopped with Ctrl+Z and brought back with fg, exports read
 * back by other tools.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { crawlite, assertOneLineError, MAIN } from '../helpers/cli.js';
import { tempDir, tempDbPath } from '../helpers/config.js';
import { startSite, page } from '../helpers/site.js';
import { openTerminal, quote, skipWithoutTmux } from '../helpers/tmux.js';

const SEED = 'seeds: [http://127.0.0.1:9/]\n';

test('a job file\'s mistake is named with its line, file:line: as a compiler and a --seeds-file name it (only the key path was named: counting items by hand in a long file)', async (t) => {
  const dir = tempDir(t, 'crawlite-qa20-');
  const db = join(dir, 'crawl.db');
  const yaml = join(dir, 'job.yaml');
  const cases: Array<[text: string, said: string]> = [
    [`${SEED}maxPage: 5\n`, ':2: maxPage: unknown key; did you mean maxPages?'],
    [`${SEED}fetch:\n  perHost: 2\n  concurrency: eight\n`, ":4: fetch.concurrency: expected a whole number from 1 to 1024, got 'eight'"],
    [`${SEED}scope:\n  exclude:\n    - /a/\n    - /b/\n    - /c(/\n`, ":6: scope.exclude[2]: expected a valid regular expression, got '/c(/'"],
    [`${SEED}fetch:\n  politeness:\n\n    retriez: 2\n`, ':5: fetch.politeness.retriez: unknown key; did you mean retries?'],
    [`${SEED}fields:\n  price: .price\n  title: { select: h1 }\n`, ':4: fields.title.select: unknown key; did you mean selector?'],
    // A YAML syntax error and a repeated key: the same file:line: form, the column after it.
    [`${SEED}scope:\n  mode: [host\nfetch: {}\n`, ':4: column 1: YAML syntax error: '],
    [`${SEED}maxPages: 1\nmaxPages: 2\n`, ':3: the key "maxPages" appears twice in one object'],
  ];
  for (const [text, said] of cases) {
    writeFileSync(yaml, text);
    const run = await crawlite(['crawl', '--config', yaml, '--db', db]);
    assertOneLineError(run, 2, /\[CRAWL_CONFIG_INVALID\]$/);
    assert.ok(run.stderr.startsWith(`crawlite: ${yaml}${said}`), `${JSON.stringify(text)}: ${run.stderr}`);
  }
  // JSON, read for its positions as YAML reads it.
  const json = join(dir, 'job.json');
  writeFileSync(json, '{\n  "seeds": ["http://127.0.0.1:9/"],\n  "scope": {\n    "mode": "prefix",\n    "mdoe": "host"\n  }\n}\n');
  assertOneLineError(await crawlite(['crawl', '--config', json, '--db', db]), 2, /^crawlite: .*job\.json:5: scope\.mdoe: unknown key; did you mean mode\? /);
});

test('a duration or a quoted number in a job file\'s millisecond or number key: the line gives the value to write (it said only "expected milliseconds")', async (t) => {
  const dir = tempDir(t, 'crawlite-qa20-');
  const job = join(dir, 'job.yaml');
  const cases: Array<[string, RegExp]> = [
    ['maxTimeMs: 10m', /:2: maxTimeMs: expected milliseconds from 1000 to 2592000000 \(leave the key out for no limit\), got '10m'; write maxTimeMs: 600000 \(10m in milliseconds\) \[/],
    ['fetch: { politeness: { delayMs: 1.5s } }', /:2: fetch\.politeness\.delayMs: expected a whole number from 0 to 3600000, got '1\.5s'; write delayMs: 1500 \(1\.5s in milliseconds\) \[/],
    ['fetch: { timeoutMs: 2 minutes }', /:2: fetch\.timeoutMs: expected a whole number from 1 to 3600000, got '2 minutes' \[/],
    ['maxPages: "100"', /:2: maxPages: expected a whole number >= 1 \(leave the key out for no limit\), got '100'; a number is written without quotes \[/],
  ];
  for (const [line, said] of cases) {
    writeFileSync(job, `${SEED}${line}\n`);
    assertOneLineError(await crawlite(['crawl', '--config', job, '--db', join(dir, 'crawl.db')]), 2, said);
  }
});

test('a job of 120 fields each merging one anchor runs (refused as "a resource exhaustion attack"); an alias bomb is still refused, at once', async (t) => {
  const site = await startSite({ '/': page('home', [], '<p id="x">Hello</p><h2 id="y">Sub</h2>') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa20-');
  const fields = Array.from({ length: 120 }, (_, i) => `  f${i + 1}: { <<: *base, selector: ${i % 2 === 0 ? 'p' : 'h2'} }`);
  const job = join(dir, 'many.yaml');
  writeFileSync(job, `seeds: [${site.url('/')}]\nfields:\n  f0: &base { selector: p, attr: id }\n${fields.join('\n')}\n`);
  const db = join(dir, 'many.db');
  const run = await crawlite(['crawl', '--config', job, '--db', db, '--max-depth', '0', '--workers', '0']);
  assert.equal(run.code, 0, run.stderr);
  const row = JSON.parse((await crawlite(['export', '--db', db, '--fields', 'url,field.f0,field.f1,field.f2,field.f120'])).stdout) as Record<string, unknown>;
  assert.deepEqual(row, { url: site.url('/'), 'field.f0': 'x', 'field.f1': 'x', 'field.f2': 'y', 'field.f120': 'y' });

  const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  const bomb = join(dir, 'bomb.yaml');
  writeFileSync(bomb, `${SEED}${keys.map((k, i) => `${k}: &${k} [${Array(9).fill(i === 0 ? 'x' : `*${keys[i - 1]}`).join(',')}]`).join('\n')}\n`);
  assertOneLineError(await crawlite(['crawl', '--config', bomb, '--db', db], { timeoutMs: 20_000 }), 2,
    /^crawlite: .*bomb\.yaml: YAML error: its aliases \(\*name\) expand to more than 100,000 values \(an alias bomb\?\); write the values out, or alias less \[CRAWL_CONFIG_INVALID\]$/);
});

test('export --out crawl.warc writes WARC records uncompressed, as the name says (it wrote gzip into it); .warc.gz and stdout stay gzip', async (t) => {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa20-');
  const db = join(dir, 'crawl.db');
  assert.equal((await crawlite(['crawl', site.url('/'), '--db', db, '--workers', '0'])).code, 0);
  const plain = join(dir, 'crawl.warc');
  const gz = join(dir, 'crawl.warc.gz');
  assert.equal((await crawlite(['export', '--db', db, '--out', plain])).code, 0);
  assert.equal((await crawlite(['export', '--db', db, '--out', gz])).code, 0);
  const text = readFileSync(plain);
  assert.equal(text.subarray(0, 9).toString(), 'WARC/1.1\r', 'plain text from the first byte');
  const records = readRecords(text);
  assert.deepEqual(records.map((r) => r.type), ['warcinfo', 'response', 'request', 'response', 'request']);
  // The same records as the gzip members hold (their ids and the export's date aside).
  assert.deepEqual(readRecords(gunzipSync(readFileSync(gz))).map((r) => [r.type, r.uri, r.length]), records.map((r) => [r.type, r.uri, r.length]));
});

/** WARC records one after another, each ending where its Content-Length says. */
function readRecords(text: Buffer): Array<{ type: string; uri: string | undefined; length: number }> {
  const records: Array<{ type: string; uri: string | undefined; length: number }> = [];
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf('\r\n\r\n', at);
    const head = text.subarray(at, headEnd).toString();
    const length = Number(/\r\nContent-Length: (\d+)/.exec(head)![1]);
    records.push({ type: /\r\nWARC-Type: (\w+)/.exec(head)![1]!, uri: /\r\nWARC-Target-URI: (\S+)/.exec(head)?.[1], length });
    at = headEnd + 4 + length;
    assert.equal(text.subarray(at, at + 4).toString(), '\r\n\r\n', `record ${records.length} ends where its Content-Length says`);
    at += 4;
  }
  return records;
}

test('Ctrl+Z in a terminal gives the shell its cursor back, and fg draws the status block under the shell\'s lines (it erased them)', async (t) => {
  if (skipWithoutTmux(t)) return;
  const routes: Parameters<typeof startSite>[0] = {};
  for (let i = 0; i < 300; i++) routes[`/p${i}`] = page(`page ${i}`, [`/p${i + 1}`]);
  const site = await startSite(routes, { delayMs: 40 });
  t.after(() => site.close());
  const db = tempDbPath(t);
  const term = openTerminal(t, 'bash --norc --noprofile');
  term.sendKeys("PS1='PROMPT$ '", 'Enter');
  await term.waitFor(/^PROMPT\$ $/m);
  term.sendKeys(`${quote(process.execPath)} ${quote(MAIN)} crawl ${site.url('/p0')} --db ${quote(db)} --concurrency 1 --workers 0 --max-pages 200`, 'Enter');
  await term.waitFor(/[1-9]\d* pages? stored/);
  term.sendKeys('C-z');
  await term.waitFor(/Stopped/);
  // log-update hides the cursor while it draws; the shell's prompt had none until fg.
  assert.ok(term.isCursorVisible(), 'the cursor is shown while the crawl is stopped');
  term.sendKeys('echo STILL-HERE', 'Enter');
  await term.waitFor(/^STILL-HERE$/m);
  term.sendKeys('fg', 'Enter');
  const back = await term.waitFor(/PROMPT\$ fg\n(?:.*\n)*?crawlite [1-9][\d,]* pages? stored/);
  assert.match(back, /^PROMPT\$ echo STILL-HERE\nSTILL-HERE\nPROMPT\$ fg$/m, 'what the shell printed stays on the screen');
  assert.ok(!term.isCursorVisible(), 'hidden again while the block is drawn');
  term.sendKeys('C-c');
  await term.waitFor(/crawl interrupted: (?:.*\n)*PROMPT\$ $/m);
  term.sendKeys('echo EXIT=$?', 'Enter');
  assert.match(await term.waitFor(/^EXIT=\d+$/m), /^EXIT=130$/m);
  assert.ok(term.isCursorVisible(), 'cursor shown at the end');
});

test('another crawler\'s option (--depth, wget\'s -l/--wait/--no-parent, Scrapy\'s -o) gets crawlite\'s on the hint line (it named only --help)', async () => {
  const cases: Array<[string[], string, string]> = [
    [['crawl', 'http://127.0.0.1:9/', '--depth', '2'], 'depth', 'did you mean --max-depth?'],
    [['crawl', 'http://127.0.0.1:9/', '-l', '2'], 'l', 'did you mean --max-depth?'],
    [['crawl', 'http://127.0.0.1:9/', '--wait', '1'], 'wait', 'did you mean --delay?'],
    [['crawl', 'http://127.0.0.1:9/', '--limit', '10'], 'limit', 'did you mean --max-pages?'],
    [['crawl', 'http://127.0.0.1:9/', '--no-parent'], 'parent', 'did you mean --scope prefix (only URLs under the seed\'s directory)?'],
    [['crawl', 'http://127.0.0.1:9/', '-r'], 'r', 'no -r: crawl follows links by default (--max-depth bounds it);'],
    [['crawl', 'http://127.0.0.1:9/', '-o', 'items.jsonl'], 'o', 'crawl writes every page to its --db; write a file from it with crawlite export --out pages.jsonl (or .csv, .warc.gz);'],
    [['export', '-o', 'pages.csv'], 'o', 'did you mean --out?'],
    // Only where the command has an answer: stats writes no file.
    [['stats', '-o', 'x'], 'o', ''],
  ];
  for (const [args, typed, said] of cases) {
    const run = await crawlite(args);
    assertOneLineError(run, 2, new RegExp(`^crawlite: Unknown argument: ${typed} \\[CRAWL_USAGE\\]$`));
    assert.equal(run.stderr.trimEnd().split('\n')[1], `crawlite: ${said ? `${said} ` : ''}run crawlite ${args[0]} --help for usage`, args.join(' '));
  }
});

test('crawl --help groups its 35 options (limits, scope, pace, requests, ...), and export --help names the columns --fields takes (they were learnt by typing a wrong one)', async () => {
  const crawl = await crawlite(['crawl', '--help']);
  assert.equal(crawl.code, 0);
  const sections = crawl.stdout.split('\n\n');
  const section = (title: string) => sections.find((s) => s.startsWith(`${title}\n`)) ?? '';
  for (const [title, options] of [
    ['Limits:', ['--max-pages', '--max-depth', '--max-time', '--max-db-size']],
    ['Which links to follow:', ['--scope', '--include', '--exclude', '--follow-nofollow', '--max-query-variants', '--sitemaps']],
    ['Pace and politeness:', ['--concurrency', '--per-host', '--delay', '--timeout', '--retries', '--ignore-robots']],
    ['Requests:', ['--user-agent', '--header', '--cookies', '--proxy', '--insecure', '--ca-file']],
  ] as const) {
    for (const option of options) assert.match(section(title), new RegExp(`^ +(?:-\\w, )?${option} `, 'm'), `${option} under ${title}`);
  }
  const exported = await crawlite(['export', '--help']);
  assert.match(exported.stdout.replace(/\s+/g, ' '), /--fields Comma-separated columns to include, in order: url, final_url, status, .*, headers, redirects, content_hash, field\.<name> \(a job's extraction field\), and the --with ones \[string\] \[default: all but headers and redirects\]/);
});

test('YAML\'s traps for a pattern or a number (an unquoted *.pdf, "\\?" in double quotes, 1_000) are named with the line and the way to write it (yaml said "Unresolved alias ...: .pdf")', async (t) => {
  const dir = tempDir(t, 'crawlite-qa20-');
  const job = join(dir, 'job.yaml');
  const cases: Array<[string, RegExp]> = [
    ['scope:\n  exclude:\n    - /print/\n    - *.pdf', /:5: YAML reads \*\.pdf as an alias, and no anchor &\.pdf is written: a value that starts with \* goes in quotes \('\*\.pdf'\); a pattern for URLs ending \.pdf is '\\\.pdf\$' \[/],
    ['fields: { a: *base }\nx: &base h1', /:2: \*base comes before its anchor &base: an anchor is written before its aliases \[/],
    ['scope:\n  exclude: ["\\?page="]', /:3: column 14: YAML syntax error: Invalid escape sequence \\\?; in double quotes a backslash starts an escape: write a regular expression in single quotes \('\\\?page='\) or unquoted, or double each backslash \[/],
    ['maxPages: 1_000', /:2: maxPages: expected a whole number >= 1 \(leave the key out for no limit\), got '1_000'; a number is written without separators: 1000 \[/],
  ];
  for (const [text, said] of cases) {
    writeFileSync(job, `${SEED}${text}\n`);
    assertOneLineError(await crawlite(['crawl', '--config', job, '--db', join(dir, 'crawl.db')]), 2, said);
  }
  // Quoted, or as the pattern it means, the same file runs.
  writeFileSync(job, `${SEED}scope:\n  exclude:\n    - /print/\n    - '\\.pdf$'\nmaxPages: 1000\n`);
  const run = await crawlite(['crawl', '--config', job, '--db', join(dir, 'crawl.db'), '--retries', '0']);
  assert.doesNotMatch(run.stderr, /CRAWL_CONFIG_INVALID/);
});

test('crawl --dry-run checks a job file and the flags and prints the options they come to, JSON on stdout, header values hidden; nothing fetched, no database made (a job could only be checked by crawling)', async (t) => {
  const site = await startSite({ '/': page('home') });
  t.after(() => site.close());
  const dir = tempDir(t, 'crawlite-qa20-');
  const job = join(dir, 'job.yaml');
  const db = join(dir, 'sub', 'crawl.db');
  writeFileSync(job, `seeds: [${site.url('/')}]\ndb: ${db}\nmaxPages: 50\nscope: { mode: prefix, exclude: ['\\?page='] }\nfetch: { headers: { Authorization: Bearer s3cret } }\nfields: { title: h1 }\n`);
  const run = await crawlite(['crawl', '--config', job, '--dry-run', '--max-pages', '7', '-H', 'Cookie: id=s3cret']);
  assert.equal(run.code, 0, run.stderr);
  const options = JSON.parse(run.stdout) as { seeds: string[]; dbPath: string; maxPages: number; scope: { mode: string; exclude: string[] }; fetch: { headers: Record<string, string> }; parse: { fields: unknown } };
  assert.deepEqual(options.seeds, [site.url('/')]);
  assert.equal(options.dbPath, db);
  assert.equal(options.maxPages, 7, 'the flag over the file');
  assert.deepEqual(options.scope.exclude, ['\\?page=']);
  assert.deepEqual(options.fetch.headers, { Authorization: '(not recorded)', Cookie: '(not recorded)' });
  assert.deepEqual(options.parse.fields, { title: { selector: 'h1', attr: null, many: false } });
  assert.doesNotMatch(run.stdout, /s3cret/);
  assert.match(run.stderr, /^crawlite: --dry-run: the options are valid \(1 seed, database .*crawl\.db\); nothing was fetched or written\n$/);
  assert.equal(existsSync(join(dir, 'sub')), false, 'no database, not even its folder');
  assert.equal(site.total(), 0, 'not even robots.txt was asked for');
  // A mistake is the same one line as without --dry-run.
  writeFileSync(job, `seeds: [${site.url('/')}]\nmaxPage: 5\n`);
  assertOneLineError(await crawlite(['crawl', '--config', job, '--dry-run']), 2, /job\.yaml:2: maxPage: unknown key; did you mean maxPages\?/);
});
