/**
 * The line of a job file that a schema problem is about, so the one error line can start
 * `job.yaml:12:` as a compiler's does: an editor or terminal jumps to it, and in a long job file
 * (hundreds of patterns, a dozen fields) `scope.exclude[212]` alone meant counting items by hand.
 *
 * Only called once validation has failed, so the second parse costs nothing on a good file. A
 * .json file is read here as YAML, whose 1.2 flow syntax is a superset of JSON's, only for the
 * positions. A key path that leaves the written nodes (a key a merge `<<: *anchor` brought in, a
 * field's `selector` written as the shorthand string) stops at the deepest node that exists.
 */
import { isCollection, isMap, isScalar, LineCounter, parseDocument } from 'yaml';

export function issueLine(source: string, path: readonly PropertyKey[], unknownKey?: string): number | null {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(source, { merge: true, uniqueKeys: false, logLevel: 'silent', lineCounter });
  } catch {
    return null; // positions are a courtesy: the problem is still named by its key path
  }
  if (doc.errors.length > 0) return null;
  let node: unknown = doc.contents;
  for (const key of path) {
    if (!isCollection(node)) break;
    const next: unknown = node.get(typeof key === 'symbol' ? String(key) : key, true);
    if (next === undefined || next === null) break;
    node = next;
  }
  let offset = (node as { range?: [number, number, number] } | null)?.range?.[0];
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === unknownKey);
    const keyOffset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    if (keyOffset !== undefined) offset = keyOffset;
  }
  return offset === undefined ? null : lineCounter.linePos(offset).line;
}
