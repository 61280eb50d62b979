/**
 * The piscina worker entry: one task in, one plain-data outcome out. The compressed frame goes
 * back as a transfer, not a copy (parsePage makes sure it owns its ArrayBuffer).
 */
import { Piscina } from 'piscina';
import type { ParseOutcome, ParseTask } from '../types.js';
import { parsePage } from './parse-page.js';

type Movable = Parameters<typeof Piscina.move>[0];

export default function parseTask(task: ParseTask): ParseOutcome | Movable {
  const outcome = parsePage(task);
  if (!outcome.ok) return outcome;
  // piscina only moves a top-level Transferable; this wrapper names the buffer to move.
  return Piscina.move({
    [Piscina.transferableSymbol]: [outcome.content.buffer],
    [Piscina.valueSymbol]: outcome,
  } as unknown as Movable);
}
