import type { HttpRequest } from '../../app/contract';
import { prettyXml } from './pretty';

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

/**
 * How a body is edited at the gate: shown pretty-printed when the client sent it minified (compact JSON, XML with no
 * whitespace between tags, which is how Windows and orbit send theirs), and turned back into that wire form when sent,
 * so an edit changes only what the user changed. `pretty: false` means the body is edited as it is.
 */
export interface BodyEditing {
  pretty: boolean;
  /** What the editor shows first. */
  text: string;
  /** The body that goes on the wire for what the user typed (as typed, when it no longer parses). */
  toWire(text: string): string;
}

const minifyXml = (xml: string): string => xml.replace(/>\s+</g, '><').trim();

export function bodyEditing(body: string, language: 'json' | 'xml' | 'text' | 'binary'): BodyEditing {
  const asIs: BodyEditing = { pretty: false, text: body, toWire: (t) => t };
  if (!body) return asIs;
  if (language === 'json') {
    try {
      if (JSON.stringify(JSON.parse(body)) !== body) return asIs;
    } catch {
      return asIs;
    }
    return {
      pretty: true,
      text: JSON.stringify(JSON.parse(body), null, 2),
      toWire: (t) => {
        try {
          return JSON.stringify(JSON.parse(t));
        } catch {
          return t;
        }
      },
    };
  }
  if (language === 'xml') {
    const text = prettyXml(body);
    // Only when pretty-printing and minifying give the very bytes back: no whitespace that meant something is lost.
    if (minifyXml(body) !== body || minifyXml(text) !== body) return asIs;
    return { pretty: true, text, toWire: minifyXml };
  }
  return asIs;
}

/** The request as text with its body pretty where that round-trips, so an edit diff shows only the changed lines. */
export function requestTextForDiff(r: HttpRequest, language: 'json' | 'xml' | 'text' | 'binary'): string {
  return requestText({ ...r, body: bodyEditing(r.body, language).text });
}
