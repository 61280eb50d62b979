import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';

export const statsCommand: CommandModule<object, { db: string; json?: boolean }> = {
  command: 'stats',
  describe: 'Summarize a crawl database (works while a crawl is running)',
  builder: (y) =>
    y
      .option('db', { describe: 'SQLite file to read', type: 'string', default: DEFAULT_DB_PATH, defaultDescription: DEFAULT_DB_PATH, requiresArg: true })
      .option('json', { describe: 'Print the figures as JSON', type: 'boolean', default: false })
      .example('$0 stats', 'Counts by status, content type and depth; errors by code; bytes; rate')
      .example('$0 stats --db data/ab.db --json', 'The same as JSON, for scripts'),
  handler: async (argv) => {
    const { readStats, formatStats } = await import('../../export/stats.js');
    const { writeStdout } = await import('../../export/stream-backpressure.js');
    const { readNewerSchema } = await import('../read-newer-schema.js');
    await readNewerSchema(argv.db, async () => {
      const stats = readStats(argv.db);
      await writeStdout(argv.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
    });
  },
};
