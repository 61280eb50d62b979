/** Numbers as `stats` and `report` print them: thousands separators, binary byte units. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatBinaryBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
