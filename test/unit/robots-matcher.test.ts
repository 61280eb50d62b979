import { test } from 'node:test';
import assert from 'node:assert/strict';
import robotsParserModule from 'robots-parser';
import { createRobotsMatcher, productToken, readCrawlDelay, readGroup } from '../../src/fetch/robots-matcher.js';
import { normalizeRobotsPattern, normalizeRobotsUrlPath } from '../../src/fetch/robots-path.js';
import { createRobotsPolicy } from '../../src/fetch/robots.js';
import { DEFAULT_USER_AGENT, defaultPolitenessConfig } from '../../src/config/schema.js';
import type { FetchResult } from '../../src/types.js';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

const ROBOTS_URL = 'http://h.test/robots.txt';
const UA = 'crawlite/0.1.0 (+https://github.com/crawlite/crawlite)';

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

// Small alphabets, so rules and paths collide often; escapes in both cases, unicode, query parts.
const PATH_PIECES = ['a', 'b', 'ab', 'ba', '/', '/', '.', '-', '%2f', '%2F', '%41', '%e9', 'é', '日', '?', '=', '&', '$', '*', 'x/y', '.pdf', ' ', '~', '%7e', '%62', '|', '['];
const RULE_PIECES = [...PATH_PIECES, '*', '*', '**', '$'];

function randomRule(r: ReturnType<typeof prng>): string {
  if (r.next() < 0.05) return r.pick(['/', '*', '$', '/*', '*$', '/$', '']);
  let s = r.next() < 0.8 ? '/' : '';
  const n = 1 + r.int(6);
  for (let i = 0; i < n; i++) s += r.pick(RULE_PIECES);
  return s;
}

function randomPath(r: ReturnType<typeof prng>, rules: string[]): string {
  if (rules.length > 0 && r.next() < 0.5) {
    // From a rule, its wildcards filled and its anchor sometimes kept, so many paths match something.
    let p = r.pick(rules).replace(/\*/g, () => (r.next() < 0.5 ? '' : r.pick(PATH_PIECES) + r.pick(PATH_PIECES)));
    if (p.endsWith('$') && r.next() < 0.7) p = p.slice(0, -1);
    if (r.next() < 0.3) p += r.pick(PATH_PIECES);
    return p.startsWith('/') ? p : `/${p}`;
  }
  let s = '/';
  const n = r.int(8);
  for (let i = 0; i < n; i++) s += r.pick(PATH_PIECES);
  return s;
}

/**
 * robots-parser's verdict with rules and URL path already in robots-path.ts's form: the matcher
 * folds escapes of unreserved characters (RFC 9309 2.2.2) where robots-parser does not, and is
 * otherwise held to it. A rule is trimmed first, as robots-parser trims its line. Each side goes
 * through its own function, as in the matcher: a URL's literal `*` and `$` become `%2A` and `%24`
 * (2.2.3), and so does a rule's `$` that is not its anchor, so robots-parser, handed those
 * strings, never reads a URL's `*` as a character a wildcard must span or a `$` as one to match.
 */
const normalizedRule = (rule: string) => normalizeRobotsPattern(rule.trim());
function normalizedUrl(origin: string, path: string): string {
  const { pathname, search } = new URL(origin + path);
  return origin + normalizeRobotsUrlPath(pathname + search);
}

