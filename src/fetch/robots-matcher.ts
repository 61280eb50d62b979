/**
 * Allow/Disallow matching for one parsed robots.txt and one user-agent, with robots-parser's
 * verdicts at a bounded cost.
 *
 * robots-parser's isAllowed() tries every rule of the group on every URL, each with a matcher
 * that allocates an array of path length and costs O(pattern x path) with wildcards: 10,000 rules
 * like `Disallow: /*a*b*c*d*e*N*$` cost 10-250 ms per URL on the main thread. Here the group's
 * rules are indexed once by their literal prefix (the pattern up to its first `*`, or its final
 * `$`), so a URL only tries the rules whose literal prefix starts its path:
 * - a rule without `*` is decided by that prefix alone (or by the path's length, with `$`);
 * - a rule with `*` matches its `*`-separated literals greedily left to right (the leftmost
 *   occurrence of each is never worse, as `*` matches any run), the last one at the path's end
 *   when the pattern ends in `$`. Each literal is interned, and within one check a literal's last
 *   search is reused while it still answers (a later start before the found occurrence, or none
 *   found), and a literal with a character the path lacks is never searched: the same literals
 *   repeated over thousands of rules cost one search each, not one per rule.
 * Rules are tried longest first and stop once no remaining one could change the verdict.
 *
 * Semantics are robots-parser 3.0.1's, checked against its isAllowed() by a property test: the
 * longest matching pattern wins (its length as normalized, `*` and `$` included), Allow wins a
 * tie, `$` is an anchor only as the last character, no match means allowed, and a URL of another
 * origin is not ours to judge (undefined). One difference, on purpose: rules and URLs are both
 * compared in robots-path.ts's form, where robots-parser only uppercases escapes, so a rule
 * escaping an unreserved character (`/%7Ejoe/`) matches as RFC 9309 2.2.2 says it must, and a
 * rule's `%2A` or `%24` matches a URL's literal `*` or `$` (2.2.3). Paths reach the index with
 * no `*` or `$` of their own, so those stay the rules' wildcard and anchor alone.
 */
import { normalizeRobotsPattern, normalizeRobotsUrlPath } from './robots-path.js';

/** A rule as robots-parser keeps it: `pattern` has been through encodeURI, escapes uppercased. */
export interface RobotsRule {
  pattern: string;
  allow: boolean;
}

export interface RobotsMatcher {
  /** As robots-parser's isAllowed(url, userAgent): undefined for a URL of another origin. */
  isAllowed(url: string): boolean | undefined;
}

/** What readGroup() needs of a parsed robots-parser object. */
interface ParsedRobots {
  isAllowed(url: string, ua?: string): boolean | undefined;
}

/**
 * The robots-parser keys (user-agent lines, lowercased, cut at a "/") of our groups: those whose
 * name is productToken(userAgent), else those of `*`. A line is read as Google's robots.txt
 * parser (the reference RFC 9309 grew from) reads it: its name is its leading letters, `_` and
 * `-`, so `User-agent: crawlite bot`, `crawlite*` and `Crawlite/1.0` are all crawlite's group
 * (robots-parser keeps them apart, as groups nobody is), and `* bots` is `*`. Every matching
 * group counts, combined (RFC 9309 2.2.1).
 */
function groupKeys(byAgent: Record<string, unknown>, userAgent: string): string[] {
  const ours = productToken(userAgent);
  const keys = Object.keys(byAgent);
  const named = keys.filter((key) => key === ours || LEADING_NAME.exec(key)![0] === ours);
  return named.length > 0 ? named : keys.filter((key) => key === '*' || /^\*\s/.test(key));
}

/** robots-parser's private `_rules` (user-agent -> array of {pattern, allow}), or null. */
function rulesByAgent(robot: unknown): Record<string, unknown> | null {
  const rules = (robot as { _rules?: unknown } | null)?._rules;
  return typeof rules === 'object' && rules !== null ? rules as Record<string, unknown> : null;
}

/**
 * The rules of our groups (groupKeys()), combined; null when the parsed object is not shaped as
 * robots-parser 3.0.1 builds it.
 *
 * robots-parser has no public way to read a group, so this reads its private `_rules` (an object
 * of user-agent -> array of {pattern, allow}). That is less fragile than parsing robots.txt a
 * second time ourselves (its parser and its RFC 9309 quirks stay the only ones), and every field
 * read is checked here: on any other shape the caller falls back to robots-parser's own
 * isAllowed() (slow, blind to escaped unreserved characters and to a URL's literal `*` and `$`,
 * and to a group named `crawlite bot`), and robots-matcher.test.ts fails loudly.
 */
