// Regressions found by bench/fuzz-22.mjs (seeded mutation fuzzing of the hostile-input readers
// fuzz-21 left out: Content-Disposition, the stored-headers bound, job files, ...). The timed one
// is sized so that the old code takes many seconds; its timeout, far above what the fixed code
// needs on a loaded machine, turns that into a failure, and its result is asserted as well.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { suggestOption } from '../../src/cli/suggest-option.js';
import { readJobFile } from '../../src/config/job-file.js';
import { isAttachment } from '../../src/parse/content-disposition.js';
import { boundHeaders, CUT_KEY, MAX_STORED_CHARS } from '../../src/store/stored-headers.js';

const HANG = { timeout: 30_000 };

/** readJobFile's refusal for a job file of `text`, as { code, message }. */
function jobRefusal(t: import('node:test').TestContext, text: string, name = text.startsWith('# yaml') ? 'job.yaml' : 'job.json'): { code: unknown; message: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-22-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  try {
    readJobFile(path);
  } catch (err) {
    return { code: (err as { code?: unknown }).code, message: (err as Error).message };
  }
  assert.fail('the job file was accepted');
}

test('a Content-Disposition type is trimmed of spaces and tabs only, as Chromium trims it', () => {
  // Found by the fuzzer against Chromium's reading (HttpUtil::TrimLWS): String#trim also took a
  // no-break space (a latin1 header's 0xA0), a BOM, a vertical tab or a line break off the type,
  // so "\xa0attachment", which Chromium shows inline (no token), was kept as a download.
  for (const lead of ['\u00a0', '\ufeff', '\u000b', '\u000c', '\r\n', '\u2028']) {
    assert.equal(isAttachment(`${lead}attachment`), false, JSON.stringify(lead));
    assert.equal(isAttachment(`attachment${lead}; filename=a.html`), false, JSON.stringify(lead));
  }
  assert.equal(isAttachment(' \tattachment\t ; filename="a.html"'), true);
  assert.equal(isAttachment('\tInline '), false);
});

test("the stored headers' cut note is bounded too, whatever the length of the names it names", () => {
  // Found by the fuzzer: the note named each cut or dropped field in full, and a head of long
  // names (undici takes any within its 256 KiB) kept a 180 KB note in a row bounded to 32 KiB.
  // (Fixed in stored-headers.ts by review22 the same day; this is the fuzzer's input.)
  const headers: Record<string, string> = {};
  for (let i = 0; i < 25; i++) headers[`${'x'.repeat(9000)}-${i}`] = 'v'.repeat(9000);
  const out = boundHeaders(headers);
  const note = out[CUT_KEY]!;
  let stored = 0;
  for (const name in out) stored += name.length + out[name]!.length;
  assert.ok(stored <= MAX_STORED_CHARS, `${stored} chars stored, the note ${note.length} of them`);
  // Still says what happened: the start of a name, its length, its fate, and how many fields in all.
  assert.match(note, /^x{40}x*… \(9,?0\d\d characters\): (?:cut at|dropped)/);
  assert.match(note, /; and \d+ more fields$/);
  // A head of ordinary names is noted as before.
  const cookies = boundHeaders({ 'content-type': 'text/html', 'set-cookie': Array.from({ length: 1000 }, (_, i) => `c${i}=${'v'.repeat(200)}`).join('\n') });
  assert.match(cookies[CUT_KEY]!, /^set-cookie: \d+ of 1000 lines kept, 8\.0 KiB of 20\d\.\d KiB$/);
});

test('a job file with a key named as an Object.prototype member is refused in one line, not a TypeError', (t) => {
  // Found by the fuzzer: the renamed-flags table was a plain object, so "constructor" found
  // Object's constructor there and `.startsWith` threw out of the error path: a stack trace.
  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    const refusal = jobRefusal(t, JSON.stringify({ seeds: ['https://a.example/'], [key]: 1 }));
    assert.equal(refusal.code, 'CRAWL_CONFIG_INVALID', `${key}: ${refusal.message}`);
    assert.match(refusal.message, new RegExp(`${key}: unknown key`));
    assert.ok(!refusal.message.includes('\n'));
  }
  const nested = jobRefusal(t, JSON.stringify({ seeds: ['https://a.example/'], fetch: { constructor: 1 } }));
  assert.equal(nested.code, 'CRAWL_CONFIG_INVALID', nested.message);
});

