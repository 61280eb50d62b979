import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';

export const reportCommand: CommandModule<object, { db: string; out: string }> = {
  command: 'report',
  describe: 'Write the crawl as one self-contained HTML file with charts (works offline)',
  builder: (y) =>
    y
      .option('db', { describe: 'SQLite file to read', type: 'string', default: DEFAULT_DB_PATH, defaultDescription: DEFAULT_DB_PATH, requiresArg: true })
      .option('out', { describe: 'HTML file to write; - for stdout', type: 'string', default: 'report.html', defaultDescription: 'report.html', requiresArg: true })
      .example('$0 report', 'Charts of data/crawl.db in report.html')
      .example('$0 report --db data/ab.db --out ab.html', 'Another crawl, another file')
      .example('$0 report --out - | gzip > report.html.gz', 'To stdout'),
  handler: async (argv) => {
    const { writeReport } = await import('../../report/write-report.js');
    const { readNewerSchema } = await import('../read-newer-schema.js');
    const { escapeControls } = await import('../../errors.js');
    const { bytes, isFile } = await readNewerSchema(argv.db, () => writeReport(argv.db, argv.out));
    // Not for /dev/stdout or a pipe (--out >(gzip > r.html.gz)): there is no file there to open.
    if (isFile) process.stderr.write(`crawlite: wrote ${escapeControls(argv.out)} (${Math.ceil(bytes / 1024)} KB); open it in a browser\n`);
  },
};
