import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createUrlResolver, hasCredentials, normalizeUrl, originKey } from '../../src/frontier/normalize-url.js';

/** [input, base, expected]; every row is also checked for idempotence below. */
type Case = readonly [input: string, base: string | undefined, expected: string | null];

const groups: Record<string, Case[]> = {
  'default ports': [
    ['http://example.com:80/a', undefined, 'http://example.com/a'],
    ['https://example.com:443/a', undefined, 'https://example.com/a'],
    ['http://example.com:443/a', undefined, 'http://example.com:443/a'],
    ['https://example.com:80/a', undefined, 'https://example.com:80/a'],
    ['http://example.com:8080/a', undefined, 'http://example.com:8080/a'],
    ['http://example.com:/a', undefined, 'http://example.com/a'],
    ['http://[::1]:80/', undefined, 'http://[::1]/'],
  ],
  'scheme and host case': [
    ['HTTP://Example.COM/Path', undefined, 'http://example.com/Path'],
    ['hTTpS://WWW.EXAMPLE.org/A/b', undefined, 'https://www.example.org/A/b'],
  ],
  'percent-encoding': [
    ['http://example.com/%7euser/', undefined, 'http://example.com/~user/'],
    ['http://example.com/%7Euser/', undefined, 'http://example.com/~user/'],
    ['http://example.com/a%2fb', undefined, 'http://example.com/a%2Fb'],
    ['http://example.com/a%2Fb', undefined, 'http://example.com/a%2Fb'],
    ['http://example.com/%41%62%2d%5f%2E%30', undefined, 'http://example.com/Ab-_.0'],
    ['http://example.com/caf%c3%a9', undefined, 'http://example.com/caf%C3%A9'],
    ['http://example.com/café', undefined, 'http://example.com/caf%C3%A9'],
    ['http://example.com/a%20b', undefined, 'http://example.com/a%20b'],
    ['http://example.com/a b', undefined, 'http://example.com/a%20b'],
    ['http://example.com/?q=%7e&r=%2f&s=%3d', undefined, 'http://example.com/?q=~&r=%2F&s=%3D'],
    ['http://example.com/?q=a%2bb+c', undefined, 'http://example.com/?q=a%2Bb+c'],
    // "%25" is the percent sign itself: decoding it would turn %257e into %7e, a different URL
    ['http://example.com/%257e', undefined, 'http://example.com/%257e'],
    ['http://example.com/%zz%', undefined, 'http://example.com/%zz%'],
  ],
  // Never sent, so never kept: a password must not reach the database, exports or logs.
  'userinfo': [
    ['http://alice:hunter2@example.com/private', undefined, 'http://example.com/private'],
    ['http://alice@example.com/', undefined, 'http://example.com/'],
    ['http://:pw@example.com/', undefined, 'http://example.com/'],
    ['https://a%40b:p%3Aw@Example.com:443/x?y#z', undefined, 'https://example.com/x?y'],
    ['http://u:p@example.com/%7e', undefined, 'http://example.com/~'],
    ['http://u:p@example.com./', undefined, 'http://example.com/'],
    ['//u:p@other.example/a', 'https://example.com/', 'https://other.example/a'],
    ['b', 'http://u:p@example.com/a/', 'http://example.com/a/b'],
    ['http://example.com/@user/p@ge', undefined, 'http://example.com/@user/p@ge'],
  ],
  'IDN hosts': [
    ['http://münchen.de/', undefined, 'http://xn--mnchen-3ya.de/'],
    ['http://MÜNCHEN.DE/', undefined, 'http://xn--mnchen-3ya.de/'],
    ['http://bücher.example/x', undefined, 'http://xn--bcher-kva.example/x'],
    ['http://ｅｘａｍｐｌｅ.com/', undefined, 'http://example.com/'],
    ['http://xn--mnchen-3ya.de/', undefined, 'http://xn--mnchen-3ya.de/'],
  ],
  'dot segments': [
    ['http://example.com/a/b/../c', undefined, 'http://example.com/a/c'],
    ['http://example.com/a/./b/.', undefined, 'http://example.com/a/b/'],
    ['http://example.com/../../a', undefined, 'http://example.com/a'],
    ['http://example.com/a/%2e%2E/b', undefined, 'http://example.com/b'],
    ['http://example.com/a/%2e/b', undefined, 'http://example.com/a/b'],
    ['http://example.com/a/..%2fb', undefined, 'http://example.com/a/..%2Fb'],
    ['http://example.com/a/.../b', undefined, 'http://example.com/a/.../b'],
  ],
  'empty path, fragment, empty query': [
    ['http://example.com', undefined, 'http://example.com/'],
    ['http://example.com?a=1', undefined, 'http://example.com/?a=1'],
    ['http://example.com/a#frag', undefined, 'http://example.com/a'],
    ['http://example.com/a#', undefined, 'http://example.com/a'],
    ['http://example.com/a?', undefined, 'http://example.com/a'],
    ['http://example.com/a?#x', undefined, 'http://example.com/a'],
    ['http://example.com/?', undefined, 'http://example.com/'],
    // a query of "?" is not empty, so it stays
    ['http://example.com/a??', undefined, 'http://example.com/a??'],
    ['http://example.com/a?b#c?', undefined, 'http://example.com/a?b'],
  ],
  'relative resolution': [
    ['../c?x=1#y', 'http://example.com/a/b/page.html', 'http://example.com/a/c?x=1'],
    ['/root', 'https://example.com/a/b', 'https://example.com/root'],
    ['//other.org/p', 'https://example.com/a', 'https://other.org/p'],
    ['sib.html', 'http://example.com/dir/', 'http://example.com/dir/sib.html'],
    ['?q=1', 'http://example.com/a/b', 'http://example.com/a/b?q=1'],
    ['#top', 'http://example.com/a/b?q=1', 'http://example.com/a/b?q=1'],
    ['', 'http://example.com/a#x', 'http://example.com/a'],
    ['HTTP://Other.ORG:80', 'http://example.com/', 'http://other.org/'],
    ['mailto:a@example.com', 'http://example.com/', null],
    ['page', 'not a url', null],
  ],
  'trailing-dot host': [
    ['http://example.com./a', undefined, 'http://example.com/a'],
    ['http://Example.COM.:8080/a', undefined, 'http://example.com:8080/a'],
    ['http://example.com../', undefined, 'http://example.com/'],
    ['http://1.2.3.4./', undefined, 'http://1.2.3.4/'],
    ['http://./', undefined, null],
    ['http://../', undefined, null],
  ],
  'non-http schemes': [
    ['mailto:someone@example.com', undefined, null],
    ['javascript:alert(1)', undefined, null],
    ['JavaScript:void(0)', undefined, null],
    ['data:text/html,<p>hi</p>', undefined, null],
    ['ftp://example.com/file', undefined, null],
    ['file:///etc/passwd', undefined, null],
    ['http://127.0.0.1:0/x', undefined, null],
    [':0/x', 'http://127.0.0.1:8080/', 'http://127.0.0.1:8080/:0/x'],
    ['http://127.0.0.1:65536/', undefined, null],
    ['tel:+123456', undefined, null],
    ['ws://example.com/', undefined, null],
  ],
  garbage: [
    ['', undefined, null],
    ['   ', undefined, null],
    ['not a url', undefined, null],
    ['http://', undefined, null],
    ['http://exa mple.com/', undefined, null],
    ['http://[::1/', undefined, null],
    ['http://example.com:99999/', undefined, null],
    ['//example.com/', undefined, null],
  ],
  whitespace: [
    ['  http://example.com/a  ', undefined, 'http://example.com/a'],
    ['\n\thttp://example.com/a\n', undefined, 'http://example.com/a'],
    ['\u00a0http://example.com/a\u00a0', undefined, 'http://example.com/a'],
    ['http://example.com/a\nb', undefined, 'http://example.com/ab'],
    ['  ../x  ', 'http://example.com/a/b', 'http://example.com/x'],
  ],
  'fragments and empty queries with no escape to rewrite': [
    ['http://example.com/a#', undefined, 'http://example.com/a'],
    ['http://example.com/a?#x', undefined, 'http://example.com/a'],
    ['http://example.com/a??#x', undefined, 'http://example.com/a??'],
    ['http://example.com/a#b#c?d', undefined, 'http://example.com/a'],
    ['http://example.com/a?b#c%41', undefined, 'http://example.com/a?b'],
  ],
  // Heritrix's StripSessionIDs: servers that cannot set a cookie put a new id in every link.
  'session ids in the path': [
    ['http://example.com/shop/cart.jsp;jsessionid=0A1B2C3D4E5F60718293A4B5C6D7E8F9', undefined, 'http://example.com/shop/cart.jsp'],
    ['http://example.com/a;JSESSIONID=abc?x=1&y=2', undefined, 'http://example.com/a?x=1&y=2'],
    ['http://example.com/a;jsessionid=node01abcdef123xyz456.node0#top', undefined, 'http://example.com/a'],
    ['http://example.com/;jsessionid=node0q1w2e3r4', undefined, 'http://example.com/'],
    ['b;jsessionid=1234', 'http://example.com/a/;jsessionid=9876', 'http://example.com/a/b'],
    ['http://example.com/a;jsessionid=1/b;type=x', undefined, 'http://example.com/a/b;type=x'],
    ['http://example.com/a;v=2;jsessionid=XY', undefined, 'http://example.com/a;v=2'],
    ['http://example.com/a%3Bjsessionid=1', undefined, 'http://example.com/a%3Bjsessionid=1'],
    ['http://example.com/a;jsessionidx=1', undefined, 'http://example.com/a;jsessionidx=1'],
    ['http://example.com/a?q=1;jsessionid=2', undefined, 'http://example.com/a?q=1;jsessionid=2'],
  ],
  // ASP.NET's cookieless sessions: a path segment of one-letter ids.
  'ASP.NET session segments': [
    ['http://example.com/app/(S(lit3py55t21z5v55vlm25s55))/default.aspx', undefined, 'http://example.com/app/default.aspx'],
    ['http://example.com/(A(AbC-d_e0)S(lit3py55t21z5v55vlm25s55)F(0123ABCD))/x.aspx?q=1', undefined, 'http://example.com/x.aspx?q=1'],
    ['http://example.com/(X(1)S(lit3py55t21z5v55vlm25s55))/', undefined, 'http://example.com/'],
    ['about.aspx', 'http://example.com/app/(S(lit3py55t21z5v55vlm25s55))/default.aspx', 'http://example.com/app/about.aspx'],
    ['../up.aspx', 'http://example.com/app/(S(lit3py55t21z5v55vlm25s55))/sub/page.aspx', 'http://example.com/app/up.aspx'],
    // Parentheses that are no such segment are a path like any other.
    ['http://example.com/wiki/Python_(programming_language)', undefined, 'http://example.com/wiki/Python_(programming_language)'],
    ['http://example.com/a/(s(x))/b', undefined, 'http://example.com/a/(s(x))/b'],
    ['http://example.com/a/(S(x)/b', undefined, 'http://example.com/a/(S(x)/b'],
    ['http://example.com/a/(S(x))', undefined, 'http://example.com/a/(S(x))'],
    ['http://example.com/x?next=/(S(abc))/y', undefined, 'http://example.com/x?next=/(S(abc))/y'],
  ],
  'session ids in the query': [
    ['http://example.com/index.php?PHPSESSID=3f2a9c0d1e7b4a5f8c6d2e1b0a9f8e7d', undefined, 'http://example.com/index.php'],
    ['http://example.com/p?id=7&phpsessid=abc&sort=asc', undefined, 'http://example.com/p?id=7&sort=asc'],
    ['http://example.com/p?JSESSIONID=1&b=%2f', undefined, 'http://example.com/p?b=%2F'],
    ['http://example.com/p?ASPSESSIONIDQQGGGNCG=LKJHGFDSAPOIUYTREWQMNBVC&x', undefined, 'http://example.com/p?x'],
    ['http://example.com/p?aspsessionidABC=1', undefined, 'http://example.com/p?aspsessionidABC=1'],
    ['http://example.com/p?CFID=123456&CFTOKEN=98765432&page=2', undefined, 'http://example.com/p?page=2'],
    ['http://example.com/p?sid=0123456789abcdef0123456789abcdef&n=1', undefined, 'http://example.com/p?n=1'],
    ['http://example.com/p?n=1&SID=a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7', undefined, 'http://example.com/p?n=1'],
    // A short sid is as likely a section or a story as a session: kept.
    ['http://example.com/p?sid=3', undefined, 'http://example.com/p?sid=3'],
    ['http://example.com/p?sid=0123456789abcdef', undefined, 'http://example.com/p?sid=0123456789abcdef'],
    ['http://example.com/p?session=1&sessid_x=2&psid=0123456789abcdef0123456789abcdef', undefined,
      'http://example.com/p?session=1&sessid_x=2&psid=0123456789abcdef0123456789abcdef'],
    ['http://example.com/p?b=2&&a=1&jsessionid=x&c', undefined, 'http://example.com/p?b=2&&a=1&c'],
    ['http://example.com/p?jsessionid=x&', undefined, 'http://example.com/p'],
    ['http://example.com/p;jsessionid=a?PHPSESSID=b', undefined, 'http://example.com/p'],
  ],
  'hosts that are addresses': [
    ['http://127.0.0.1:8080/', undefined, 'http://127.0.0.1:8080/'],
    ['http://0x7f.1/', undefined, 'http://127.0.0.1/'],
    ['http://[0:0::1]/', undefined, 'http://[::1]/'],
    ['http://LOCALHOST:3000', undefined, 'http://localhost:3000/'],
  ],
};

