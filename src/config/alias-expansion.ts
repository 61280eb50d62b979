/**
 * The guard against a YAML alias bomb ("billion laughs": `b: [*a, *a, ...]`, `c: [*b, *b, ...]`),
 * measured as what the aliases cost: the values they add once expanded. yaml's own guard
 * (maxAliasCount, 100) counts alias uses instead, so it refused an honest job of 120 fields
 * each written `{ <<: *base, selector: ... }` as "a resource exhaustion attack" (QA), while the
 * schema check walks every expanded value whatever yaml's count. Bounded itself: the walk stops
 * once past the limit, so a bomb (or an anchor that holds an alias to itself) costs that much.
 */
import { isAlias, isCollection, isPair, visit, type Document } from 'yaml';

/** Values the aliases may add to what is written: far past any job's, far below a slow check. */
export const MAX_ALIAS_VALUES = 100_000;

/** Whether expanding the document's aliases adds more than `limit` values to the written ones. */
export function aliasesExpandPast(doc: Document, limit = MAX_ALIAS_VALUES): boolean {
  // An alias names the last node anchored so before it, in document order (YAML 1.2, 3.2.2.2).
  const targets = new Map<unknown, unknown>();
  const anchored = new Map<string, unknown>();
  let written = 0;
  visit(doc, {
    Node(_, node) {
      written++;
      if (isAlias(node)) targets.set(node, anchored.get(node.source));
      else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  if (targets.size === 0) return false;
  const bound = written + limit;
  let seen = 0;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (++seen > bound) return true;
    if (isAlias(node)) stack.push(targets.get(node));
    else if (isPair(node)) stack.push(node.key, node.value);
    else if (isCollection(node)) stack.push(...node.items);
  }
  return false;
}
