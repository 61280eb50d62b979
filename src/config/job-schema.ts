/**
 * The job file's schema (config/<job>.yaml or .json), in zod: the validation and the JobFile type
 * come from this one place. Keys and units are those of CrawlConfig (config/schema.ts), so a key in
 * the file is the option of the same name (`db` is CrawlConfig.dbPath, `fields` is parse.fields);
 * every key is optional here, and what a file leaves out comes from the defaults, what a flag gives
 * overrides it (config/load-job.ts).
 *
 * Adding an option is one line in its slice below (a new slice: one `slice(...)` and one line in
 * jobFileSchema); the type checks at the end of this file fail the build while CrawlConfig has an
 * option the file cannot set.
 *
 * Every schema carries its own "expected ..." message, which job-file.ts prints after the key
 * path: `config/x.yaml: scope.mode: expected one of host, domain, prefix, any`.
 */
import { z } from 'zod';
import type { CrawlConfig, PolitenessConfig, TrapConfig } from './schema.js';
import type { FieldSpec } from '../types.js';
import { parseDbSize } from './db-size.js';
import { byteSize } from './load.js';
import { seedPortProblem, seedUrlProblem } from './seed-url.js';
import { patternProblem } from '../frontier/url-patterns.js';
import { isValidSelector } from '../parse/extract-fields.js';
import { HEADER_VALUE_EXPECTED, isHeaderValue } from './header-value.js';
import { headerProblem } from './request-headers.js';
import { jobProxyProblem } from './proxy.js';
import { endsAsFolder } from '../folder-form.js';

function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  const error = max === Number.MAX_SAFE_INTEGER ? `expected a whole number >= ${min}` : `expected a whole number from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A --max-* bound; absent for none. */
function limit(min: number) {
  const error = `expected a whole number >= ${min} (leave the key out for no limit)`;
  return z.int({ error }).min(min, { error }).optional();
}

const text = (what = 'a string') => z.string({ error: `expected ${what}` });
const nonEmpty = (what: string) => text(what).trim().min(1, { error: `expected ${what}` });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` });
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `expected a list of ${what}` });

const httpUrl = nonEmpty('an absolute http:// or https:// URL').superRefine((s, ctx) => {
  const problem = seedUrlProblem(s);
  if (problem === null) return;
  ctx.addIssue({
    code: 'custom',
    message: problem === 'space'
      ? 'expected one URL per item with no space inside, not two URLs or a URL and a comment (write a space in a URL as %20)'
      : seedPortProblem(s) !== null ? 'expected a port from 1 to 65535' : 'expected an absolute http:// or https:// URL',
  });
});

const regex = text('a regular expression').superRefine((s, ctx) => {
  if (s === '') {
    // It matches every URL: an include of it admits everything, an exclude refuses every seed.
    ctx.addIssue({ code: 'custom', message: 'expected a regular expression, not an empty one, which matches every URL (an empty list is none)' });
    return;
  }
  const problem = patternProblem(s);
  if (problem === null) return;
  // A syntax error says "expected a valid regular expression" (the value follows); a pattern of
  // unbounded cost says why it is refused.
  ctx.addIssue({ code: 'custom', message: problem.kind === 'syntax' ? 'expected a valid regular expression' : problem.message });
});