describe('normalizeUrl', () => {
  for (const [group, cases] of Object.entries(groups)) {
    test(group, () => {
      for (const [input, base, expected] of cases) {
        assert.equal(normalizeUrl(input, base), expected, `normalizeUrl(${JSON.stringify(input)}, ${base})`);
      }
    });
  }

  test('accepts a URL object as base', () => {
    assert.equal(normalizeUrl('b', new URL('http://example.com/a/')), 'http://example.com/a/b');
  });

  test('is idempotent over every case', () => {
    let checked = 0;
    for (const cases of Object.values(groups)) {
      for (const [input, base] of cases) {
        const once = normalizeUrl(input, base);
        if (once === null) continue;
        assert.equal(normalizeUrl(once), once, `not idempotent for ${JSON.stringify(input)}`);
        checked++;
      }
    }
    assert.ok(checked > 60, `only ${checked} cases checked`);
  });

  test('spellings of one resource meet', () => {
    const spellings = [
      'HTTP://WWW.Example.com:80/a/./b/../%7Euser?x=%2f#top',
      'http://www.example.com./a/~user?x=%2F',
      '  http://www.example.com/a/b/../%7euser?x=%2f  ',
      'http://alice:hunter2@www.example.com/a/~user?x=%2F',
    ];
    const normalized = new Set(spellings.map((s) => normalizeUrl(s)));
    assert.deepEqual([...normalized], ['http://www.example.com/a/~user?x=%2F']);
  });

  test('links that differ only in their session id meet', () => {
    const ids = ['0A1B2C3D4E5F60718293A4B5C6D7E8F9', 'node0x1y2z3.node0', 'ffffffffffffffffffffffffffffffff'];
    const normalized = new Set(ids.flatMap((id) => [
      normalizeUrl(`/list;jsessionid=${id}?page=2`, 'http://example.com/'),
      normalizeUrl(`http://example.com/list?page=2&PHPSESSID=${id}`),
    ]));
    assert.deepEqual([...normalized], ['http://example.com/list?page=2']);
  });
});

