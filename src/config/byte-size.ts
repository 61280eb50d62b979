/** Sizes as users write them: 500000, 512k, 10MB, 1GiB, 2TB (binary units, case-insensitive). */
const UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4, tib: 1024 ** 4,
};

/** The number of bytes, or NaN when `value` is not a size; callers check their own range. */
export function parseByteSize(value: unknown): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(value));
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Math.floor(Number(m[1]) * unit) : NaN;
}
