/**
 * Where earlier runs' seeds redirected to, so that a resumed crawl keeps the scope those
 * redirects widened (frontier/seed-redirects.ts). Derived from the urls table rather than stored
 * on its own: a seed whose page was stored under its final URL is already recorded as
 * state 'redirected' with redirect_to (Writer's #applyPage and recordRedirect), and a run
 * interrupted after that commit and before anything else holds the same rows. A failed seed
 * (its redirect refused, its target unreachable) is 'failed', not 'redirected', and widens nothing.
 */
import type { Db } from './db.js';
import { PAGELESS_RECRAWL_FAILURE } from './recrawl.js';

export interface StoredSeedRedirect {
  seed: string;
  target: string;
}

/** The redirect target of each of `seeds` (normalized) that an earlier run followed to a page. */
export function readSeedRedirects(db: Db, seeds: readonly string[]): StoredSeedRedirect[] {
  // One indexed lookup per seed (urls.url is UNIQUE): a crawl has few seeds but, with
  // --sitemaps, many other depth-0 rows, which are not seeds and widen nothing.
  // Queued or in flight too: a recrawl requeues a redirect with its redirect_to (store/recrawl.ts);
  // and failed when a recrawl could not get an answer from it, which keeps its redirect_to.
  const select = db.prepare(
    `SELECT redirect_to FROM urls WHERE url = ? AND depth = 0 AND redirect_to IS NOT NULL
        AND (state IN ('redirected', 'queued', 'fetching') OR (${PAGELESS_RECRAWL_FAILURE}))`,
  );
  const found: StoredSeedRedirect[] = [];
  for (const seed of seeds) {
    const row = select.get(seed) as { redirect_to: string } | undefined;
    if (row) found.push({ seed, target: row.redirect_to });
  }
  return found;
}
