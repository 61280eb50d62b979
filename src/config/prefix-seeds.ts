/**
 * --scope prefix keeps a crawl under each seed's directory: its path up to the last '/'. A seed
 * written without its trailing slash, `https://example.org/docs`, names the page `docs` in `/`,
 * so the whole site was crawled where the folder was meant, without a word (QA; wget's
 * --no-parent reads such a URL the same way). Kept as it is, and said, with the spelling that
 * keeps to the folder; a last segment with a dot (`/docs/intro.html`) is a page, and says nothing.
 */
import type { ScopeMode } from './schema.js';

const MAX_NAMED = 3;

export function prefixNotices(seeds: readonly string[], mode: ScopeMode): string[] {
  if (mode !== 'prefix') return [];
  const folders = seeds.filter((seed) => {
    const { pathname } = new URL(seed);
    const last = pathname.slice(pathname.lastIndexOf('/') + 1);
    return last !== '' && !last.includes('.');
  });
  const lines = folders.slice(0, MAX_NAMED).map((seed) => {
    const url = new URL(seed);
    const directory = `${url.origin}${url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)}`;
    const folder = `${url.origin}${url.pathname}/${url.search}`;
    return `crawlite: --scope prefix: seed ${seed} is a page in ${directory}, so all of ${directory} is crawled; for the folder, give ${folder}`;
  });
  const more = folders.length - MAX_NAMED;
  if (more > 0) {
    const rest = more === 1 ? 'seed without its trailing slash, crawled' : 'seeds without their trailing slash, each crawled';
    lines.push(`crawlite: --scope prefix: and ${more} more ${rest} from the directory above it`);
  }
  return lines;
}
