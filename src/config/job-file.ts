/**
 * Reading a job file: YAML or JSON (by extension; YAML 1.2 reads JSON too, with line numbers),
 * validated once against config/job-schema.ts. Whatever is wrong becomes one UsageError line
 * that names the file, the line where it can be told (job-issue-line.ts), the key path and what
 * was expected:
 *
 *   config/x.yaml:14: scope.mode: expected one of host, domain, prefix, any   [CRAWL_CONFIG_INVALID]
 *
 * Only the first problem is reported (with a count of the others): one line, fixed, run again.
 */
import { decodeTextFile, notUtf8Words, readBounded } from './text-file.js';
import { basename, extname } from 'node:path';
import { isAlias, isScalar, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { escapeControls, UsageError } from '../errors.js';
import { jobFileSchema, knownKeys, type JobFile } from './job-schema.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { jobKeyHint } from './job-key-hint.js';
import { issueLine } from './job-issue-line.js';
import { aliasesExpandPast, MAX_ALIAS_VALUES } from './alias-expansion.js';
import { readDurationMs } from './duration.js';

export interface LoadedJob {
  /** The job's `name`, or the file's name without its extension. */
  name: string;
  path: string;
  job: JobFile;
}

/** As a --seeds-file's bound: past it, the file is not a job anyone wrote (/dev/zero, a wrong path). */
const MAX_JOB_FILE_BYTES = 32 * 1024 * 1024;

export function readJobFile(path: string): LoadedJob {
  const raw = readSource(path);
  const data = parseSource(path, raw);
  const result = jobFileSchema.safeParse(data, { reportInput: true });
  if (!result.success) throw invalid(path, describeIssues(result.error.issues), issueLineOf(raw, firstIssue(result.error.issues)));
  const job = result.data;
  return { name: job.name ?? basename(path, extname(path)), path, job };
}

function issueLineOf(source: string, issue: z.core.$ZodIssue | undefined): number | null {
  if (issue === undefined) return null;
  return issueLine(source, issue.path, issue.code === 'unrecognized_keys' ? String(issue.keys[0]) : undefined);
}

/** `line`: the problem's, named as compilers and a --seeds-file's errors name it (`job.yaml:12: ...`). */
function invalid(path: string, what: string, line?: number | null): UsageError {
  return new UsageError('CRAWL_CONFIG_INVALID', `${line == null ? path : `${path}:${line}`}: ${what}`);
}

function readSource(path: string): string {
  const ext = extname(path).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw invalid(path, 'expected a .yaml, .yml or .json job file');
  }
  let bytes: Buffer;
  try {
    bytes = readBounded(path, MAX_JOB_FILE_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'ENOTDIR' ? 'a part of its path is a file, not a folder' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw invalid(path, `cannot read the job file: ${why}`);
  }
  if (bytes.length > MAX_JOB_FILE_BYTES) {
    throw invalid(path, 'the job file is larger than 32 MB; a job file holds options (long URL lists go in a --seeds-file)');
  }
  return decodeTextFile(bytes, (at) => invalid(path, `column ${at.column}: ${notUtf8Words(at)} (or UTF-16 with its byte order mark)`, at.line));
}

function parseSource(path: string, source: string): unknown {
  const data = extname(path).toLowerCase() === '.json' ? parseJson(path, source) : parseYaml(path, source);
  if (data === null || data === undefined) throw invalid(path, 'the job file is empty; give at least seeds');
  return data;
}

function parseYaml(path: string, source: string): unknown {
  // A repeated key is an error rather than a silent last-one-wins, but found here (firstRepeatedKey)
  // rather than by yaml's uniqueKeys, which compares each key with every earlier one of its
  // mapping: a 440 KB file of 26,000 keys held the CLI for minutes (bench/fuzz-22.mjs). merge: YAML 1.2 dropped `<<: *anchor` from the core schema, but users of YAML configs expect
  // it (YAML 1.1, docker compose). Merged aliases count toward maxAliasCount like any other, so
  // a bomb built of merge keys is refused as below. logLevel 'error': yaml's warnings went to
  // stderr through process.emitWarning, two lines of Node's around a job's one-line error (a
  // mapping used as a key: "Keys with collection values will be stringified ...").
  let doc: ReturnType<typeof parseDocument>;
  // yaml makes an Error per problem, a broken 880 KB file ~150,000 of them, and their stacks (never
  // read) were a third of its time.
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
    // prettyErrors off: yaml places every error of the file (line, column, an excerpt) at a cost
    // that grows with the file (minutes for that file, where parsing is a second); only the
    // first is told, and it is placed below.
    doc = parseDocument(source, { merge: true, uniqueKeys: false, logLevel: 'error', prettyErrors: false });
  } catch (err) {
    throw yamlFailure(path, err); // it collects syntax errors rather than throwing; this is for the rest
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const error = doc.errors[0];
  // The first problem in the file is the one told, a repeated key or a syntax error (as yaml's own
  // check, made while reading, did). yaml's "Map keys must be unique" named no key; this does, as
  // JSON's own check does.
  const repeated = firstRepeatedKey(doc);
  if (repeated !== null && (error === undefined || repeated.offset < error.pos[0])) {
    throw invalid(path, `the key ${JSON.stringify(repeated.name)} appears twice in one object`, linePosAt(source, repeated.offset).line);
  }
  if (error) {
    const pos = linePosAt(source, error.pos[0]);
    const where = `column ${pos.col}: `;
    // Its first line only, without a position of yaml's own (prettified, it appended " at line L,
    // column C:" and an excerpt): the position is given before it.
    // MULTIPLE_DOCS's own message tells a programmer to call YAML.parseAllDocuments() (QA).
    const what = error.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one document (a second --- line); a job file is one document'
      : error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') + (error.code === 'BAD_DQ_ESCAPE' ? DQ_ESCAPE_HINT : '');
    throw invalid(path, `${where}YAML syntax error: ${what}`, pos.line);
  }
  const unresolved = unresolvedAlias(doc);
  if (unresolved !== null) {
    // `exclude: [*.pdf]`: a glob where YAML reads an alias; yaml said only "Unresolved alias ...: .pdf".
    const line = unresolved.offset === undefined ? null : source.slice(0, unresolved.offset).split('\n').length;
    const name = unresolved.name;
    const why = unresolved.isLater
      ? `*${name} comes before its anchor &${name}: an anchor is written before its aliases`
      : `YAML reads *${name} as an alias, and no anchor &${name} is written: a value that starts with * goes in quotes ('*${name}')`
        + (name.startsWith('.') ? `; a pattern for URLs ending ${name} is '${escapeRegexHint(name)}$'` : '');
    throw invalid(path, why, line);
  }
  if (aliasesExpandPast(doc)) {
    throw invalid(path, `YAML error: its aliases (*name) expand to more than ${MAX_ALIAS_VALUES.toLocaleString('en-US')} values (an alias bomb?); write the values out, or alias less`);
  }
  try {
    // yaml's own alias guard is off: aliasesExpandPast measured what the aliases cost.
    return doc.toJS({ maxAliasCount: -1 });
  } catch (err) {
    // toJS() has its own failures, past the syntax (an alias to an anchor written after it).
    throw yamlFailure(path, err);
  }
}

/**
 * `exclude: ["\?page="]`: in double quotes YAML reads a backslash as an escape, the first trap of
 * a regular expression in YAML (yaml said only "Invalid escape sequence \?").
 */
const DQ_ESCAPE_HINT = '; in double quotes a backslash starts an escape: write a regular expression in single quotes (\'\\?page=\') or unquoted, or double each backslash';

/** The first alias that names no anchor written before it, and where it is; null when every one does. */
function unresolvedAlias(doc: ReturnType<typeof parseDocument>): { name: string; offset: number | undefined; isLater: boolean } | null {
  const anchors = new Set<string>();
  let found: { name: string; offset: number | undefined } | null = null;
  visit(doc, {
    Node(_, node) {
      if (isAlias(node)) {
        if (found === null && !anchors.has(node.source)) found = { name: node.source, offset: node.range?.[0] };
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
    },
  });
  if (found === null) return null;
  const { name, offset } = found as { name: string; offset: number | undefined };
  return { name, offset, isLater: anchors.has(name) };
}

/** `.pdf` as the pattern that matches it literally, `\.pdf`. */
function escapeRegexHint(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Line and column (1-based, in UTF-16 units as yaml counts them) of `offset` in `source`. */
function linePosAt(source: string, offset: number): { line: number; col: number } {
  let line = 1;
  for (let at = source.indexOf('\n'); at !== -1 && at < offset; at = source.indexOf('\n', at + 1)) line++;
  return { line, col: offset - (source.lastIndexOf('\n', offset - 1) + 1) + 1 };
}

/**
 * The first key (in file order) that repeats an earlier one of its mapping, as yaml's uniqueKeys
 * compares them (scalars by value, a collection key only with itself), in one pass: a Set per
 * mapping. NaN is no repeat of NaN, as for yaml's `===`.
 */
function firstRepeatedKey(doc: ReturnType<typeof parseDocument>): { name: string; offset: number } | null {
  let first: { name: string; offset: number } | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key === 'number' && Number.isNaN(key)) continue;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const offset = (pair.key as { range?: [number, number, number] } | null)?.range?.[0];
        if (offset !== undefined && (first === null || offset < first.offset)) first = { name: String(key), offset };
        break;
      }
    },
  });
  return first;
}

