import { Writable } from 'node:stream';
import { exportPages, type ExportOptions } from '../../src/export/export.js';

/** Everything an export writes, as one buffer (an in-memory stdout). */
export async function exportBytes(opts: ExportOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  await exportPages(opts, out);
  return Buffer.concat(chunks);
}
