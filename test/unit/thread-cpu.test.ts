import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { mainThreadCpuMs } from '../../src/thread-cpu.js';

const isLinux = process.platform === 'linux';

test('mainThreadCpuMs counts the main thread only, not a busy worker (Linux; null elsewhere)', async () => {
  const mainBefore = mainThreadCpuMs();
  if (!isLinux) {
    assert.equal(mainBefore, null);
    return;
  }
  assert.ok(mainBefore !== null && mainBefore > 0);
  const processBefore = process.cpuUsage();
  // A fixed amount of work in a worker while the main thread only waits for it.
  const worker = new Worker('let x = 0; for (let i = 0; i < 4e8; i++) x = (x + i) | 0; require("node:worker_threads").parentPort.postMessage(x);', { eval: true });
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await worker.terminate();
  const processMs = (() => {
    const u = process.cpuUsage(processBefore);
    return (u.user + u.system) / 1000;
  })();
  const mainMs = (mainThreadCpuMs() as number) - mainBefore;
  assert.ok(processMs > 100, `process CPU ${processMs} ms`);
  assert.ok(mainMs >= 0 && mainMs < processMs / 2, `main thread ${mainMs} ms of ${processMs} ms`);

  // And the main thread's own work does count.
  const before = mainThreadCpuMs() as number;
  const n = 2e8;
  let x = 0;
  for (let i = 0; i < n; i++) x = (x + i) | 0;
  assert.equal(x, Number(BigInt.asIntN(32, (BigInt(n) * BigInt(n - 1)) / 2n)), 'the loop ran to its end');
  assert.ok((mainThreadCpuMs() as number) - before > 20);
});