function yamlFailure(path: string, err: unknown): UsageError {
  return invalid(path, `YAML error: ${String((err as Error)?.message ?? err).split('\n')[0]!}`);
}

/** Strict JSON for .json files (no trailing commas or comments), with the line of a syntax error. */
function parseJson(path: string, source: string): unknown {
  // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses (YAML skips it).
  if (source.startsWith('\uFEFF')) source = source.slice(1);
  if (source.trim() === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(source) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    // "Unexpected token 'x', "<the file>" is not valid JSON" names no position, and quotes the file.
    const offset = at ? Number(at[1]) : jsonErrorOffset(source);
    const before = source.slice(0, offset);
    const where = offset < 0 ? '' : `column ${before.length - before.lastIndexOf('\n')}: `;
    const what = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
      // A line break or tab as the token, written so that it shows.
      .replace(/^Unexpected token '(\s)'$/, (_, c: string) => `Unexpected ${JSON.stringify(c)}`);
    throw invalid(path, `${where}JSON syntax error: ${what}`, offset < 0 ? null : before.split('\n').length);
  }
  const duplicate = findDuplicateKey(source);
  if (duplicate !== null) throw invalid(path, `the key ${JSON.stringify(duplicate.key)} appears twice in one object`, duplicate.line);
  return parsed;
}

