/**
 * Parent side of the bench site: forks site-server.js and talks to it over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CrawlError } from '../errors.js';
import { checkSiteOptions, type SiteOptions } from './site.js';
import type { SiteServerMessage, SiteServerRequest } from './site-server.js';

export interface SiteServerStats {
  /** Responses sent, any status, robots.txt included. */
  requests: number;
  /** Response body bytes sent (HEAD responses count 0). */
  bytes: number;
}

export interface SiteServer {
  /** The home page, `http://127.0.0.1:<port>/`: the crawl's seed. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The child's pid, for tests and for a benchmark that samples its CPU. */
  pid: number;
  stats(): Promise<SiteServerStats>;
  /** Stops the child and resolves once it has exited. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartSiteServerOptions extends SiteOptions {
  /** How long the child may take to pre-render and listen. @default 30_000 */
  startTimeoutMs?: number;
  /** Pages are rendered up front until they fill this many bytes, the rest per request. @default 268_435_456 (256 MB) */
  prerenderBytes?: number;
  /** The child stops itself after this long even if this process hangs. @default 3_600_000 */
  maxLifetimeMs?: number;
}

const STDERR_TAIL_BYTES = 2_000;
const KILL_GRACE_MS = 3_000;

/**
 * Starts the bench site in a child process and resolves when it is listening. The caller must
 * close() it; if this process dies first, the child notices the IPC channel close and exits.
 * Rejects with CRAWL_BENCH_FAILED if the child exits or stays silent during startup.
 */
export async function startSiteServer(opts: StartSiteServerOptions): Promise<SiteServer> {
  const site = checkSiteOptions(opts);
  const { startTimeoutMs = 30_000, maxLifetimeMs = 60 * 60 * 1000, prerenderBytes } = opts;
  const args = ['--pages', String(site.pages), '--page-bytes', String(site.pageBytes), '--seed', String(site.seed)];
  args.push('--max-lifetime-ms', String(maxLifetimeMs));
  if (prerenderBytes !== undefined) args.push('--prerender-bytes', String(prerenderBytes));
  const child = fork(fileURLToPath(new URL('./site-server.js', import.meta.url)), args, {
    // The parent's flags (--test, --inspect, --cpu-prof) must not leak into the server.
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });

  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await waitForReady(child, startTimeoutMs, () => stderrTail.trim()).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  const origin = `http://127.0.0.1:${port}`;
  const pendingStats = createStatsChannel(child);

  return {
    url: `${origin}/`,
    origin,
    pid: child.pid as number,
    stats: pendingStats,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // SIGTERM lets the server close its sockets; a child stuck in a loop gets SIGKILL.
        const stubborn = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        await exited;
        clearTimeout(stubborn);
      }
    },
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number, stderrTail: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => {
      cleanup();
      const detail = stderrTail();
      reject(new CrawlError('CRAWL_BENCH_FAILED', `bench site server ${why}${detail ? `: ${detail}` : ''}`));
    };
    const onMessage = (message: SiteServerMessage): void => {
      if (message.type !== 'ready') return;
      cleanup();
      resolve(message.port);
    };
    // 'exit' can fire before the last stderr chunk is read; 'close' waits for the pipes.
    const onClose = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited during startup (${signal ?? `code ${code}`})`);
    const onError = (err: Error): void => fail(`could not start (${err.message})`);
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage).off('close', onClose).off('error', onError);
    };
    child.on('message', onMessage).on('close', onClose).on('error', onError);
  });
}

/** stats() over IPC: replies come back in request order, so a FIFO of waiters matches them. */
function createStatsChannel(child: ChildProcess): () => Promise<SiteServerStats> {
  const waiting: Array<{ resolve: (stats: SiteServerStats) => void; reject: (err: Error) => void }> = [];
  child.on('message', (message: SiteServerMessage) => {
    if (message.type === 'stats') waiting.shift()?.resolve({ requests: message.requests, bytes: message.bytes });
  });
  const failAll = (why: string): void => {
    for (const waiter of waiting.splice(0)) waiter.reject(new CrawlError('CRAWL_BENCH_FAILED', `bench site server ${why}`));
  };
  child.once('exit', () => failAll('exited'));
  // A ChildProcess 'error' with no listener would crash this process; here it only fails the waiters.
  child.on('error', (err) => failAll(`failed (${err.message})`));
  return () =>
    new Promise((resolve, reject) => {
      if (!child.connected) {
        reject(new CrawlError('CRAWL_BENCH_FAILED', 'bench site server is not running'));
        return;
      }
      waiting.push({ resolve, reject });
      const request: SiteServerRequest = { type: 'stats' };
      child.send(request, (err) => {
        if (err) failAll(`did not take the stats request (${err.message})`);
      });
    });
}
