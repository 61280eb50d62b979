/**
 * Review 22b: an untyped <object data>/<embed src> that names a host and no path is judged by its
 * path (none, so a page), not by the host's top-level domain read as an extension (`.com`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractPage } from '../../src/parse/extract.js';

const urls = (html: string) => extractPage(html, 'https://example.org/dir/page.html', 100).links.map((l) => l.url);

test('extractPage: an untyped embed of a bare origin is an HTML page; an extension in the path still decides', () => {
  assert.deepEqual(urls('<object data="https://docs.example.org"></object><embed src="//widgets.example.net"><object data="https://example.org?x=1"></object>'),
    ['https://docs.example.org/', 'https://widgets.example.net/', 'https://example.org/?x=1']);
  assert.deepEqual(urls('<object data="https://cdn.example.org/movie.swf"></object><embed src="//cdn.example.net/a.pdf">'), []);
});
