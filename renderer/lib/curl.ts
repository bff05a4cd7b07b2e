import type { HttpRequest } from '../../app/contract';

/** Headers curl sets itself, or that only describe this connection. */
const CONNECTION_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'transfer-encoding']);

/** A word for a POSIX shell: single-quoted, with single quotes closed, escaped and reopened. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The request as a curl command line that sends the same bytes (Postman's and the browsers' "Copy as cURL"): the
 * method, the URL, every header but the connection's own, and the body verbatim. A binary body (kept as base64)
 * is decoded by the shell on the way in.
 */
export function curlCommand(req: HttpRequest): string {
  const parts = ['curl', '-sS'];
  if (req.method !== 'GET' || req.body) parts.push('-X', req.method);
  parts.push(sq(req.url));
  for (const [k, v] of Object.entries(req.headers)) if (!CONNECTION_HEADERS.has(k.toLowerCase())) parts.push('-H', sq(`${k}: ${v}`));
  if (req.body) {
    if (req.bodyEncoding === 'base64') return `printf %s ${sq(req.body)} | base64 -d | ${parts.join(' ')} --data-binary @-`;
    parts.push('--data-binary', sq(req.body));
  }
  return parts.join(' ');
}
