import type { Argv, CommandModule } from 'yargs';

export interface BenchFlags {
  pages?: unknown;
  pageBytes?: unknown;
  concurrency?: unknown;
  workers?: unknown;
  /** A job file whose options (scope, limits, fetch, parse, fields) the bench crawl uses; its seeds and db are not. */
  config?: string;
  /** Undefined when not typed: data/bench.db for a crawl, data/frontier-bench.db for --frontier. */
  db?: string;
  json?: boolean;
  save?: boolean;
  matrix?: boolean;
  frontier?: unknown;
}

export const benchCommand: CommandModule<object, BenchFlags> = {
  command: 'bench',
  describe: 'Serve a generated site on 127.0.0.1 and crawl it: pages/s, CPU per page, peak memory',
  builder: (y) =>
    y
      .option('pages', { describe: 'Pages in the generated site', type: 'string', requiresArg: true, defaultDescription: '1000' })
      .option('page-bytes', { describe: 'Average page size, in bytes or with a unit (5KB, 500KB)', type: 'string', requiresArg: true, defaultDescription: '50000' })
      .option('concurrency', { describe: 'Requests in flight', type: 'string', requiresArg: true, defaultDescription: '32' })
      .option('workers', { describe: 'Parse threads (0 = parse on the main thread)', type: 'string', requiresArg: true, defaultDescription: 'CPU cores' })
      .option('config', { describe: 'Job file to crawl the bench site with (its seeds and db are ignored)', type: 'string', requiresArg: true })
      .option('db', { describe: 'SQLite file to write (replaced on each run)', type: 'string', requiresArg: true, defaultDescription: 'data/bench.db' })
      .option('json', { describe: 'Print the result as JSON', type: 'boolean', default: false })
      .option('save', { describe: 'Also write the result as JSON under bench/results/ (named by date and commit)', type: 'boolean', default: false })
      .option('matrix', { describe: 'Run every cell of workers 0,1,2,4 x concurrency 8,32,128 x pages of 5 KB, 50 KB, 500 KB', type: 'boolean', default: false })
      .option('frontier', { describe: 'Benchmark the frontier alone with this many URLs (no network), e.g. 1000000', type: 'string', requiresArg: true })
      .example('$0 bench', 'Crawl a 1,000-page local site; no internet needed')
      .example('$0 bench --config config/bench.yaml', 'Crawl it with a job file: extraction fields, limits')
      .example('$0 bench --pages 5000 --save', 'The benchmark behind the README figures (npm run bench)')
      .example('$0 bench --matrix --save', 'Where the parse pool pays: the matrix the defaults come from')
      .example('$0 bench --frontier 1000000', 'Memory and rate of a million-URL frontier') as unknown as Argv<BenchFlags>,
  handler: async (argv) => {
    const { runBench } = await import('../run-bench.js');
    process.exitCode = await runBench(argv);
  },
};
