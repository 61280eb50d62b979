import type { CommandModule } from 'yargs';
import { crawlCommand } from './crawl.js';
import { statsCommand } from './stats.js';
import { exportCommand } from './export.js';
import { benchCommand } from './bench.js';
import { reportCommand } from './report.js';
import { searchCommand } from './search.js';

// yargs' CommandModule generics differ per command; the array only needs the common shape.
export const commands = [crawlCommand, statsCommand, exportCommand, benchCommand, searchCommand, reportCommand] as CommandModule[];
