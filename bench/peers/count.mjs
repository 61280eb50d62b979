// Counts what a crawler stored, for run.sh: prints "<items> <distinct-urls> <empty> <offsite>"
// (empty: an item with no title or no text; offsite: a URL not on the start URL's host).
//
//   node count.mjs jsonl <file.jsonl> <start-url>      (node-crawler, Scrapy)
//   node count.mjs crawlee <storage-dir> <start-url>   (Crawlee's default dataset: one JSON file per item)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [kind, path, startUrl] = process.argv.slice(2);
const host = new URL(startUrl).host;
const items = [];
if (kind === 'jsonl') {
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) if (line.trim() !== '') items.push(JSON.parse(line));
  }
} else if (kind === 'crawlee') {
  const dir = join(path, 'datasets', 'default');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      if (/^\d+\.json$/.test(name)) items.push(JSON.parse(readFileSync(join(dir, name), 'utf8')));
    }
  }
} else {
  console.error(`unknown kind ${kind}`);
  process.exit(2);
}
const urls = new Set();
let empty = 0;
let offsite = 0;
for (const item of items) {
  const url = new URL(item.url);
  url.hash = '';
  urls.add(url.href);
  if (!item.title || !item.text) empty++;
  if (url.host !== host) offsite++;
}
console.log(`${items.length} ${urls.size} ${empty} ${offsite}`);
