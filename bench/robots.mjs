#!/usr/bin/env node
// Per-check cost of robots.txt matching, robots-parser's isAllowed() against robots-matcher.ts,
// on hostile rule sets (build first). Usage: npm run build && node bench/robots.mjs
import robotsParser from 'robots-parser';
import { createRobotsMatcher } from '../dist/src/fetch/robots-matcher.js';

const URL_ = 'http://h/robots.txt';
const UA = 'crawlite';
const rules = (n, f) => 'User-agent: *\n' + Array.from({ length: n }, (_, i) => `Disallow: ${f(i)}\n`).join('');
const toAB = (i) => i.toString(2).replace(/0/g, 'a').replace(/1/g, 'b');
const cases = [
  ['10k `/*a*b*c*d*e*N*$`', rules(10_000, (i) => `/*a*b*c*d*e*${i}*$`), ['http://h/l/123', 'http://h/products/category/item-12345?ref=abc', `http://h/${'a'.repeat(1900)}/1`]],
  ['10k plain `/dir/N/`', rules(10_000, (i) => `/dir/${i}/`), ['http://h/dir/9999/x', `http://h/${'a'.repeat(1900)}/1`]],
  ['10k `/*bb<N in a,b>*` (literals of the path\'s own letters)', rules(10_000, (i) => `/*bb${toAB(i)}*`), [`http://h/${'ab'.repeat(1000)}`]],
];
const time = (f, minMs = 200) => {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) { f(); n++; }
  return (performance.now() - t0) / n;
};
for (const [name, text, urls] of cases) {
  const robot = robotsParser(URL_, text);
  const matcher = createRobotsMatcher(robot, URL_, UA);
  console.log(name);
  for (const u of urls) {
    if (matcher.isAllowed(u) !== robot.isAllowed(u, UA)) throw new Error(`verdicts differ on ${u}`);
    const before = time(() => robot.isAllowed(u, UA));
    const after = time(() => matcher.isAllowed(u));
    console.log(`  URL of ${u.length} chars: robots-parser ${before.toFixed(3)} ms, matcher ${after.toFixed(4)} ms per check`);
  }
  const t0 = performance.now();
  createRobotsMatcher(robot, URL_, UA);
  console.log(`  building the matcher: ${(performance.now() - t0).toFixed(1)} ms (once per robots.txt)`);
}
