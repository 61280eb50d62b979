/**
 * The generated site that `crawlite bench` crawls: a deterministic news-style site of article
 * pages, so a crawl can be measured, and shown working, with no internet.
 *
 * Pure: every page is a function of (seed, index, pages, pageBytes), computed on demand (the
 * only state is a memo of the text corpus per seed). The server renders per request and keeps
 * nothing, and two runs, or two crawlers, see the same bytes.
 *
 * Shape of the link graph (it decides what a crawl does):
 * - page i links to 2i+1 and 2i+2 ("Related articles"), so a binary tree from '/' reaches every
 *   page, at depth ⌊log2(i+1)⌋ (≤ 13 for 10,000 pages);
 * - the header links to 12 section hub pages (1..12), the "Recent" list to i-8..i+8 (which
 *   includes i+1), and the body to ~1 random page per 2.5 KB of text;
 * - a few off-site links go to https://offsite-<k>.invalid/: RFC 6761 reserves .invalid, so
 *   even a crawler with a broken scope check cannot reach a real host.
 * Links only ever point at indexes < pages.
 */

export interface SiteOptions {
  /** Number of pages; indexes run from 0 ('/') to pages - 1. */
  pages: number;
  /** Target size of a page in UTF-8 bytes; each page lands within 0.8x to 1.2x of it. @default 50_000 */
  pageBytes?: number;
  /** Selects the content, 0 to 2^32 - 1; the same seed gives byte-identical pages. @default 1 */
  seed?: number;
}

export const DEFAULT_PAGE_BYTES = 50_000;
/** Below this the fixed skeleton (head, 29 nav links, footer) alone would break the 0.8x–1.2x band. */
export const MIN_PAGE_BYTES = 5_000;
/** The corpus (4 MB) must hold a page's body 1.5 times over, so no page repeats a paragraph. */
export const MAX_PAGE_BYTES = 1_000_000;
export const DEFAULT_SEED = 1;

/** Throws a RangeError naming the bad value; the CLI, the server and the parent side share it. */
export function checkSiteOptions(opts: SiteOptions): Required<SiteOptions> {
  const { pages, pageBytes = DEFAULT_PAGE_BYTES, seed = DEFAULT_SEED } = opts;
  if (!Number.isSafeInteger(pages) || pages < 1) throw new RangeError(`pages must be a positive integer, got ${pages}`);
  if (!Number.isSafeInteger(pageBytes) || pageBytes < MIN_PAGE_BYTES || pageBytes > MAX_PAGE_BYTES) {
    throw new RangeError(`pageBytes must be an integer from ${MIN_PAGE_BYTES} to ${MAX_PAGE_BYTES}, got ${pageBytes}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer from 0 to ${0xffff_ffff}, got ${seed}`);
  }
  return { pages, pageBytes, seed };
}

export function pagePath(index: number): string {
  return index === 0 ? '/' : `/articles/${index}.html`;
}

const ARTICLE_PATH = /^\/articles\/([1-9][0-9]{0,15})\.html$/;

/** The inverse of pagePath: the page index a path names, or undefined (a 404). Query strings are the caller's to strip. */
export function pageIndexOf(path: string, pages: number): number | undefined {
  if (path === '/') return 0;
  const digits = ARTICLE_PATH.exec(path)?.[1];
  if (digits === undefined) return undefined;
  const index = Number(digits);
  return index < pages ? index : undefined;
}

// A few hundred words, roughly by frequency, and drawn with a Zipf-like bias below, so gzip
// ratios land near real prose (about 3x on text) instead of the 10x+ of a tiny vocabulary.
// The accented words make the body real UTF-8, not ASCII.
const VOCABULARY = (
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her all she there would their we him been has when who will more no if out so said what up its about ' +
  'into than them can only other new some could time these two may then do first any my now such like our over ' +
  'man me even most made after also did many before must through back years where much your way well down should ' +
  'because each just those people how too little state good very make world still own see men work long get here ' +
  'between both life being under never day same another know while last might us great old year off come since ' +
  'against go came right used take three place around however home small found thought went say part once general ' +
  'high upon school every number does group country public system often city question during without end program ' +
  'national system water river harbour engine market council report evidence season village museum library bridge ' +
  'garden winter summer autumn spring morning evening station railway coast island forest mountain valley harvest ' +
  'journal archive letter chapter record council policy budget election minister court judge witness doctor nurse ' +
  'patient hospital teacher student lecture research study survey sample measure signal network server protocol ' +
  'packet storage memory process thread queue window branch mirror lantern compass ledger canvas pattern rhythm ' +
  'melody chorus theatre gallery festival kitchen recipe bread butter pepper orchard vineyard farmer baker weaver ' +
  'sailor pilot captain soldier merchant stranger neighbour friend family cousin daughter brother sister mother ' +
  'father quiet bright narrow broad gentle sudden careful patient steady modern ancient northern southern eastern ' +
  'western local central distant familiar curious certain simple complex early late rapid slow open closed ' +
  'quickly slowly nearly rarely often always together almost already perhaps instead rather enough though ' +
  'although unless whether across along behind beyond beneath toward within among despite throughout ' +
  'build carry change choose climb collect cover cross deliver describe discover explain follow gather grow ' +
  'hold improve include keep learn listen measure move notice offer open plan prepare protect reach read ' +
  'remain repair return share show study travel visit wait walk watch wonder write answer arrive believe ' +
  'café naïve façade rôle déjà'
).split(' ');
// (A few words appear twice above; that only makes them a little more frequent.)

