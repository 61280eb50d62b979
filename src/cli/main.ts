#!/usr/bin/env node
/**
 * The crawlite binary. Loading the CLI (yargs, the command table, config schema: 0.2-1 s on a busy
 * host) and parsing the command line came before any handler of Ctrl+C, so a signal then ended a
 * crawl with no line (QA 19). This file has one tiny static import, so the crawl's early handler
 * is in place as soon as Node runs any of crawlite's code; the rest is loaded after it.
 *
 * Only `crawl` gets it: every other command ends by the signal itself when it has no file of its
 * own to clean up (README, Exit codes), before and after loading alike.
 */
import { exitOnEarlyInterrupt, namesCrawl } from './early-interrupt.js';

if (namesCrawl(process.argv.slice(2))) exitOnEarlyInterrupt();
await import('./cli.js');
