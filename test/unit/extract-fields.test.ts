import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractFields, isValidSelector, MAX_FIELD_CHARS, MAX_FIELD_VALUES } from '../../src/parse/extract-fields.js';
import { parsePage } from '../../src/parse/parse-page.js';
import type { FieldSpec } from '../../src/types.js';

const HTML = `<!doctype html><html><head><title>Shop</title><meta property="og:price" content="12.50"></head><body>
<h1>  The   <em>best</em>
  kettle </h1>
<p class="price">€&nbsp;12.50</p>
<ul><li class="tag">steel</li><li class="tag">1.7 &amp; l</li><li class="tag"></li></ul>
<a href="/a" class="more">A</a><a class="more">no href</a><a href="https://x.example/b" class="more">B</a>
</body></html>`;

const spec = (selector: string, attr: string | null = null, many = false): FieldSpec => ({ selector, attr, many });

test('text (whitespace collapsed, entities decoded), attributes, first match or all', () => {
  const values = extractFields(HTML, {
    title: spec('h1'),
    price: spec('.price'),
    ogPrice: spec('meta[property="og:price"]', 'content'),
    tags: spec('.tag', null, true),
    links: spec('a.more', 'href', true),
    firstLink: spec('a.more', 'href'),
  });
  assert.deepEqual(values, {
    title: 'The best kettle',
    price: '€ 12.50',
    ogPrice: '12.50',
    tags: ['steel', '1.7 & l', ''],
    links: ['/a', 'https://x.example/b'], // an element without the attribute is left out of a list
    firstLink: '/a',
  });
});

test('no match: null for one, an empty list for many; a missing attribute is null', () => {
  assert.deepEqual(extractFields(HTML, { a: spec('.nope'), b: spec('.nope', null, true), c: spec('h1', 'data-x') }), { a: null, b: [], c: null });
});

test('rows written straight inside <table> are in a <tbody>, as browsers build them, so devtools selectors match', () => {
  const html = `<table id="t"><caption>c</caption>
    <tr><td>a1</td><td>a2</td></tr>
    <tr><td>b1<td>b2
  </table>
  <table id="explicit"><thead><tr><th>h</th></tr></thead><tbody><tr><td>x</td></tr></tbody></table>
  <table id="mixed"><tr><td>r1</td></tr><tfoot><tr><td>f</td></tr></tfoot></table>
  <table id="nested"><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>`;
  assert.deepEqual(extractFields(html, {
    devtools: spec('#t > tbody > tr:nth-child(2) > td:nth-child(2)'),
    rows: spec('#t > tbody > tr', null, true),
    bodies: spec('#t > tbody', null, true),
    caption: spec('#t > caption'),
    explicit: spec('#explicit > tbody > tr > td', null, true),
    explicitBodies: spec('#explicit tbody', null, true),
    head: spec('#explicit > thead > tr > th'),
    mixedBody: spec('#mixed > tbody > tr > td', null, true),
    mixedFoot: spec('#mixed > tfoot > tr > td', null, true),
    inner: spec('#nested > tbody > tr > td > table > tbody > tr > td'),
    plainRows: spec('#t > tr', null, true),
  }), {
    devtools: 'b2',
    rows: ['a1a2', 'b1b2'],
    bodies: ['a1a2 b1b2'],
    caption: 'c',
    explicit: ['x'],
    explicitBodies: ['x'],
    head: 'h',
    mixedBody: ['r1'],
    mixedFoot: ['f'],
    inner: 'inner',
    plainRows: [],
  });
});

