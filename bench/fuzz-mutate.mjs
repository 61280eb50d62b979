// The mutations bench/fuzz-21.mjs and bench/fuzz-22.mjs share: a seeded generator (mulberry32),
// hostile tokens and nestings, and one mutation of an input. One copy, so a new mutation reaches
// both fuzzers and a replayed seed gives the same inputs in each; also their options and loader.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** A compiled module of the project (run `npm run build` first). */
export const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);

/** The options both fuzzers take; `round` names the default seed and findings folder. */
export function fuzzOptions(round, argv = process.argv.slice(2)) {
  const opt = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i === -1 ? dflt : argv[i + 1];
  };
  return {
    SEED: Number(opt('seed', round)),
    ITERATIONS: Number(opt('iterations', 1500)),
    SECONDS: Number(opt('seconds', 60)),
    SLOW_MS: Number(opt('slow-ms', 200)),
    ONLY: opt('only', '') ? new Set(opt('only', '').split(',')) : null,
    OUT: opt('out', join(tmpdir(), `fuzz-${round}-findings`)),
  };
}
// Deterministic randomness (mulberry32).
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const B = (s) => Buffer.from(s, 'utf8');
export const TOKENS = ['<', '>', '</', '/>', '"', "'", '=', '&', '&amp;', '&#x', ';', '<!--', '-->', '<![CDATA[', ']]>', '\r\n', '\n', '\r', '\t', ' ',
  '%', '%2F', '%00', '\\', '//', '..', '/./', '?', '#', '*', '$', ':', '@', '[', ']', '{', '}', '-', '- ', ': ', 'http://', 'https://',
  '\u0000', '\uFEFF', '\u00e9', '\u{1F600}', '\uD800', 'xn--', '<a href="', '<base href="', '<meta http-equiv="refresh" content="',
  '<meta charset="', '<link rel="canonical" href="', '<script>', '</script>', '<style>', '<template>', '<svg>', '<math>', '<table>',
  '<item>', '<entry>', '<link>', '<loc>', '</loc>', '<url>', 'Disallow: /', 'Allow: ', 'User-agent: *', 'Sitemap: ', 'Crawl-delay: ',
  'Content-Length: ', 'Transfer-Encoding: chunked', 'HTTP/1.1 200 OK', 'HTTP/1.1 100 Continue\r\n\r\n', ';', ',', '0\r\n\r\n', 'ffffffff'];
export const NEST = ['<div>', '<a href="/n">', '<b>', '<table>', '<p><i>', '<select>', '<svg><g>', '<item><link>', '<url><loc>', '[', '{"a":', '- ', '<!--', '<![CDATA['];

/** One mutation of `input` (a Buffer); `others` are the target's seeds, for splices. */
export function mutate(r, input, others) {
  const pick = (n) => Math.floor(r() * n);
  const at = () => pick(input.length + 1);
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => pick(256)));
  switch (pick(12)) {
    case 0: { // byte flips
      const out = Buffer.from(input);
      for (let i = 1 + pick(8); i > 0 && out.length > 0; i--) out[pick(out.length)] ^= 1 << pick(8);
      return out;
    }
    case 1: { // random bytes in
      const i = at();
      return Buffer.concat([input.subarray(0, i), bytes(1 + pick(16)), input.subarray(i)]);
    }
    case 2: { // a range out
      const i = at();
      return Buffer.concat([input.subarray(0, i), input.subarray(i + 1 + pick(64))]);
    }
    case 3: { // splice with another seed
      const o = others[pick(others.length)];
      const i = at();
      const j = pick(o.length + 1);
      return Buffer.concat([input.subarray(0, i), o.subarray(j, j + pick(4096))]);
    }
    case 4: { // a chunk repeated
      const i = pick(input.length);
      const chunk = input.length === 0 ? B(TOKENS[pick(TOKENS.length)]) : input.subarray(i, i + 1 + pick(32));
      const times = [10, 100, 1000, 5000, 20000][pick(5)];
      return Buffer.concat([input.subarray(0, i), Buffer.alloc(chunk.length * times, chunk), input.subarray(i)]);
    }
    case 5: { // deep nesting
      const open = NEST[pick(NEST.length)];
      const i = at();
      return Buffer.concat([input.subarray(0, i), B(open.repeat([50, 500, 5000, 20000][pick(4)])), input.subarray(i)]);
    }
    case 6: { // a huge attribute or value
      const i = at();
      const n = [1000, 70_000, 300_000][pick(3)];
      const fill = ['x', ' ', '%', '&', '/', 'é', '\\'][pick(7)];
      const wrap = [['<a href="', '">t</a>'], ['<img title="', '">'], ['<link>', '</link>'], ['<loc>http://a.example/', '</loc>'], ['Disallow: /', '\n'], ['X-Long: ', '\r\n'], ['url: "', '"\n'], ['', '']][pick(8)];
      return Buffer.concat([input.subarray(0, i), B(wrap[0] + fill.repeat(n) + wrap[1]), input.subarray(i)]);
    }
    case 7: { // odd encodings
      const s = input.toString('utf8');
      switch (pick(6)) {
        case 0: return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
        case 1: return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]);
        case 2: return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]);
        case 3: return Buffer.from(s, 'latin1');
        case 4: { const i = at(); return Buffer.concat([input.subarray(0, i), Buffer.from([[0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x00]][pick(6)]), input.subarray(i)]); }
        default: { const i = at(); return Buffer.concat([input.subarray(0, i), B(['charset=utf-16', 'charset=x-user-defined', 'charset=iso-2022-jp', 'charset=shift_jis', 'charset=bogus', 'charset="', 'encoding="utf-32"'][pick(7)]), input.subarray(i)]); }
      }
    }
    case 8: // truncation
      return input.subarray(0, at());
    case 9: { // a token in
      const i = at();
      return Buffer.concat([input.subarray(0, i), B(TOKENS[pick(TOKENS.length)]), input.subarray(i)]);
    }
    case 10: { // a token repeated
      const t = TOKENS[pick(TOKENS.length)];
      const i = at();
      return Buffer.concat([input.subarray(0, i), B(t.repeat([100, 2000, 20000][pick(3)])), input.subarray(i)]);
    }
    default: { // two mutations
      return mutate(r, mutate(r, input, others), others);
    }
  }
}
