/**
 * Which proxy a request goes through: --proxy, a job file's fetch.proxy, or the environment
 * (http_proxy, https_proxy, all_proxy, no_proxy, in either case), as curl and wget read them.
 *
 * The environment is honoured by default because a terminal tool on a network that needs a proxy
 * is expected to work there without flags. Loopback (localhost, 127.0.0.0/8, ::1, *.localhost)
 * is never sent to a proxy that came from the environment, as Chromium does: a proxy set
 * machine-wide for the way out must not swallow a crawl of a server on this machine. A proxy
 * named on purpose (--proxy) is used for loopback too.
 */
import { BlockList, isIP } from 'node:net';
import { UsageError } from '../errors.js';

export interface ProxyConfig {
  /** Proxy URL (origin only, credentials kept for Proxy-Authorization) for http:// URLs; null: direct. */
  http: string | null;
  /** The same for https:// URLs (tunnelled with CONNECT). */
  https: string | null;
  /** no_proxy entries: hosts, domains (a leading dot or *. is optional), host:port, IPs, CIDR ranges, or *. */
  noProxy: string[];
  /** Where the proxy came from, for notices: '--proxy', 'fetch.proxy', or the variables' names. */
  source: string;
  /** Loopback hosts go direct (a proxy from the environment). */
  isLoopbackDirect: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** An explicit choice: a proxy URL, or false for none (--no-proxy, fetch.proxy: false). undefined: the environment decides. */
export type ProxyChoice = string | false | undefined;

/** Reads a variable as curl does: the lowercase name first, and an empty value is unset. */
function envValue(env: Env, name: string): { name: string; value: string } | null {
  for (const key of [name, name.toUpperCase()]) {
    const value = env[key]?.trim();
    if (value) return { name: key, value };
  }
  return null;
}

/**
 * The proxy settings for a crawl, or null for direct connections. Throws a UsageError naming the
 * flag or variable for a value that is not an http(s) proxy URL.
 */
export function resolveProxy(choice: ProxyChoice, from: '--proxy' | 'fetch.proxy', env: Env = process.env): ProxyConfig | null {
  if (choice === false) return null;
  const noProxyVar = envValue(env, 'no_proxy');
  const noProxy = noProxyVar ? noProxyVar.value.split(/[\s,]+/).filter(Boolean) : [];
  if (choice !== undefined) {
    const url = checkProxyUrl(choice, from);
    return { http: url, https: url, noProxy, source: from, isLoopbackDirect: false };
  }
  const all = envValue(env, 'all_proxy');
  const http = envValue(env, 'http_proxy') ?? all;
  const https = envValue(env, 'https_proxy') ?? all;
  if (http === null && https === null) return null;
  const names = [...new Set([http?.name, https?.name].filter((n): n is string => n !== undefined))];
  return {
    http: http ? checkProxyUrl(http.value, http.name) : null,
    https: https ? checkProxyUrl(https.value, https.name) : null,
    noProxy,
    source: names.join(' and '),
    isLoopbackDirect: true,
  };
}

/** What is wrong with a proxy URL, and the value as it may be shown (credentials hidden). */
interface ProxyProblem {
  kind: 'syntax' | 'socks' | 'scheme' | 'host' | 'escape';
  shown: string;
}

/** The proxy URL as undici wants it (scheme, credentials, host, port), or what is wrong with it. A bare host:port is http://, as curl takes it. */
function parseProxyUrl(value: string): { url: string } | ProxyProblem {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { kind: 'syntax', shown: redactText(text) };
  }
  if (url.protocol.startsWith('socks')) return { kind: 'socks', shown: redactProxy(url.href) };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'scheme', shown: redactText(text) };
  if (url.hostname === '') return { kind: 'host', shown: redactText(text) };
  // Left to the crawl, every request failed as CRAWL_FETCH_NETWORK "URI malformed" (QA).
  if (decodeUserinfo(url.username) === null || decodeUserinfo(url.password) === null) return { kind: 'escape', shown: redactProxy(url.href) };
  const auth = url.username || url.password ? `${url.username}:${url.password}@` : '';
  return { url: `${url.protocol}//${auth}${url.host}` };
}

/** The proxy URL as undici wants it; a UsageError naming the flag or variable `from` for one that is not an http(s) proxy URL. */
export function checkProxyUrl(value: string, from: string): string {
  const parsed = parseProxyUrl(value);
  if ('url' in parsed) return parsed.url;
  const { kind, shown } = parsed;
  const message =
    kind === 'syntax' ? `invalid proxy in ${from} '${shown}': expected a URL like http://proxy.example:3128`
    : kind === 'socks' ? `proxy in ${from} is a SOCKS proxy (${shown}): only HTTP and HTTPS proxies are supported`
    : kind === 'scheme' ? `invalid proxy in ${from} '${shown}': expected an http:// or https:// proxy URL`
    : kind === 'host' ? `invalid proxy in ${from}: it names no host`
    : `invalid proxy in ${from} (${shown}): its user name or password holds a % that starts no escape; write % as %25`;
  throw new UsageError('CRAWL_USAGE', message + envHint(from));
}

