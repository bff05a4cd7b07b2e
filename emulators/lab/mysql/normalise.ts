/**
 * MySQL values as the lab's SQLite stores show theirs, so an external Fleet's rows read like the embedded server's
 * in the DB tab: dates as ISO-8601 UTC text (the embedded store writes `new Date().toISOString()`), binary columns
 * as upper-case hex (changelog.ts logs BLOB/BINARY with SQLite's hex()), JSON as its text, integers as numbers.
 * The connection reads with `dateStrings` and `time_zone = '+00:00'` (watch.ts), so a DATETIME arrives as Fleet
 * wrote it (Fleet's DSN sets loc=UTC) and a TIMESTAMP in UTC; fractional seconds are kept as the column has them.
 */

/** information_schema.COLUMNS.DATA_TYPE values that hold bytes. */
const BINARY_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit']);
const DATE_TIME_TYPES = new Set(['datetime', 'timestamp']);

/** `2026-01-15 09:00:00[.ffffff]` → `2026-01-15T09:00:00.000[fff]Z`; MySQL's zero date stays as MySQL shows it. */
export function isoDateTime(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(text);
  if (!m || m[1] === '0000-00-00') return text;
  const frac = (m[3] ?? '').padEnd(3, '0');
  return `${m[1]}T${m[2]}.${frac}Z`;
}

export function normaliseValue(value: unknown, dataType: string): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('hex').toUpperCase();
  const type = dataType.toLowerCase();
  if (BINARY_TYPES.has(type) && typeof value === 'string') return Buffer.from(value, 'binary').toString('hex').toUpperCase();
  if (DATE_TIME_TYPES.has(type) && typeof value === 'string') return isoDateTime(value);
  // MySQL 8 hands JSON columns over parsed; MariaDB's JSON is LONGTEXT and arrives as text already.
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

export function normaliseRow(raw: Record<string, unknown>, types: ReadonlyMap<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [col, type] of types) out[col] = normaliseValue(raw[col], type);
  return out;
}
