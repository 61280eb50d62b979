#!/usr/bin/env node
// Seeded mutation fuzzer for crawlite's pure input-reading functions (round 21): what reads bytes a
// hostile server (or a hand-edited job file) chose. Imports the compiled dist/ modules, so run
// `npm run build` first.
//
//   node bench/fuzz-21.mjs [--seed 21] [--iterations 1500] [--seconds 60] [--only parse,feed] [--out DIR]
//
// Each target runs from its seeds (bench/differential/corpus.mjs, pages of the real-shaped sites of
// test/helpers/real-sites*.ts served on 127.0.0.1, hand-made ones) for at most --iterations
// mutated inputs or --seconds, whichever comes first. Mutations: byte flips, splices of two seeds,
// a chunk repeated up to thousands of times, deep nesting, huge attributes, odd encodings (UTF-16,
// BOMs, invalid UTF-8, NULs), truncation. The sequence of inputs is a function of --seed alone.
// Flagged: a thrown error that is not the target's documented kind, an input over --slow-ms (then
// timed again doubled: a ratio near 4 is quadratic), an output that breaks an invariant. Each
// finding is written to DIR (default /tmp/fuzz-21-findings) as the input that showed it; exit 1
// when there was any.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import robotsParser from 'robots-parser';
import { B, mutate, rng, dist, fuzzOptions, root } from './fuzz-mutate.mjs';

const { SEED, ITERATIONS, SECONDS, SLOW_MS, ONLY, OUT } = fuzzOptions(21);

const { parsePage } = await dist('src/parse/parse-page.js');
const { extractFeedLinks, isFeed } = await dist('src/parse/feed-links.js');
const { normalizeUrl, createUrlResolver, originKey } = await dist('src/frontier/normalize-url.js');
const { canonicalRobotsKeys } = await dist('src/fetch/robots-keys.js');
const { createRobotsMatcher, readCrawlDelay } = await dist('src/fetch/robots-matcher.js');
const { robotsText } = await dist('src/fetch/robots.js');
const { parseRobotsSitemaps, readSitemapText } = await dist('src/frontier/sitemaps.js');
const { isRefreshValue } = await dist('src/parse/refresh-value.js');
const { isAttachment } = await dist('src/parse/content-disposition.js');
const { boundHeaders, MAX_STORED_CHARS } = await dist('src/store/stored-headers.js');
const { createChunkReframer, isChunkedHead } = await dist('src/fetch/chunk-lines.js');
const { repairHeaderLines } = await dist('src/fetch/header-lines.js');
const { repairStatusLine } = await dist('src/fetch/status-line.js');
const { mergeContentLengths, mergeContentLengthsOn } = await dist('src/fetch/content-length-lines.js');
const { decodeHtml, declaredEncoding } = await dist('src/parse/decode-charset.js');
const { extractPage } = await dist('src/parse/extract.js');
const { readJobFile } = await dist('src/config/job-file.js');
const { loadCrawlConfig } = await dist('src/config/load-job.js');
const { cases } = await import(pathToFileURL(join(root, 'bench/differential/corpus.mjs')).href);

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and the mutations: bench/fuzz-mutate.mjs.

// ---------------------------------------------------------------------------------------------
// Seeds.
const PAGE_URL = 'http://a.example/dir/page.html?q=1';
const isHttpUrl = (u) => typeof u === 'string' && /^https?:\/\/[^/?#]+/.test(u) && (() => { try { return ['http:', 'https:'].includes(new URL(u).protocol); } catch { return false; } })();

async function realSitePages() {
  const pages = [];
  const sets = [
    ['real-sites.js', 'REAL_SITES', 'startRealSite'],
    ['real-sites-20.js', 'REAL_SITES_20', 'startRealSite20'],
    ['real-sites-21.js', 'REAL_SITES_21', 'startRealSite21'],
  ];
  for (const [file, list, start] of sets) {
    let mod;
    try {
      mod = await dist(`test/helpers/${file}`);
    } catch {
      continue;
    }
    for (const name of mod[list]) {
      const site = await mod[start](name);
      try {
        // A few pages of each, breadth first: bounded, 127.0.0.1 only.
        const origin = site.origin ?? site.url ?? `http://127.0.0.1:${site.port}`;
        const queue = [new URL('/', origin).href, new URL('/robots.txt', origin).href, new URL('/sitemap.xml', origin).href];
        const seen = new Set(queue);
        while (queue.length > 0 && pages.length < 400 && seen.size < 200) {
          const url = queue.shift();
          const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) }).catch(() => null);
          if (res === null) continue;
          const body = Buffer.from(await res.arrayBuffer());
          pages.push({ url, type: res.headers.get('content-type') ?? '', body, headers: Object.fromEntries(res.headers) });
          if (pages.filter((p) => p.url.startsWith(origin)).length >= 12) break;
          for (const m of body.toString('latin1').matchAll(/(?:href|src)="([^"#]+)"|<(?:link|loc)>([^<]+)</g)) {
            let next;
            try { next = new URL(m[1] ?? m[2], url); } catch { continue; }
            if (next.origin === new URL(origin).origin && !seen.has(next.href)) {
              seen.add(next.href);
              queue.push(next.href);
            }
          }
        }
      } finally {
        await site.close();
      }
    }
  }
  return pages;
}

