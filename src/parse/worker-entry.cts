/**
 * The file piscina loads in each parse thread: CommonJS on purpose. piscina first require()s its
 * worker file, and on Node 20.19+ require() of an ES module (worker.js) can abort the whole thread
 * with a V8 fatal error ("IsGraphAsync must be used on an instantiated module") when two loads of
 * it overlap; seen intermittently in our test runs. A CommonJS entry is required the ordinary way
 * and imports the ES module once, by URL: worker.js, or a test's fault-injecting worker.
 */
import type { ParseOutcome, ParseTask } from '../types.js';

type Handler = (task: ParseTask) => ParseOutcome;

const { workerData } = require('piscina') as { workerData: { moduleUrl: string } };
let loading: Promise<Handler> | null = null;

export = function parseTask(task: ParseTask): Promise<ParseOutcome> {
  loading ??= import(workerData.moduleUrl).then((m: { default: Handler }) => m.default);
  return loading.then((handler) => handler(task));
};
