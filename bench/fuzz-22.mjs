#!/usr/bin/env node
// Seeded mutation fuzzer, round 22: the hostile-input readers bench/fuzz-21.mjs leaves out or only
// touches, each with invariants of its own and, where there are two ways to the same answer, a
// differential between them. Imports the compiled dist/ modules, so run `npm run build` first.
//
//   node bench/fuzz-22.mjs [--seed 22] [--iterations 1500] [--seconds 60] [--only csv,robots] [--slow-ms 200] [--out DIR]
//
// Targets (--only names them): disposition (Content-Disposition), stored-headers (the pages.headers
// bound, its note included), feed (RSS/Atom links, read two ways), robots (robots.txt from bytes
// to verdicts: the indexed matcher against a plain longest-match reading of the same rules),
// sitemap (addSitemapSeeds on a stand-in fetcher, each body also gzip'd, in several members, cut
// or with trailing bytes: the gzip'd file must give what the plain one gives), refresh (meta
// refresh, <base href>, srcset and other URL-bearing attributes), charset (BOM, Content-Type
// charset and <meta charset> precedence), url (IDN, punycode and escapes: normalizeUrl's output
// form, idempotence, and the link resolver against normalizeUrl), job (job files built from
// hostile values: wrong types, prototype keys, alias bombs, deep nesting, huge numbers) and csv
// (CSV and JSONL export: each value must parse back to what SQLite holds, NUL, CR, LF, quotes and
// lone surrogates included, both on the formatters and through exportPages on a real database).
//
// Each target runs for at most --iterations inputs or --seconds, whichever comes first; the
// inputs are a function of --seed alone. Flagged: a throw that is not a one-line CRAWL_ error, a
// broken invariant, an input over --slow-ms whose doubling costs 3x or more (or any over 20x
// --slow-ms). Each finding's input goes to DIR (default /tmp/fuzz-22-findings), and the input
// being run to DIR/current-<target>.bin (after a hang, that is the one); exit 1 when any.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import robotsParser from 'robots-parser';
import { mutate, rng, dist, fuzzOptions, root } from './fuzz-mutate.mjs';

const { SEED, ITERATIONS, SECONDS, SLOW_MS, ONLY, OUT } = fuzzOptions(22);

const { isAttachment } = await dist('src/parse/content-disposition.js');
const { boundHeaders, MAX_STORED_CHARS, CUT_KEY, MAX_NOTE_CHARS = 4096 } = await dist('src/store/stored-headers.js');
const { extractFeedLinks } = await dist('src/parse/feed-links.js');
const { parsePage } = await dist('src/parse/parse-page.js');
const { robotsText } = await dist('src/fetch/robots.js');
const { canonicalRobotsKeys } = await dist('src/fetch/robots-keys.js');
const { createRobotsMatcher, readGroup, readCrawlDelay } = await dist('src/fetch/robots-matcher.js');
const { normalizeRobotsPattern, normalizeRobotsUrlPath } = await dist('src/fetch/robots-path.js');
const { addSitemapSeeds, parseRobotsSitemaps } = await dist('src/frontier/sitemaps.js');
const { parseRefreshUrl } = await dist('src/parse/directives.js');
const { isRefreshValue } = await dist('src/parse/refresh-value.js');
const { extractPage } = await dist('src/parse/extract.js');
const { decodeHtml, declaredEncoding, decodeAs } = await dist('src/parse/decode-charset.js');
const { normalizeUrl, createUrlResolver, originKey } = await dist('src/frontier/normalize-url.js');
const { readJobFile } = await dist('src/config/job-file.js');
const { loadCrawlConfig } = await dist('src/config/load-job.js');
const { formatCsvRecord } = await dist('src/export/csv.js');
const { jsonLine } = await dist('src/json-line.js');
const { exportPages } = await dist('src/export/export.js');
const { runCrawl } = await dist('src/crawl.js');
const { defaultConfig } = await dist('src/config/schema.js');
const { startSite, page } = await dist('test/helpers/site.js');
const { cases } = await import(pathToFileURL(join(root, 'bench/differential/corpus.mjs')).href);

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and the mutations: bench/fuzz-mutate.mjs.

