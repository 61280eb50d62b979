import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createDocumentTail, framedStall, isUnframed, watchUnframed, WHOLE_LINES, WHOLE_SITEMAP, WHOLE_SITEMAP_FILE } from '../../src/fetch/unframed-body.js';

const limits = { completeMs: 30, stalledMs: 120 };

async function drain(source: AsyncIterable<Buffer>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += chunk.toString('latin1');
  return text;
}

test('only a body without a Content-Length or a final chunked coding is read to the close', () => {
  assert.equal(isUnframed(200, {}), true);
  assert.equal(isUnframed(200, { 'transfer-encoding': 'gzip' }), true);
  assert.equal(isUnframed(200, { 'content-length': '5' }), false);
  assert.equal(isUnframed(200, { 'transfer-encoding': 'gzip, Chunked' }), false);
  assert.equal(isUnframed(304, {}), false);
  assert.equal(isUnframed(204, {}), false);
});

test('a document is whole when </html> ends it, whitespace and comments aside', () => {
  const whole = (...parts: string[]) => {
    const tail = createDocumentTail();
    for (const part of parts) tail.add(Buffer.from(part, 'latin1'));
    return tail.isWhole();
  };
  assert.equal(whole('<html><p>a</p></html>\n'), true);
  assert.equal(whole('<html><p>a</p></HTML >'), true);
  assert.equal(whole('<html><p>a</p></ht', 'ml>\r\n<!-- cached -->\n<!-- 0.2 s -->'), true, 'split across chunks');
  assert.equal(whole('<html><p>a</p></html><p>more'), false);
  assert.equal(whole('<html><p>a</p></html><!-- open comment'), false);
  assert.equal(whole('<html><p>the first half'), false);
  assert.equal(whole(`</html>${'x'.repeat(5000)}`, '</html>'), true, 'only the end counts');
});

test('a sitemap is whole at its root end tag, a robots.txt at the end of a line', () => {
  const whole = (end: RegExp, text: string) => {
    const tail = createDocumentTail(end);
    tail.add(Buffer.from(text, 'latin1'));
    return tail.isWhole();
  };
  assert.equal(whole(WHOLE_SITEMAP, '<urlset><url><loc>x</loc></url></urlset>\n'), true);
  assert.equal(whole(WHOLE_SITEMAP, '<sitemapindex></SITEMAPINDEX>\n<!-- 0.1 s -->'), true);
  assert.equal(whole(WHOLE_SITEMAP, '<sm:urlset></sm:urlset>'), true, 'a prefixed root');
  assert.equal(whole(WHOLE_SITEMAP, '<urlset><url><loc>x</loc></url>\n'), false);
  assert.equal(whole(WHOLE_SITEMAP, '<html></html>'), false);
  assert.equal(whole(WHOLE_LINES, 'User-agent: *\nDisallow: /a\n'), true);
  assert.equal(whole(WHOLE_LINES, 'User-agent: *\r\nDisallow: /a\r'), true);
  assert.equal(whole(WHOLE_LINES, 'User-agent: *\nDisallow: /pri'), false, 'cut mid-line');
  assert.equal(whole(WHOLE_LINES, ''), false, 'nothing came');
});

test('a sitemap file is whole at its end tag when XML, at the end of a line when a text sitemap, at the end of its stream when gzip', async () => {
  const whole = (...parts: string[]) => {
    const tail = createDocumentTail(WHOLE_SITEMAP_FILE);
    for (const part of parts) tail.add(Buffer.from(part, 'latin1'));
    return tail.isWhole();
  };
  assert.equal(whole('https://a.test/one\nhttps://a.test/two\n'), true);
  assert.equal(whole('\xEF\xBB\xBF\r\n  https://a.test/one\r\n'), true, 'a BOM and blank lines first');
  const cut = createDocumentTail(WHOLE_SITEMAP_FILE);
  cut.add(Buffer.from('https://a.test/one\nhttps://a.test/tw', 'latin1'));
  assert.deepEqual([cut.isWhole(), cut.isCut()], [true, true], 'cut mid-line: it ends, cut (it has no end to wait for)');
  const lines = createDocumentTail(WHOLE_SITEMAP_FILE);
  lines.add(Buffer.from('https://a.test/one\n', 'latin1'));
  assert.deepEqual([lines.isWhole(), lines.isCut()], [true, false]);
  assert.equal(whole('https://a.test/', `${'x'.repeat(600)}\n`, 'https://a.test/two\n'), true, 'the head is its first chunk, the end its last');
  assert.equal(whole('<?xml version="1.0"?>\n<urlset>\n<url><loc>https://a.test/</loc></url>\n'), false, 'XML after a line break is not whole');
  assert.equal(whole('  <urlset><url><loc>https://a.test/</loc></url></urlset>'), true);
  assert.equal(await whole('\x1F\x8B\x08\x00rest\n'), false, 'a gzip header cut short');
  const gzipped = gzipSync('https://a.test/one\nhttps://a.test/two\n').toString('latin1');
  assert.equal(await whole(gzipped.slice(0, 1), gzipped.slice(1)), true, 'a whole gzip file, its magic number split');
  assert.equal(await whole(gzipped, '\r\n'), true, 'bytes after the stream are ignored');
  assert.equal(await whole(gzipped.slice(0, -4)), false, 'its trailer cut short');
  assert.equal(await whole(gzipped.slice(0, 12)), false, 'cut in its deflate data');
  assert.equal(await whole(gzipped, gzipped.slice(0, 15)), false, 'a second member cut short');
  assert.equal(await whole(gzipped, '\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xff\xff\xff'), true, 'a corrupt second member: waiting would not mend it');
  assert.equal(await whole('\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03garbage data'), true, 'corrupt: waiting would not mend it');
  assert.equal(whole('   \n'), false, 'only whitespace so far');
  assert.equal(whole(''), false);
});

