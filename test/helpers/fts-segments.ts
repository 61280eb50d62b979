/** The segments of an FTS5 index, read from its structure record (fts5_index.c fts5StructureDecode). */
import type Database from 'better-sqlite3';

/** Segments in each level of `table`'s index, level 0 first. */
export function segmentsByLevel(db: Database.Database, table: string): number[] {
  const blob = db.prepare(`SELECT block FROM ${table}_data WHERE id = 10`).pluck().get() as Buffer;
  let at = 4;
  const isV2 = blob.readUInt32BE(at) === 0xff000001;
  if (isV2) at += 4;
  // SQLite's varint: 7 bits a byte, most significant first, the ninth byte whole.
  const varint = (): number => {
    let v = 0;
    for (let n = 0; ; n++) {
      const b = blob[at++]!;
      if (n === 8) return v * 256 + b;
      v = v * 128 + (b & 0x7f);
      if (b < 0x80) return v;
    }
  };
  const levels = varint();
  varint(); // segments in all
  varint(); // write counter
  const counts: number[] = [];
  for (let l = 0; l < levels; l++) {
    varint(); // segments being merged
    const n = varint();
    counts.push(n);
    for (let k = 0; k < n * (isV2 ? 8 : 3); k++) varint();
  }
  return counts;
}