export function readGroup(robot: unknown, userAgent: string): RobotsRule[] | null {
  const byAgent = rulesByAgent(robot);
  if (byAgent === null) return null;
  const combined: RobotsRule[] = [];
  for (const key of groupKeys(byAgent, userAgent)) {
    const group = byAgent[key];
    if (!Array.isArray(group)) return null;
    for (const rule of group as unknown[]) {
      const r = rule as Partial<RobotsRule> | null;
      if (typeof r?.pattern !== 'string' || typeof r.allow !== 'boolean') return null;
      combined.push(r as RobotsRule);
    }
  }
  return combined;
}

/**
 * The Crawl-delay (seconds) of our groups, the first one that gives one, as robots-parser keeps
 * it (a `crawlDelay` on the group's array); robots-parser's own getCrawlDelay() when its object
 * is shaped otherwise.
 */
export function readCrawlDelay(robot: { getCrawlDelay(ua?: string): number | undefined }, userAgent: string): number | undefined {
  const byAgent = rulesByAgent(robot);
  if (byAgent === null) return robot.getCrawlDelay(productToken(userAgent));
  for (const key of groupKeys(byAgent, userAgent)) {
    const delay = (byAgent[key] as { crawlDelay?: unknown } | undefined)?.crawlDelay;
    if (typeof delay === 'number') return delay;
  }
  return undefined;
}

/**
 * A matcher for `robot` (robots-parser's object parsed from `robotsUrl`) and `userAgent`. Only the
 * group's rules are kept, so the rest of the parsed file can be dropped.
 */
export function createRobotsMatcher(robot: ParsedRobots, robotsUrl: string, userAgent: string): RobotsMatcher {
  const rules = readGroup(robot, userAgent);
  const origin = parseUrl(robotsUrl);
  // robots-parser's own name cut would pick another group than ours (productToken()), so it gets ours.
  if (rules === null || origin === null) return { isAllowed: (url) => robot.isAllowed(url, productToken(userAgent)) };
  const match = createRulesMatcher(rules.map((r) => ({ pattern: normalizeRobotsPattern(r.pattern), allow: r.allow })));
  // A group with no Disallow (`Allow: /`, or no rules at all for us, as on many sites) allows
  // every path, so a URL of the file's own origin needs no parse: one that starts with the
  // origin's serialization and a '/' parses to that scheme, host and port (the authority ends at
  // that '/', and its text is already as the parser writes it). Parsing it was ~13 µs a check
  // (the port setter re-parses the URL), once or twice per page on the main thread. Any other
  // URL takes the full check, which also answers undefined for other origins.
  const allowsEveryPath = rules.every((r) => r.allow);
  const originPrefix = `${origin.protocol}//${origin.host}/`;
  return {
    isAllowed(url) {
      if (allowsEveryPath && url.startsWith(originPrefix)) return true;
      const parsed = parseUrl(url);
      // robots-parser's own check: this robots.txt speaks for its own scheme, host and port only.
      if (parsed === null || parsed.protocol !== origin.protocol || parsed.hostname !== origin.hostname || parsed.port !== origin.port) {
        return undefined;
      }
      return match(normalizeRobotsUrlPath(parsed.pathname + parsed.search));
    },
  };
}

/** The literals of a pattern with `*` after its literal prefix. */
interface WildcardRule {
  length: number;
  allow: boolean;
  /** The literal after the last `*` ('' when the pattern ends in `*`). */
  last: string;
  lastId: number;
  isAnchored: boolean;
}

/** The rules sharing one literal prefix. */
interface Bucket {
  /** Length of the longest plain rule (the prefix itself; 0 when none) and whether one is Allow. */
  plainLength: number;
  plainAllow: boolean;
  /** Plain rules ending in `$`: the prefix must be the whole path. */
  exactLength: number;
  exactAllow: boolean;
  /** The wildcard rules, by their middle literals. */
  root: LiteralNode;
}

/**
 * Rules sharing their first middle literals share the search for them: 10,000 rules
 * `/*a*b*c*d*e*N*$` are one chain a, b, c, d, e, then 10,000 leaves, and a path without a `b`
 * stops at the second node.
 */
