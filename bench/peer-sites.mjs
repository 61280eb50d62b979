#!/usr/bin/env node
// crawlite beside wget and wget2 on small sites shaped like real ones, each served on 127.0.0.1.
// --set 19 (the default; test/helpers/real-sites.ts): a WordPress-like blog, a docs site, a faceted
// shop with session ids, an international site, a calendar trap with soft-404s, a site behind
// redirects between hosts. --set 20 (test/helpers/real-sites-20.ts): a phpBB-like forum, a news
// site with a sitemap index and AMP copies, a site asking for politeness (robots.txt groups,
// Crawl-delay, a 429, a 503 window; also crawled by `wget --wait=0.2` with retries of those), a
// single-page app with <base href> pages, a MediaWiki-like wiki, a legacy IIS-like site. --set 21
// (test/helpers/real-sites-21.ts): a multilingual site joined by hreflang alternates, a Sphinx site
// under /en/latest/, a blog whose old posts only its feeds list, a catalog paged by <link rel=next>,
// image maps and iframes, localhost links on a site crawled as 127.0.0.1, paths in several cases
// and slashes on a case-sensitive server, a login wall. --set 22 (test/helpers/real-sites-22.ts): a
// frameset site, a manual of <object>/<embed> parts, a menu in a <template> with a <noscript>
// fallback, an app under <base href="/app/v2/">, a campus image map, markup in capitals, unquoted,
// with character references in hrefs, a blog listed only by feeds using xml:base, guids and RSS 1.0. --set all.
// Each crawler runs with its defaults (wget and wget2: --recursive --level=inf --no-parent, robots
// on), each against a new server on the same port; the servers log every request, so the URL sets
// compared are what each crawler asked for and got a 2xx for (wget saves those; crawlite stores
// every response as a page, 4xx included), and the pace each one set (shortest gap, most requests
// in 1 s, requests inside a 429's or 503's Retry-After) is printed for the polite site (all, with --list).
// Peers not installed are skipped. Usage: npm run build && node bench/peer-sites.mjs [site..] [--set 19|20|21|22|all] [--list]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REAL_SITES, startRealSite } from '../dist/test/helpers/real-sites.js';
import { REAL_SITES_20, startRealSite20 } from '../dist/test/helpers/real-sites-20.js';
import { REAL_SITES_21, startRealSite21 } from '../dist/test/helpers/real-sites-21.js';
import { REAL_SITES_22, startRealSite22 } from '../dist/test/helpers/real-sites-22.js';
import { normalizeUrl } from '../dist/src/frontier/normalize-url.js';

const MAIN = new URL('../dist/src/cli/main.js', import.meta.url).pathname;
const args = process.argv.slice(2);
const shouldList = args.includes('--list');
const setArg = args.find((a) => a.startsWith('--set='))?.slice(6) ?? (args.includes('--set') ? args[args.indexOf('--set') + 1] : '19');
const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--set');
const set = { 20: REAL_SITES_20, 21: REAL_SITES_21, 22: REAL_SITES_22, all: [...REAL_SITES, ...REAL_SITES_20, ...REAL_SITES_21, ...REAL_SITES_22] }[setArg] ?? REAL_SITES;
const sites = names.length ? names : set;
const start = (name, port) =>
  REAL_SITES_22.includes(name) ? startRealSite22(name, { port }) : REAL_SITES_21.includes(name) ? startRealSite21(name, { port }) : REAL_SITES_20.includes(name) ? startRealSite20(name, { port }) : startRealSite(name, { port });
const PEER_TIMEOUT_MS = 60_000;
const has = (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0;
const hasTime = spawnSync('/usr/bin/time', ['-f', '', 'true'], { stdio: 'ignore' }).status === 0;

function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    // Under /usr/bin/time when there is one: CPU seconds say more than wall time on a shared host.
    // In a process group of its own: the timeout kills the crawler under /usr/bin/time too. Killing
    // time alone left a wget running on the calendar site, and this script waiting for it (round 20).
    const spawnOpts = { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...opts };
    const child = hasTime ? spawn('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...argv], spawnOpts) : spawn(cmd, argv, spawnOpts);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), PEER_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      resolve({ code, signal, stderr, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN });
    });
  });
}

const crawlers = [
  { name: 'crawlite', argv: (site, dir) => [process.execPath, [MAIN, 'crawl', site.seed, '--db', join(dir, 'crawl.db'), '--no-progress', '--log-format', 'json']] },
  ...(has('wget')
    ? [{
        name: 'wget',
        argv: (site, dir) => ['wget', ['--recursive', '--level=inf', '--no-parent', '-e', 'robots=on', '--tries=1', '--timeout=10', '-nv', '-P', dir,
          // *.localhost names: the system resolver does not know them, so the site's own server is wget's proxy.
          ...(site.name === 'hosts' ? ['-e', 'use_proxy=on', '-e', `http_proxy=http://127.0.0.1:${site.port}/`] : []), site.seed]],
      }]
    : []),
  ...(has('wget2')
    ? [{
        name: 'wget2',
        argv: (site, dir) => ['wget2', ['--recursive', '--level=inf', '--no-parent', '--robots=on', '--tries=1', '--timeout=10', '-nv', '-P', dir,
          ...(site.name === 'hosts' ? [`--http-proxy=127.0.0.1:${site.port}`] : []), site.seed]],
      }]
    : []),
  // On the polite site only: wget told by hand what crawlite reads from robots.txt and the 429/503
  // answers (its group's Crawl-delay, retries of those statuses after a wait), since it reads neither.
  ...(has('wget')
    ? [{
        name: 'wget-wait',
        only: 'polite',
        argv: (site, dir) => ['wget', ['--recursive', '--level=inf', '--no-parent', '-e', 'robots=on', '--wait=0.2', '--tries=4', '--waitretry=2',
          '--retry-on-http-error=429,503', '--timeout=10', '-nv', '-P', dir, site.seed]],
      }]
    : []),
];

