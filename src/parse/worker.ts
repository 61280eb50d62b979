/**
 * The piscina worker entry: one task in, one plain-data outcome out. The compressed frame goes
 * back as a transfer, not a copy (parsePage makes sure it owns its ArrayBuffer), and the links
 * as columns (link-columns.ts), which pool.ts turns back into objects.
 */
import { Piscina } from 'piscina';
import type { ParseTask, WireParseOutcome } from '../types.js';
import { packLinks } from './link-columns.js';
import { parsePage } from './parse-page.js';
import { repeatKeyOf } from '../frontier/repeat-runs.js';

type Movable = Parameters<typeof Piscina.move>[0];

export default function parseTask(task: ParseTask): WireParseOutcome | Movable {
  const parsed = parsePage(task);
  if (!parsed.ok) return parsed;
  // Beside parsePage, whose output the parse golden holds: the body is here, not on the crawl's thread.
  const repeatKey = task.isHtml && task.shouldKeyRepeat ? repeatKeyOf(task.url, task.body) : null;
  const outcome: WireParseOutcome = { ...parsed, links: packLinks(parsed.links), ...(repeatKey ? { repeatKey } : {}) };
  // piscina only moves a top-level Transferable; this wrapper names the buffer to move.
  return Piscina.move({
    [Piscina.transferableSymbol]: [outcome.content.buffer],
    [Piscina.valueSymbol]: outcome,
  } as unknown as Movable);
}
