/**
 * Pretty views of message bodies. Pure and string-only, so results can be cached per step (see body-cache.ts)
 * and never recomputed on render.
 */
export type BodyLanguage = 'xml' | 'json' | 'text' | 'binary';

export interface PrettyBody {
  language: BodyLanguage;
  text: string;
}

/** Indent XML: one element per line, text-only elements kept inline. Tolerates fragments and malformed input. */
export function prettyXml(xml: string, indent = '  '): string {
  const tokens = xml.replace(/>\s+</g, '><').trim().match(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<[^>]+>|[^<]+/g);
  if (!tokens) return xml;
  const out: string[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const pad = indent.repeat(Math.max(depth, 0));
    if (t.startsWith('</')) {
      depth--;
      out.push(indent.repeat(Math.max(depth, 0)) + t);
    } else if (t.startsWith('<?') || t.startsWith('<!') || t.endsWith('/>')) {
      out.push(pad + t);
    } else if (t.startsWith('<')) {
      const next = tokens[i + 1];
      const close = tokens[i + 2];
      if (next !== undefined && !next.startsWith('<') && close?.startsWith('</')) {
        out.push(pad + t + next + close);
        i += 2;
      } else if (next?.startsWith('</')) {
        out.push(pad + t + next);
        i += 1;
      } else {
        out.push(pad + t);
        depth++;
      }
    } else {
      out.push(pad + t.trim());
    }
  }
  return out.join('\n');
}

function looksJson(s: string): boolean {
  return /^\s*[[{]/.test(s);
}

function looksForm(s: string, contentType: string): boolean {
  return contentType.includes('x-www-form-urlencoded') || (/^[\w.%-]+=[^&\s]*(&[\w.%-]+=[^&\s]*)*$/.test(s.trim()) && s.includes('='));
}

/** Decode a form body into one `name = value` line per field. */
export function prettyForm(s: string): string {
  return [...new URLSearchParams(s.trim())].map(([k, v]) => `${k} = ${v}`).join('\n');
}

export function headerValue(headers: Record<string, string>, name: string): string {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name);
  return k ? headers[k]! : '';
}

/** The pretty form of a body given its content type (or its look when the type is vague). */
export function prettyBody(body: string, headers: Record<string, string>, encoding?: 'utf8' | 'base64'): PrettyBody {
  if (encoding === 'base64') return { language: 'binary', text: hexPreview(body) };
  const ct = headerValue(headers, 'content-type').toLowerCase();
  if (!body) return { language: 'text', text: '' };
  if (ct.includes('json') || (looksJson(body) && !ct.includes('html'))) {
    try {
      return { language: 'json', text: JSON.stringify(JSON.parse(body), null, 2) };
    } catch {
      /* not JSON after all: fall through */
    }
  }
  if (ct.includes('xml') || /^\s*<(\?xml|[\w:]+[\s>])/.test(body)) {
    if (ct.includes('html')) return { language: 'xml', text: body };
    return { language: 'xml', text: prettyXml(body) };
  }
  if (looksForm(body, ct)) return { language: 'text', text: prettyForm(body) };
  return { language: 'text', text: body };
}

export function rawLanguage(body: string, headers: Record<string, string>, encoding?: 'utf8' | 'base64'): BodyLanguage {
  if (encoding === 'base64') return 'binary';
  const ct = headerValue(headers, 'content-type').toLowerCase();
  if (ct.includes('json') || looksJson(body)) return 'json';
  if (ct.includes('xml') || ct.includes('html') || /^\s*</.test(body)) return 'xml';
  return 'text';
}

/** A hexdump of the first 512 bytes of a base64 body (an MSI download). */
export function hexPreview(b64: string, max = 512): string {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return '(undecodable base64)';
  }
  const lines: string[] = [`${bin.length} bytes, binary${bin.length > max ? ` (first ${max} shown)` : ''}`];
  for (let off = 0; off < Math.min(bin.length, max); off += 16) {
    const chunk = bin.slice(off, off + 16);
    const hex = [...chunk].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
    const ascii = [...chunk].map((c) => (c.charCodeAt(0) >= 32 && c.charCodeAt(0) < 127 ? c : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