test('a job file with a 400 KB unknown key is refused at once, its hint not searched for letter by letter', HANG, (t) => {
  // Found by the fuzzer: the did-you-mean search ran an edit distance of the whole key against
  // each known one, an array per character: a 520 KB key held the CLI for 45 s.
  const refusal = jobRefusal(t, `{"seeds":["https://a.example/"],"archiv${'x: y'.repeat(100_000)}":1}`);
  assert.equal(refusal.code, 'CRAWL_CONFIG_INVALID');
  // The key by its start, so that the line (cut at 1,000 characters) still says what is wrong.
  assert.match(refusal.message, /: archivx: yx: y\S* y\S* y.*\.\.\. \(400,006 characters\): unknown key \(known: /);
  assert.ok(refusal.message.length < 1024, `${refusal.message.length} chars`);
  // The hint itself is what it was for names of the length people type.
  assert.equal(suggestOption('max-pagse', ['max-pages', 'max-depth']), 'max-pages');
  assert.equal(suggestOption(`max-pages${'x'.repeat(100_000)}`, ['max-pages']), null);
});

test("a YAML job file of many keys in one mapping is read in linear time, a repeated one still refused by name", HANG, (t) => {
  // Found by the fuzzer (a hang, replayed from its current-job.bin): yaml's uniqueKeys compares
  // each key with every earlier one of its mapping, so a 440 KB flow mapping of 26,000 keys held
  // the CLI for minutes; 20,000 distinct keys in a block mapping too.
  const many = Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n');
  const distinct = jobRefusal(t, `seeds: [https://a.example/]\n${many}\n`.replace(/^/, '# yaml\n'));
  assert.equal(distinct.code, 'CRAWL_CONFIG_INVALID');
  assert.match(distinct.message, /k0: unknown key/);
  const repeated = jobRefusal(t, `# yaml\n{"seeds":["https://a.example/"],${'"fetch":"x","ha",'.repeat(26_000)}"z":1}`);
  assert.match(repeated.message, /:2: the key "fetch" appears twice in one object$/);
  // The first problem in the file is the one told: a repeat before a syntax error, and after one.
  assert.match(jobRefusal(t, '# yaml\nseeds: [https://a.example/]\nmaxPages: 1\nmaxPages: 2\nfetch: {a: [}\n').message, /:4: the key "maxPages" appears twice/);
  assert.match(jobRefusal(t, '# yaml\nseeds: [https://a.example/]\nfetch: {a: [}\nmaxPages: 1\nmaxPages: 2\n').message, /YAML syntax error/);
  // Nested mappings, and a merge key, as yaml's own check read them.
  assert.match(jobRefusal(t, '# yaml\nseeds: [https://a.example/]\nfetch:\n  timeoutMs: 1\n  timeoutMs: 2\n').message, /:5: the key "timeoutMs" appears twice/);
  assert.match(jobRefusal(t, '# yaml\nb: &b {maxPages: 1}\nseeds: [https://a.example/]\n<<: *b\n').message, /b: unknown key/);
});

test('a broken YAML job file of many errors is refused in linear time, its first error placed as before', HANG, (t) => {
  // Found by the fuzzer (the growth check doubled a 440 KB file: two flow mappings, 150,000
  // errors): yaml placed every error (line, column, excerpt) at a cost growing with the file, and
  // only the first is told; 68 KB of it cost 2 s, the 880 KB file minutes.
  const entries = '"fetch":"x","ha",'.repeat(40_000);
  const broken = jobRefusal(t, `# yaml\n{"a":1}\n{${entries}"z":1}`);
  assert.equal(broken.code, 'CRAWL_CONFIG_INVALID');
  assert.match(broken.message, /job\.yaml:3: column 1: YAML syntax error: /);
  // Placed as yaml placed it: line and column of the first error, its message's first line.
  assert.match(jobRefusal(t, '# yaml\nseeds: [https://a.example/]\nfetch:\n  timeoutMs: "\\q"\n').message, /job\.yaml:4: column 15: YAML syntax error: Invalid escape sequence \\q; in double quotes/);
  assert.match(jobRefusal(t, '# yaml\nseeds: [a]\n---\nseeds: [b]\n').message, /job\.yaml:3: column 1: YAML syntax error: the file holds more than one document/);
});
