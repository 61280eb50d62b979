/**
 * A real terminal for tests: a detached tmux session on a private socket, whose screen is read with
 * capture-pane. The server is killed in t.after.
 */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

export interface Terminal {
  /** The screen and its scrollback, escapes stripped (or kept with `withEscapes`). */
  screen(withEscapes?: boolean): string;
  /** Whether the terminal's cursor is visible (tmux's cursor_flag). */
  isCursorVisible(): boolean;
  sendKeys(...keys: string[]): void;
  /** Resizes the terminal, as a user dragging its window's edge does: the program gets SIGWINCH. */
  resize(columns: number, rows: number): void;
  /** Closes the terminal as a user closing its window does: tmux sends the pane's processes SIGHUP. */
  close(): void;
  /** Polls the screen until `pattern` matches; fails after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function openTerminal(t: TestContext, command: string, env: Record<string, string> = {}): Terminal {
  const socket = `crawlite-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]) => {
    const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: { ...process.env, TERM: 'xterm-256color' },
    });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux('new-session', '-d', '-s', 'crawl', '-x', '120', '-y', '40', ...envArgs, command);
  t.after(() => spawnSync('tmux', ['-L', socket, 'kill-server']));
  const screen = (withEscapes = false) => tmux('capture-pane', '-p', '-J', '-S', '-', ...(withEscapes ? ['-e'] : []), '-t', 'crawl');
  return {
    screen,
    isCursorVisible: () => tmux('display-message', '-p', '-t', 'crawl', '#{cursor_flag}').trim() === '1',
    sendKeys: (...keys) => void tmux('send-keys', '-t', 'crawl', ...keys),
    resize: (columns, rows) => void tmux('resize-window', '-t', 'crawl', '-x', String(columns), '-y', String(rows)),
    close: () => void tmux('kill-session', '-t', 'crawl'),
    waitFor: async (pattern, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`terminal never showed ${pattern}; screen:\n${text}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** Skips a terminal test where tmux is missing; in CI, where .ci/run installs it, fails instead. */
export function skipWithoutTmux(t: TestContext): boolean {
  if (hasTmux()) return false;
  if (process.env.CI) assert.fail('tmux is required in CI for the terminal tests (see .ci/run)');
  t.skip('tmux not installed');
  return true;
}

/** One argument quoted for the shell inside the terminal. */
export const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