test('the matcher gives robots-parser\'s verdict on generated rules and URLs, both normalized (seeded)', () => {
  const r = prng(9309);
  let compared = 0;
  let disallowed = 0;
  let folded = 0;
  for (let file = 0; file < 400; file++) {
    const rules: string[] = [];
    let text = '';
    let normalizedText = '';
    // Several groups, so group selection (ours, else *) is exercised too.
    for (const agent of ['*', 'crawlite', 'otherbot']) {
      if (r.next() < 0.3) continue;
      text += `User-agent: ${agent}\n`;
      normalizedText += `User-agent: ${agent}\n`;
      const n = r.int(12);
      for (let i = 0; i < n; i++) {
        const rule = randomRule(r);
        rules.push(rule);
        const verb = r.next() < 0.5 ? 'Allow' : 'Disallow';
        text += `${verb}: ${rule}\n`;
        normalizedText += `${verb}: ${normalizedRule(rule)}\n`;
      }
      if (r.next() < 0.2) {
        text += 'Disallow:\n';
        normalizedText += 'Disallow:\n';
      }
    }
    const robot = robotsParser(ROBOTS_URL, text);
    const reference = robotsParser(ROBOTS_URL, normalizedText);
    for (const ua of [UA, 'otherbot', 'nobody']) {
      const matcher = createRobotsMatcher(robot, ROBOTS_URL, ua);
      for (let i = 0; i < 25; i++) {
        const path = randomPath(r, rules);
        const origin = r.next() < 0.05 ? r.pick(['https://h.test', 'http://h.test:81', 'http://other.test']) : r.pick(['http://h.test', 'http://h.test:80']);
        const url = `${origin}${path}`;
        const expected = reference.isAllowed(normalizedUrl(origin, path), ua);
        assert.equal(matcher.isAllowed(url), expected, `file:\n${text}\nua ${ua}, url ${url}`);
        compared++;
        if (expected === false) disallowed++;
        if (expected !== robot.isAllowed(url, ua)) folded++;
      }
    }
  }
  // The generator must produce both verdicts in quantity, or the comparison proves little.
  assert.ok(compared === 30_000 && disallowed > 3_000 && disallowed < 27_000, `${disallowed} of ${compared} disallowed`);
  // And the folding must be exercised, or this is robots-parser compared with itself.
  assert.ok(folded > 100, `${folded} verdicts changed by normalization`);
});

test('a two-letter alphabet, where literals overlap and anchors bite, checked against robots-parser', () => {
  // Catches greedy-matching slips (a final literal overlapping the one before it, `$` after `*`)
  // that wider alphabets rarely produce.
  const r = prng(7);
  const word = (n: number, pieces: readonly string[]) => Array.from({ length: n }, () => r.pick(pieces)).join('');
  for (let file = 0; file < 300; file++) {
    let text = 'User-agent: *\n';
    for (let i = r.int(6); i >= 0; i--) text += `${r.next() < 0.5 ? 'Allow' : 'Disallow'}: /${word(r.int(6), ['a', 'b', 'ab', '*'])}${r.next() < 0.5 ? '$' : ''}\n`;
    const robot = robotsParser(ROBOTS_URL, text);
    const matcher = createRobotsMatcher(robot, ROBOTS_URL, UA);
    for (let i = 0; i < 60; i++) {
      const url = `http://h.test/${word(r.int(8), ['a', 'b'])}`;
      assert.equal(matcher.isAllowed(url), robot.isAllowed(url, UA), `file:\n${text}\nurl ${url}`);
    }
  }
});

test('long rule sets share literals: many wildcard rules with a common prefix, checked against robots-parser', () => {
  const r = prng(42);
  let text = 'User-agent: *\n';
  for (let i = 0; i < 300; i++) text += `${r.next() < 0.3 ? 'Allow' : 'Disallow'}: /*${r.pick(['a', 'b', 'ab'])}*${r.pick(['b', 'a', '.', ''])}*${i % 7}${r.next() < 0.5 ? '$' : ''}\n`;
  const robot = robotsParser(ROBOTS_URL, text);
  const matcher = createRobotsMatcher(robot, ROBOTS_URL, UA);
  for (let i = 0; i < 2_000; i++) {
    let path = '/';
    for (let j = r.int(30); j > 0; j--) path += r.pick(['a', 'b', '.', '1', '3', '6', '/']);
    const url = `http://h.test${path}`;
    assert.equal(matcher.isAllowed(url), robot.isAllowed(url, UA), url);
  }
});