const SECTIONS = ['World', 'Science', 'Technology', 'Business', 'Culture', 'Health', 'Sport', 'Travel', 'Opinion', 'Books', 'Food', 'Climate'];
const FIRST_NAMES = ['Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lena', 'Mateo', 'Nora', 'Omar', 'Priya'];
const LAST_NAMES = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Alvarez', 'Novak', 'Brennan', 'Haddad', 'Kowalski', 'Fischer', 'Silva', 'Nakamura'];
const FOOTER_LINKS = ['about', 'privacy', 'terms', 'careers', 'press', 'contact'];

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const CAPITALIZED = VOCABULARY.map(capitalize);

// Drawing from a precomputed table is O(1) per word. Weights of 1/(rank + 3) give "the" ~6% of
// words, as in English, with a long flat tail.
const WORD_TABLE: Uint16Array = (() => {
  const weights = VOCABULARY.map((_, rank) => 1 / (rank + 3));
  const total = weights.reduce((a, b) => a + b, 0);
  const table = new Uint16Array(8192);
  let slot = 0;
  weights.forEach((weight, rank) => {
    const end = rank === weights.length - 1 ? table.length : Math.round(slot + (weight / total) * table.length);
    for (; slot < end; slot++) table[slot] = rank;
  });
  return table;
})();

type Random = () => number;

/** mulberry32: tiny, fast and good enough for text; one stream per (seed, page, purpose). */
function createRandom(seed: number, index: number, purpose: number): Random {
  // Mix the three inputs through a murmur3-style finalizer, so (seed, index) and (seed + 1,
  // index - 1) do not start related streams, as they would with a plain seed + index.
  let state = Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca6b) ^ Math.imul(purpose, 0xc2b2ae35);
  state = Math.imul(state ^ (state >>> 16), 0x7feb352d);
  state = Math.imul(state ^ (state >>> 15), 0x846ca68b);
  state ^= state >>> 16;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PURPOSE_PAGE = 1;
const PURPOSE_TITLE = 2;
const PURPOSE_CORPUS = 3;