/** A size written as a number of bytes or with a unit (10MB), checked by the flag's own parser. */
function size(parse: (value: unknown) => number | null, expected: string) {
  return z.union([z.number(), z.string()], { error: `expected ${expected}` }).transform((v, ctx) => {
    try {
      return parse(v) as number;
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected ${expected}` });
      return z.NEVER;
    }
  });
}

const bytes = size((v) => byteSize('', v), 'a size from 1KB to 2GB, e.g. 10MB');

/** Field names become export columns (`field.<name>`), so they are kept to identifier characters. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;

const selector = nonEmpty('a CSS selector').refine(isValidSelector, { error: 'expected a valid CSS selector' });

/** `price: ".price"` is shorthand for `price: { selector: ".price" }`; errors then name `.selector`. */
const fieldSpec = z
  .preprocess(
    (v) => (typeof v === 'string' ? { selector: v } : v),
    z.strictObject(
      { selector, attr: nonEmpty('an attribute name').optional(), many: z.boolean({ error: 'expected true or false' }).optional() },
      { error: 'expected a CSS selector, or { selector, attr?, many? }' },
    ),
  )
  .transform((v): FieldSpec => ({ selector: v.selector, attr: v.attr ?? null, many: v.many ?? false }));

const fields = z.record(
  z.string().regex(FIELD_NAME, { error: 'expected field names of letters, digits, _ and - (starting with a letter or _)' }),
  fieldSpec,
  { error: 'expected a mapping of field names to CSS selectors' },
);

/** A mapping of options whose wrong-type message lists its keys. */
function slice<T extends z.ZodRawShape>(name: string, shape: T) {
  return z.strictObject(shape, { error: `expected a mapping of ${name} options (${Object.keys(shape).join(', ')})` });
}

const scope = slice('scope', {
  mode: oneOf(['host', 'domain', 'prefix', 'any']),
  include: list(regex, 'regular expressions'),
  exclude: list(regex, 'regular expressions'),
  followNofollow: z.boolean({ error: 'expected true or false' }),
});

const politeness = slice('fetch.politeness', {
  delayMs: int(0, 3_600_000),
  maxCrawlDelayMs: int(0, 3_600_000),
  retries: int(0, 20),
  retryBaseMs: int(0, 3_600_000),
  retryMaxDelayMs: int(0, 3_600_000),
  retryAfterMaxMs: int(0, 86_400_000),
  ignoreRobots: z.boolean({ error: 'expected true or false' }),
  robotsMaxBytes: int(1024, 100 * 1024 * 1024),
  robotsTtlMs: int(0, 7 * 86_400_000),
});

const traps = slice('traps', {
  maxUrlLength: int(16, 1_000_000),
  maxPathDepth: int(1, 10_000),
  maxRepeatedSegment: int(1, 10_000),
  maxQueriesPerPath: int(1, 1_000_000),
  maxRepeatRun: int(0, 1_000_000),
});

/** A `__proto__` key the YAML or JSON reader kept as the mapping's own, which z.record drops without a word. */
const PROTO_HEADER = z.unknown().superRefine((v, ctx) => {
  if (typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__')) return;
  ctx.addIssue({ code: 'custom', message: headerProblem('__proto__', '')!, input: undefined });
});

/** Request headers as a mapping; checked as --header is, and a name given twice (any case) is refused. */
const headers = PROTO_HEADER.pipe(z
  .record(z.string(), text('a header value (a string)'), { error: 'expected a mapping of header names to values, e.g. Authorization: "Bearer ..."' })
  .superRefine((map, ctx) => {
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(map)) {
      const problem = headerProblem(name, value.trim()) ?? (seen.has(name.toLowerCase()) ? `header '${name}' is given twice` : null);
      seen.add(name.toLowerCase());
      if (problem !== null) {
        // No input: the issue is about one header, and "got a mapping" (the whole map) only confused it (QA).
        ctx.addIssue({ code: 'custom', message: problem, input: undefined });
        return;
      }
    }
  })
  .transform((map) => Object.fromEntries(Object.entries(map).map(([name, value]) => [name, value.trim()]))));

const fetch = slice('fetch', {
  concurrency: int(1, 1024),
  perHost: int(1, 1024),
  userAgent: nonEmpty('a User-Agent string').refine(isHeaderValue, { error: `expected a User-Agent of ${HEADER_VALUE_EXPECTED}` }),
  timeoutMs: int(1, 3_600_000),
  maxBodyBytes: bytes,
  maxRedirects: int(0, 100),
  keepAliveMs: int(0, 600_000),
  headers,
  insecure: z.boolean({ error: 'expected true or false' }),
  // A path, relative to the current directory as `db` is; its certificates are read at load (config/ca-file.ts).
  caFile: nonEmpty('a file path (PEM certificates)'),
  // A proxy URL, or false for none (not even the environment's); resolved by mergeJob. Checked
  // here, so a bad one is reported like any other key, with the file's name; the value shown
  // has its credentials hidden (zod would show the input as given).
  proxy: z.union([z.string().trim().min(1), z.literal(false)], { error: 'expected a proxy URL such as http://proxy.example:3128, or false for none' })
    .superRefine((value, ctx) => {
      const problem = value === false ? null : jobProxyProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem.message, input: problem.shown });
    }),
  cookies: z.boolean({ error: 'expected true or false' }),
  politeness: politeness.partial(),
});

const parse = slice('parse', {
  workers: int(0, 64),
  maxLinksPerPage: int(0, 1_000_000),
  taskTimeoutMs: int(1, 3_600_000),
  storeNonHtml: z.boolean({ error: 'expected true or false' }),
});

const dbBytes = size((v) => parseDbSize('', v), 'a size from 256KB to 16TB, e.g. 500MB or 2GB');

const store = slice('store', {
  batchSize: int(1, 100_000),
  flushIntervalMs: int(1, 60_000),
  /** Stop cleanly when the database reaches this size (SQLite max_page_count); as --max-db-size. */
  maxDbBytes: dbBytes,
});

export const jobFileSchema = z.strictObject(
  {
    /** Names the job in the runs table; the file's name without extension when absent. */
    name: nonEmpty('a job name').optional(),
    seeds: list(httpUrl, 'absolute http(s) URLs').min(1, { error: 'expected at least one seed URL' }).optional(),
    // SQLite's ":memory:" would be a database lost at exit; refused here, the line naming the file and key rather than --db.
    // As --db (config/load.ts checkDbPath): "-" and a path ending in / are no database file.
    db: nonEmpty('a file path')
      .refine((s) => s !== ':memory:', { error: 'expected a file path, not SQLite\'s :memory:, which would lose the crawl at exit (./:memory: for a file of that name)' })
      .refine((s) => s !== '-', { error: 'expected a file path: a database cannot be stdin or stdout (./- for a file named -)' })
      .refine((s) => !endsAsFolder(s), { error: 'expected a file path such as data/crawl.db, not one ending in / (a folder)' })
      .optional(),
    // No null: `maxPages:` with its value forgotten reads as null in YAML, and silently meant no
    // limit. Leaving the key out is how a file says that.
    maxPages: limit(1),
    maxDepth: limit(0),
    // As --max-time, in milliseconds: from 1 s to 30 days.
    maxTimeMs: z.int({ error: 'expected milliseconds from 1000 to 2592000000 (leave the key out for no limit)' })
      .min(1000, { error: 'expected milliseconds from 1000 to 2592000000 (leave the key out for no limit)' })
      .max(2_592_000_000, { error: 'expected milliseconds from 1000 to 2592000000 (leave the key out for no limit)' }).optional(),
    scope: scope.partial().optional(),
    fetch: fetch.partial().optional(),
    parse: parse.partial().optional(),
    store: store.partial().optional(),
    traps: traps.partial().optional(),
    /** Fetch the stored pages again, conditionally; as --recrawl. */
    recrawl: z.boolean({ error: 'expected true or false' }).optional(),
    /** Queue the URLs that failed in earlier runs again; as --retry-failed. */
    retryFailed: z.boolean({ error: 'expected true or false' }).optional(),
    /** Also seed from the seeds' sitemaps; as --sitemaps. */
    sitemaps: z.boolean({ error: 'expected true or false' }).optional(),
    /** Keep compressed bodies as received, for byte-exact WARC; as --archive. */
    archive: z.boolean({ error: 'expected true or false' }).optional(),
    /** Named CSS selectors evaluated on every HTML page; stored per page as JSON (pages.fields). */
    fields: fields.optional(),
  },
  { error: 'expected a mapping of job options (seeds, scope, fetch, ...)' },
);

export type JobFile = z.infer<typeof jobFileSchema>;

/** The keys known at a path ('' for the top level), for the "unknown key" message. */
export function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path[0] === 'fields') return ['selector', 'attr', 'many'];
  // Walked to the end: fetch.politeness' keys were once answered with fetch's (QA).
  let node: unknown = jobFileSchema;
  for (const key of path) {
    node = unwrapOptional(node);
    if (!(node instanceof z.ZodObject)) return [];
    node = (node.shape as Record<string, unknown>)[String(key)];
  }
  node = unwrapOptional(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrapOptional(node: unknown): unknown {
  while (node instanceof z.ZodOptional) node = node.unwrap();
  return node;
}

/** Every option's full key path (`fetch.politeness.delayMs`), `fields` left out: its keys are the user's. */
export function allKeyPaths(): string[] {
  const paths: string[] = [];
  const walk = (node: unknown, prefix: string): void => {
    node = unwrapOptional(node);
    if (!(node instanceof z.ZodObject)) return;
    for (const [key, child] of Object.entries(node.shape as Record<string, unknown>)) {
      if (prefix === '' && key === 'fields') continue;
      paths.push(`${prefix}${key}`);
      walk(child, `${prefix}${key}.`);
    }
  };
  walk(jobFileSchema, '');
  return paths;
}

// Compile-time guard: every CrawlConfig option is settable in the file, with a compatible type.
// (parse.workerUrl and store.walWarnBytes are test seams; parse.fields is set by the top-level `fields` key.)
type Slice<K extends 'scope' | 'fetch' | 'parse' | 'store'> = Required<NonNullable<JobFile[K]>>;
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
type Assert<T extends true> = T;
export type JobSchemaCoversConfig = [
  Assert<SameKeys<Omit<Required<JobFile>, 'name' | 'db' | 'fields'>, Omit<CrawlConfig, 'dbPath'>>>,
  Assert<SameKeys<Slice<'scope'>, CrawlConfig['scope']>>,
  Assert<SameKeys<Slice<'fetch'>, CrawlConfig['fetch']>>,
  Assert<SameKeys<Required<Slice<'fetch'>['politeness']>, PolitenessConfig>>,
  Assert<SameKeys<Required<NonNullable<JobFile['traps']>>, TrapConfig>>,
  Assert<SameKeys<Slice<'parse'>, Omit<CrawlConfig['parse'], 'workerUrl' | 'fields'>>>,
  Assert<SameKeys<Slice<'store'>, Omit<CrawlConfig['store'], 'walWarnBytes'>>>,
  // fetch.proxy is a URL or false in the file and the resolved settings in the config (mergeJob).
  Assert<Omit<Slice<'fetch'>, 'politeness' | 'proxy'> extends Omit<CrawlConfig['fetch'], 'politeness' | 'proxy'> ? true : false>,
  Assert<Slice<'parse'> extends Omit<CrawlConfig['parse'], 'workerUrl' | 'fields'> ? true : false>,
];