// ---------------------------------------------------------------------------------------------
// Seeds and helpers.
const PAGE_URL = 'http://a.example/dir/page.html?q=1';
const isHttpUrl = (u) => typeof u === 'string' && /^https?:\/\/[^/?#]+/.test(u) && (() => { try { return ['http:', 'https:'].includes(new URL(u).protocol); } catch { return false; } })();
class Invariant extends Error {}
const check = (ok, what) => {
  if (!ok) throw new Invariant(what);
};
const show = (s, n = 160) => JSON.stringify(String(s).slice(0, n));
/** A documented refusal: a CRAWL_ code, one line, of a size a terminal shows. */
const expectCode = (err) => {
  if (err instanceof Error && typeof err.code === 'string' && err.code.startsWith('CRAWL_') && !err.message.includes('\n')) {
    check(err.message.length <= 4096, `a ${err.code} message of ${err.message.length} chars: ${show(err.message)}`);
    return;
  }
  throw err;
};
/** `s` with some code units swapped for a lone surrogate, a NUL or a line break (the export's hard cases). */
const spice = (r, s) => {
  const bits = ['\uD800', '\uDFFF', '\u0000', '\r', '\n', '\r\n', '"', ',', '\u2028', '\u0085', '\uFEFF', '\t', '""', '\\'];
  let out = s;
  for (let k = Math.floor(r() * 4); k > 0; k--) {
    const at = Math.floor(r() * (out.length + 1));
    out = out.slice(0, at) + bits[Math.floor(r() * bits.length)] + out.slice(at);
  }
  return out;
};

const dispositionSeeds = ['attachment', 'inline', 'attachment; filename="a.html"', 'Attachment ; filename*=UTF-8\'\'%e2%82%ac.html', 'filename=x.html', '', ';', 'form-data; name="x"',
  'attachment filename=a', '"attachment"', 'attachment, inline', ' \tattachment\t ', '\u00a0attachment', 'attachment\u00a0', '\u000battachment', 'inline; attachment', 'x-unknown-type',
  'attachment;filename=a;filename=b', 'INLINE ;', '\r\nattachment', 'attachment\u0000'].map((s) => Buffer.from(s, 'latin1'));

const headerSeeds = [
  'content-type: text/html\nset-cookie: a=1\nset-cookie: b=2\netag: "x"',
  `set-cookie: ${'c=' + 'v'.repeat(200)}\n`.repeat(400),
  `${'x'.repeat(9000)}: ${'v'.repeat(9000)}\n`.repeat(6),
  `${'n'.repeat(40_000)}: y\ncontent-type: text/html\n`,
  Array.from({ length: 60 }, (_, i) => `x-${'h'.repeat(600)}-${i}: ${'z'.repeat(900)}`).join('\n'),
  `content-security-policy: ${"default-src 'self' ".repeat(2000)}\nserver: x`,
].map((s) => Buffer.from(s, 'latin1'));

const feedSeeds = [
  '<?xml version="1.0"?><rss version="2.0"><channel><link>http://a.example/</link><item><title>t</title><link>/post/1</link></item><item><link><![CDATA[ http://a.example/p?a=1&b=2 ]]></link></item></channel></rss>',
  '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://b.example/base/"><link rel="self" href="/feed"/><entry><link href="/e/1"/><link rel="alternate" href="e&amp;2"/><link rel="replies" href="/c"/><link href=\'single\' rel="alternate" /></entry><entry xml:base="sub/"><link href="rel"/></entry></feed>',
  '<rdf:RDF><item rdf:about="x"><link>http://a.example/&#x41;&#65;&#x110000;&#0;&amp;&lt;</link></item></rdf:RDF>',
  '<rss><channel><item><link/><link>  </link><link>http://münchen.example/ü?q=é</link><atom:link href="/atom" rel="alternate"/></item><item><item><link>/nested</link></item></item></channel></rss>',
  '<feed><entry><link rel="alternate" type="text/html" hreflang="en" href="http://a.example/%7euser/%2f?x=%zz#frag"/></entry><entry/><entry><link href="javascript:alert(1)"/><link href="//other.example/p"/></entry></feed>',
].map((s) => Buffer.from(s));

const robotsSeeds = [
  'User-agent: *\nDisallow: /private/\nAllow: /private/ok$\nDisallow: /*.pdf$\nDisallow: /*?sort=\nCrawl-delay: 2\nSitemap: /sitemap.xml\n',
  'user-agent: crawlite bot\nuseragent: other\ndisalow: /a\ndissallow: /%7Ejoe/\nallow: /%2A\n\nUser-agent: *\nDisallow: /\n# comment\nSite-map: http://a.example/s.xml\n',
  'User-agent: crawlite\nDisallow: /*a*b*c*d*e*$\nDisallow: /$\nAllow: /*\nCrawl-delay: 0.5\nDisallow: /a$b$\nAllow: /a%24b\nDisallow: /*/*/*/x\nAllow: /**x**\nDisallow: /é/%c3%a9\n',
  'User-agent: Crawlite/1.0\nAllow: /\nDisallow: *\nDisallow:\nAllow:\nDisallow: /a*\nAllow: /a*$\nDisallow: /a/b?c=d*&e\nAllow: /*?\nDisallow: /%\nDisallow: /%%41\n',
  `User-agent: *\n${Array.from({ length: 300 }, (_, i) => `${i % 3 ? 'Disallow' : 'Allow'}: /${'ab*'.repeat(i % 7)}${i}${i % 5 ? '$' : ''}`).join('\n')}\n`,
].map((s) => Buffer.from(s));

const sitemapSeeds = [
  '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.example/1</loc></url><url><loc><![CDATA[http://a.example/2?a=1&b=2]]></loc><image:image><image:loc>http://a.example/i.png</image:loc></image:image></url></urlset>',
  '<sitemapindex><sitemap><sm:loc>http://a.example/s1.xml</sm:loc></sitemap><!-- <sitemap><loc>x</loc></sitemap> --><sitemap><loc>http://a.example/s2.xml.gz</loc></sitemap></sitemapindex>',
  'http://a.example/a\r\nhttps://a.example/b\n  http://a.example/c  \nnot a url\nhttp://a.example/é?x=%e9\n',
  `<urlset>${Array.from({ length: 200 }, (_, i) => `<url><loc>http://a.example/p/${i}?x=&amp;y&#x3D;${i}</loc></url>`).join('\n')}</urlset>`,
  '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<urlset><url><loc> http://a.example/ws </loc></url><url><LOC>http://a.example/upper</LOC></url><url><loc>http://a.example/é</loc></url></urlset>',
].map((s) => Buffer.from(s));

const refreshSeeds = [
  '<meta http-equiv="refresh" content="0; url=\'/next\'"><base href="/b/"><a href="x">x</a>',
  '<base href="http://b.example/dir/?q=é"><meta http-equiv="Refresh" content=" .5 , URL = &quot;../up?a=b#f&quot;"><img srcset="a.png 1x, b.png 2x, c d.png 100w" src="/i.png"><source srcset="/s1.webp 1x,/s2.webp 2x">',
  '<meta http-equiv="refresh" content="5x; url=/a"><meta http-equiv="refresh" content="3;url=javascript:alert(1)"><base href="javascript:x"><a href="y">',
  '<svg><base href="/svg/"></svg><base href=""><base href="//other.example:81/q"><meta http-equiv="refresh" content="1, http://a.example/%7e?%41"><area href="/m"><iframe src="/f"></iframe><link rel="alternate" href="/alt">',
  '<head><meta http-equiv="refresh" content="0;URL=\'http://a.example/unterminated"><base href="   /ws/   "><a href="  spaced path  ">s</a><img srcset=",,, ,x 1x,,"></head>',
  `<meta http-equiv="refresh" content="${'0'.repeat(5000)};url=/zeros"><base href="${'../'.repeat(3000)}x"><a href="?${'%'.repeat(3000)}">`,
].map((s) => Buffer.from(s));

const charsetSeeds = [
  ...cases.slice(0, 20).map(([, html]) => Buffer.from(html)),
  Buffer.from('<html><head><meta charset="windows-1252"><title>caf\xe9</title></head></html>', 'latin1'),
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<meta charset="iso-8859-2"><p>ż</p>')]),
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<meta charset="utf-8"><p>x</p>', 'utf16le')]),
  Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<p>be</p>', 'utf16le').swap16()]),
  Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>\x82\xa0</p>', 'latin1'),
  Buffer.from('<meta charset="utf-16"><meta charset="x-user-defined"><p>\x80\x81</p>', 'latin1'),
  Buffer.from(`<!-- ${'x'.repeat(1100)} --><meta charset="koi8-r"><p>\xc1</p>`, 'latin1'),
  Buffer.from([0xef, 0xbb]),
  Buffer.from('<p>mostly utf-8 é with one \xff stray</p>', 'latin1'),
];
const CONTENT_TYPES = ['text/html', 'text/html; charset=utf-8', 'text/html;charset="windows-1251"', 'text/html; charset=utf-16', 'text/html; charset=bogus',
  'text/html; charset=utf-8, text/html', 'text/html; charset=koi8-r, text/plain', 'text/html; charset=', 'text/html; charset="x-user-defined"', 'application/xhtml+xml; charset=iso-2022-jp', 'TEXT/HTML; CHARSET=UTF-16BE'];

const urlSeeds = [
  'http://xn--bcher-kva.example./p%C3%A4th?q=%e2%82%ac', 'http://BÜCHER.example/%7Euser/%2f%2F?%41=%61#x', 'http://ａｂｃ.example/ﬁle', 'http://faß.de/straße', 'http://xn--a.example/',
  'http://xn--.example/', 'http://a\u200d.example/', 'http://%41.example/', 'http://ex%2Eample/', 'http://[::FFFF:127.0.0.1]:80/', 'http://0x7f.1/', 'http://127.1/', 'http://a.example/%zz%%%2',
  'http://a.example/a%2e%2E/b/%2e/c', 'http://user:pw@a.example:080/./x/../y;jsessionid=ABC?PHPSESSID=1&b=2', 'https://a.example:443/?', 'https://a.example/??', '//other.example/p?q',
  '../../up?x=%E9', 'http://münchen.example/ü?ü=ü#ü', 'http://xn--mnchen-3ya.example/', 'http://a.example/\u0000\u0001\u007f', 'http://a.example/ \t\n/x', 'HTTP://A.EXAMPLE:8080',
  'http://a.example/%F0%9F%98%80/%ed%a0%80', 'http://a.example/\uD800', 'http://ﾟ.example/', 'http://a..b.example/', 'http://.example/', 'http://a.example./.', 'http://xn--zca.example./%7E',
  'http://\u0660\u0661.example/', 'http://a.example:65535/', 'http://a.example:0/', 'http://[v1.x]/', 'https://xn--80ak6aa92e.com/', 'http://аррӏе.com/',
].map((s) => Buffer.from(s));
const URL_BASES = [undefined, PAGE_URL, 'https://[::1]:8443/a/b', 'http://xn--bcher-kva.example/dir/', 'http://a.example/%7e/x?y#z'];

/** Job files from hostile values: a seeded generator, so the seeds are a function of --seed too. */
function jobSeeds() {
  const r = rng(SEED * 7919 + 1);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const KEYS = ['name', 'seeds', 'db', 'maxPages', 'maxDepth', 'maxTimeMs', 'scope', 'fetch', 'parse', 'store', 'traps', 'recrawl', 'retryFailed', 'sitemaps', 'archive', 'fields',
    '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' seeds', 'SEEDS', 'max_pages'];
  const SUB = ['mode', 'concurrency', 'perHost', 'timeoutMs', 'userAgent', 'delay', 'headers', 'proxy', 'maxBytes', 'workers', 'selector', 'attr', 'many', 'include', 'exclude', '__proto__', 'length'];
  const leaf = () => pick([-1, 0, 1, 2 ** 53, 1e308, -0, 0.5, '1e999', 'NaN', 'Infinity', '', ' ', '10 GiB', '-5s', '1h', '0x10', '١٢', true, false, null, [], {}, '\u0000',
    'x'.repeat(pick([10, 1000, 100_000])), 'https://a.example/', 'http://[::1]:0/', 'file:///etc/passwd', 'a'.repeat(300) + '\n' + 'b', '{{x}}', '${HOME}', '~/x', 'h1 >> p', '*', '\uD800']);
  const value = (depth) => {
    const k = r();
    if (depth > 3 || k < 0.5) return leaf();
    if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
    const o = {};
    for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(depth === 0 ? KEYS : SUB)] = value(depth + 1);
    return o;
  };
  const seeds = [];
  for (let i = 0; i < 60; i++) {
    const o = { seeds: r() < 0.8 ? ['https://a.example/'] : value(1) };
    for (let j = Math.floor(r() * 6); j > 0; j--) o[pick(KEYS)] = value(1);
    const json = JSON.stringify(o);
    // JSON text as YAML too (YAML is a superset), and in YAML's own block style for some.
    seeds.push(Buffer.from(i % 3 === 0 ? json : i % 3 === 1 ? `# yaml\n${json}` : toYaml(o, '')));
  }
  // Alias bombs, deep nesting, duplicate keys, tags, merge keys, a document stream.
  let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++) bomb += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]\n`;
  seeds.push(Buffer.from(`${bomb}seeds: [https://a.example/]\n`));
  seeds.push(Buffer.from(`seeds: ${'['.repeat(5000)}${']'.repeat(5000)}\n`));
  seeds.push(Buffer.from(`{"seeds": ["https://a.example/"], "fetch": ${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`));
  seeds.push(Buffer.from('seeds: [https://a.example/]\nseeds: [https://b.example/]\nmaxPages: !!binary aGVsbG8=\nfetch: !!js/function "x"\n<<: {maxDepth: 2}\n---\nseeds: []\n'));
  seeds.push(Buffer.from('seeds:\n  - https://a.example/\nfields:\n  title: { selector: "h1", many: yes }\n  "": { selector: "" }\n  x: { selector: "a[href=\'", attr: 7 }\n'));
  seeds.push(Buffer.from('{"seeds":["https://a.example/"],"maxPages":1e999,"maxDepth":-0,"maxTimeMs":"9999999999999999999999"}'));
  return seeds;
}
function toYaml(v, indent) {
  if (Array.isArray(v)) return v.length === 0 ? '[]\n' : `\n${v.map((x) => `${indent}- ${toYaml(x, `${indent}  `).trimStart()}`).join('')}`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 0 ? '{}\n' : `\n${keys.map((k) => `${indent}${JSON.stringify(k)}: ${toYaml(v[k], `${indent}  `).replace(/^\n/, '\n')}`).join('')}`;
  }
  return `${JSON.stringify(v)}\n`;
}

