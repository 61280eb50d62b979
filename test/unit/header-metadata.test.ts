import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstLanguage, linkHeaderCanonical } from '../../src/parse/header-metadata.js';
import { extractPage } from '../../src/parse/extract.js';

const PAGE = 'http://127.0.0.1/docs/file.pdf';

describe('linkHeaderCanonical', () => {
  it('finds rel=canonical among other links, quoted or not, resolved and normalized', () => {
    assert.equal(linkHeaderCanonical('<https://Example.com/a>; rel="canonical"', PAGE), 'https://example.com/a');
    assert.equal(linkHeaderCanonical('</style.css>; rel=preload; as=style, <page.html>; rel=canonical', PAGE), 'http://127.0.0.1/docs/page.html');
    assert.equal(linkHeaderCanonical('<https://x.test/a,b>; rel="alternate canonical"', PAGE), 'https://x.test/a,b');
    assert.equal(linkHeaderCanonical('<https://x.test/t>; title="a, b; c"; rel="canonical"', PAGE), 'https://x.test/t');
  });

  it('null without one, or for a target that is no http(s) URL', () => {
    assert.equal(linkHeaderCanonical(undefined, PAGE), null);
    assert.equal(linkHeaderCanonical('<https://x.test/n>; rel="next"', PAGE), null);
    assert.equal(linkHeaderCanonical('<javascript:alert(1)>; rel=canonical', PAGE), null);
    assert.equal(linkHeaderCanonical('rel=canonical', PAGE), null);
  });

  it('a stray "<" opens no link: the link is the one its last "<" opens, and a value of "<" alone has none', () => {
    assert.equal(linkHeaderCanonical('<<</canon.html>; rel=canonical', PAGE), 'http://127.0.0.1/canon.html');
    assert.equal(linkHeaderCanonical('<junk, </canon.html>; rel=canonical', PAGE), 'http://127.0.0.1/canon.html');
    assert.equal(linkHeaderCanonical('<'.repeat(20_000), PAGE), null);
    assert.equal(linkHeaderCanonical(`${'<;'.repeat(10_000)}</c>; rel=canonical`, PAGE), null, 'past the 16 K characters read');
  });
});

describe('firstLanguage', () => {
  it('the first tag of a list; nothing for empty or junk values', () => {
    assert.equal(firstLanguage('de-DE, en'), 'de-DE');
    assert.equal(firstLanguage(' fr '), 'fr');
    assert.equal(firstLanguage(''), null);
    assert.equal(firstLanguage(undefined), null);
    assert.equal(firstLanguage('not a tag'), null);
    assert.equal(firstLanguage('x'.repeat(65)), null);
  });
});

describe('extractPage language', () => {
  it('<html lang> first, else <meta http-equiv=content-language>', () => {
    assert.equal(extractPage('<html lang="it"><meta http-equiv="Content-Language" content="de">', PAGE, 10).language, 'it');
    assert.equal(extractPage('<html><meta http-equiv="content-language" content="de, en"><title>t</title>', PAGE, 10).language, 'de');
    assert.equal(extractPage('<html><title>t</title>', PAGE, 10).language, null);
  });
});