test('a rule\'s %2A and %24 meet a URL\'s literal * and $ on every path of the index (RFC 9309 2.2.3)', () => {
  const text = [
    'User-agent: *',
    'Disallow: /path/file-with-a-%2A.html', // plain: decided by its prefix
    'Disallow: /path/foo-%24',
    'Disallow: /q?x=%24$', // exact: prefix and length
    'Disallow: /p/',
    'Allow: /p/*%2A*keep$', // wildcard: %2A a middle literal, the anchor after the last one
    'Disallow: /d$x', // a $ before the end: a literal dollar sign
  ].join('\n');
  const matcher = createRobotsMatcher(robotsParser(ROBOTS_URL, text), ROBOTS_URL, UA);
  const allowed = (path: string) => matcher.isAllowed(`http://h.test${path}`);
  assert.equal(allowed('/path/file-with-a-*.html'), false);
  assert.equal(allowed('/path/file-with-a-%2a.html'), false);
  assert.equal(allowed('/path/file-with-a-x.html'), true);
  assert.equal(allowed('/path/foo-$'), false);
  assert.equal(allowed('/path/foo-$/more'), false);
  assert.equal(allowed('/path/foo-'), true);
  assert.equal(allowed('/q?x=$'), false);
  assert.equal(allowed('/q?x=$$'), true);
  assert.equal(allowed('/p/a*b/keep'), true, 'the longer Allow, through the URL\'s *');
  assert.equal(allowed('/p/a%2Ab/keep'), true);
  assert.equal(allowed('/p/ab/keep'), false, 'no * in the URL: only Disallow: /p/');
  assert.equal(allowed('/p/a*b/keep/x'), false, 'anchored');
  assert.equal(allowed('/d$x'), false);
  assert.equal(allowed('/dx'), true);
});

test('robots-parser\'s private rule shape, which the matcher reads, is as pinned (robots-parser 3.0.1)', () => {
  // If this fails, robots-parser changed its internals: the policy then falls back to its slow
  // isAllowed() (still correct); update readGroup() to the new shape.
  const robot = robotsParser(ROBOTS_URL, 'User-agent: *\nDisallow: /x\n\nUser-agent: crawlite\nAllow: /%7ea\nDisallow: /b*$\n');
  assert.deepEqual(
    readGroup(robot, UA)?.map(({ pattern, allow }) => ({ pattern, allow })),
    [{ pattern: '/%7Ea', allow: true }, { pattern: '/b*$', allow: false }],
    'readGroup() no longer finds robots-parser\'s _rules[agent] = [{ pattern, allow }]',
  );
  assert.deepEqual(readGroup(robot, 'otherbot')?.map((x) => x.pattern), ['/x']);
  assert.equal(readGroup({ _rules: { '*': [{ pattern: 1 }] } }, UA), null);
  assert.equal(readGroup({}, UA), null);
});

test('our group is every user-agent line whose name (its leading letters, _ and -) is ours, combined, as Google\'s parser reads them; else every * line', () => {
  const text = [
    'User-agent: *', 'Disallow: /star', 'Crawl-delay: 9', '',
    'User-agent: crawlite bot', 'Disallow: /a', 'Crawl-delay: 2', '',
    'User-agent: Crawlite*', 'Disallow: /b', '',
    'User-agent: crawlite/2.0', 'Disallow: /c', '',
    'User-agent: crawlitex', 'Disallow: /d', '',
    'User-agent: crawl', 'Disallow: /e', '',
  ].join('\n');
  const robot = robotsParser(ROBOTS_URL, text);
  assert.deepEqual(readGroup(robot, UA)?.map((r) => r.pattern).sort(), ['/a', '/b', '/c']);
  const matcher = createRobotsMatcher(robot, ROBOTS_URL, UA);
  assert.deepEqual(['/a', '/b', '/c', '/d', '/e', '/star'].map((path) => matcher.isAllowed(`http://h.test${path}`)), [false, false, false, true, true, true]);
  assert.equal(readCrawlDelay(robot as never, UA), 2, 'the Crawl-delay of our group, not of *');
  assert.equal(readCrawlDelay(robotsParser(ROBOTS_URL, 'User-agent: crawlite\nDisallow: /x\n\nUser-agent: *\nCrawl-delay: 9\n') as never, UA), undefined, 'our group has none');
  // No group of ours: every * line, "* bots" included, is the fallback.
  const star = robotsParser(ROBOTS_URL, 'User-agent: * bots\nDisallow: /s\nCrawl-delay: 3\n\nUser-agent: otherbot\nDisallow: /o\n');
  assert.deepEqual(readGroup(star, UA)?.map((r) => r.pattern), ['/s']);
  assert.equal(readCrawlDelay(star as never, UA), 3);
  assert.equal(readCrawlDelay({ getCrawlDelay: () => 7 }, UA), 7, 'robots-parser\'s own answer when its shape is unknown');
});

