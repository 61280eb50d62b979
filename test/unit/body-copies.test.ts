import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyCopies } from '../../src/store/body-copies.js';

const O = 'http://h';
const copyBelow = (c: BodyCopies, path: string, hash = 'soft404') => c.isCopyBelow(O + path, O, hash);

test('a copy in a second branch of the site is below its own branch, not only the first branch met', () => {
  const c = new BodyCopies();
  assert.equal(copyBelow(c, '/old-news/'), false);
  assert.equal(copyBelow(c, '/old-news/help/'), true);
  // The same soft-404 met under another broken link: a sibling of /old-news/, so not a copy...
  assert.equal(copyBelow(c, '/news/2019/summer-party'), false);
  // ...but its own relative links' copies are below it (before: below nothing remembered).
  assert.equal(copyBelow(c, '/news/2019/help/'), true);
  assert.equal(copyBelow(c, '/news/2019/help/contact/'), true);
  assert.equal(copyBelow(c, '/old-news/contact/'), true, 'the first branch is still remembered');
});

test('siblings sharing a body are no copies; a page above them takes their place', () => {
  const c = new BodyCopies();
  assert.equal(copyBelow(c, '/proj1/', 'stub'), false);
  assert.equal(copyBelow(c, '/proj2/', 'stub'), false);
  assert.equal(copyBelow(c, '/proj1/', 'stub'), false, 'the same directory again is no copy');
  assert.equal(copyBelow(c, '/', 'stub'), false);
  assert.equal(copyBelow(c, '/proj3/x/', 'stub'), true, 'below / now');
  assert.equal(copyBelow(c, '/proj3/x/', 'other'), false, 'another body is apart');
  assert.equal(c.isCopyBelow('http://g/proj3/x/', 'http://g', 'stub'), false, 'another origin is apart');
});

test('at most 8 branches are remembered per body, the oldest forgotten first', () => {
  const c = new BodyCopies();
  for (let i = 0; i < 9; i++) assert.equal(copyBelow(c, `/b${i}/`), false);
  assert.equal(copyBelow(c, '/b0/x/'), false, 'the oldest branch was forgotten (and is learned again)');
  assert.equal(copyBelow(c, '/b8/x/'), true);
  assert.equal(copyBelow(c, '/b0/x/y/'), true);
});