/**
 * What is wrong with a job file's fetch.proxy, worded as the file's other keys are ("expected
 * ..., got '...'", after the file and key: job-file.ts), or null for a usable proxy URL. The
 * value shown has its credentials hidden.
 */
export function jobProxyProblem(value: string): { message: string; shown: string } | null {
  const parsed = parseProxyUrl(value);
  if ('url' in parsed) return null;
  const { kind, shown } = parsed;
  const message =
    kind === 'syntax' ? 'expected a proxy URL such as http://proxy.example:3128'
    : kind === 'socks' ? 'expected an HTTP or HTTPS proxy (SOCKS proxies are not supported)'
    : kind === 'scheme' ? 'expected an http:// or https:// proxy URL'
    : kind === 'host' ? 'expected a proxy URL that names a host'
    : "expected a % in the proxy's user name or password to start an escape (write % as %25)";
  return { message, shown };
}

function envHint(from: string): string {
  return from.startsWith('-') || from.includes('.') ? '' : '; fix the variable, or pass --no-proxy to connect directly';
}

/** A user name or password from a URL, its escapes decoded; null for a % that starts none. */
function decodeUserinfo(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * The Proxy-Authorization a proxy URL's credentials make, or null without any. A user name alone
 * (`http://APIKEY:@proxy:8011`, as proxy services hand out keys) is Basic `APIKEY:`, as curl
 * sends it; undici's ProxyAgent sends nothing unless both are set (QA: a 407 for a URL that held
 * the key).
 */
export function proxyAuthorization(proxy: string): string | null {
  const url = new URL(proxy);
  if (!url.username && !url.password) return null;
  const pair = `${decodeUserinfo(url.username) ?? url.username}:${decodeUserinfo(url.password) ?? url.password}`;
  return `Basic ${Buffer.from(pair).toString('base64')}`;
}

/**
 * A proxy URL with its secret hidden, for notices, errors and the run's recorded options: the
 * password, or the user name when it comes alone (then it is the key).
 */
export function redactProxy(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    else if (parsed.username) parsed.username = '***';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return redactText(url);
  }
}

/**
 * A string that did not parse as a URL: everything before its last "@" (after any scheme) may be
 * credentials, a password holding "/" or "@" included, and a scheme may be missing (`user:pw@host`).
 */
function redactText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1***@');
}

/** The proxy settings as recorded in runs.options and shown in notices: no password. */
export function redactProxyConfig(config: ProxyConfig | null | undefined): ProxyConfig | null {
  if (!config) return null;
  return { ...config, http: config.http && redactProxy(config.http), https: config.https && redactProxy(config.https) };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** A URL's host without IPv6 brackets, lowercased, and its port (the scheme's default when none). */
function hostAndPort(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { host, port };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** One no_proxy entry against a host: curl's rules (domain suffixes, host:port, IPs, CIDR, *). */
function matchesNoProxy(entry: string, host: string, port: number): boolean {
  if (entry === '*') return true;
  let name = entry.toLowerCase();
  const cidr = /^(.+)\/(\d{1,3})$/.exec(name);
  if (cidr) {
    const family = isIP(cidr[1]!);
    const hostFamily = isIP(host);
    if (family === 0 || family !== hostFamily) return false;
    const list = new BlockList();
    try {
      list.addSubnet(cidr[1]!, Number(cidr[2]), family === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
    return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }
  // host:port (an IPv6 entry is written in brackets to carry a port)
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(name);
  if (withPort) {
    if (Number(withPort[2]) !== port) return false;
    name = withPort[1]!;
  }
  name = name.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
  return host === name || host.endsWith(`.${name}`);
}

/** The proxy URL a request to `url` goes through, or null for a direct connection. */
export function proxyFor(config: ProxyConfig | null | undefined, url: string | URL): string | null {
  if (!config) return null;
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const proxy = parsed.protocol === 'https:' ? config.https : parsed.protocol === 'http:' ? config.http : null;
  if (proxy === null) return null;
  const { host, port } = hostAndPort(parsed);
  if (config.isLoopbackDirect && isLoopback(host)) return null;
  return config.noProxy.some((entry) => matchesNoProxy(entry, host, port)) ? null : proxy;
}