interface LiteralNode {
  /** The literal this node searches for (-1 at a bucket's root). */
  id: number;
  children: Map<number, LiteralNode>;
  /** Rules whose middle literals end here, longest first. */
  rules: WildcardRule[];
  /** The longest pattern here or below, for pruning. */
  maxLength: number;
}

const createNode = (id: number): LiteralNode => ({ id, children: new Map(), rules: [], maxLength: 0 });

/**
 * The verdict for a path by `rules` as robots-parser's findRule() would give it, path and patterns
 * alike in one normalized form (createRobotsMatcher gives robots-path.ts's).
 */
export function createRulesMatcher(rules: readonly RobotsRule[]): (path: string) => boolean {
  const buckets = new Map<string, Bucket>();
  const literals: string[] = [];
  const literalIds = new Map<string, number>();
  const intern = (literal: string): number => {
    let id = literalIds.get(literal);
    if (id === undefined) {
      id = literals.length;
      literals.push(literal);
      literalIds.set(literal, id);
    }
    return id;
  };
  // One entry per pattern: a repeated pattern changes nothing but the tie, where Allow wins anyway.
  const allowOf = new Map<string, boolean>();
  for (const r of rules) allowOf.set(r.pattern, (allowOf.get(r.pattern) ?? false) || r.allow);

  for (const [pattern, allow] of allowOf) {
    const isAnchored = pattern.endsWith('$');
    const body = isAnchored ? pattern.slice(0, -1) : pattern;
    const parts = body.split('*');
    const prefix = parts[0]!;
    let bucket = buckets.get(prefix);
    if (!bucket) {
      bucket = { plainLength: 0, plainAllow: false, exactLength: 0, exactAllow: false, root: createNode(-1) };
      buckets.set(prefix, bucket);
    }
    if (parts.length === 1) {
      if (isAnchored) {
        bucket.exactLength = pattern.length;
        bucket.exactAllow ||= allow;
      } else {
        bucket.plainLength = pattern.length;
        bucket.plainAllow ||= allow;
      }
      continue;
    }
    const last = parts[parts.length - 1]!;
    const middle = parts.slice(1, -1).filter((p) => p !== '').map(intern);
    let node = bucket.root;
    node.maxLength = Math.max(node.maxLength, pattern.length);
    for (const id of middle) {
      let child = node.children.get(id);
      if (!child) node.children.set(id, (child = createNode(id)));
      node = child;
      node.maxLength = Math.max(node.maxLength, pattern.length);
    }
    node.rules.push({ length: pattern.length, allow, last, lastId: intern(last), isAnchored });
  }
  for (const b of buckets.values()) sortRules(b.root);
  const prefixLengths = [...new Set([...buckets.keys()].map((k) => k.length))].sort((x, y) => x - y);
  const literalMasks = literals.map(charMask);

  // Per-check memo of literal searches, valid while memoCheck[id] === check.
  const memoCheck = new Uint32Array(literals.length);
  const memoFrom = new Int32Array(literals.length);
  const memoAt = new Int32Array(literals.length);
  let check = 0;

  return (path) => {
    check = (check + 1) >>> 0;
    if (check === 0) {
      memoCheck.fill(0); // wrapped after 2^32 checks: stale entries must not look current
      check = 1;
    }
    let pathMask: Uint32Array | null = null;
    /** The leftmost index >= from where literal `id` occurs in path, or -1. */
    const find = (id: number, from: number): number => {
      if (memoCheck[id] === check && memoFrom[id]! <= from && (memoAt[id] === -1 || from <= memoAt[id]!)) return memoAt[id]!;
      pathMask ??= charMask(path);
      const mask = literalMasks[id]!;
      // A literal with a character the path lacks (or not ASCII: paths are percent-encoded) cannot occur.
      const at = (mask[0]! & ~pathMask[0]!) | (mask[1]! & ~pathMask[1]!) | (mask[2]! & ~pathMask[2]!) | (mask[3]! & ~pathMask[3]!) | (mask[4]! & ~pathMask[4]!)
        ? -1
        : path.indexOf(literals[id]!, from);
      memoCheck[id] = check;
      memoFrom[id] = from;
      memoAt[id] = at;
      return at;
    };

    let bestLength = 0;
    let bestAllow = true; // no matching rule: allowed
    const consider = (length: number, allow: boolean) => {
      if (length > bestLength || (length === bestLength && allow)) {
        if (length > bestLength) bestAllow = allow;
        else bestAllow ||= allow;
        bestLength = length;
      }
    };
    const matched: Array<[Bucket, number]> = [];
    for (const n of prefixLengths) {
      if (n > path.length) break;
      const bucket = buckets.get(n === path.length ? path : path.slice(0, n));
      if (!bucket) continue;
      matched.push([bucket, n]);
      if (bucket.plainLength > 0) consider(bucket.plainLength, bucket.plainAllow);
      if (bucket.exactLength > 0 && n === path.length) consider(bucket.exactLength, bucket.exactAllow);
    }
    // A node is reached at the position after the leftmost matches of its literals (greedy), on
    // an explicit stack: one rule may hold many thousands of `*`.
    const stack: Array<[LiteralNode, number]> = matched.map(([bucket, start]) => [bucket.root, start]);
    for (let top = stack.pop(); top; top = stack.pop()) {
      const [node, pos] = top;
      // A shorter pattern, or an equal one against an Allow, changes nothing.
      if (node.maxLength < bestLength || (node.maxLength === bestLength && bestAllow)) continue;
      for (const rule of node.rules) {
        if (rule.length < bestLength || (rule.length === bestLength && bestAllow)) break;
        if (rule.length === bestLength && !rule.allow) continue;
        const isMatch = rule.isAnchored
          ? path.length - rule.last.length >= pos && path.endsWith(rule.last)
          : rule.last === '' || find(rule.lastId, pos) !== -1;
        if (isMatch) consider(rule.length, rule.allow);
      }
      for (const child of node.children.values()) {
        if (child.maxLength < bestLength || (child.maxLength === bestLength && bestAllow)) continue;
        const at = find(child.id, pos);
        if (at !== -1) stack.push([child, at + literals[child.id]!.length]);
      }
    }
    return bestAllow;
  };
}

