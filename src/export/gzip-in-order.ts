/**
 * WARC export's compression off the main thread: each record becomes its own gzip member (what
 * lets a reader seek to it), so members can be compressed at the same time and joined in order.
 * zlib's async gzip runs on libuv's thread pool (4 threads by default), so while the main thread
 * reads rows, unpacks bodies and hashes them, other cores compress the records before them.
 *
 * Bounded: at most MAX_IN_FLIGHT units, and at most MAX_IN_FLIGHT_BYTES of their uncompressed
 * bytes (always at least one unit, however big), are being compressed at once; the next row is
 * not read until the oldest is written.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync, type ZlibOptions } from 'node:zlib';

const gzipAsync = promisify<Buffer, ZlibOptions, Buffer>(gzip);

/**
 * A record this small (a request record, ~300 bytes) is compressed on the main thread: handing it
 * to the pool costs more than compressing it.
 */
const SYNC_BELOW_BYTES = 4096;
const gzipMember = (r: Buffer, opts: ZlibOptions): Promise<Buffer> => (r.byteLength < SYNC_BELOW_BYTES ? Promise.resolve(gzipSync(r, opts)) : gzipAsync(r, opts));

/** Enough to keep the pool busy while the main thread prepares the next records (8 and 16 measured alike). */
export const MAX_IN_FLIGHT = 8;
export const MAX_IN_FLIGHT_BYTES = 32 << 20;

/**
 * Compresses each record of every unit as one gzip member and yields each unit's members joined,
 * in the order the units came. A consumer that stops early (a closed pipe) stops the source too;
 * the compressions still running are left to finish, their results dropped.
 */
export async function* gzipInOrder(units: Iterable<Buffer[]>, opts: ZlibOptions = {}): AsyncGenerator<Buffer> {
  const pending: Array<{ bytes: number; done: Promise<Buffer> }> = [];
  let bytes = 0;
  const next = async (): Promise<Buffer> => {
    const head = pending.shift()!;
    bytes -= head.bytes;
    return head.done;
  };
  try {
    for (const records of units) {
      const size = records.reduce((n, r) => n + r.byteLength, 0);
      const done = Promise.all(records.map((r) => gzipMember(r, opts))).then((members) => (members.length === 1 ? members[0]! : Buffer.concat(members)));
      pending.push({ bytes: size, done });
      bytes += size;
      while (pending.length >= MAX_IN_FLIGHT || (bytes > MAX_IN_FLIGHT_BYTES && pending.length > 1)) yield await next();
    }
    while (pending.length > 0) yield await next();
  } finally {
    // Left unawaited when the consumer stops: a rejection there is no one's to report.
    for (const p of pending) p.done.catch(() => {});
  }
}