/**
 * The problem the line reports. An unknown key is named first: it is usually a typo of a key
 * that is then reported missing ({ select: .price } leaves selector out), and the typo is what to fix.
 */
function firstIssue(issues: z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

export function describeIssues(issues: z.core.$ZodIssue[]): string {
  const first = firstIssue(issues);
  if (!first) return 'invalid job';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return describeIssue(first) + more;
}

/** The longest unknown key an error line shows whole. */
const MAX_SHOWN_KEY_CHARS = 80;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
  if (issue.code === 'unrecognized_keys') {
    const at = path === '' ? '' : `${path}.`;
    const keys = knownKeys(issue.path);
    const known = keys.length > 0 ? ` (known: ${keys.join(', ')})` : '';
    const typed = String(issue.keys[0]);
    const hint = issue.path[0] === 'fields' && issue.path.length === 1 ? null : jobKeyHint(typed, at, keys);
    // A key past any name's length is shown by its start, so the line still ends in what is wrong
    // (the whole message is cut at 1,000 characters: a 400 KB key left only the key).
    const shown = typed.length > MAX_SHOWN_KEY_CHARS ? `${typed.slice(0, MAX_SHOWN_KEY_CHARS)}... (${typed.length.toLocaleString('en-US')} characters)` : typed;
    return `${at}${shown}: unknown key${hint ? `; ${hint}` : ''}${known}`;
  }
  if (issue.code === 'invalid_key' && issue.issues[0]) {
    return `${path}: ${issue.issues[0].message}, got ${show(issue.path.at(-1))}`;
  }
  const got = 'input' in issue && issue.input !== undefined ? `, got ${show(issue.input)}` : '';
  return `${path === '' ? '' : `${path}: `}${issue.message}${got}${oneAsList(issue)}${inMilliseconds(issue)}${quotedNumber(issue)}`;
}

/** `"maxPages": "100"` in JSON, `maxPages: '100'` in YAML: a number written as text. */
function quotedNumber(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type' || issue.expected !== 'number' || typeof issue.input !== 'string') return '';
  if (/^\s*-?\d+(?:\.\d+)?\s*$/.test(issue.input)) return '; a number is written without quotes';
  // `maxPages: 1_000` or `1,000`: YAML 1.2 reads digits with separators as text.
  const digits = issue.input.trim().replace(/[_,]/g, '');
  return /^\d+$/.test(digits) ? `; a number is written without separators: ${digits}` : '';
}

/**
 * `maxTimeMs: 10m` or `delayMs: 1s`: a duration as the flags take it (--max-time 10m), in a key
 * whose unit is its name's. The key stays in milliseconds, as Crawlee's `...Millis` options do
 * (a unit inside the value would make `timeoutMs: 30` and `timeoutMs: 30s` differ a thousandfold);
 * the line gives the number to write instead.
 */
function inMilliseconds(issue: z.core.$ZodIssue): string {
  const key = issue.path.at(-1);
  if (typeof key !== 'string' || !key.endsWith('Ms') || !('input' in issue) || typeof issue.input !== 'string') return '';
  const text = issue.input.trim();
  if (!/[a-z]/i.test(text)) return '';
  const ms = readDurationMs(text);
  return Number.isFinite(ms) ? `; write ${key}: ${Math.round(ms)} (${text} in milliseconds)` : '';
}

/**
 * `seeds: https://example.org/` (or `include: /docs/`): one item where a list belongs, the commonest
 * slip in a first job file. The line says how to write it, in a form YAML and JSON both read.
 */
function oneAsList(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type' || issue.expected !== 'array' || typeof issue.input !== 'string') return '';
  const item = JSON.stringify(issue.input);
  return item.length > 200 ? '' : `; a list of one is written [${escapeControls(item)}]`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? `'${escapeControls(value)}'` : Array.isArray(value) ? (value.length === 0 ? 'an empty list' : 'a list') : typeof value === 'object' && value ? 'a mapping' : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