const csvSeeds = [
  'plain', 'a,b', 'quote " inside', '"', '""', 'line\nbreak', 'cr\ronly', 'crlf\r\nend\r\n', '\u0000nul\u0000', 'lone \uD800 high', 'lone \uDFFF low', 'pair \uD83D\uDE00 ok',
  '\u2028ls\u2029ps\u0085nel', ' leading and trailing ', '=cmd|x', '\uFEFFbom', 'tab\tsep', '\\"escaped\\"', '', '123', '1e+21', 'true', 'null', '{"a":1}', '[1,2]',
].map((s) => Buffer.from(s, 'utf16le'));

// ---------------------------------------------------------------------------------------------
// Reference readings the real code is compared with.

/** Chromium's reading of a Content-Disposition type (HttpContentDisposition::ParseDispositionType). */
function referenceIsAttachment(value) {
  const semi = value.indexOf(';');
  const raw = semi === -1 ? value : value.slice(0, semi);
  // HttpUtil::TrimLWS: spaces and tabs only (a loop: /[ \t]+$/ is quadratic on a long inner run).
  let [from, to] = [0, raw.length];
  while (from < to && (raw[from] === ' ' || raw[from] === '\t')) from++;
  while (to > from && (raw[to - 1] === ' ' || raw[to - 1] === '\t')) to--;
  const type = raw.slice(from, to);
  if (type === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(type)) return false;
  return type.toLowerCase() !== 'inline';
}

