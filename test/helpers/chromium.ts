/**
 * Headless Chromium over the DevTools protocol, for tests that must see a page the way a browser
 * does: load a file:// URL, collect console errors and uncaught exceptions, evaluate an expression.
 * Started without network features (no sync, no component updates, no background fetches) and
 * with a fresh profile that is removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';

export function findChromium(): string | null {
  for (const name of [process.env.CHROMIUM_BIN, 'chromium', 'chromium-browser', 'google-chrome']) {
    if (!name) continue;
    const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return name;
  }
  return null;
}

export interface PageVisit {
  /** console.error / console.assert calls, uncaught exceptions and browser log entries at level error. */
  errors: string[];
  /** JSON value of the expression evaluated after the load event. */
  value: unknown;
  /** PNG of the viewport, when asked for. */
  screenshot: Buffer | null;
}

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** Loads `url` in a fresh headless Chromium, waits for `load`, evaluates `expression`. */
export async function visitPage(bin: string, url: string, expression: string, opts: { screenshot?: boolean; timeoutMs?: number } = {}): Promise<PageVisit> {
  const profile = mkdtempSync(join(tmpdir(), 'crawlite-chromium-'));
  const child = spawn(bin, [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-extensions', '--disable-default-apps',
    '--hide-scrollbars', '--window-size=1400,1300', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  // Chromium's renderer and helper processes outlive its main one; its own process group holds
  // them all, so killing the group leaves nothing behind writing into the profile.
  const killAll = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL'); // the group is already gone
    }
  };
  const deadline = setTimeout(killAll, opts.timeoutMs ?? 60_000);
  try {
    const wsUrl = await devtoolsUrl(child);
    return await drive(wsUrl, url, expression, Boolean(opts.screenshot));
  } finally {
    clearTimeout(deadline);
    killAll();
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    // A helper process killed a moment ago may still be closing a file in the profile.
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}

function devtoolsUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr!.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}) before DevTools was ready: ${text.slice(-500)}`)));
  });
}

async function drive(wsUrl: string, url: string, expression: string, isScreenshot: boolean): Promise<PageVisit> {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('cannot connect to DevTools')), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const errors: string[] = [];
  let onLoad: (() => void) | null = null;
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as CdpMessage;
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result ?? {});
      return;
    }
    const params = msg.params ?? {};
    if (msg.method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
      errors.push(`console.${String(params.type)}: ${JSON.stringify((params.args as Array<{ value?: unknown }>).map((a) => a.value))}`);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      errors.push(`exception: ${JSON.stringify((params.exceptionDetails as { text?: string; exception?: { description?: string } }).exception?.description ?? params.exceptionDetails)}`);
    } else if (msg.method === 'Log.entryAdded' && (params.entry as { level?: string }).level === 'error') {
      errors.push(`log: ${(params.entry as { text?: string }).text}`);
    } else if (msg.method === 'Page.loadEventFired') {
      onLoad?.();
    }
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  try {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await Promise.all(['Runtime.enable', 'Log.enable', 'Page.enable'].map((m) => send(m, {}, sessionId)));
    const loaded = new Promise<void>((resolve) => (onLoad = resolve));
    await send('Page.navigate', { url }, sessionId);
    await loaded;
    // The load event is the navigated page's (about:blank loaded before Page.enable); check anyway,
    // with a bounded wait, that the document is the one asked for and complete.
    for (let i = 0; ; i++) {
      const state = (await send('Runtime.evaluate', { expression: 'document.readyState + " " + location.href', returnByValue: true }, sessionId)) as { result: { value?: string } };
      if (state.result.value === `complete ${url}`) break;
      if (i >= 50) throw new Error(`page never finished loading: ${state.result.value}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const evaluated = (await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result: { value?: unknown } };
    let screenshot: Buffer | null = null;
    if (isScreenshot) {
      const shot = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
      screenshot = Buffer.from(shot.data, 'base64');
    }
    return { errors, value: evaluated.result.value, screenshot };
  } finally {
    ws.close();
  }
}