const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const randomInt = (rand: Random, min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
const randomWord = (rand: Random): number => WORD_TABLE[Math.floor(rand() * WORD_TABLE.length)] as number;

function phrase(rand: Random, minWords: number, maxWords: number): string {
  const count = randomInt(rand, minWords, maxWords);
  let text = CAPITALIZED[randomWord(rand)] as string;
  for (let i = 1; i < count; i++) text += ' ' + VOCABULARY[randomWord(rand)];
  return text;
}

/** A title depends only on (seed, index), so links to a page can use its title as anchor text. */
function titleOf(seed: number, index: number): string {
  return phrase(createRandom(seed, index, PURPOSE_TITLE), 3, 7);
}

function sentence(rand: Random): string {
  const count = randomInt(rand, 6, 20);
  let text = CAPITALIZED[randomWord(rand)] as string;
  for (let i = 1; i < count; i++) {
    const roll = rand();
    text += (roll < 0.07 ? ', ' : roll < 0.08 ? ' — ' : ' ') + VOCABULARY[randomWord(rand)];
  }
  return text + (rand() < 0.06 ? '?' : '.');
}

// Body text is cut from a per-seed corpus: ~4 MB of paragraphs and headings encoded once into
// one Buffer. A page is its head, one contiguous slice of the corpus with ~20 links spliced in
// at paragraph ends, and its tail, written into one Buffer. Measured for a 50 KB page: writing
// it word by word cost ~1.5 ms, assembling ~110 pooled paragraph Buffers ~0.15 ms, the slice
// ~0.05 ms. A slice never repeats itself, so one page compresses like prose; slices of
// different pages overlap, which only a cross-page dictionary compressor could notice.
const CORPUS_BYTES = 4_000_000;

interface Corpus {
  seed: number;
  text: Buffer;
  /** Byte offset where paragraph i's text begins (just after its <p>). */
  starts: Uint32Array;
  /** Byte offset where paragraph i's text ends (just before its </p>). */
  ends: Uint32Array;
  /** Paragraphs that may begin a page: the longest page still ends inside the corpus. */
  startCount: number;
}

let corpus: Corpus | undefined;

/** Builds one seed's corpus on first use (~0.2 s) and keeps only that one; a bench uses a single seed. */
function corpusFor(seed: number): Corpus {
  if (corpus?.seed === seed) return corpus;
  const rand = createRandom(seed, 0, PURPOSE_CORPUS);
  const pieces: Buffer[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let bytes = 0;
  while (bytes < CORPUS_BYTES) {
    if (starts.length > 0) {
      let glue = '</p>\n';
      if (rand() < 0.2) {
        const heading = phrase(rand, 2, 6);
        glue += `<h2 id="${heading.toLowerCase().replaceAll(' ', '-')}">${heading}</h2>\n`;
      }
      pieces.push(Buffer.from(glue + '<p>'));
      bytes += (pieces.at(-1) as Buffer).length;
    }
    const sentences: string[] = [];
    for (let n = randomInt(rand, 2, 7); n > 0; n--) sentences.push(sentence(rand));
    const paragraph = Buffer.from(sentences.join(' '));
    starts.push(bytes);
    pieces.push(paragraph);
    bytes += paragraph.length;
    ends.push(bytes);
  }
  const lastStart = bytes - 1.5 * MAX_PAGE_BYTES;
  corpus = {
    seed,
    text: Buffer.concat(pieces, bytes),
    starts: Uint32Array.from(starts),
    ends: Uint32Array.from(ends),
    startCount: starts.filter((offset) => offset <= lastStart).length,
  };
  return corpus;
}

function pageLink(seed: number, from: number, to: number, label = titleOf(seed, to)): string {
  // Article-to-article links are relative, as CMS templates often write them, so a crawler's
  // URL resolution is exercised; links from '/' must be absolute paths.
  const href = from !== 0 && to !== 0 ? `${to}.html` : pagePath(to);
  return `<a href="${href}">${label}</a>`;
}

function dateOf(index: number): string {
  // Three articles a day counting back from a fixed day: deterministic, no clock.
  return new Date(Date.UTC(2025, 0, 1) - Math.floor(index / 3) * 86_400_000).toISOString().slice(0, 10);
}

function head(seed: number, index: number, pages: number, title: string, rand: Random): string {
  const section = SECTIONS[index % SECTIONS.length] as string;
  const author = `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`;
  const description = phrase(rand, 18, 30) + '.';
  const date = dateOf(index);
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: title,
    datePublished: date,
    articleSection: section,
    author: { '@type': 'Person', name: author },
  });
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>Article ${index}: ${title}</title>\n<meta name="description" content="${description}">\n` +
    `<link rel="canonical" href="${pagePath(index)}">\n<link rel="stylesheet" href="/static/site.css">\n` +
    `<script type="application/ld+json">${jsonLd}</script>\n` +
    `<script>document.documentElement.className += ' js';</script>\n</head>\n<body>\n` +
    `<header class="site-header"><a class="logo" href="/">The Crawlite Bench</a>\n<nav aria-label="Sections"><ul>\n` +
    SECTIONS.map((name, k) => (k + 1 < pages ? `<li>${pageLink(seed, index, k + 1, name)}</li>\n` : '')).join('') +
    `</ul></nav></header>\n<main>\n<article>\n<h1>${title}</h1>\n` +
    `<p class="byline">By ${author} · <time datetime="${date}">${date}</time> · ${section}</p>\n`
  );
}

function tail(seed: number, index: number, pages: number, rand: Random): string {
  const related = [2 * index + 1, 2 * index + 2].filter((to) => to < pages);
  const recent: number[] = [];
  for (let to = index - 8; to <= index + 8; to++) if (to >= 0 && to < pages && to !== index) recent.push(to);
  const offsite = (path: string): string => `https://offsite-${randomInt(rand, 0, 15)}.invalid/${path}`;
  return (
    `<aside class="related" id="related"><h2>Related articles</h2><ul>\n` +
    related.map((to) => `<li>${pageLink(seed, index, to)}</li>\n`).join('') +
    `</ul></aside>\n<nav aria-label="Recent"><h2>Recent</h2><ul>\n` +
    recent.map((to) => `<li>${pageLink(seed, index, to, `Article ${to}`)}</li>\n`).join('') +
    `</ul></nav>\n</main>\n<footer><p>` +
    [0, 1].map(() => `<a href="${offsite(pick(rand, FOOTER_LINKS))}">${pick(rand, FOOTER_LINKS)}</a>`).join(' · ') +
    ` · © 2025 The Crawlite Bench. Text is generated and means nothing.</p></footer>\n</body>\n</html>\n`
  );
}

