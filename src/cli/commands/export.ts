import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';

interface ExportFlags {
  db: string;
  format: string;
  out?: string;
  fields?: string;
  with?: string;
}

export const exportCommand: CommandModule<object, ExportFlags> = {
  command: 'export',
  describe: 'Stream the stored pages as JSON Lines or CSV',
  builder: (y) =>
    y
      .option('db', { describe: 'SQLite file to read', type: 'string', default: DEFAULT_DB_PATH, requiresArg: true })
      .option('format', { describe: 'Output format', type: 'string', choices: ['jsonl', 'csv'], default: 'jsonl' })
      .option('out', { describe: 'Write to this file instead of stdout', type: 'string', requiresArg: true })
      .option('fields', { describe: 'Comma-separated columns to include, in order', type: 'string', requiresArg: true })
      .option('with', { describe: 'Also include decompressed content: text, html or text,html', type: 'string', requiresArg: true })
      .example('$0 export > pages.jsonl', 'Every page as one JSON object per line')
      .example('$0 export --format csv --fields url,status,title --out pages.csv', 'Three columns as CSV')
      .example('$0 export --with text | jq -r .text', 'Include the visible text of each page'),
  handler: async (argv) => {
    const { exportPages } = await import('../../export/export.js');
    await exportPages(
      { dbPath: argv.db, format: argv.format as 'jsonl' | 'csv', out: argv.out, fields: argv.fields, with: argv.with },
      process.stdout,
    );
  },
};