const ok = (r) => r.status >= 200 && r.status < 300;
console.log(`crawlers: ${crawlers.map((c) => c.name).join(', ')}`);
for (const name of sites) {
  const results = [];
  let site;
  for (const c of crawlers.filter((x) => x.only === undefined || x.only === name)) {
    // A new server for each crawler: the polite site counts requests and keeps a clock.
    // The same port each time, so the crawlers' URLs compare.
    site = await start(name, site?.port);
    const dir = mkdtempSync(join(tmpdir(), `peer-sites-${c.name}-`));
    const [cmd, argv] = c.argv(site, dir);
    const r = await run(cmd, argv);
    const log = [...site.log];
    const got = new Map(log.filter((e) => ok(e) && !e.url.endsWith('/robots.txt')).map((e) => [e.url, e]));
    const byClass = {};
    for (const e of log) byClass[`${String(e.status)[0]}xx`] = (byClass[`${String(e.status)[0]}xx`] ?? 0) + 1;
    const res = { crawler: c.name, log, seconds: r.seconds, cpuSeconds: r.cpuSeconds, byClass, requests: log.filter((e) => !e.url.endsWith('/robots.txt')).length, got, distinct: new Set([...got.values()].map((e) => e.bodyHash)).size, killed: r.signal === 'SIGKILL' };
    if (c.name === 'crawlite') {
      const db = new Database(join(dir, 'crawl.db'), { readonly: true });
      res.pages = db.prepare('SELECT count(*) AS n FROM pages').get().n;
      const summary = r.stderr.trim().split('\n').map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((e) => e.type === 'summary');
      res.crawlSeconds = summary ? summary.elapsedMs / 1000 : NaN;
      res.urls = new Map(db.prepare('SELECT url, state, error_code FROM urls').all().map((u) => [u.url, u]));
      db.close();
    }
    rmSync(dir, { recursive: true, force: true });
    results.push(res);
    await site.close();
  }
  console.log(`\n## ${name}`);
  for (const r of results)
    console.log(`${r.crawler.padEnd(9)} ${String(r.got.size).padStart(4)} URLs answered 2xx besides robots.txt (${r.distinct} distinct bodies), ${String(r.requests).padStart(4)} requests besides robots.txt${r.pages === undefined ? '' : `, ${r.pages} pages stored`}, ${r.seconds.toFixed(2)} s${Number.isNaN(r.cpuSeconds) ? '' : ` (CPU ${r.cpuSeconds.toFixed(2)} s)`}${r.crawlSeconds === undefined ? '' : ` (${r.crawlSeconds.toFixed(2)} s after start-up)`}${r.killed ? ` (killed at ${PEER_TIMEOUT_MS / 1000} s)` : ''}`);
  for (const r of results) {
    // The pace the server saw: the shortest gap between two requests, the most in any 1 s, and the
    // requests that came while an earlier 429/503's Retry-After had not passed.
    const at = r.log.map((e) => e.atMs);
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    let peak = 0;
    for (let i = 0, j = 0; i < at.length; i++) {
      while (at[i] - at[j] >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    let restUntil = -1;
    let early = 0;
    for (const e of r.log) {
      if (e.atMs < restUntil) early++;
      if (e.status === 429 || e.status === 503) restUntil = Math.max(restUntil, e.atMs + 1000 * (e.status === 429 ? 2 : 1));
    }
    if (name === 'polite' || shouldList)
      console.log(`  ${r.crawler} pace: ${r.log.length} requests in ${at.length ? ((at.at(-1) - at[0]) / 1000).toFixed(2) : 0} s, shortest gap ${gaps.length ? Math.min(...gaps).toFixed(0) : '-'} ms, at most ${peak} in 1 s, ${early} inside a Retry-After`);
    console.log(`  ${r.crawler} answers by status: ${Object.entries(r.byClass).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (shouldList) {
      const other = r.log.filter((e) => !ok(e) && !e.url.endsWith('/robots.txt'));
      if (other.length) console.log(`    not 2xx: ${other.slice(0, 6).map((e) => `${e.status} ${e.url}`).join(' ')}${other.length > 6 ? ' ...' : ''}`);
    }
  }
  const [mine, ...peers] = results;
  for (const peer of peers) {
    const only = [...peer.got.keys()].filter((u) => !mine.got.has(u));
    const notPeer = [...mine.got.keys()].filter((u) => !peer.got.has(u));
    console.log(`  ${peer.crawler} only: ${only.length}; crawlite only: ${notPeer.length}`);
    if (!shouldList) continue;
    // Grouped by what crawlite did with the URL, with two examples each.
    const groups = new Map();
    for (const u of only) {
      const row = mine.urls.get(normalizeUrl(u) ?? u);
      const why = row ? `${row.state} ${row.error_code ?? ''}${row.url !== u ? ' (normalized to another URL)' : ''}`.trim() : 'never met';
      if (!groups.has(why)) groups.set(why, []);
      groups.get(why).push(u);
    }
    for (const [why, urls] of groups) console.log(`    ${peer.crawler} only, crawlite ${why}: ${urls.length}, e.g. ${urls.slice(0, 2).map((u) => u.length > 90 ? u.slice(0, 90) + '...' : u).join(' ')}`);
    if (notPeer.length) console.log(`    crawlite only: ${notPeer.slice(0, 8).join(' ')}${notPeer.length > 8 ? ' ...' : ''}`);
  }
}
