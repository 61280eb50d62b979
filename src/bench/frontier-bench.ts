/**
 * The frontier benchmark: a million URLs through the real frontier and writer, with no network,
 * to show that the queue lives in SQLite (memory stays flat however many URLs wait) and how fast
 * URLs are added, taken and marked done.
 */
import { removeCrawliteDb } from '../store/remove-db.js';
import { openForWrite } from '../store/db.js';
import { Writer } from '../store/writer.js';
import { Frontier } from '../frontier/frontier.js';
import type { Discovered, FrontierEntry, PageRecord } from '../types.js';
import { limitHeapGrowth } from '../heap-growth.js';

export interface FrontierBenchResult {
  urls: number;
  hosts: number;
  addPerSecond: number;
  takeAndMarkPerSecond: number;
  /**
   * Microseconds per claim while hosts are full (store/claim-urls.ts): with every host full, so
   * nothing can be claimed (a one-site crawl at its per-host bound, asked on every free slot),
   * and with all but one full (16 URLs claimed each time).
   */
  claimAllFullUs: number;
  claimOneOpenUs: number;
  peakRssBytes: number;
  rssAfterAddBytes: number;
  dbPath: string;
}

const HOSTS = 50;
const CHUNK = 10_000;

function doneRecord(entry: FrontierEntry): PageRecord {
  return {
    entry,
    fetch: { status: 204, headers: {}, isTruncated: false, wireBytes: 0, finalUrl: entry.url, redirects: [], contentType: '', fetchedAt: Date.now(), elapsedMs: 0 },
    parsed: null,
    error: null,
  };
}

function timePerCall(calls: number, call: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) call();
  return ((performance.now() - start) * 1000) / calls;
}

export function runFrontierBench(urls: number, dbPath: string, onProgress?: (line: string) => void): FrontierBenchResult {
  limitHeapGrowth(); // as a crawl does: the figure stands for a crawl's frontier
  removeCrawliteDb(dbPath);
  const db = openForWrite(dbPath);
  try {
    const writer = new Writer(db, { batchSize: 512, flushIntervalMs: 60_000 });
    writer.startRun({ bench: 'frontier', urls });
    let peakRss = 0;
    const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));

    const addStart = performance.now();
    for (let start = 0; start < urls; start += CHUNK) {
      const chunk: Discovered[] = [];
      for (let i = start; i < Math.min(urls, start + CHUNK); i++) {
        const host = `http://host-${i % HOSTS}.bench.invalid`;
        chunk.push({ url: `${host}/section-${i % 97}/page-${i}.html`, host: `${host}:80`, depth: 1 + (i % 7), skipCode: null });
      }
      writer.addUrls(chunk);
      sampleRss();
      if (start % 200_000 === 0) onProgress?.(`frontier bench: added ${start.toLocaleString('en-US')} URLs`);
    }
    const addSeconds = (performance.now() - addStart) / 1000;
    const rssAfterAdd = process.memoryUsage.rss();

    const allHosts = Array.from({ length: HOSTS }, (_, h) => `http://host-${h}.bench.invalid:80`);
    const claimAllFullUs = timePerCall(2_000, () => writer.claim(16, allHosts));
    const claimed: FrontierEntry[] = [];
    const claimOneOpenUs = timePerCall(200, () => claimed.push(...writer.claim(16, allHosts.slice(1))));
    for (const entry of claimed) writer.storePage(doneRecord(entry), []);

    const frontier = new Frontier(writer, { scope: () => null, maxDepth: null, maxPages: null, windowSize: 256 });
    const takeStart = performance.now();
    let taken = 0;
    for (let entry = frontier.next(() => true); entry; entry = frontier.next(() => true)) {
      writer.storePage(doneRecord(entry), []);
      if (++taken % 100_000 === 0) {
        sampleRss();
        onProgress?.(`frontier bench: took and marked ${taken.toLocaleString('en-US')} URLs`);
      }
    }
    writer.flush();
    const takeSeconds = (performance.now() - takeStart) / 1000;
    writer.endRun('done');
    sampleRss();
    return {
      urls,
      hosts: HOSTS,
      addPerSecond: urls / addSeconds,
      takeAndMarkPerSecond: (taken + claimed.length) / takeSeconds,
      claimAllFullUs,
      claimOneOpenUs,
      peakRssBytes: Math.max(peakRss, process.resourceUsage().maxRSS * 1024),
      rssAfterAddBytes: rssAfterAdd,
      dbPath,
    };
  } finally {
    db.close();
  }
}