describe('hasCredentials', () => {
  test('is true for a user name or a password, false otherwise', () => {
    assert.equal(hasCredentials(' http://alice:hunter2@example.com/ '), true);
    assert.equal(hasCredentials('http://alice@example.com/'), true);
    assert.equal(hasCredentials('http://:pw@example.com/'), true);
    assert.equal(hasCredentials('http://example.com/@alice'), false);
    assert.equal(hasCredentials('not a url'), false);
  });
});

describe('originKey', () => {
  test('makes the port explicit', () => {
    assert.equal(originKey('http://example.com/a?b'), 'http://example.com:80');
    assert.equal(originKey('https://example.com/a'), 'https://example.com:443');
    assert.equal(originKey('http://example.com:8080/a'), 'http://example.com:8080');
    assert.equal(originKey('https://example.com:8443/'), 'https://example.com:8443');
  });

  test('an explicit default port gives the same key as none', () => {
    assert.equal(originKey('http://example.com:80/'), originKey('http://example.com/'));
    assert.equal(originKey('https://example.com:443/'), originKey('https://example.com/'));
  });

  test('http and https of one host are different origins', () => {
    assert.notEqual(originKey('http://example.com/'), originKey('https://example.com/'));
    assert.equal(originKey('http://example.com:443/'), 'http://example.com:443');
    assert.notEqual(originKey('http://example.com:443/'), originKey('https://example.com/'));
  });

  test('drops userinfo, path and query; keeps IPv6 brackets', () => {
    assert.equal(originKey('http://user:pw@example.com/a'), 'http://example.com:80');
    assert.equal(originKey('http://[::1]:3000/x'), 'http://[::1]:3000');
    assert.equal(originKey('https://[::1]/'), 'https://[::1]:443');
  });

  test('accepts a URL object', () => {
    assert.equal(originKey(new URL('https://Example.com/a')), 'https://example.com:443');
  });

  // Keys are remembered by the URL's text up to its path: a prefix the parser could read
  // differently depending on what follows must not be remembered for the next URL sharing it.
  test('gives every URL its own origin, also after one with the same text up to its path', () => {
    const pairs: Array<[string, string]> = [
      ['http:///a.test/x', 'http:///b.test/y'],
      ['http://\ta.test/x', 'http://\t/b.test/y'],
      ['http://a.test\\x/', 'http://a.test\\y/'],
      ['http://u@a.test/x', 'http://u@b.test/y'],
      ['http://a.test:8080/x', 'http://a.test:8080/y?z'],
      ['http://a.test:080/x', 'http://a.test:080/'],
      ['https://[::1]/x', 'https://[::1]/y'],
      ['http://a.test?q=/x', 'http://a.test?q=/y'],
    ];
    for (const [first, second] of pairs) {
      for (const url of [first, second, first, second]) {
        const u = new URL(url);
        assert.equal(originKey(url), `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`, url);
      }
    }
  });
});

