import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';

interface SearchFlags {
  query: string;
  db: string;
  limit: number;
  json?: boolean;
}

export const searchCommand: CommandModule<object, SearchFlags> = {
  command: 'search <query>',
  describe: 'Full-text search over the stored pages, best matches first',
  builder: (y) =>
    y
      .positional('query', { describe: 'Words to find (all of them); OR, -word, word*, "a phrase"', type: 'string', demandOption: true })
      .option('db', { describe: 'SQLite file to read', type: 'string', default: DEFAULT_DB_PATH, requiresArg: true })
      .option('limit', { describe: 'Most results', type: 'number', default: 10, requiresArg: true })
      .option('json', { describe: 'One JSON object per result: rank, url, title, score, snippet', type: 'boolean', default: false })
      .example('$0 search "sqlite wal"', 'Pages mentioning both words, best first')
      .example('$0 search "crawl* -robots" --limit 50 --json', 'A prefix, an exclusion, JSON output'),
  handler: async (argv) => {
    const { searchPages, formatHits } = await import('../../search/search.js');
    const { writeWhole } = await import('../../export/stream-backpressure.js');
    const hits = searchPages({ dbPath: argv.db, query: argv.query, limit: argv.limit });
    const text = argv.json
      ? hits.map((h) => `${JSON.stringify({ rank: h.rank, url: h.url, title: h.title, score: h.score, snippet: h.snippet.text })}\n`).join('')
      : formatHits(hits, process.stdout.isTTY === true);
    await writeWhole(process.stdout, text);
  },
};
