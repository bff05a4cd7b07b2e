/** Small formatters shared by the list, the diagram and the inspector. */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Lab time as the clock shows it (UTC, so a seeded run reads the same everywhere). */
export function labTime(ms: number, withMs = false): string {
  const d = new Date(ms);
  const t = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMs ? `${t}.${pad(d.getUTCMilliseconds(), 3)}` : t;
}

export function labDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${labTime(ms)} UTC`;
}

/** "+2 h 5 min", "−30 s": a signed, human duration. */
export function duration(ms: number): string {
  const sign = ms < 0 ? '−' : '';
  let s = Math.round(Math.abs(ms) / 1000);
  if (s === 0) return `${sign}${Math.abs(ms)} ms`;
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) parts.push(`${d} d`);
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s && !d) parts.push(`${s} s`);
  return sign + parts.join(' ');
}

/** The path of a request URL (a relative URL is its own path). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
