/**
 * The scope decision: may a discovered URL enter the frontier? It runs on the main thread for
 * every link found (about 20 per page at 400+ pages/s), so everything that depends only on the
 * seeds and the config is computed once in createScope, and the per-URL check works on the
 * normalized string with indexOf/slice instead of parsing it again with `new URL`.
 *
 * Modes, all comparing against any of the seeds (and the roots a seed's redirect added, below):
 * - host: the same hostname. `www.example.com` and `example.com` are different hosts here: they
 *   are often different servers or sites, and when they are the same site one of them usually
 *   redirects to the other. Whoever wants both asks for `domain`.
 * - domain: the same registrable domain (eTLD+1 per the Public Suffix List, via tldts), so
 *   `blog.example.co.uk` is in scope of `www.example.co.uk`. IP addresses, `localhost` and public
 *   suffixes have no registrable domain and fall back to the exact hostname.
 * - prefix: the same origin and a path under the seed's directory (its path up to and including
 *   the last '/'): seed `/docs/intro.html` admits `/docs/...`; seed `/docs` admits the whole origin.
 * - any: every http(s) URL.
 * host and domain ignore the scheme and the port (http and https of one host are one site);
 * prefix compares the whole origin, as its name promises.
 *
 * Then --include / --exclude: regular expressions tested (unanchored) against the whole
 * normalized URL. With any include pattern a URL must match one; a matching exclude rejects it.
 */
import { createRequire } from 'node:module';
import type { ScopeConfig, ScopeMode } from '../config/schema.js';
import { UsageError, type ErrorCode } from '../errors.js';
import { normalizeUrl } from './normalize-url.js';
import { patternProblem } from './url-patterns.js';

/** Takes a normalized URL; returns null when it may be crawled, otherwise the reason it may not. */
export type ScopeCheck = (url: string) => ErrorCode | null;

/**
 * The crawl's scope check, which can grow: a seed that redirects elsewhere (http -> https,
 * example.com -> www.example.com) makes the URL it lands on a root, as if it had been a seed
 * (frontier/seed-redirects.ts). Only the mode's part grows; --include / --exclude stay as given.
 */
export interface Scope extends ScopeCheck {
  /** Admits what `url` (normalized) would admit as a seed, in the same mode; false when it already was. */
  addRoot(url: string): boolean;
}

/**
 * allowPrivateDomains: without it `alice.github.io` and `bob.github.io` share the registrable
 * domain `github.io` (likewise blogspot.com, herokuapp.com), and a domain crawl of one user's
 * site would spread to every user's. extractHostname: we already pass a bare hostname.
 */
const DOMAIN_OPTIONS = { allowPrivateDomains: true, extractHostname: false } as const;

/**
 * Domain decisions are cached per hostname because getDomain walks the suffix trie on every call.
 * A crawl meets few distinct hosts per domain; the bound only guards against a link farm of
 * random subdomains, and clearing costs no more than the misses it causes.
 */
const MAX_CACHED_HOSTS = 4096;

export function createScope(seeds: string[], config: ScopeConfig): Scope {
  const include = compilePatterns(config.include, 'include');
  const exclude = compilePatterns(config.exclude, 'exclude');
  const mode = createModeCheck(seeds.map(normalizeSeed), config.mode);
  const check: ScopeCheck = (url) => {
    if (!mode.isIn(url)) return 'CRAWL_SCOPE_OUT';
    if (include.length > 0 && !matchesAny(include, url)) return 'CRAWL_SCOPE_EXCLUDED';
    if (matchesAny(exclude, url)) return 'CRAWL_SCOPE_EXCLUDED';
    return null;
  };
  return Object.assign(check, { addRoot: mode.addRoot });
}

/**
 * --include / --exclude alone, without the seeds' scope: for URLs an earlier run queued (the
 * frontier checks them again when it claims them). Null when there are no patterns.
 */
export function createPatternCheck(config: Pick<ScopeConfig, 'include' | 'exclude'>): ScopeCheck | null {
  const include = compilePatterns(config.include, 'include');
  const exclude = compilePatterns(config.exclude, 'exclude');
  if (include.length === 0 && exclude.length === 0) return null;
  return (url) => ((include.length > 0 && !matchesAny(include, url)) || matchesAny(exclude, url) ? 'CRAWL_SCOPE_EXCLUDED' : null);
}

/**
 * Which --include / --exclude rule rejects `url`, in words, or null when none does; for telling
 * the user why a seed is not crawled (the per-link check only needs the code, and stays cheap).
 */
export function describeExclusion(url: string, config: Pick<ScopeConfig, 'include' | 'exclude'>): string | null {
  const include = compilePatterns(config.include, 'include');
  if (include.length > 0 && !matchesAny(include, url)) {
    return `it matches no --include pattern (${config.include.map((p) => `'${p}'`).join(', ')})`;
  }
  const exclude = compilePatterns(config.exclude, 'exclude');
  const hit = exclude.findIndex((pattern) => pattern.test(url));
  return hit === -1 ? null : `it matches --exclude '${config.exclude[hit]}'`;
}

