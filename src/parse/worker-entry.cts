/**
 * The file piscina loads in each parse thread: CommonJS on purpose. piscina first require()s its
 * worker file, and on Node 20.19+ require() of an ES module (worker.js) can abort the whole thread
 * with a V8 fatal error ("IsGraphAsync must be used on an instantiated module") when two loads of
 * it overlap; seen intermittently in our test runs. A CommonJS entry is required the ordinary way
 * and imports the ES module once, by URL: worker.js, or a test's fault-injecting worker.
 *
 * The import starts as the thread starts, not with its first task: the pool's first thread is
 * started before the crawl's own modules load (run-crawl.ts), so the parser loads meanwhile, on
 * the other core, and the first page is parsed as it arrives rather than after 0.1-0.2 s of
 * loading. A failed import fails the tasks, as when it began with the first one.
 */
import type { ParseOutcome, ParseTask } from '../types.js';

type Handler = (task: ParseTask) => ParseOutcome;

const { workerData } = require('piscina') as { workerData: { moduleUrl: string } };
const loading: Promise<Handler> = import(workerData.moduleUrl).then((m: { default: Handler }) => m.default);
// Handled by each task that awaits it; without a task, a failed import must not end the thread.
loading.catch(() => {});

export = function parseTask(task: ParseTask): Promise<ParseOutcome> {
  return loading.then((handler) => handler(task));
};
