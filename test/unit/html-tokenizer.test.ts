import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractPage } from '../../src/parse/extract.js';

const PAGE = 'https://example.org/';
const extract = (html: string) => extractPage(html, PAGE, 100);
const paths = (html: string) => extract(html).links.map((l) => new URL(l.url).pathname);

// Expected values are Chromium's (bench/differential/chromium-diff.mjs) and the HTML standard's.
describe('html-tokenizer: comments and bogus comments end where browsers end them', () => {
  const cases: Array<[html: string, text: string]> = [
    // "--!>" ends a comment (comment end bang state); the rest of the page was lost in it.
    ['a<!-- x --!>b', 'ab'],
    ['a<!---!>b-->c<!----!>d', 'acd'], // "<!---!>" is no end: both dashes must be the comment's
    ['a<!--!>b-->c', 'ac'],
    // "<!>" and "<!->" are empty bogus comments, ended by their own ">".
    ['a<!x>b<!>c', 'abc'],
    ['a<!->b<!-x>c', 'abc'],
    // "</>" is dropped; "</ x>" is a bogus comment, not text and not an end tag.
    ['one</>two</ >three', 'onetwothree'],
    ['<b>a</ b>c</b>', 'ac'],
  ];
  for (const [html, text] of cases) {
    it(html, () => assert.equal(extract(html).text, text));
  }

  it('keeps the links after them', () => {
    assert.deepEqual(paths('<!-- x --!><a href="/a">a</a><!><a href="/b">b</a>'), ['/a', '/b']);
  });

  it('still ends comments at "-->" and the short forms', () => {
    assert.equal(extract('a<!-->b<!--->c<!-- x ---->d<!-- <a href="/no">n</a> -->e').text, 'abcde');
    assert.deepEqual(paths('<!-- <a href="/no">n</a> --!<a href="/still-in">x</a> -->'), []);
  });
});