describe('createUrlResolver', () => {
  const bases = [undefined, 'http://example.com/a/b.html?q#f', 'https://u:p@Example.com:8443/%7ea/%2f/x', 'http://example.com./dir/',
    'http://example.com', 'mailto:x@example.com', 'not a url', new URL('http://example.com/a/'),
    'http://example.com/a;jsessionid=1/b;jsessionid=2?PHPSESSID=3'];
  const hrefs = ['b.html', 'c/d.e', '/root', '/', 'x', '.x', '...', 'a/./b', 'a/../b', '..', '.', './', 'a/..', '//other.example/p',
    '', '#f', '?q', 'a b', 'A-Z_0~9', 'http://example.org/%7e', '%7e', 'a%2fb', 'javascript:x', 'c;jsessionid=4', '?sid=0123456789abcdef0123456789abcdef'];

  test('gives what normalizeUrl gives, for plain paths and everything else', () => {
    for (const base of bases) {
      const resolve = createUrlResolver(base);
      for (const href of hrefs) {
        assert.equal(resolve(href), normalizeUrl(href, base), `${JSON.stringify(href)} against ${base}`);
      }
    }
  });

  test('resolves plain paths by concatenation onto the normalized base', () => {
    const resolve = createUrlResolver('https://Example.com:443/%7euser/page.html#top');
    assert.equal(resolve('next.html'), 'https://example.com/~user/next.html');
    assert.equal(resolve('/up'), 'https://example.com/up');
  });
});