/** Whether robots `pattern` (normalized, `*` wildcards, a final `$` anchor) matches `path` at its start: a plain DP. */
function patternMatches(pattern, path) {
  const isAnchored = pattern.endsWith('$');
  const p = isAnchored ? pattern.slice(0, -1) : pattern;
  // reach[j]: p[0..i) can match path[0..j)
  let reach = new Uint8Array(path.length + 1);
  reach[0] = 1;
  for (let i = 0; i < p.length; i++) {
    const next = new Uint8Array(path.length + 1);
    if (p[i] === '*') {
      let any = 0;
      for (let j = 0; j <= path.length; j++) {
        any ||= reach[j];
        next[j] = any;
      }
    } else {
      for (let j = 0; j < path.length; j++) if (reach[j] && path[j] === p[i]) next[j + 1] = 1;
    }
    reach = next;
  }
  return isAnchored ? reach[path.length] === 1 : reach.some((x) => x === 1);
}
/** Longest match wins, Allow wins a tie, no match allows (robots-parser's semantics, RFC 9309 2.2.2). */
function referenceAllowed(rules, path) {
  let best = null;
  for (const { pattern, allow } of rules) {
    if (!patternMatches(pattern, path)) continue;
    if (best === null || pattern.length > best.length || (pattern.length === best.length && allow)) best = { length: pattern.length, allow };
  }
  return best === null ? true : best.allow;
}

/** RFC 4180, strictly: a quote in an unquoted field, a bare CR or LF, or a record not ended by CRLF is an error. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  while (i < text.length) {
    let field;
    if (text[i] === '"') {
      let j = i + 1;
      field = '';
      for (;;) {
        const q = text.indexOf('"', j);
        check(q !== -1, 'CSV: a quoted field never closes');
        field += text.slice(j, q);
        if (text[q + 1] === '"') {
          field += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const m = /[,\r\n"]|$/g;
      m.lastIndex = i;
      const stop = m.exec(text).index;
      check(text[stop] !== '"', `CSV: a quote in an unquoted field at ${stop}`);
      field = text.slice(i, stop);
      i = stop;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    check(text.startsWith('\r\n', i), `CSV: a record ended by ${show(text.slice(i, i + 2))}, not CRLF, at ${i}`);
    rows.push(row);
    row = [];
    i += 2;
  }
  check(row.length === 0, 'CSV: the last record has no CRLF');
  return rows;
}
/** What a UTF-8 file holds for `s`: a lone surrogate becomes U+FFFD. */
const throughUtf8 = (s) => Buffer.from(s, 'utf8').toString('utf8');
const csvText = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

// A small crawled database for the export round trip, made once (127.0.0.1 only, workers 0).
let exportDb = null;
async function makeExportDb() {
  const site = await startSite({ '/': page('home', ['/a']), '/a': page('a') });
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-22-db-'));
  const base = defaultConfig();
  const dbPath = join(dir, 'crawl.db');
  try {
    await runCrawl({ ...base, seeds: [site.url('/')], dbPath, parse: { ...base.parse, workers: 0 }, fetch: { ...base.fetch, timeoutMs: 5000 } }, {});
  } finally {
    await site.close();
  }
  return { dir, dbPath };
}
async function exportText(dbPath, format, fields) {
  const chunks = [];
  const out = new Writable({ write(chunk, _enc, cb) { chunks.push(chunk); cb(); } });
  await exportPages({ dbPath, format, fields: fields.join(',') }, out);
  return Buffer.concat(chunks).toString('utf8');
}