test('silence after a whole document ends the body; the source is destroyed', async () => {
  const body = new PassThrough();
  body.write('<html>whole</html>');
  const text = await drain(watchUnframed(body, () => true, limits));
  assert.equal(text, '<html>whole</html>');
  assert.equal(body.destroyed, true);
});

test('silence after a fragment fails as CRAWL_FETCH_STALLED, retryable; a close ends the body as usual', async () => {
  const cut = new PassThrough();
  cut.write('<html>the first');
  await assert.rejects(drain(watchUnframed(cut, () => false, limits)), (err: Error & { code?: string; retryable?: boolean }) => {
    assert.equal(err.code, 'CRAWL_FETCH_STALLED');
    assert.equal(err.retryable, true);
    assert.match(err.message, /^the server sent 15 bytes of a body/);
    return true;
  });
  const closed = new PassThrough();
  closed.end('<p>closed');
  assert.equal(await drain(watchUnframed(closed, () => false, limits)), '<p>closed');
});

test('a pause shorter than the stall limit, mid-fragment, is waited out', async () => {
  const slow = new PassThrough();
  slow.write('<p>one');
  setTimeout(() => slow.end('<p>two'), 70);
  assert.equal(await drain(watchUnframed(slow, () => false, limits)), '<p>one<p>two');
});

test("onStall 'cut' (a sitemap): a silence short of the end, or a connection lost, ends the body with what came, marked cut; the fetch's own abort is still an error", async () => {
  const silent = new PassThrough();
  silent.write('<url>one</url><url>tw');
  const mark = { isCut: false };
  assert.equal(await drain(watchUnframed(silent, () => false, limits, { onStall: 'cut', mark })), '<url>one</url><url>tw');
  assert.equal(mark.isCut, true);
  const lost = new PassThrough();
  lost.write('<url>one</url>');
  setTimeout(() => lost.destroy(new Error('other side closed')), 10);
  const lostMark = { isCut: false };
  assert.equal(await drain(watchUnframed(lost, () => false, limits, { onStall: 'cut', mark: lostMark })), '<url>one</url>');
  assert.equal(lostMark.isCut, true);
  const aborted = new PassThrough();
  aborted.write('<url>one</url>');
  const controller = new AbortController();
  setTimeout(() => {
    controller.abort();
    aborted.destroy(new Error('aborted'));
  }, 10);
  await assert.rejects(drain(watchUnframed(aborted, () => false, limits, { onStall: 'cut', mark: { isCut: false }, signal: controller.signal })), /aborted/);
});

test('a framed body that stalls (robots.txt) fails with the words of its framing', async () => {
  const framed = new PassThrough();
  framed.write('User-agent: *\n');
  await assert.rejects(drain(watchUnframed(framed, () => false, limits, { stalledMessage: framedStall({ 'content-length': '40' }) })),
    /^FetchError: the server sent 14 of the 40 bytes of its Content-Length, then nothing for [\d.]+ s$/);
  const chunked = new PassThrough();
  chunked.write('User-agent: *\n');
  await assert.rejects(drain(watchUnframed(chunked, () => false, limits, { stalledMessage: framedStall({ 'transfer-encoding': 'chunked' }) })),
    /^FetchError: the server sent 14 bytes of a chunked body, then nothing for [\d.]+ s before its last chunk$/);
});

test("onStall 'cut': --timeout ends the body cut (a large sitemap on a slow link), its words say so; the caller's stop does not", async () => {
  const slow = new PassThrough();
  slow.write('<url>one</url>');
  const controller = new AbortController();
  setTimeout(() => {
    controller.abort();
    slow.destroy(new Error('aborted'));
  }, 10);
  const mark: { isCut: boolean; by?: string } = { isCut: false };
  assert.equal(await drain(watchUnframed(slow, () => false, limits, { onStall: 'cut', mark, signal: controller.signal, isTimedOut: () => true })), '<url>one</url>');
  assert.deepEqual(mark, { isCut: true, by: '--timeout' });
  const closed = new PassThrough();
  closed.write('<url>one</url>');
  setTimeout(() => closed.destroy(new Error('other side closed')), 10);
  const closedMark: { isCut: boolean; by?: string } = { isCut: false };
  await drain(watchUnframed(closed, () => false, limits, { onStall: 'cut', mark: closedMark, signal: new AbortController().signal, isTimedOut: () => false }));
  assert.deepEqual(closedMark, { isCut: true, by: 'its connection closed' });
});