/** The HTML of page `index` as text; see renderPage. */
export function generatePage(index: number, opts: SiteOptions): string {
  return renderPage(index, opts).toString('utf8');
}

/**
 * The HTML of page `index`, encoded, as the server sends it. Deterministic: the same options and
 * index give the same bytes.
 */
export function renderPage(index: number, opts: SiteOptions): Buffer {
  const { pages, pageBytes, seed } = checkSiteOptions(opts);
  if (!Number.isSafeInteger(index) || index < 0 || index >= pages) {
    throw new RangeError(`index must be an integer from 0 to ${pages - 1}, got ${index}`);
  }
  const { text, starts, ends, startCount } = corpusFor(seed);
  const rand = createRandom(seed, index, PURPOSE_PAGE);
  const targetBytes = Math.round(pageBytes * (0.85 + 0.3 * rand()));
  const top = head(seed, index, pages, titleOf(seed, index), rand) + '<p>';
  const bottom = '</p>\n</article>\n' + tail(seed, index, pages, rand);
  // Text is added a paragraph at a time and only if it fits under 1.19x, so no page overshoots.
  const maxBytes = Math.floor(pageBytes * 1.19) - Buffer.byteLength(bottom);
  const wantBytes = targetBytes - Buffer.byteLength(bottom);
  // Written in place rather than concatenated: one allocation, no per-link Buffers. The slack
  // holds a link that is written and then found not to fit.
  const page = Buffer.allocUnsafe(Math.floor(pageBytes * 1.19) + 1_024);
  let pos = page.write(top, 0);

  // One body link per ~2.5 KB of text (about 20 in a 50 KB page), two of them off-site.
  const linkCount = Math.min(100, Math.max(2, Math.round(targetBytes / 2_500)));
  const linkEveryBytes = (wantBytes - pos) / (linkCount + 1);
  const offsiteAt = [Math.floor(linkCount / 3), Math.floor((2 * linkCount) / 3)];
  let linksPlaced = 0;

  // The body is corpus paragraphs first..last; [sliceFrom, sliceTo) is the part not yet copied.
  let last = Math.floor(rand() * startCount);
  let sliceFrom = starts[last] as number;
  let sliceTo = ends[last] as number;
  let sinceLink = sliceTo - sliceFrom;
  while (pos + sliceTo - sliceFrom < wantBytes) {
    if (sinceLink >= linkEveryBytes && linksPlaced < linkCount) {
      // The link ends paragraph `last`, before its </p>.
      pos += text.copy(page, pos, sliceFrom, sliceTo);
      sliceFrom = sliceTo;
      const html = offsiteAt.includes(linksPlaced) ? offsiteCitation(rand) : bodyLink(seed, index, pages, rand);
      const linkBytes = page.write(html, pos);
      if (pos + linkBytes > maxBytes) break;
      pos += linkBytes;
      linksPlaced++;
      sinceLink = 0;
    }
    const nextEnd = ends[last + 1] as number;
    if (pos + nextEnd - sliceFrom > maxBytes) break;
    last++;
    sinceLink += nextEnd - sliceTo;
    sliceTo = nextEnd;
  }
  pos += text.copy(page, pos, sliceFrom, sliceTo);
  pos += page.write(bottom, pos);
  return page.subarray(0, pos);
}

function offsiteCitation(rand: Random): string {
  const host = `offsite-${randomInt(rand, 0, 15)}.invalid`;
  return ` Source: <a href="https://${host}/${VOCABULARY[randomWord(rand)]}/${randomInt(rand, 1, 9999)}">${phrase(rand, 2, 4)}</a>.`;
}

function bodyLink(seed: number, index: number, pages: number, rand: Random): string {
  const to = Math.floor(rand() * pages);
  // Some links carry a fragment, as "jump to section" links do; a crawler must drop it, not fetch the page twice.
  const label = rand() < 0.15 ? undefined : phrase(rand, 2, 5);
  const link = pageLink(seed, index, to, label);
  return rand() < 0.1 ? ` More in ${link.replace('">', '#related">')}.` : ` See also ${link}.`;
}