const jobDir = mkdtempSync(join(tmpdir(), 'fuzz-22-job-'));
let jobCount = 0;
const UA = 'crawlite/0.2 (+https://example.org/bot)';

// ---------------------------------------------------------------------------------------------
// Targets: `run(buf, r)` returns nothing, or throws an Invariant (or anything else: a finding).
const targets = [
  {
    name: 'disposition', seeds: dispositionSeeds, run(buf) {
      // Header values reach it as latin1 (undici), and a Refresh/Link-like value may be any text.
      for (const value of [buf.toString('latin1'), buf.toString('utf8')]) {
        const got = isAttachment(value);
        check(typeof got === 'boolean', 'isAttachment gave no boolean');
        check(got === referenceIsAttachment(value), `isAttachment(${show(value)}) is ${got}, Chromium's reading ${!got}`);
        check(isAttachment(`${value}; filename="a.html"`) === (value.includes(';') ? got : referenceIsAttachment(`${value}; filename="a.html"`)), 'a parameter after the type changed the verdict');
      }
    },
  },
  {
    name: 'stored-headers', seeds: headerSeeds, run(buf, r) {
      const headers = {};
      for (const line of buf.toString('latin1').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c <= 0) continue;
        const name = line.slice(0, c).toLowerCase();
        const value = line.slice(c + 1).trim();
        // Repeated fields arrive joined: Set-Cookie by "\n" (as the fetcher keeps them), others by ", ".
        headers[name] = name in headers ? `${headers[name]}${name === 'set-cookie' || r() < 0.3 ? '\n' : ', '}${value}` : value;
      }
      const before = JSON.stringify(headers);
      const out = boundHeaders(headers);
      check(JSON.stringify(headers) === before, 'boundHeaders changed its argument');
      let whole = 0;
      for (const k in headers) whole += k.length + headers[k].length;
      if (whole <= MAX_STORED_CHARS) {
        check(JSON.stringify(out) === before, 'a head under the bound was not stored whole');
        return;
      }
      let kept = 0;
      for (const k in out) {
        if (k === CUT_KEY) continue;
        check(k in headers, `a stored field that was not sent: ${show(k)}`);
        check(headers[k].startsWith(out[k]), `a stored value that is not the start of the sent one: ${show(k)}`);
        kept += k.length + out[k].length;
      }
      check(kept <= MAX_STORED_CHARS, `stored fields ${kept} chars over ${MAX_STORED_CHARS}`);
      check(typeof out[CUT_KEY] === 'string' && out[CUT_KEY] !== '', 'a bounded head says nothing of what was cut');
      // The note is part of the row too: the bound must hold for it (a few KB of names and sizes).
      check(out[CUT_KEY].length <= MAX_NOTE_CHARS, `the ${CUT_KEY} note alone is ${out[CUT_KEY].length} chars (stored fields ${kept})`);
    },
  },
  {
    name: 'feed', seeds: feedSeeds, run(buf) {
      const maxLinks = 1 + (buf.length % 60);
      const direct = extractFeedLinks(new Uint8Array(buf), PAGE_URL, maxLinks);
      check(direct.links.length <= maxLinks && direct.links.length <= direct.linksFound, 'feed link counts');
      const seen = new Set();
      for (const l of direct.links) {
        check(isHttpUrl(l.url), `feed link not an absolute http(s) URL: ${show(l.url)}`);
        check(normalizeUrl(l.url) === l.url, `feed link not in normal form: ${show(l.url)}`);
        check(!seen.has(l.url), `feed link twice: ${show(l.url)}`);
        seen.add(l.url);
      }
      const out = parsePage({ url: PAGE_URL, contentType: 'application/atom+xml', body: new Uint8Array(buf), isHtml: false, isFeed: true, maxLinks });
      check(out.ok, `parsePage(feed) failed: ${out.code} ${out.message}`);
      check(JSON.stringify(out.links.map((l) => l.url)) === JSON.stringify(direct.links.map((l) => l.url)), 'parsePage(feed) and extractFeedLinks disagree');
    },
  },
  {
    name: 'robots', seeds: robotsSeeds, run(buf) {
      const text = robotsText(new Uint8Array(buf), 500 * 1024);
      const url = 'http://a.example/robots.txt';
      const robot = robotsParser(url, canonicalRobotsKeys(text));
      const delay = readCrawlDelay(robot, UA);
      check(delay === undefined || (typeof delay === 'number' && Number.isFinite(delay) && delay >= 0), `crawl delay ${delay}`);
      const matcher = createRobotsMatcher(robot, url, UA);
      for (const s of parseRobotsSitemaps(text, url)) check(isHttpUrl(s), `robots sitemap ${show(s)}`);
      const rules = readGroup(robot, UA);
      check(rules !== null, 'robots-parser object not read (the slow fallback)');
      const normalized = rules.map((rule) => ({ pattern: normalizeRobotsPattern(rule.pattern), allow: rule.allow }));
      // Paths: fixed ones, and the file's own patterns and lines as paths (where matches are likeliest).
      const paths = ['/', '/private/ok', '/a/b.pdf', '/x?sort=1', '/%7Ejoe/', '/~joe/', '/a$b', '/a%24b', '/*', '/é/%C3%A9', '/a/b?c=d&e', '/%', '/ab/ab/x'];
      for (const line of text.split(/\r?\n/).slice(0, 40)) {
        const c = line.indexOf(':');
        const v = (c === -1 ? line : line.slice(c + 1)).trim().replace(/\*/g, 'zz').replace(/\$$/, '');
        paths.push(v.startsWith('/') ? v : `/${v}`);
      }
      let budget = 4_000_000; // pattern x path cells of the reference, per input
      const patternChars = normalized.reduce((n, x) => n + x.pattern.length, 0);
      for (const p of paths) {
        let parsed;
        try {
          parsed = new URL(`http://a.example${p}`);
        } catch {
          continue;
        }
        if (parsed.origin !== 'http://a.example') continue;
        const got = matcher.isAllowed(parsed.href);
        check(typeof got === 'boolean', `isAllowed(${show(p)}) gave ${got}`);
        const path = normalizeRobotsUrlPath(parsed.pathname + parsed.search);
        budget -= patternChars * (path.length + 1);
        if (budget < 0) break;
        const want = referenceAllowed(normalized, path);
        check(got === want, `isAllowed(${show(parsed.pathname + parsed.search)}) is ${got}, longest match says ${want}`);
      }
    },
  },
  {
    name: 'sitemap', seeds: sitemapSeeds, async run(buf, r) {
      if (buf[0] === 0x1f && buf[1] === 0x8b) return; // already gzip: the plain reading is no reference
      const gz = gzipSync(buf);
      const split = Math.floor(r() * (buf.length + 1));
      const variants = [
        ['gzip', gz, true],
        ['two members', Buffer.concat([gzipSync(buf.subarray(0, split)), gzipSync(buf.subarray(split))]), true],
        ['trailing bytes', Buffer.concat([gz, Buffer.from('\n\0junk')]), true],
        ['cut', gz.subarray(0, Math.floor(r() * gz.length)), false],
      ];
      const read = async (body) => {
        const added = [];
        const report = await addSitemapSeeds({
          seeds: ['http://a.example/'],
          fetcher: { fetch: async (entry) => (entry.url === 'http://a.example/sitemap.xml'
            ? { entry, status: 200, headers: {}, body: new Uint8Array(body), finalUrl: entry.url, elapsedMs: 0, isTruncated: false }
            : { entry, status: 404, headers: {}, body: new Uint8Array(0), finalUrl: entry.url, elapsedMs: 0, isTruncated: false }) },
          limits: { run: (_host, fn) => fn() },
          scope: (u) => (originKey(u) === 'http://a.example:80' ? null : 'CRAWL_SCOPE_OUT'),
          writer: { addUrls: (urls) => (added.push(...urls.map((u) => u.url)), { queued: urls.length, skipped: 0 }) },
          robots: { readText: async () => ({ kind: 'none' }) },
          maxUrls: 2000,
          maxBytes: 4 * 1024 * 1024,
        });
        check(report.urls <= 2000 && added.length === report.urls, `sitemap counts: ${report.urls} taken, ${added.length} added`);
        check(report.sitemaps <= 50, `${report.sitemaps} sitemaps read`);
        for (const u of added) check(isHttpUrl(u) && normalizeUrl(u) === u, `sitemap URL not normalized: ${show(u)}`);
        return { added, report };
      };
      const plain = await read(buf);
      for (const [what, body, isWhole] of variants) {
        const got = await read(body);
        if (isWhole) {
          check(JSON.stringify(got.added) === JSON.stringify(plain.added), `${what}: ${got.added.length} URLs where the plain file gives ${plain.added.length}`);
          check(got.report.cut.length === plain.report.cut.length, `${what}: reported cut (${JSON.stringify(got.report.cut).slice(0, 200)})`);
        } else {
          // A cut stream gives the entries before the cut: a prefix of the whole file's, never one it lacks.
          check(got.added.every((u, i) => u === plain.added[i]), `${what}: URLs that are not the whole file's first ${got.added.length}: ${show(got.added.find((u, i) => u !== plain.added[i]))}`);
        }
      }
    },
  },
  {
    name: 'refresh', seeds: refreshSeeds, run(buf) {
      const html = buf.toString('utf8');
      for (const encoding of ['utf-8', 'windows-1252', 'shift_jis']) {
        const page = extractPage(html, PAGE_URL, 500, 'crawlite', encoding);
        for (const l of page.links) check(isHttpUrl(l.url) && normalizeUrl(l.url) === l.url, `link not a normalized http(s) URL: ${show(l.url)}`);
        check(page.links.length <= 500, 'more links than asked');
        if (page.canonical !== null) check(isHttpUrl(page.canonical), `canonical ${show(page.canonical)}`);
        if (page.metaRefreshBase !== null) check(isHttpUrl(page.metaRefreshBase), `refresh base ${show(page.metaRefreshBase)}`);
        if (page.metaRefresh !== null) {
          const target = parseRefreshUrl(page.metaRefresh, page.metaRefreshBase ?? PAGE_URL, encoding);
          if (target !== null) {
            check(isRefreshValue(page.metaRefresh), `a refresh target from a value that is no refresh: ${show(page.metaRefresh)}`);
            check(isHttpUrl(target) && normalizeUrl(target) === target, `refresh target ${show(target)}`);
          }
        }
      }
      // The bytes as a Refresh header's value, too.
      for (const value of [buf.toString('latin1'), html]) {
        const target = parseRefreshUrl(value, PAGE_URL);
        if (target !== null) check(isRefreshValue(value) && isHttpUrl(target), `Refresh ${show(value)} gave ${show(target)}`);
      }
    },
  },
  {
    name: 'charset', seeds: charsetSeeds, run(buf) {
      const bytes = new Uint8Array(buf);
      for (const type of CONTENT_TYPES) {
        const { html, encoding } = decodeHtml(bytes, type);
        check(new TextDecoder(encoding).encoding === encoding, `encoding ${show(encoding)} is no canonical name`);
        // A stored page's HTML is rebuilt by decodeAs(body, encoding) (content-frame.ts): it must be this string.
        check(decodeAs(bytes, encoding) === html, `decodeAs(body, ${encoding}) differs from what decodeHtml gave (${type})`);
        const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 'utf-8' : buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : null;
        if (bom !== null) check(encoding === bom, `a ${bom} BOM, yet decoded as ${encoding} (${type})`);
        const declared = declaredEncoding(bytes, type);
        if (declared !== null) check(declared === encoding, `declared ${declared}, decoded as ${encoding} (${type})`);
        check(html.length <= buf.length + 1, `decoded ${buf.length} bytes into ${html.length} chars`);
        // The BOM itself is no text (and only the first: a second U+FEFF is a character of the page).
        if (bom !== null) check(html === new TextDecoder(bom, { ignoreBOM: true }).decode(bytes.subarray(bom === 'utf-8' ? 3 : 2)), `a ${bom} BOM: the text is not the rest of the body`);
      }
    },
  },
  {
    name: 'url', seeds: urlSeeds, run(buf, r) {
      for (const s of [buf.subarray(0, 8192).toString('utf8'), buf.subarray(0, 8192).toString('latin1')]) {
        for (const base of URL_BASES) {
          const out = normalizeUrl(s, base);
          const viaResolver = createUrlResolver(base)(s);
          check(viaResolver === out, `resolver ${show(viaResolver)} but normalizeUrl ${show(out)} for ${show(s)} on ${base}`);
          if (out === null) continue;
          check(isHttpUrl(out), `normalizeUrl gave ${show(out)}`);
          check(!out.includes('#'), `a fragment kept: ${show(out)}`);
          check(normalizeUrl(out) === out, `not idempotent: ${show(out)} -> ${show(normalizeUrl(out))}`);
          check(normalizeUrl(out, 'https://z.example/other') === out, 'an absolute URL depends on the base');
          const u = new URL(out);
          check(/^[\x21-\x7e]+$/.test(u.hostname), `host not ASCII: ${show(u.hostname)}`);
          check(!u.hostname.endsWith('.') && u.username === '' && u.password === '', `host or userinfo: ${show(out)}`);
          for (const m of (u.pathname + u.search).matchAll(/%([0-9a-fA-F]{2})/g)) {
            const code = parseInt(m[1], 16);
            check(m[1] === m[1].toUpperCase(), `lowercase escape kept: ${show(out)}`);
            check(!/[A-Za-z0-9._~-]/.test(String.fromCharCode(code)), `escaped unreserved character kept: ${show(out)}`);
          }
          // Spellings of the same URL: the host in capitals, an unreserved path character escaped.
          const upper = out.replace(/^(https?:\/\/)([^/?#]*)/, (_m, scheme, host) => scheme.toUpperCase() + host.toUpperCase());
          check(normalizeUrl(upper) === out, `capitals in scheme and host: ${show(upper)} -> ${show(normalizeUrl(upper))} not ${show(out)}`);
          const pathStart = out.indexOf('/', out.indexOf('//') + 2);
          const spots = [...out.slice(pathStart).matchAll(/[A-Za-z0-9_~-]/g)];
          if (spots.length > 0) {
            const at = pathStart + spots[Math.floor(r() * spots.length)].index;
            const escaped = `${out.slice(0, at)}%${out.charCodeAt(at).toString(16)}${out.slice(at + 1)}`;
            check(normalizeUrl(escaped) === out, `an escaped unreserved character: ${show(escaped)} -> ${show(normalizeUrl(escaped))} not ${show(out)}`);
          }
        }
      }
    },
  },
  {
    name: 'job', seeds: jobSeeds(), async run(buf) {
      const path = join(jobDir, `job-${jobCount++ % 4}${buf[0] === 0x7b ? '.json' : '.yaml'}`);
      writeFileSync(path, buf);
      for (const load of [() => readJobFile(path), () => loadCrawlConfig({ config: path })]) {
        let got;
        try {
          got = await load();
        } catch (err) {
          expectCode(err);
          continue;
        }
        // What passes must not have smuggled a prototype in.
        check(Object.getPrototypeOf({}).polluted === undefined && ({}).maxPages === undefined, 'Object.prototype polluted');
        check(got !== null && typeof got === 'object', 'a job that is no object');
      }
    },
  },
  {
    name: 'csv', seeds: csvSeeds, async run(buf, r) {
      // Values from the input's code units (UTF-16LE: lone surrogates and NULs are one byte flip away).
      const text = buf.subarray(0, buf.length & ~1).toString('utf16le');
      const parts = text.split(/(?=[,;|])/).slice(0, 12).map((s) => spice(r, s));
      const values = [...parts, null, parts.length, r() < 0.5, { k: parts[0] ?? '', [parts[1] ?? 'x']: [parts[2] ?? null] }, parts.slice(0, 3)];
      const record = formatCsvRecord(values);
      const rows = parseCsv(throughUtf8(record));
      check(rows.length === 1 && rows[0].length === values.length, `CSV: ${values.length} values came back as ${rows.length} records of ${rows[0]?.length} fields`);
      values.forEach((v, i) => check(rows[0][i] === throughUtf8(csvText(v)), `CSV field ${i}: ${show(csvText(v))} came back ${show(rows[0][i])}`));
      const row = Object.fromEntries(values.map((v, i) => [`f${i}`, v]));
      const line = jsonLine(row);
      check(line.endsWith('\n') && !/[\r\n\u2028\u2029\u0085]/.test(line.slice(0, -1)), 'JSONL: a line break inside a line');
      check(JSON.stringify(JSON.parse(Buffer.from(line, 'utf8').toString('utf8'))) === JSON.stringify(row), 'JSONL: the row did not parse back');

      // Through SQLite and exportPages: each column must come back as SQLite holds it.
      exportDb ??= await makeExportDb();
      const db = new Database(exportDb.dbPath);
      try {
        const headers = JSON.stringify(Object.fromEntries(parts.slice(0, 4).map((p, i) => [p === '' ? `h${i}` : p, parts[(i + 1) % parts.length] ?? ''])));
        db.prepare('UPDATE pages SET title = ?, description = ?, language = ?, error_message = ?, headers = ? WHERE id = (SELECT min(id) FROM pages)')
          .run(parts[0] ?? null, parts.slice(1).join('') || null, parts[2] ?? '', parts[3] ?? null, headers);
      } finally {
        db.close();
      }
      const fields = ['url', 'title', 'description', 'language', 'error_message', 'headers'];
      const ro = new Database(exportDb.dbPath, { readonly: true });
      let stored;
      try {
        stored = ro.prepare(`SELECT ${fields.join(', ')} FROM pages ORDER BY id`).raw().all();
      } finally {
        ro.close();
      }
      const csv = parseCsv(await exportText(exportDb.dbPath, 'csv', fields));
      check(JSON.stringify(csv[0]) === JSON.stringify(fields), `CSV header ${show(JSON.stringify(csv[0]))}`);
      check(csv.length === stored.length + 1, `CSV: ${csv.length - 1} records for ${stored.length} pages`);
      stored.forEach((s, i) => s.forEach((v, j) => check(csv[i + 1][j] === (v === null ? '' : String(v)), `export CSV ${fields[j]}: ${show(v)} came back ${show(csv[i + 1][j])}`)));
      const jsonl = (await exportText(exportDb.dbPath, 'jsonl', fields)).split('\n');
      check(jsonl.at(-1) === '' && jsonl.length === stored.length + 1, `JSONL: ${jsonl.length - 1} lines for ${stored.length} pages`);
      stored.forEach((s, i) => {
        const got = JSON.parse(jsonl[i]);
        s.forEach((v, j) => {
          const want = fields[j] === 'headers' && v !== null ? JSON.parse(v) : v;
          check(JSON.stringify(got[fields[j]]) === JSON.stringify(want), `export JSONL ${fields[j]}: ${show(JSON.stringify(want))} came back ${show(JSON.stringify(got[fields[j]]))}`);
        });
      });
    },
  },
];

// ---------------------------------------------------------------------------------------------
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  let error = null;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, error };
}

