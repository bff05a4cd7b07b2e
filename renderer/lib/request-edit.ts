import type { HttpRequest } from '../../app/contract';

/**
 * Editing a request held at the gate (the Request tab): headers as `Name: value` lines, the request as text for
 * the edit diff, and whether an edit left it as it was.
 */

/** The request as text: request line, headers, a blank line, the body (what the edit diff compares). */
export function requestText(r: HttpRequest): string {
  return `${r.method} ${r.url}\n${headersText(r.headers)}\n\n${r.body}\n`;
}

/** Two requests that would go out the same (method, URL, headers in order, body). */
export const sameRequest = (a: HttpRequest, b: HttpRequest): boolean =>
  a.method === b.method && a.url === b.url && a.body === b.body && JSON.stringify(a.headers) === JSON.stringify(b.headers);

/** Headers as the editor shows them, one `Name: value` per line. */
export const headersText = (h: Record<string, string>): string =>
  Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

/** The headers the user typed: `Name: value` per line; a line without a name before its first colon is skipped. */
export function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Apply an edit to the draft: the new draft, or null when the edit undid every change (the request goes as it was). */
export function applyEdit(original: HttpRequest, current: HttpRequest, patch: Partial<HttpRequest>): HttpRequest | null {
  const next = { ...current, ...patch };
  return sameRequest(next, original) ? null : next;
}
