/** seedUrlProblem: one absolute http(s) URL, with no white space inside it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedUrlProblem, suggestSeed } from '../../src/config/seed-url.js';

test('one http(s) URL is no problem, white space around it neither', () => {
  for (const seed of ['http://example.org/', 'HTTPS://example.org/a%20b?q=x%20y', '  http://example.org/p  ', 'http://127.0.0.1:8080']) {
    assert.equal(seedUrlProblem(seed), null, seed);
  }
});

test('white space inside a seed is a problem: two URLs, a comment after one, a space in the host, path or query', () => {
  for (const seed of [
    'http://exa mple.org/',
    'http://example.org/ http://example.org/b',
    'http://example.org/p # the docs',
    'http://example.org/a b',
    'http://example.org/search?q=a b',
    'http://example.org/a\u00a0b',
  ]) {
    assert.equal(seedUrlProblem(seed), 'space', JSON.stringify(seed));
  }
});

test('what is no http(s) URL at all says so first, a space in it or not', () => {
  for (const seed of ['example.org', 'ftp://example.org/', 'http://', 'http:// ', 'see http://example.org/', 'ftp://exa mple.org/']) {
    assert.equal(seedUrlProblem(seed), 'not-http', seed);
  }
});

test('a seed typed without its scheme is offered the URL it most likely means; http:// for this machine and addresses', () => {
  assert.equal(suggestSeed('example.org'), 'https://example.org/');
  assert.equal(suggestSeed(' example.org/docs?q=1 '), 'https://example.org/docs?q=1');
  assert.equal(suggestSeed('//example.org/x'), 'https://example.org/x');
  assert.equal(suggestSeed('www.example.org:8080/x'), 'https://www.example.org:8080/x');
  assert.equal(suggestSeed('localhost:3000'), 'http://localhost:3000/');
  assert.equal(suggestSeed('app.localhost/x'), 'http://app.localhost/x');
  assert.equal(suggestSeed('127.0.0.1:8080/p'), 'http://127.0.0.1:8080/p');
  for (const seed of ['foo', 'ftp://example.org/', 'mailto:a@example.org', 'http//example.org', 'example.org/a b', '']) assert.equal(suggestSeed(seed), null, seed);
});