mkdirSync(OUT, { recursive: true });
const findings = [];
const summary = [];
for (const target of targets) {
  if (ONLY !== null && !ONLY.has(target.name)) continue;
  const r = rng(SEED ^ [...target.name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
  const seeds = target.seeds.filter((s) => s.length < 2_000_000);
  const deadline = Date.now() + SECONDS * 1000;
  const kinds = new Set();
  let n = 0;
  let worst = 0;
  for (; n < ITERATIONS && Date.now() < deadline; n++) {
    // The first few inputs are seeds as they are; then each is a mutation of a seed picked at random.
    let input = seeds[n < 10 ? n % seeds.length : Math.floor(r() * seeds.length)];
    if (n >= 10) input = mutate(r, input, seeds);
    if (input.length > 4_000_000) input = input.subarray(0, 4_000_000);
    const callR = rng(n);
    // The input in flight, kept until the next: a hang (no finding is written then) can be replayed.
    writeFileSync(join(OUT, `current-${target.name}.bin`), input);
    const { ms, error } = await timed(() => target.run(input, callR));
    worst = Math.max(worst, ms);
    let kind = null;
    let detail = '';
    // One finding per kind of broken invariant: its message with the quoted input and the numbers left out.
    if (error instanceof Invariant) [kind, detail] = [`invariant: ${error.message.replace(/"(?:[^"\\]|\\.)*"?/g, '"…"').replace(/\d+/g, 'N').slice(0, 80)}`, error.message];
    else if (error !== null) [kind, detail] = [`throws ${error.name}: ${String(error.message).slice(0, 60)}`, String(error.stack ?? error)];
    else if (ms > SLOW_MS) {
      const twice = Buffer.concat([input, input]);
      // Each timed twice, the faster kept: a collection or a compile in one run is no growth.
      const best = async (buf) => {
        const [a, b] = [await timed(() => target.run(buf, rng(n))), await timed(() => target.run(buf, rng(n)))];
        return a.ms < b.ms ? a : b;
      };
      const again = await best(input);
      const doubled = await best(twice);
      const ratio = doubled.ms / Math.max(again.ms, 0.001);
      // Slow but linear (a 4 MB input at a few hundred ns a byte) is not a finding.
      if (again.ms > 20 * SLOW_MS) [kind, detail] = [`slow (over ${20 * SLOW_MS} ms)`, `${input.length} bytes: ${again.ms.toFixed(0)} ms; doubled ${doubled.ms.toFixed(0)} ms`];
      else if (again.ms > SLOW_MS && ratio > 3) [kind, detail] = [`superlinear`, `${input.length} bytes: ${again.ms.toFixed(0)} ms; doubled ${doubled.ms.toFixed(0)} ms (x${ratio.toFixed(1)})`];
    }
    if (kind === null) continue;
    const key = `${target.name}: ${kind}`;
    if (kinds.has(key)) continue;
    kinds.add(key);
    const file = join(OUT, `${target.name}-${findings.length}.bin`);
    writeFileSync(file, input);
    findings.push({ key, file, detail: detail.split('\n').slice(0, 6).join('\n'), bytes: input.length });
    console.log(`FINDING ${key}\n  input: ${file} (${input.length} bytes)\n  ${detail.split('\n').slice(0, 4).join('\n  ')}`);
  }
  summary.push(`${target.name.padEnd(14)} ${String(n).padStart(6)} inputs from ${seeds.length} seeds, slowest ${worst.toFixed(0)} ms, ${kinds.size} finding(s)`);
  console.log(summary.at(-1));
}
rmSync(jobDir, { recursive: true, force: true });
if (exportDb !== null) rmSync(exportDb.dir, { recursive: true, force: true });
console.log(`\nseed ${SEED}: ${findings.length} finding(s)${findings.length ? `, inputs in ${OUT}` : ''}`);
process.exit(findings.length > 0 ? 1 : 0);