interface ModeCheck {
  isIn(url: string): boolean;
  /** Widens the mode by one more root (a normalized URL); false when nothing changed. */
  addRoot(url: string): boolean;
}

function createModeCheck(seeds: string[], mode: ScopeMode): ModeCheck {
  switch (mode) {
    case 'any':
      return { isIn: () => true, addRoot: () => false };
    case 'host': {
      const hosts = new Set(seeds.map(hostnameOf));
      return { isIn: (url) => hosts.has(hostnameOf(url)), addRoot: (url) => addNew(hosts, hostnameOf(url)) };
    }
    case 'domain': {
      const domains = new Set(seeds.map((seed) => domainOf(hostnameOf(seed))));
      const cache = new Map<string, boolean>();
      const isIn = (url: string): boolean => {
        const host = hostnameOf(url);
        let isIn = cache.get(host);
        if (isIn === undefined) {
          isIn = domains.has(domainOf(host));
          if (cache.size >= MAX_CACHED_HOSTS) cache.clear();
          cache.set(host, isIn);
        }
        return isIn;
      };
      const addRoot = (url: string): boolean => {
        const isAdded = addNew(domains, domainOf(hostnameOf(url)));
        if (isAdded) cache.clear(); // its hosts were cached as out of scope
        return isAdded;
      };
      return { isIn, addRoot };
    }
    case 'prefix': {
      // A set, and the URL's own directories looked up in it: every prefix ends with the '/' of a
      // directory, so `url` is under one when one of its slices up to a '/' is in the set. A scan
      // of every prefix for every URL made 100,000 seeds from --seeds-file take two minutes to
      // queue (QA).
      const prefixes = new Set(seeds.map(directoryPrefixOf));
      const isIn = (url: string): boolean => {
        for (let i = url.indexOf('/', url.indexOf('//') + 2); i !== -1; i = url.indexOf('/', i + 1)) {
          if (prefixes.has(url.slice(0, i + 1))) return true;
        }
        return false;
      };
      const addRoot = (url: string): boolean => {
        if (isIn(directoryPrefixOf(url))) return false; // already under a root: nothing to widen
        prefixes.add(directoryPrefixOf(url));
        return true;
      };
      return { isIn, addRoot };
    }
  }
}

function addNew(set: Set<string>, value: string): boolean {
  if (set.has(value)) return false;
  set.add(value);
  return true;
}

function normalizeSeed(seed: string): string {
  const url = normalizeUrl(seed);
  if (url === null) throw new UsageError('CRAWL_SEED_INVALID', `invalid seed '${seed}': not an http(s) URL`);
  return url;
}

function compilePatterns(sources: string[], flag: 'include' | 'exclude'): RegExp[] {
  return sources.map((source) => {
    const problem = patternProblem(source);
    if (problem !== null) {
      throw new UsageError('CRAWL_USAGE', `invalid --${flag} pattern '${source}': ${problem.message}`, { cause: problem.cause });
    }
    return new RegExp(source);
  });
}

function matchesAny(patterns: RegExp[], url: string): boolean {
  for (const pattern of patterns) if (pattern.test(url)) return true;
  return false;
}

/** tldts and its public suffix data (30-60 ms to load) only for --scope domain, on its first use. */
let getDomain: typeof import('tldts').getDomain | null = null;

function domainOf(hostname: string): string {
  getDomain ??= (createRequire(import.meta.url)('tldts') as typeof import('tldts')).getDomain;
  return getDomain(hostname, DOMAIN_OPTIONS) ?? hostname;
}

/** Index just past the authority: normalized http(s) URLs always have a path starting with '/'. */
function authorityEnd(url: string, authorityStart: number): number {
  const slash = url.indexOf('/', authorityStart);
  return slash === -1 ? url.length : slash;
}

/**
 * The hostname of a normalized URL, without userinfo or port; IPv6 keeps its brackets, as
 * URL.hostname does. Serialized userinfo has '/', '@' and ':' percent-encoded, so the last '@'
 * before the path ends it.
 */
function hostnameOf(url: string): string {
  const start = url.indexOf('//') + 2;
  const end = authorityEnd(url, start);
  const at = url.lastIndexOf('@', end);
  const hostStart = at >= start ? at + 1 : start;
  if (url.charCodeAt(hostStart) === 0x5b /* [ */) return url.slice(hostStart, url.indexOf(']', hostStart) + 1);
  const colon = url.indexOf(':', hostStart);
  return url.slice(hostStart, colon !== -1 && colon < end ? colon : end);
}

/** `scheme://authority/dir/` of a normalized seed; a URL is under the seed when it starts with this. */
function directoryPrefixOf(seed: string): string {
  const pathStart = authorityEnd(seed, seed.indexOf('//') + 2);
  const queryStart = seed.indexOf('?', pathStart);
  const pathEnd = queryStart === -1 ? seed.length : queryStart;
  return seed.slice(0, seed.lastIndexOf('/', pathEnd - 1) + 1);
}
