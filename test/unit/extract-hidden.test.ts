import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser } from 'htmlparser2';
import { createPageCollector, extractPage } from '../../src/parse/extract.js';

const PAGE = 'https://example.org/dir/page.html';
const extract = (html: string) => extractPage(html, PAGE, 100);
const paths = (html: string) => extract(html).links.map((l) => new URL(l.url).pathname);

// Expected values are Chromium's: its innerText, and its DOM's links (bench/differential/chromium-diff.mjs).
describe('extractPage: text browsers do not show', () => {
  it('leaves out the fallback of <video>, <audio> and <canvas>, and a <datalist>\'s options', () => {
    const page = extract('<video>Your browser does not support <a href="/v.mp4">video</a></video>a'
      + '<audio>no audio</audio><canvas>no canvas</canvas><input list=d><datalist id=d><option>one</datalist>b');
    // (a line between a and b: the hidden <option> is still a block boundary here, and not in Chromium)
    assert.deepEqual(page.text.split(/\s+/), ['a', 'b']);
    assert.deepEqual(page.links.map((l) => [new URL(l.url).pathname, l.text]), [['/v.mp4', '']], 'links stay, as in the DOM');
  });

  it('leaves out an element with a hidden attribute, however nested, and only it', () => {
    assert.equal(extract('<div hidden>a<div>b<span hidden>c</span></div>c</div>d<section HIDDEN=hidden><p>e</p></section>f').text, 'd\nf');
    assert.equal(extract('<p>a<img hidden alt=x>b<span hidden=""></span>c</p><p>d</p>').text, 'abc\nd');
    assert.equal(extract('<ul class="x" data-y=1 hidden><li>no</ul><p>yes').text, 'yes');
  });

  it('keeps hidden links, without their hidden anchor text', () => {
    const page = extract('<a href="/a">shown <span hidden>secret</span></a><div hidden><a href="/b">b</a></div>');
    assert.deepEqual(page.links.map((l) => [new URL(l.url).pathname, l.text]), [['/a', 'shown'], ['/b', '']]);
  });

  it('reads a page whose <body> or <html> is hidden until a script shows it', () => {
    assert.equal(extract('<html hidden><body hidden><p>a</p><p hidden>b</p>c').text, 'a\nc');
  });

  it('keeps hidden="until-found" text, which find-in-page and search engines reveal', () => {
    assert.equal(extract('<div hidden="until-found">answer</div><p>q').text, 'answer\nq');
  });

  it('leaves out a <dialog> that is not open', () => {
    assert.equal(extract('<dialog><p>cookie wall</p><dialog open>inner</dialog></dialog><dialog open>modal</dialog>x').text, 'modal\nx');
  });

  it('reads the hidden attribute when the collector is fed by a DOM walk too', () => {
    const collector = createPageCollector(PAGE, 100);
    const parser = new Parser(collector, { decodeEntities: true });
    parser.end('<p>a</p><p hidden>b</p><p>c</p>');
    assert.equal(collector.finish().text, 'a\nc');
  });
});

describe('extractPage: a <template>\'s content is inert', () => {
  it('gives no links', () => {
    assert.deepEqual(paths('<template><a href="/{{url}}">x</a><template><a href="/t2">y</a></template></template><a href="/real">r</a>'), ['/real']);
  });

  it('gives no title, base, canonical or meta refresh', () => {
    const page = extract('<template><title>tpl</title><base href="https://other.test/"><link rel=canonical href="/c">'
      + '<meta http-equiv="refresh" content="0; url=/r"></template><title>real</title><a href="x">x</a>');
    assert.deepEqual([page.title, page.canonical, page.metaRefresh, page.links[0]?.url],
      ['real', null, null, 'https://example.org/dir/x']);
  });

  it('ends with its end tag, or with an element that closes it', () => {
    assert.deepEqual(paths('<div><template><a href="/in">x</a></div><a href="/out">y</a>'), ['/out']);
  });
});

describe('extractPage: a <frame> outside a <frameset>', () => {
  it('is no link, as browsers drop the element; inside one, and an <iframe> anywhere, it is', () => {
    assert.deepEqual(paths('<p>x</p><frame src="/stray"><iframe src="/if"></iframe>'), ['/if']);
    assert.deepEqual(paths('<frameset><frameset><frame src="/a"></frameset><frame src="/b"></frameset>'), ['/a', '/b']);
  });
});
