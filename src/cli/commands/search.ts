import type { CommandModule, Options } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';
import { UsageError } from '../../errors.js';
import { shouldColor } from '../should-color.js';

interface SearchFlags {
  query?: string[];
  db: string;
  /** A number, or the text typed when it is not one (the error message quotes it). */
  limit: number | string;
  json?: boolean;
}

/** The search command's options; cli/dash-query.ts reads them too, to tell a -word from an option. */
export const searchOptions = {
  db: { describe: 'SQLite file to read', type: 'string', default: DEFAULT_DB_PATH, defaultDescription: DEFAULT_DB_PATH, requiresArg: true },
  // -n as head -n takes it: `search x -n 5` read as a query with the word -n (QA 21).
  limit: { alias: 'n', describe: 'Most results', default: 10, type: 'string', requiresArg: true },
  json: { describe: 'One JSON object per result: rank, url, title, score, snippet', type: 'boolean', default: false },
} as const satisfies Record<string, Options>;

export const searchCommand: CommandModule<object, SearchFlags> = {
  // Variadic because users type words unquoted (`search sqlite wal`); they are one query.
  command: 'search [query..]',
  describe: 'Full-text search over the stored pages, best matches first',
  builder: (y) =>
    y
      .positional('query', { describe: 'Words to find (all of them); OR, -word, word*; a "quoted phrase" finds its words in any order (the index keeps no positions); after --, a query may start with -', type: 'string', array: true })
      .option('db', searchOptions.db)
      .option('limit', searchOptions.limit)
      .option('json', searchOptions.json)
      .example('$0 search "sqlite wal"', 'Pages mentioning both words, best first (sqlite wal, unquoted, is the same)')
      .example('$0 search "crawl* -robots" --limit 50 --json', 'A prefix, an exclusion, JSON output')
      .example('$0 search --limit 5 -- "-robots crawl*"', 'A query starting with -: options before --')
      // Not grep's 1: crawlite's 1 means failed (a damaged database), which a script must not read as "no match".
      .epilog('No match prints "no matches" (with --json: nothing) and exits 0; exit 1 means the search failed (a crawlite: line on stderr).'),
  handler: async (argv) => {
    const { searchPages, formatHits } = await import('../../search/search.js');
    const { writeStdout } = await import('../../export/stream-backpressure.js');
    // yargs fills no positional from the words after `--` (`search --db x.db -- "-robots crawl*"`);
    // they stay in argv._ after the command's name, and belong to the query.
    const query = [...(argv.query ?? []), ...argv._.slice(1)].join(' ').trim();
    if (query === '') throw new UsageError('CRAWL_USAGE', 'give a query: crawlite search "<words>" (one starting with -: crawlite search [options] -- "-word words")');
    const { readNewerSchema } = await import('../read-newer-schema.js');
    await readNewerSchema(argv.db, async () => {
      const hits = searchPages({ dbPath: argv.db, query, limit: argv.limit });
      const { jsonLine } = await import('../../json-line.js');
      const text = argv.json
        ? hits.map((h) => jsonLine({ rank: h.rank, url: h.url, title: h.title, score: h.score, snippet: h.snippet.text })).join('')
        : formatHits(hits, shouldColor(process.stdout, process.env));
      await writeStdout(text);
    });
  },
};