test('the document has one top element, <html>, as in browsers: a fragment is wrapped in one, what follows </html> is moved into it', () => {
  const fragment = '<!doctype html><li class="i">one</li><li class="i">two</li>';
  assert.deepEqual(extractFields(fragment, { root: spec(':root > li', null, true), html: spec('html > li.i', null, true) }), { root: ['one', 'two'], html: ['one', 'two'] });
  const trailing = '<html><head><title>T</title></head><body><p>in</p></body></html><script id="late">x()</script><div id="after">after</div>';
  assert.deepEqual(extractFields(trailing, { late: spec('html > script', 'id'), after: spec(':root > #after'), title: spec('html > head > title'), p: spec('body > p') }),
    { late: 'late', after: 'after', title: 'T', p: 'in' });
  // Before the page's <html> (a stray tag a script wrote first): inside it too, in order.
  assert.deepEqual(extractFields('<b>first</b><html><body><p>in</p></body></html>', { all: spec(':root > *', null, true) }), { all: ['first', 'in'] });
  assert.equal(extractFields('<html><body><p>plain</p></body></html>', { p: spec(':root > body > p') }).p, 'plain', 'a whole page is left as it is');
});

test('a fragment of 100,000 top-level elements is queried in one pass per selector (cheerio took seconds per selector on it, quadratic)', () => {
  const html = `${'<p>x</p>'.repeat(100_000)}<a class="last" href="/end">end</a>`;
  const values = extractFields(html, { last: spec('a.last', 'href'), count: spec('p', null, true) });
  assert.equal(values.last, '/end');
  assert.equal((values.count as string[]).length, MAX_FIELD_VALUES);
});

test('selectors are checked up front', () => {
  assert.equal(isValidSelector('ul > li.tag:nth-child(2)'), true);
  assert.equal(isValidSelector('a['), false);
  assert.equal(isValidSelector(':no-such-pseudo'), false);
});

test('parsePage returns fields only when the task asks for them', () => {
  const body = new TextEncoder().encode(HTML);
  const task = { url: 'https://shop.example/k', contentType: 'text/html; charset=utf-8', isHtml: true, maxLinks: 100 };
  const plain = parsePage({ ...task, body: body.slice() });
  assert.ok(plain.ok);
  assert.equal('fields' in plain, false);
  const withFields = parsePage({ ...task, body: body.slice(), fields: { price: spec('.price') } });
  assert.ok(withFields.ok);
  assert.deepEqual(withFields.fields, { price: '€ 12.50' });
});

test('values are bounded: a list at MAX_FIELD_VALUES, a value at MAX_FIELD_CHARS', () => {
  const html = `<p>${'x'.repeat(MAX_FIELD_CHARS + 50)}</p>${'<a href="/l">l</a>'.repeat(MAX_FIELD_VALUES + 5)}`;
  const values = extractFields(html, { text: spec('p'), links: spec('a', 'href', true) });
  assert.equal((values.text as string).length, MAX_FIELD_CHARS);
  assert.equal((values.links as string[]).length, MAX_FIELD_VALUES);
});

test('hostile nesting: fields cost the page neither its links nor its text, nor a worker for seconds', () => {
  const deep = `<title>Deep</title><a href="/next">next</a><p>words here</p>${'<div>'.repeat(20_000)}x${'</div>'.repeat(20_000)}`;
  const unclosed = `<title>Unclosed</title><a href="/n2">n</a>${'<b><i><table>'.repeat(50_000)}`;
  for (const [html, title, link] of [[deep, 'Deep', '/next'], [unclosed, 'Unclosed', '/n2']] as const) {
    const started = performance.now();
    const out = parsePage({
      url: 'http://127.0.0.1/p', body: new Uint8Array(Buffer.from(html)), contentType: 'text/html', isHtml: true, maxLinks: 100,
      fields: { title: spec('title'), deepest: spec('div div div'), links: spec('a', 'href', true) },
    });
    assert.ok(out.ok, out.ok ? '' : out.message);
    assert.equal(out.title, title);
    assert.deepEqual(out.links.map((l) => new URL(l.url).pathname), [link]);
    assert.equal(out.fields?.title, title);
    assert.deepEqual(out.fields?.links, [link]);
    // Generous: htmlparser2's own Parser took over 15 s on the unclosed page, this takes well under one.
    assert.ok(performance.now() - started < 8000, `${title}: ${Math.round(performance.now() - started)} ms`);
  }
});