test('productToken: the crawler\'s name (RFC 9309 2.2.1: letters, _ and -), lowercased', () => {
  assert.equal(productToken(DEFAULT_USER_AGENT), 'crawlite');
  assert.equal(productToken(UA), 'crawlite');
  assert.equal(productToken('AcmeBot/1.0 (+https://acme.example/bot)'), 'acmebot');
  assert.equal(productToken('AcmeBot 1.0'), 'acmebot', 'not "acmebot 1.0", which no group names');
  assert.equal(productToken('Mozilla/5.0 (compatible; AcmeBot/1.0; +https://acme.example/bot)'), 'acmebot', 'the name after compatible;');
  assert.equal(productToken('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'), 'mozilla');
  assert.equal(productToken('Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; COMPATIBLE;bingbot/2.0)'), 'bingbot');
  assert.equal(productToken(' Acme_Crawler-2 '), 'acme_crawler-');
  assert.equal(productToken('Mozilla/5.0 (compatible; 123)'), 'mozilla', 'no name after compatible;: the leading one');
  assert.equal(productToken('123Bot/1.0'), '123bot', 'no leading name: robots-parser\'s cut at the first "/"');
  assert.equal(productToken('/1.0'), 'crawlite', 'never empty');
});

test('a compatible; User-Agent obeys its own group, rules and Crawl-delay alike, not Mozilla\'s', async () => {
  const text = 'User-agent: mozilla\nDisallow: /\nCrawl-delay: 9\n\nUser-agent: AcmeBot\nDisallow: /private\nCrawl-delay: 2\n\nUser-agent: *\nDisallow: /\n';
  const body = new TextEncoder().encode(text);
  const result: FetchResult = {
    entry: { id: 0, url: ROBOTS_URL, host: 'http://h.test:80', depth: 0, attempt: 0 }, status: 200, headers: {}, body,
    isTruncated: false, wireBytes: body.length, finalUrl: ROBOTS_URL, redirects: [], contentType: 'text/plain', fetchedAt: 0, elapsedMs: 1,
  };
  for (const userAgent of ['Mozilla/5.0 (compatible; AcmeBot/1.0; +https://acme.example/bot)', 'AcmeBot 1.0']) {
    const delays: number[] = [];
    const robots = createRobotsPolicy({
      userAgent, config: defaultPolitenessConfig(), fetchRobots: async () => result, onCrawlDelay: (_host, ms) => delays.push(ms),
    });
    assert.equal((await robots.check('http://h.test/page')).kind, 'allow', userAgent);
    assert.equal((await robots.check('http://h.test/private/x')).kind, 'disallow', userAgent);
    assert.deepEqual(delays, [2_000], `${userAgent}: the acmebot group's Crawl-delay`);
  }
});

test('an unexpected parsed shape falls back to the parser\'s own isAllowed()', () => {
  const calls: string[] = [];
  const fake = { isAllowed: (url: string) => (calls.push(url), false) };
  const matcher = createRobotsMatcher(fake, ROBOTS_URL, UA);
  assert.equal(matcher.isAllowed('http://h.test/a'), false);
  assert.deepEqual(calls, ['http://h.test/a']);
});

