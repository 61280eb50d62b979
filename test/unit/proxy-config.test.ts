/**
 * Which proxy a URL goes through (config/proxy.ts): --proxy, a job file's fetch.proxy, or the
 * environment as curl reads it, loopback direct for the environment's, no_proxy's forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkProxyUrl, proxyAuthorization, proxyFor, redactProxy, resolveProxy } from '../../src/config/proxy.js';
import { configFromFlags } from '../../src/config/load.js';
import { mergeJob } from '../../src/config/load-job.js';
import { defaultConfig } from '../../src/config/schema.js';
import { describeProxy } from '../../src/fetch/proxy-check.js';

test('no proxy variables and no flag: direct', () => {
  assert.equal(resolveProxy(undefined, '--proxy', {}), null);
  assert.equal(resolveProxy(undefined, '--proxy', { http_proxy: '  ', HTTPS_PROXY: '' }), null, 'an empty variable is unset');
});

test('the environment: per scheme, lowercase first, all_proxy as the fallback', () => {
  const env = { http_proxy: 'http://low:1', HTTP_PROXY: 'http://up:2', HTTPS_PROXY: 'proxy.corp:3128', ALL_PROXY: 'http://all:9' };
  const config = resolveProxy(undefined, '--proxy', env)!;
  assert.equal(config.http, 'http://low:1');
  assert.equal(config.https, 'http://proxy.corp:3128', 'a bare host:port is an http:// proxy, as curl reads it');
  assert.equal(config.source, 'http_proxy and HTTPS_PROXY');
  assert.equal(config.isLoopbackDirect, true);
  const onlyAll = resolveProxy(undefined, '--proxy', { all_proxy: 'http://all:9' })!;
  assert.equal(onlyAll.http, 'http://all:9');
  assert.equal(onlyAll.https, 'http://all:9');
  const onlyHttp = resolveProxy(undefined, '--proxy', { http_proxy: 'http://h:1' })!;
  assert.equal(onlyHttp.https, null, 'https_proxy is not taken from http_proxy (curl does not either)');
  assert.equal(proxyFor(onlyHttp, 'https://example.org/'), null);
  assert.equal(proxyFor(onlyHttp, 'http://example.org/'), 'http://h:1');
});

test('--proxy (or fetch.proxy) wins over the environment and applies to loopback too; false is none', () => {
  const env = { https_proxy: 'http://env:1', no_proxy: 'intranet.example' };
  const config = resolveProxy('http://u:p%40ss@flag.example:8080/ignored/path', '--proxy', env)!;
  assert.deepEqual(config, {
    http: 'http://u:p%40ss@flag.example:8080', https: 'http://u:p%40ss@flag.example:8080',
    noProxy: ['intranet.example'], source: '--proxy', isLoopbackDirect: false,
  });
  assert.equal(proxyFor(config, 'http://127.0.0.1:8080/'), 'http://u:p%40ss@flag.example:8080');
  assert.equal(proxyFor(config, 'https://intranet.example/'), null, 'no_proxy still applies, as with curl');
  assert.equal(resolveProxy(false, '--proxy', env), null);
});

test('loopback goes direct when the proxy came from the environment', () => {
  const config = resolveProxy(undefined, '--proxy', { all_proxy: 'http://p:3128' })!;
  for (const url of ['http://localhost:8080/', 'http://127.0.0.1/', 'http://127.4.5.6:99/', 'http://[::1]:8080/', 'http://app.localhost/']) {
    assert.equal(proxyFor(config, url), null, url);
  }
  for (const url of ['http://example.org/', 'http://10.0.0.1/', 'http://localhost.example.org/', 'http://[::2]/']) {
    assert.equal(proxyFor(config, url), 'http://p:3128', url);
  }
});

test('no_proxy: domains and their subdomains, leading dot or *., host:port, IPs, CIDR ranges, *', () => {
  const config = resolveProxy(undefined, '--proxy', { all_proxy: 'http://p:1', NO_PROXY: 'example.org, .corp.example *.lan,api.example:8443 10.1.2.3 192.168.0.0/16 [fd00::1]:80 fc00::/8' })!;
  const direct = ['http://example.org/', 'https://www.example.org/', 'http://a.corp.example/', 'http://corp.example/', 'http://x.lan/',
    'https://api.example:8443/', 'http://10.1.2.3/', 'http://192.168.4.5:8080/', 'http://[fd00::1]/', 'http://[fc12::9]/'];
  for (const url of direct) assert.equal(proxyFor(config, url), null, url);
  const proxied = ['http://notexample.org/', 'https://api.example/', 'http://10.1.2.4/', 'http://192.169.0.1/', 'http://[fd00::1]:81/', 'http://[fe80::1]/'];
  for (const url of proxied) assert.equal(proxyFor(config, url), 'http://p:1', url);
  const none = resolveProxy(undefined, '--proxy', { all_proxy: 'http://p:1', no_proxy: '*' })!;
  assert.equal(proxyFor(none, 'http://example.org/'), null);
});

test('a proxy URL that is not an HTTP(S) proxy is refused, naming where it came from and never its password', () => {
  assert.throws(() => checkProxyUrl('socks5://u:secret@p:1080', '--proxy'), { code: 'CRAWL_USAGE', message: /--proxy is a SOCKS proxy \(socks5:\/\/u:\*\*\*@p:1080\): only HTTP and HTTPS/ });
  assert.throws(() => resolveProxy(undefined, '--proxy', { https_proxy: 'http://[bad' }), { code: 'CRAWL_USAGE', message: /invalid proxy in https_proxy 'http:\/\/\[bad'.*pass --no-proxy/ });
  assert.throws(() => checkProxyUrl('ftp://p:21', 'fetch.proxy'), { code: 'CRAWL_USAGE', message: /^invalid proxy in fetch.proxy 'ftp:\/\/p:21': expected an http:\/\/ or https:\/\/ proxy URL$/ });
  assert.throws(() => checkProxyUrl('http://user:secret@[bad', '--proxy'), (err: Error) => !err.message.includes('secret'));
  assert.equal(redactProxy('http://user:secret@p:3128'), 'http://user:***@p:3128');
  assert.equal(redactProxy('https://p:3128'), 'https://p:3128');
});

test('flags and job files: --proxy, --no-proxy, fetch.proxy (a URL or false)', () => {
  const seeds = { urls: ['http://example.org/'] };
  assert.equal(configFromFlags({ ...seeds, proxy: 'http://p:1' }).fetch.proxy?.http, 'http://p:1');
  assert.equal(configFromFlags({ ...seeds, proxy: false }).fetch.proxy, null);
  assert.throws(() => configFromFlags({ ...seeds, proxy: ' ' }), { code: 'CRAWL_USAGE', message: /--proxy needs a proxy URL/ });
  const fromFile = mergeJob(defaultConfig(), { fetch: { proxy: 'http://file:2' } });
  assert.equal(configFromFlags(seeds, fromFile).fetch.proxy?.https, 'http://file:2');
  assert.equal(configFromFlags(seeds, fromFile).fetch.proxy?.source, 'fetch.proxy');
  assert.equal(configFromFlags({ ...seeds, proxy: false }, fromFile).fetch.proxy, null, '--no-proxy overrides the file');
  assert.equal(configFromFlags(seeds, mergeJob(defaultConfig(), { fetch: { proxy: false } })).fetch.proxy, null);
});

test('the notice names the proxies, their source and what goes direct, without the password', () => {
  assert.equal(describeProxy(resolveProxy('http://u:secret@p:3128', '--proxy', {})!), 'crawlite: proxy: http://u:***@p:3128 for http:// and https:// URLs (from --proxy)');
  assert.equal(describeProxy(resolveProxy(undefined, '--proxy', { https_proxy: 'http://s:1', no_proxy: 'a.example,b.example' })!),
    'crawlite: proxy: http://s:1 for https:// URLs (from https_proxy); direct: loopback and no_proxy (a.example,b.example)');
});

test('credentials: a % that starts no escape is refused up front; unparsable text never shows them; a user name alone is the key (QA)', () => {
  assert.throws(() => checkProxyUrl('http://u:50%off@p:1', '--proxy'), (err: Error & { code?: string }) =>
    err.code === 'CRAWL_USAGE' && /write % as %25/.test(err.message) && !err.message.includes('50%off'));
  for (const text of ['http://u:sec/ret@p:1', 'u:sec/ret@p:1:2', 'http://u:p@ss@[bad']) {
    assert.throws(() => checkProxyUrl(text, '--proxy'), (err: Error) => !/sec|ret|ss@/.test(err.message) && err.message.includes('***@'), text);
  }
  assert.equal(redactProxy('http://APIKEY@p:8011'), 'http://***@p:8011');
  assert.equal(proxyAuthorization(checkProxyUrl('http://APIKEY:@p:8011', '--proxy')), `Basic ${Buffer.from('APIKEY:').toString('base64')}`);
  assert.equal(proxyAuthorization('http://u:p%40ss@p:1'), `Basic ${Buffer.from('u:p@ss').toString('base64')}`);
  assert.equal(proxyAuthorization('http://p:1'), null);
});