function sortRules(root: LiteralNode): void {
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    node.rules.sort((x, y) => y.length - x.length);
    for (const child of node.children.values()) stack.push(child); // no spread: 10^5 children overflow it
  }
}

/** The ASCII characters of `s` as a 128-bit set; word 4 flags any other character. */
function charMask(s: string): Uint32Array {
  const mask = new Uint32Array(5);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) mask[c >>> 5]! |= 1 << (c & 31);
    else mask[4] = 1;
  }
  return mask;
}

// robots-parser 3.0.1's own parseUrl (Robots.js), restated because it does not export it; the
// property test holds it to it.
function parseUrl(url: string): URL | null {
  try {
    const parsed = new URL(url, 'http://robots-relative.samclarke.com/');
    if (!parsed.port) parsed.port = parsed.protocol === 'https:' ? '443' : '80';
    return parsed;
  } catch {
    return null;
  }
}

const COMPATIBLE = /compatible;\s*([A-Za-z_-]*)/i;
const LEADING_NAME = /^[A-Za-z_-]*/;

/**
 * The name a User-Agent answers to, lowercased: the crawler's name, which RFC 9309 2.2.1 makes
 * letters, underscores and hyphens only. It picks our robots.txt group (readGroup(), and
 * robots.ts hands it to robots-parser for Crawl-delay), and X-Robots-Tag prefixes and
 * `<meta name>` are matched against it (crawl.ts), so one name rules all.
 *
 * robots-parser's formatUserAgent cuts at the first "/", which gives `acmebot 1.0` for
 * "AcmeBot 1.0" and `mozilla` for the common "Mozilla/5.0 (compatible; AcmeBot/1.0; +url)".
 * So: the name after `compatible;` when there is one (that form's crawler), else the leading
 * run of name characters ("AcmeBot/1.0 (+url)" is `acmebot`, a browser-like UA `mozilla`). A UA
 * with no leading name ("123bot/1.0") keeps robots-parser's cut, and one that leaves even that
 * empty ("/1.0") is crawlite: an empty name would pick robots-parser's `*` for Crawl-delay
 * while readGroup() looked up a group named "".
 */
export function productToken(userAgent: string): string {
  const ua = userAgent.trimStart();
  const name = COMPATIBLE.exec(ua)?.[1] || LEADING_NAME.exec(ua)![0];
  if (name !== '') return name.toLowerCase();
  const lower = ua.toLowerCase();
  const slash = lower.indexOf('/');
  return (slash > -1 ? lower.slice(0, slash) : lower).trim() || 'crawlite';
}