test('a hostile rule set stays fast: 10,000 wildcard rules, 2 KB URLs (generous guard)', async () => {
  let text = 'User-agent: *\n';
  for (let i = 0; i < 10_000; i++) text += `Disallow: /*a*b*c*d*e*${i}*$\n`;
  const body = new TextEncoder().encode(text);
  const result: FetchResult = {
    entry: { id: 0, url: ROBOTS_URL, host: 'http://h.test:80', depth: 0, attempt: 0 }, status: 200, headers: {}, body,
    isTruncated: false, wireBytes: body.length, finalUrl: ROBOTS_URL, redirects: [], contentType: 'text/plain', fetchedAt: 0, elapsedMs: 1,
  };
  const robots = createRobotsPolicy({ userAgent: UA, config: defaultPolitenessConfig(), fetchRobots: async () => result });
  const long = `http://h.test/${'a'.repeat(1_900)}/1`;
  assert.equal((await robots.check(`http://h.test/xaybzcwdqe42zz`)).kind, 'disallow');
  assert.equal((await robots.check(`http://h.test/xaybzcwdqezz`)).kind, 'allow', 'no rule number after the e');
  const started = performance.now();
  for (let i = 0; i < 200; i++) assert.equal((await robots.check(`${long}${i}`)).kind, 'allow');
  const elapsedMs = performance.now() - started;
  // robots-parser took ~245 ms per such URL, 49 s for these 200; the matcher takes well under 1 ms.
  assert.ok(elapsedMs < 5_000, `200 checks took ${Math.round(elapsedMs)} ms`);
});

test('a group that allows every path answers its own origin\'s URLs without parsing them, and other URLs as robots-parser does', () => {
  // The shortcut takes URLs that start with the origin's serialization and a '/'; every URL
  // below is checked against robots-parser, the ones that look like the origin but are not it
  // (another port, scheme or host, userinfo, a default port written out, no '/') included.
  const origins = ['http://h.test', 'https://h.test', 'http://127.0.0.1:40123', 'http://[::1]:8080'];
  const texts = ['User-agent: *\nAllow: /\n', 'User-agent: *\nDisallow:\n', 'User-agent: *\nAllow: /a\nAllow: /*b$\n', 'User-agent: otherbot\nDisallow: /\n\nUser-agent: *\nAllow: /\n'];
  const tails = ['/', '/x', '/a/../b', '/%7ex?q=1', '/é', '/b', '/x#frag', ''];
  for (const origin of origins) {
    const robotsUrl = `${origin}/robots.txt`;
    const urls = [
      ...tails.map((t) => origin + t),
      ...tails.map((t) => origin.replace('h.test', 'h.test.other') + t),
      ...tails.map((t) => origin.replace(/^http:/, 'https:').replace(/^https:\/\/(?=h\.test)/, 'http://') + t),
      `${origin}:80/x`, `${origin}:443/x`, `${origin.replace('//', '//user@')}/x`, `${origin}0/x`, origin.toUpperCase() + '/x',
    ];
    for (const text of texts) {
      const robot = robotsParser(robotsUrl, text);
      const matcher = createRobotsMatcher(robot, robotsUrl, UA);
      for (const url of urls) {
        assert.equal(matcher.isAllowed(url), robot.isAllowed(url, UA), `${JSON.stringify(text)} at ${robotsUrl}: ${url}`);
      }
    }
  }
  // One Disallow anywhere in the group and the shortcut is not taken: a disallowed path says so.
  const robot = robotsParser('http://h.test/robots.txt', 'User-agent: *\nAllow: /\nDisallow: /private\n');
  const matcher = createRobotsMatcher(robot, 'http://h.test/robots.txt', UA);
  assert.equal(matcher.isAllowed('http://h.test/private/x'), false);
  assert.equal(matcher.isAllowed('http://h.test/public'), true);
});