const realPages = await realSitePages();
const htmlSeeds = [
  ...cases.map(([, html]) => B(html)),
  ...realPages.filter((p) => /html/.test(p.type)).map((p) => p.body),
  B('<html><head><meta charset="windows-1252"><base href="/x/"><title>caf\xe9</title></head><body><a href="../y?a=1&amp;b=2#f">y</a></body></html>'),
  Buffer.concat([B('<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>'), Buffer.from([0x82, 0xa0, 0x82, 0xa2]), B('</p><a href="\x82\xa0">x</a>')]),
  B('<meta http-equiv="refresh" content="0; url=\'/next\'"><a href="javascript:x">j</a><a href="mailto:a@b">m</a><a href="//other.example/p">o</a><area href="/m"><iframe src="/f"></iframe>'),
];
const feedSeeds = [
  ...realPages.filter((p) => /xml|rss|atom/.test(p.type) && /<(rss|feed|rdf)/.test(p.body.toString('latin1'))).map((p) => p.body),
  B('<?xml version="1.0"?><rss version="2.0"><channel><link>http://a.example/</link><item><title>t</title><link>/post/1</link></item><item><link><![CDATA[ http://a.example/p?a=1&b=2 ]]></link></item></channel></rss>'),
  B('<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="/feed"/><entry><link href="/e/1"/><link rel="alternate" href="e&amp;2"/><link rel="replies" href="/c"/></entry></feed>'),
  B('<rdf:RDF><item rdf:about="x"><link>http://a.example/&#x41;&#65;</link></item></rdf:RDF>'),
];
const robotsSeeds = [
  ...realPages.filter((p) => p.url.endsWith('/robots.txt') && p.body.length > 0).map((p) => p.body),
  B('User-agent: *\nDisallow: /private/\nAllow: /private/ok$\nDisallow: /*.pdf$\nDisallow: /*?sort=\nCrawl-delay: 2\nSitemap: /sitemap.xml\n'),
  B('user-agent: crawlite bot\nuseragent: other\ndisalow: /a\ndissallow: /%7Ejoe/\nallow: /%2A\n\nUser-agent: *\nDisallow: /\n# comment\nSite-map: http://a.example/s.xml\n'),
  B('User-agent: crawlite\nDisallow: /*a*b*c*d*e*$\nDisallow: /$\nAllow: /*\nCrawl-delay: 0.5\n'),
];
const sitemapSeeds = [
  ...realPages.filter((p) => /sitemap/.test(p.url) && p.body.length > 0).map((p) => p.body),
  B('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a.example/1</loc></url><url><loc><![CDATA[http://a.example/2?a=1&b=2]]></loc><image:image><image:loc>http://a.example/i.png</image:loc></image:image></url></urlset>'),
  B('<sitemapindex><sitemap><sm:loc>http://a.example/s1.xml</sm:loc></sitemap><!-- <sitemap><loc>x</loc></sitemap> --></sitemapindex>'),
  B('http://a.example/a\r\nhttps://a.example/b\n  http://a.example/c  \nnot a url\n'),
];
const headSeeds = [
  B('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\nContent-Length: 5\r\n'),
  B('http/1.0 200OK\r\nContent-Type : text/html\r\nno colon here\r\nContent-Length: \r\nX: y\r\n'),
  B('  HTTP/2 301 Moved\r\nLocation: /x\r\nContent-Length: 5, 5\r\nTransfer-Encoding: chunked\r\n'),
  B('HTTP/1.1 200 OK\nContent-Length:\t7\t\nContent-length: 7\n Folded: line\n'),
];
const wireSeeds = [
  B('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0;ext=1\r\nTrailer: x\r\n\r\n'),
  B('\r\n\r\nHTTP/1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'),
  B('http/1.1 200ok\r\nBad Name: x\r\nTransfer-Encoding: chunked\r\n\r\n3 ; a=b\r\nabc\r\n00000\r\n\r\n'),
  B('HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n'),
];
const chunkSeeds = [
  B('5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nTrailer: x\r\n\r\n'),
  B('a\t\r\n0123456789\r\n0000000000000\r\n\r\n'),
  B('3\nabc\n0\n\n'),
  B('ff \r\n' + 'x'.repeat(255) + '\r\n0\r\n\r\n'),
];
const headerValueSeeds = [
  B('0; url=/next'), B(' .5, http://a.example/'), B('5x; url=/a'), B('url=/a'), B('attachment; filename="a.html"'), B('inline'),
  B('filename=x; attachment'), B('Attachment ; filename*=UTF-8\'\'%e2%82%ac.html'),
];
const urlSeeds = [
  ...realPages.flatMap((p) => [...p.body.toString('latin1').matchAll(/href="([^"]*)"/g)].slice(0, 5).map((m) => B(m[1]))),
  B('http://user:pw@A.EXAMPLE:80/a/./b/../c/%7euser/%2F?b=2&a=1&utm_source=x#frag'),
  B('https://xn--bcher-kva.example./p%C3%A4th?q=%e2%82%ac'), B('//other.example:8080'), B('../../up?x'), B('HTTP://[::1]:8080/'),
  B('http://0x7f.1/'), B('http://a.example/%zz%%%'), B('javascript:alert(1)'), B('http://a.example/' + 'a/'.repeat(50)), B('\t http://a.example/ x \n'),
  B('http://a.example/;jsessionid=ABC123?PHPSESSID=1&sid=2'), B('http://münchen.example/ü'),
];
const jobSeeds = [
  ...['bench.yaml', 'books.yaml', 'quotes.json'].map((f) => readFileSync(join(root, 'config', f))),
  B('seeds:\n  - https://a.example/\nscope:\n  mode: domain\nlimits:\n  maxPages: 10\nfields:\n  title: { selector: "h1" }\n'),
  B('{"seeds": ["https://a.example/"], "name": "x", "politeness": {"delay": "1s"}, "seeds": []}'),
  B('base: &b\n  maxPages: 5\nlimits: *b\nseeds: [https://a.example/]\n'),
];

// ---------------------------------------------------------------------------------------------
// Targets. `run` returns nothing, throws Expected for a documented refusal, Invariant for a broken
// invariant; any other throw is a finding.
class Invariant extends Error {}
const expectCode = (err) => {
  // A documented refusal: one of src/errors.ts's classes, a CRAWL_ code, one line.
  if (err instanceof Error && typeof err.code === 'string' && err.code.startsWith('CRAWL_') && !err.message.includes('\n')) return;
  throw err;
};
const check = (ok, what) => {
  if (!ok) throw new Invariant(what);
};
const checkLinks = (links, where) => {
  for (const l of links) check(isHttpUrl(l.url), `${where}: link not an absolute http(s) URL: ${JSON.stringify(l.url).slice(0, 200)}`);
};
const asText = (buf) => buf.toString('utf8');
const FIELDS = { links: { selector: 'a[href], link', attr: 'href', many: true }, title: { selector: 'title', attr: null, many: false }, h: { selector: 'div > p:first-child, td ~ td', attr: null, many: true } };

const jobDir = mkdtempSync(join(tmpdir(), 'fuzz-21-job-'));
let jobCount = 0;

const targets = [
  {
    name: 'parse', seeds: htmlSeeds, run(buf) {
      // Picked by the first byte, not the length: the input doubled (the growth check) keeps its type.
      const type = ['text/html', 'text/html; charset=iso-8859-1', 'text/html; charset=utf-16le', 'text/html; charset=bogus'][(buf[0] ?? 0) % 4];
      const out = parsePage({ url: PAGE_URL, contentType: type, body: new Uint8Array(buf), isHtml: true, maxLinks: 1000, fields: FIELDS, robotsName: 'crawlite' });
      check(out.ok, `parsePage failed: ${out.code} ${out.message}`);
      checkLinks(out.links, 'parsePage');
      check(out.links.length <= out.linksFound, 'more links than found');
      if (out.canonical !== null) check(isHttpUrl(out.canonical), `canonical not absolute: ${out.canonical}`);
      const { html } = decodeHtml(buf, type);
      const page = extractPage(html, PAGE_URL, 1000);
      check(page.text.length <= html.length, `text (${page.text.length}) longer than the HTML (${html.length})`);
      check(out.htmlBytes === buf.length, 'htmlBytes is not the body length');
    },
  },
  {
    name: 'feed', seeds: feedSeeds, run(buf) {
      isFeed('application/xml', buf);
      const direct = extractFeedLinks(new Uint8Array(buf), PAGE_URL, 50);
      checkLinks(direct.links, 'extractFeedLinks');
      check(direct.links.length <= 50 && direct.links.length <= direct.linksFound, 'feed link counts');
      const out = parsePage({ url: PAGE_URL, contentType: 'application/rss+xml', body: new Uint8Array(buf), isHtml: false, isFeed: true, shouldKeepBody: (buf[0] ?? 0) % 2 === 0, maxLinks: 50 });
      check(out.ok, `parsePage(feed) failed: ${out.code} ${out.message}`);
      checkLinks(out.links, 'parsePage(feed)');
    },
  },
  {
    name: 'url', seeds: urlSeeds, run(buf) {
      // Hrefs reach normalizeUrl cut at 8 KB (MAX_HREF_CHARS), a Location within a 256 KB head:
      // past 64 KB, a linear cost of a few µs a character is no finding.
      for (const s of [buf.subarray(0, 65536).toString('utf8'), buf.subarray(0, 65536).toString('latin1')]) {
        for (const base of [undefined, PAGE_URL, 'https://[::1]:8443/a/b']) {
          const out = normalizeUrl(s, base);
          if (out === null) continue;
          check(isHttpUrl(out), `normalizeUrl gave ${out.slice(0, 200)}`);
          const again = normalizeUrl(out);
          check(again === out, `normalizeUrl not idempotent: ${JSON.stringify(out).slice(0, 200)} -> ${JSON.stringify(again).slice(0, 200)}`);
          originKey(out);
        }
        const resolve = createUrlResolver(PAGE_URL);
        const r = resolve(s);
        if (r !== null) check(isHttpUrl(r), `resolver gave ${r.slice(0, 200)}`);
      }
    },
  },
  {
    name: 'robots', seeds: robotsSeeds, run(buf) {
      const text = robotsText(new Uint8Array(buf), 500 * 1024);
      const url = 'http://a.example/robots.txt';
      const robot = robotsParser(url, canonicalRobotsKeys(text));
      readCrawlDelay(robot, 'crawlite/0.2 (+https://example.org/bot)');
      const matcher = createRobotsMatcher(robot, url, 'crawlite/0.2');
      for (const path of ['/', '/private/ok', '/a/b.pdf', '/x?sort=1', '/%7Ejoe/', '/*$', '/' + 'a'.repeat(2000), '/é/%C3%A9']) {
        const v = matcher.isAllowed(`http://a.example${path}`);
        check(typeof v === 'boolean', `isAllowed(${path}) gave ${v}`);
      }
      for (const s of parseRobotsSitemaps(text, url)) check(isHttpUrl(s), `robots sitemap ${s}`);
    },
  },
  {
    name: 'sitemap', seeds: sitemapSeeds, run(buf) {
      const text = asText(buf);
      const out = readSitemapText(text, 50_000);
      if ('locs' in out) {
        check(out.locs.length <= 50_000, 'more locs than asked');
        for (const loc of out.locs) check(loc.length <= text.length, 'a loc longer than the file');
      }
    },
  },
  {
    name: 'header-values', seeds: headerValueSeeds, run(buf) {
      for (const s of [buf.toString('utf8'), buf.toString('latin1')]) {
        isRefreshValue(s);
        isAttachment(s);
      }
      const headers = {};
      for (const line of buf.toString('latin1').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c > 0) headers[line.slice(0, c).toLowerCase()] = (headers[line.slice(0, c).toLowerCase()] ?? '') + line.slice(c + 1);
      }
      headers['x-big'] = buf.toString('latin1').repeat(buf.length < 40_000 ? 1 : 0);
      const bounded = boundHeaders(headers);
      let total = 0;
      for (const k in bounded) if (k !== 'crawlite:cut') total += k.length + bounded[k].length;
      check(total <= MAX_STORED_CHARS, `stored headers ${total} chars over ${MAX_STORED_CHARS}`);
    },
  },
  {
    name: 'head-lines', seeds: headSeeds, run(buf) {
      const head = buf.toString('latin1');
      const s = repairStatusLine(head);
      const h = repairHeaderLines(s ?? head);
      const m = mergeContentLengths(h ?? s ?? head);
      for (const [what, v] of [['status', s], ['header', h], ['length', m]]) {
        if (v !== null) check(typeof v === 'string' && v.length <= head.length + 16, `${what} repair grew the head: ${head.length} -> ${v.length}`);
      }
      isChunkedHead(m ?? h ?? s ?? head);
    },
  },
  {
    name: 'chunks', seeds: chunkSeeds, run(buf, r) {
      const reframe = createChunkReframer();
      let total = 0;
      try {
        for (let at = 0; at < buf.length;) {
          const n = 1 + Math.floor(r() * Math.max(1, buf.length / 3));
          total += reframe(buf.subarray(at, at + n)).length;
          at += n;
        }
      } catch (err) {
        expectCode(err);
      }
      // A bare LF of a size line or after a chunk's data is written CRLF: one byte more a line.
      let lfs = 0;
      for (const b of buf) if (b === 0x0a) lfs++;
      check(total <= buf.length + 2 * lfs + 64, `reframed ${buf.length} bytes into ${total}`);
    },
  },
  {
    name: 'wire', seeds: wireSeeds, run(buf, r) {
      // The lenient path's socket hook (content-length-lines.ts), on a stand-in socket.
      let pushed = 0;
      let destroyed = null;
      const socket = { push: (chunk) => { if (chunk !== null) pushed += chunk.length; return true; }, destroy: (err) => { destroyed = err; } };
      mergeContentLengthsOn(socket);
      for (let at = 0; at < buf.length && destroyed === null;) {
        const n = 1 + Math.floor(r() * Math.max(1, buf.length / 2));
        socket.push(buf.subarray(at, at + n));
        at += n;
      }
      socket.push(null);
      if (destroyed !== null) expectCode(destroyed);
    },
  },
  {
    name: 'charset', seeds: htmlSeeds, run(buf) {
      for (const type of ['text/html', 'text/html; charset=utf-16', 'text/html;charset="windows-1251"', 'text/html; charset=x-mac-roman', 'application/xhtml+xml; charset=iso-2022-jp']) {
        const { html, encoding } = decodeHtml(new Uint8Array(buf), type);
        check(typeof html === 'string' && typeof encoding === 'string', 'decodeHtml shape');
        check(html.length <= buf.length * 2 + 2, `decoded ${buf.length} bytes into ${html.length} chars`);
        declaredEncoding(new Uint8Array(buf), type);
      }
    },
  },
  {
    name: 'job', seeds: jobSeeds, async run(buf) {
      const path = join(jobDir, `job-${jobCount++ % 4}${buf[0] === 0x7b ? '.json' : '.yaml'}`);
      writeFileSync(path, buf);
      try {
        readJobFile(path);
      } catch (err) {
        expectCode(err);
      }
      try {
        await loadCrawlConfig({ config: path });
      } catch (err) {
        expectCode(err);
      }
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
    const { ms, error } = await timed(() => target.run(input, callR));
    worst = Math.max(worst, ms);
    let kind = null;
    let detail = '';
    if (error instanceof Invariant) [kind, detail] = [`invariant: ${error.message.slice(0, 80)}`, error.message];
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
console.log(`\nseed ${SEED}: ${findings.length} finding(s)${findings.length ? `, inputs in ${OUT}` : ''}`);
process.exit(findings.length > 0 ? 1 : 0);
