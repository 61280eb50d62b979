import type { CommandModule } from 'yargs';
import { DEFAULT_DB_PATH } from '../../config/schema.js';
import { refuseBinaryToTerminal } from '../binary-to-terminal.js';
import { formatForOut, refuseUncompressedGz } from '../../export/out-format.js';
import type { ExportFormat } from '../../export/export.js';
import { PAGE_FIELDS } from '../../export/fields.js';
import { FAILED_FIELDS } from '../../export/failed-fields.js';

interface ExportFlags {
  db: string;
  /** Absent when not typed: then --out's name decides (export/out-format.ts), else jsonl. */
  format?: string;
  out?: string;
  fields?: string;
  with?: string;
  /** A number, or the text typed when it is not one (the error message quotes it). */
  run?: unknown;
  status?: string[];
  since?: string;
  until?: string;
  contentType?: string[];
  failed?: boolean;
}

export const exportCommand: CommandModule<object, ExportFlags> = {
  command: 'export',
  describe: 'Stream the stored pages as JSON Lines, CSV, WARC or link-graph CSV, or (--failed) the URLs that failed',
  builder: (y) =>
    y
      .option('db', { describe: 'SQLite file to read', type: 'string', default: DEFAULT_DB_PATH, defaultDescription: DEFAULT_DB_PATH, requiresArg: true })
      .option('format', { describe: 'Output format (by default the one --out\'s name ends with: .csv, .jsonl, .warc.gz, or .warc for WARC uncompressed)', type: 'string', choices: ['jsonl', 'csv', 'warc', 'links'], defaultDescription: 'jsonl', requiresArg: true })
      .option('out', { describe: "Write to this file instead of stdout ('-': stdout)", type: 'string', requiresArg: true })
      // The names, where a newcomer looks first: they were learnt by typing a wrong one (QA 20).
      .option('fields', { describe: `Comma-separated columns to include, in order: ${PAGE_FIELDS.map((f) => f.name).join(', ')}, field.<name> (a job's extraction field), and the --with ones`, type: 'string', requiresArg: true, defaultDescription: 'all but headers and redirects' })
      .option('with', { describe: 'Also include stored content: text, html, body_base64 (exact bytes), e.g. text,html', type: 'string', requiresArg: true })
      .option('run', { describe: 'Only pages fetched in this run (latest id: crawlite stats --json, latestRun.id)', type: 'string', requiresArg: true })
      .option('status', { describe: 'Only these HTTP statuses: codes or classes, e.g. 200 or 2xx,404 (repeatable)', type: 'string', array: true, requiresArg: true })
      .option('since', { describe: 'Only pages fetched at or after this ISO time (UTC unless it gives an offset)', type: 'string', requiresArg: true })
      .option('until', { describe: 'Only pages fetched before this ISO time (UTC unless it gives an offset)', type: 'string', requiresArg: true })
      .option('failed', { describe: `List the URLs that failed without a response instead of pages (no answer, refused by robots.txt, too large...): ${FAILED_FIELDS.map((f) => f.name).join(', ')}; as jsonl or csv, with --fields, --run, --since and --until (when it failed)`, type: 'boolean' })
      .option('content-type', { describe: 'Only these media types, e.g. text/html or image/* (repeatable)', type: 'string', array: true, requiresArg: true })
      .example('$0 export --format warc --out crawl.warc.gz', 'WARC 1.1, request and response records, gzip per record')
      .example('$0 export --format links --status 2xx > edges.csv', 'The link graph of the 2xx pages as CSV edges')
      .example('$0 export > pages.jsonl', 'Every page as one JSON object per line')
      .example('$0 export --fields url,status,title --out pages.csv', 'Three columns as CSV (the name says the format)')
      .example('$0 export --failed --out failed.csv', 'Every URL that failed, why, and the page it was found on')
      .example('$0 export --with text | jq -r .text', 'Include the visible text of each page'),
  handler: async (argv) => {
    const fromOut = argv.format === undefined ? formatForOut(argv.out) : null;
    const format = (argv.format as ExportFormat | undefined) ?? fromOut ?? 'jsonl';
    const opts = {
      dbPath: argv.db, format, out: argv.out, fields: argv.fields, with: argv.with, isFormatFromOut: fromOut !== null,
      filter: { run: argv.run, status: argv.status, since: argv.since, until: argv.until, contentType: argv.contentType },
    };
    const failed = argv.failed === true ? await import('../../export/failed.js') : null;
    failed?.refuseWithFailed(opts); // before the WARC checks: `--failed --format warc` is about --failed
    refuseUncompressedGz(format, argv.out);
    refuseBinaryToTerminal(format, argv.out, process.stdout);
    const { exportPages } = await import('../../export/export.js');
    const { readNewerSchema } = await import('../read-newer-schema.js');
    const { note } = await readNewerSchema(argv.db, () => (failed !== null ? failed.exportFailed(opts, process.stdout) : exportPages(opts, process.stdout)));
    // Exit 0 and the empty output stand, so a pipe goes on; stdout stays the export's alone.
    if (note !== null) process.stderr.write(`crawlite: ${note}\n`);
  },
};
