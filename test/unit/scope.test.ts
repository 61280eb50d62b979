import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ScopeConfig } from '../../src/config/schema.js';
import { createScope, describeExclusion } from '../../src/frontier/scope.js';
import { enableLinearFallback } from '../../src/frontier/url-patterns.js';

function scope(seeds: string[], config: Partial<ScopeConfig> = {}) {
  return createScope(seeds, { mode: 'host', include: [], exclude: [], ...config });
}

/** Asserts each URL's decision, naming the URL on failure. */
function assertDecisions(check: (url: string) => string | null, expected: Record<string, string | null>) {
  for (const [url, code] of Object.entries(expected)) assert.equal(check(url), code, url);
}

describe('host mode', () => {
  test('admits the seed hostname on any scheme, port, path or userinfo', () => {
    assertDecisions(scope(['https://www.example.com/start']), {
      'https://www.example.com/': null,
      'https://www.example.com/a/b?c=d': null,
      'http://www.example.com/other': null,
      'https://www.example.com:8443/': null,
      'http://user:pw@www.example.com/': null,
      'http://a%40b:p%3Aw@www.example.com:81/x': null,
    });
  });

  test('www. and the bare domain are different hosts; so are subdomains and look-alikes', () => {
    assertDecisions(scope(['https://www.example.com/']), {
      'https://example.com/': 'CRAWL_SCOPE_OUT',
      'https://blog.example.com/': 'CRAWL_SCOPE_OUT',
      'https://www.example.com.evil.org/': 'CRAWL_SCOPE_OUT',
      'https://evil.org/www.example.com/': 'CRAWL_SCOPE_OUT',
      'https://www.example.co/': 'CRAWL_SCOPE_OUT',
      'https://evil.org/?u=https://www.example.com/': 'CRAWL_SCOPE_OUT',
      'https://www.example.com@evil.org/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('subdomain seed does not admit its parent or siblings', () => {
    assertDecisions(scope(['http://www.example.co.uk/']), {
      'http://www.example.co.uk/x': null,
      'http://blog.example.co.uk/': 'CRAWL_SCOPE_OUT',
      'http://example.co.uk/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('multiple seeds admit each of their hosts', () => {
    assertDecisions(scope(['https://a.example.com/', 'http://b.example.org/x/y']), {
      'https://a.example.com/p': null,
      'https://b.example.org/q': null,
      'https://c.example.com/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('normalizes the seeds: case, trailing dot, IDN', () => {
    assertDecisions(scope(['HTTP://WWW.Example.COM./', 'http://münchen.de/']), {
      'http://www.example.com/': null,
      'http://xn--mnchen-3ya.de/': null,
    });
  });

  test('IP addresses and IPv6 hosts', () => {
    assertDecisions(scope(['http://127.0.0.1:8080/', 'http://[::1]:3000/']), {
      'http://127.0.0.1:9090/x': null,
      'http://127.0.0.2/': 'CRAWL_SCOPE_OUT',
      'http://localhost:8080/': 'CRAWL_SCOPE_OUT',
      'http://[::1]/': null,
      'http://[::2]/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('is the default mode of the config schema', () => {
    assert.equal(scope(['https://example.com/'])('https://blog.example.com/'), 'CRAWL_SCOPE_OUT');
  });
});

describe('domain mode', () => {
  test('admits subdomains of the registrable domain, under a multi-label suffix', () => {
    assertDecisions(scope(['https://www.example.co.uk/'], { mode: 'domain' }), {
      'https://www.example.co.uk/': null,
      'https://blog.example.co.uk/': null,
      'http://example.co.uk/': null,
      'http://a.b.c.example.co.uk:8080/': null,
      'https://other.co.uk/': 'CRAWL_SCOPE_OUT',
      'https://co.uk/': 'CRAWL_SCOPE_OUT',
      'https://example.com/': 'CRAWL_SCOPE_OUT',
      'https://example.co.uk.evil.org/': 'CRAWL_SCOPE_OUT',
      'https://notexample.co.uk/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('a seed on the bare domain admits its subdomains', () => {
    assertDecisions(scope(['http://example.com/'], { mode: 'domain' }), {
      'http://www.example.com/': null,
      'http://deep.sub.example.com/': null,
      'http://example.org/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('private suffixes separate their tenants', () => {
    assertDecisions(scope(['https://alice.github.io/'], { mode: 'domain' }), {
      'https://alice.github.io/repo/': null,
      'https://www.alice.github.io/': null,
      'https://bob.github.io/': 'CRAWL_SCOPE_OUT',
      'https://github.io/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('IP addresses fall back to the exact address', () => {
    assertDecisions(scope(['http://127.0.0.1:8080/'], { mode: 'domain' }), {
      'http://127.0.0.1:8080/a': null,
      'https://127.0.0.1/': null,
      'http://127.0.0.2/': 'CRAWL_SCOPE_OUT',
      'http://127.0.0.10/': 'CRAWL_SCOPE_OUT',
      'http://localhost:8080/': 'CRAWL_SCOPE_OUT',
    });
    assertDecisions(scope(['http://[::1]:8080/'], { mode: 'domain' }), {
      'http://[::1]/': null,
      'http://[::2]/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('localhost falls back to the exact hostname', () => {
    assertDecisions(scope(['http://localhost:3000/'], { mode: 'domain' }), {
      'http://localhost:4000/x': null,
      'http://sub.localhost:3000/': 'CRAWL_SCOPE_OUT',
      'http://127.0.0.1:3000/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('multiple seeds admit each of their domains', () => {
    assertDecisions(scope(['https://www.example.com/', 'http://shop.example.de/', 'http://10.0.0.1/'], { mode: 'domain' }), {
      'https://blog.example.com/': null,
      'https://www.example.de/': null,
      'http://10.0.0.1:81/': null,
      'https://example.org/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('repeated checks give the same answer (the per-host cache)', () => {
    const check = scope(['https://www.example.com/'], { mode: 'domain' });
    for (let i = 0; i < 10_000; i++) {
      assert.equal(check(`https://h${i}.example.com/`), null);
      assert.equal(check(`https://h${i}.example.org/`), 'CRAWL_SCOPE_OUT');
    }
    assert.equal(check('https://h1.example.com/again'), null);
    assert.equal(check('https://h1.example.org/again'), 'CRAWL_SCOPE_OUT');
  });
});

describe('prefix mode', () => {
  test("admits the seed's directory and below, on the same origin", () => {
    assertDecisions(scope(['https://example.com/docs/guide/intro.html'], { mode: 'prefix' }), {
      'https://example.com/docs/guide/intro.html': null,
      'https://example.com/docs/guide/': null,
      'https://example.com/docs/guide/deep/page?x=1': null,
      'https://example.com/docs/guide': 'CRAWL_SCOPE_OUT',
      'https://example.com/docs/': 'CRAWL_SCOPE_OUT',
      'https://example.com/docs/guidebook/': 'CRAWL_SCOPE_OUT',
      'https://example.com/': 'CRAWL_SCOPE_OUT',
      'http://example.com/docs/guide/intro.html': 'CRAWL_SCOPE_OUT',
      'https://example.com:8443/docs/guide/': 'CRAWL_SCOPE_OUT',
      'https://www.example.com/docs/guide/': 'CRAWL_SCOPE_OUT',
      'https://example.com.evil.org/docs/guide/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('a seed ending in / is its own directory', () => {
    assertDecisions(scope(['http://example.com/docs/'], { mode: 'prefix' }), {
      'http://example.com/docs/': null,
      'http://example.com/docs/a': null,
      'http://example.com/docsx': 'CRAWL_SCOPE_OUT',
    });
  });

  test('a seed without a directory admits its whole origin, ports included', () => {
    assertDecisions(scope(['http://127.0.0.1:8080/docs'], { mode: 'prefix' }), {
      'http://127.0.0.1:8080/': null,
      'http://127.0.0.1:8080/anything/else': null,
      'http://127.0.0.1:8081/': 'CRAWL_SCOPE_OUT',
      'http://127.0.0.1/': 'CRAWL_SCOPE_OUT',
    });
  });

  test("slashes inside the seed's query do not count as directories", () => {
    assertDecisions(scope(['http://example.com/app/view?path=/a/b/c'], { mode: 'prefix' }), {
      'http://example.com/app/other': null,
      'http://example.com/elsewhere': 'CRAWL_SCOPE_OUT',
    });
  });

  test('the seed is normalized first: default port, dot segments, case', () => {
    assertDecisions(scope(['HTTPS://Example.com:443/a/./b/../c/page'], { mode: 'prefix' }), {
      'https://example.com/a/c/x': null,
      'https://example.com/a/b/': 'CRAWL_SCOPE_OUT',
    });
  });

  test('multiple seeds admit each of their directories', () => {
    assertDecisions(scope(['https://example.com/docs/', 'https://example.com/blog/2024/'], { mode: 'prefix' }), {
      'https://example.com/docs/x': null,
      'https://example.com/blog/2024/post': null,
      'https://example.com/blog/2023/post': 'CRAWL_SCOPE_OUT',
    });
  });
});

describe('any mode', () => {
  test('admits every URL', () => {
    assertDecisions(scope(['https://example.com/'], { mode: 'any' }), {
      'https://example.com/': null,
      'http://elsewhere.org:8080/x?y': null,
      'http://[::1]/': null,
    });
  });
});

describe('include and exclude', () => {
  test('with include patterns a URL must match one of them', () => {
    const check = scope(['https://example.com/'], { include: ['/docs/', '\\.pdf$'] });
    assertDecisions(check, {
      'https://example.com/docs/a': null,
      'https://example.com/files/a.pdf': null,
      'https://example.com/blog/': 'CRAWL_SCOPE_EXCLUDED',
      'https://example.com/a.pdf?x=1': 'CRAWL_SCOPE_EXCLUDED',
    });
  });

  test('an exclude match rejects', () => {
    assertDecisions(scope(['https://example.com/'], { exclude: ['[?&]sort=', '^https://example\\.com/private/'] }), {
      'https://example.com/list?page=2': null,
      'https://example.com/list?page=2&sort=asc': 'CRAWL_SCOPE_EXCLUDED',
      'https://example.com/private/x': 'CRAWL_SCOPE_EXCLUDED',
      'https://example.com/public/private/x': null,
    });
  });

  test('describeExclusion names the rule that rejects a URL, as written', () => {
    const config = { include: ['/docs/', '\\.pdf$'], exclude: ['/docs/old/', 'a/b'] };
    assert.equal(describeExclusion('https://example.com/blog/', config), "it matches no --include pattern ('/docs/', '\\.pdf$')");
    assert.equal(describeExclusion('https://example.com/docs/old/x', config), "it matches --exclude '/docs/old/'");
    assert.equal(describeExclusion('https://example.com/docs/a/b', config), "it matches --exclude 'a/b'");
    assert.equal(describeExclusion('https://example.com/docs/new', config), null);
    assert.equal(describeExclusion('https://example.com/', { include: [], exclude: [] }), null);
  });

  test('exclude wins over include', () => {
    assertDecisions(scope(['https://example.com/'], { include: ['/docs/'], exclude: ['/docs/old/'] }), {
      'https://example.com/docs/new/': null,
      'https://example.com/docs/old/a': 'CRAWL_SCOPE_EXCLUDED',
      'https://example.com/blog/': 'CRAWL_SCOPE_EXCLUDED',
    });
  });

  test('patterns match the whole normalized URL, unanchored and case-sensitive', () => {
    assertDecisions(scope(['https://example.com/'], { mode: 'any', include: ['example\\.com'], exclude: ['^http:', 'Admin'] }), {
      'https://example.com/': null,
      'https://sub.example.com/x': null,
      'http://example.com/': 'CRAWL_SCOPE_EXCLUDED',
      'https://example.com/Admin': 'CRAWL_SCOPE_EXCLUDED',
      'https://example.com/admin': null,
      'https://other.org/': 'CRAWL_SCOPE_EXCLUDED',
    });
  });

  test('the mode is decided first: out of mode is OUT even when a rule would also reject', () => {
    const check = scope(['https://example.com/'], { include: ['/docs/'], exclude: ['evil'] });
    assert.equal(check('https://evil.org/'), 'CRAWL_SCOPE_OUT');
    assert.equal(check('https://evil.org/docs/'), 'CRAWL_SCOPE_OUT');
  });

  test('include does not widen the mode', () => {
    const check = scope(['https://example.com/'], { mode: 'prefix', include: ['other\\.org'] });
    assert.equal(check('https://other.org/'), 'CRAWL_SCOPE_OUT');
  });

  test('a stateful-looking pattern gives the same answer every time', () => {
    const check = scope(['https://example.com/'], { include: ['docs'] });
    for (let i = 0; i < 5; i++) assert.equal(check('https://example.com/docs'), null);
  });
});

describe('configuration errors', () => {
  test('an invalid include pattern is a one-line usage error naming the pattern', () => {
    assert.throws(
      () => scope(['https://example.com/'], { include: ['ok', '('] }),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.equal((err as Error & { code?: string }).code, 'CRAWL_USAGE');
        assert.equal(err.name, 'UsageError');
        assert.match(err.message, /^invalid --include pattern '\(': Invalid regular expression: .+/);
        assert.ok(!err.message.includes('\n'));
        assert.ok(err.cause instanceof SyntaxError);
        return true;
      },
    );
  });

  test('an invalid exclude pattern names --exclude', () => {
    assert.throws(() => scope(['https://example.com/'], { exclude: ['[a-'] }), {
      code: 'CRAWL_USAGE',
      message: /^invalid --exclude pattern '\[a-': /,
    });
  });

  test('a pattern that backtracks exponentially costs linear time on every URL (QA: (a+)+b froze a crawl for hours)', () => {
    const long = `https://example.com/${'a'.repeat(5000)}`;
    for (const pattern of ['(a+)+b', '(.*)*\\?sort=', '(\\w+\\/?)+\\.php$', '(a|aa)+$x', '^(([a-z])+.)+[A-Z]([a-z])+$']) {
      const s = scope(['https://example.com/'], { exclude: [pattern] });
      const started = performance.now();
      // Admitted: the pattern matches nowhere in the URL. Exponential, this would not end today.
      assert.equal(s(long), null, pattern);
      assert.ok(performance.now() - started < 5_000, `${pattern}: ${performance.now() - started} ms`);
    }
  });

  test('a repeating group that repeats, with a lookaround or back-reference (no linear engine), is refused up front', () => {
    // V8's linear engine learnt lookbehinds in later Nodes (Node 26 runs this one linear): there the
    // pattern is accepted, and a long URL that would make it backtrack is matched, not hung on.
    const lookbehind = '(?<=/)(\\w+/?)+\\.php';
    enableLinearFallback(); // makes the `l` flag (linear engine only) available to ask with
    const isLookbehindLinear = (() => { try { new RegExp(lookbehind, 'l'); return true; } catch { return false; } })();
    for (const pattern of ['(?!x)(a+)+b', '(a)(\\1+)*c', ...(isLookbehindLinear ? [] : [lookbehind])]) {
      assert.throws(() => scope(['https://example.com/'], { include: [pattern] }), {
        code: 'CRAWL_USAGE',
        message: /can take exponential time on a long URL; rewrite it without one of the two$/,
      }, pattern);
    }
    if (isLookbehindLinear) {
      const check = scope(['https://example.com/'], { include: [lookbehind] });
      assert.equal(check(`https://example.com/${'a'.repeat(5_000)}/x`), 'CRAWL_SCOPE_EXCLUDED');
      assert.equal(check('https://example.com/a/b.php'), null);
    }
    // Lookarounds and back-references on their own are fine, as is a repeated group without one.
    for (const pattern of ['^(?!.*/blog/)', '(?<=/)docs/', '(\\w)\\1', '(/[a-z]+)+/?$']) {
      assert.doesNotThrow(() => scope(['https://example.com/'], { include: [pattern] }), pattern);
    }
  });

  test('a seed that is not an http(s) URL is rejected', () => {
    assert.throws(() => scope(['ftp://example.com/']), { code: 'CRAWL_SEED_INVALID', message: /ftp:\/\/example\.com/ });
    assert.throws(() => scope(['not a url'], { mode: 'any' }), { code: 'CRAWL_SEED_INVALID' });
  });

  test('no seeds: nothing is in host scope, everything in any', () => {
    assert.equal(scope([])('https://example.com/'), 'CRAWL_SCOPE_OUT');
    assert.equal(scope([], { mode: 'any' })('https://example.com/'), null);
  });
});

describe('addRoot (a seed redirected out of the scope)', () => {
  test('host: admits the root hostname on any scheme or port, and nothing else', () => {
    const check = scope(['http://example.com/']);
    assert.equal(check.addRoot('https://www.example.com/'), true);
    assertDecisions(check, {
      'http://www.example.com/a': null,
      'https://www.example.com:8443/b': null,
      'http://example.com/c': null,
      'https://blog.example.com/': 'CRAWL_SCOPE_OUT',
    });
    assert.equal(check.addRoot('https://www.example.com/other'), false, 'the host is already in scope');
  });

  test('domain: admits the root registrable domain; a host cached as out of scope is let in', () => {
    const check = scope(['https://example.com/'], { mode: 'domain' });
    assert.equal(check('https://blog.example.org/'), 'CRAWL_SCOPE_OUT');
    assert.equal(check.addRoot('https://www.example.org/'), true);
    assertDecisions(check, { 'https://blog.example.org/': null, 'https://example.net/': 'CRAWL_SCOPE_OUT' });
    assert.equal(check.addRoot('https://shop.example.com/'), false);
  });

  test('prefix: admits the root directory on its origin only', () => {
    const check = scope(['http://example.com/docs/'], { mode: 'prefix' });
    assert.equal(check.addRoot('https://example.com/docs/index.html'), true);
    assertDecisions(check, {
      'https://example.com/docs/a': null,
      'http://example.com/docs/b': null,
      'https://example.com/blog/': 'CRAWL_SCOPE_OUT',
    });
    assert.equal(check.addRoot('https://example.com/docs/sub/page'), false, 'under a root already');
  });

  test('--include / --exclude still apply to URLs under a root', () => {
    const check = scope(['http://example.com/'], { exclude: ['/private/'] });
    check.addRoot('https://www.example.com/');
    assertDecisions(check, { 'https://www.example.com/private/x': 'CRAWL_SCOPE_EXCLUDED', 'https://www.example.com/x': null });
  });

  test('any: nothing to widen', () => {
    assert.equal(scope(['http://example.com/'], { mode: 'any' }).addRoot('https://www.example.com/'), false);
  });
});

test('prefix mode with 100,000 seeds (a --seeds-file) decides each URL without a scan of every seed (QA: two minutes to queue them)', () => {
  const seeds = Array.from({ length: 100_000 }, (_, i) => `http://h${i % 5000}.example/dir${i}/page`);
  const startedAt = performance.now();
  const check = scope(seeds, { mode: 'prefix' });
  for (const seed of seeds) assert.equal(check(seed), null);
  assertDecisions(check, {
    'http://h1.example/dir1/deeper/x?q=/a/': null,
    'http://h1.example/dir2/': 'CRAWL_SCOPE_OUT',
    'http://h1.example/dir1': 'CRAWL_SCOPE_OUT',
    'http://h1.example/dir12/': 'CRAWL_SCOPE_OUT',
    'https://h1.example/dir1/': 'CRAWL_SCOPE_OUT',
  });
  const tookMs = performance.now() - startedAt;
  assert.ok(tookMs < 5_000, `took ${Math.round(tookMs)} ms`);
});
