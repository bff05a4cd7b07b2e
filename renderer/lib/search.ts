/**
 * The step filter's words and how a view marks them: one definition for the list filter, the list's "why it
 * matched" hint and every highlight in the inspector (the code views, headers, claims, DB cells), so that what the
 * list says matched is what the inspector shows.
 */

/** The words of a filter text: lower-case, split on white space; a step matches when it holds every word. */
export function searchWords(text: string): string[] {
  const t = text.trim().toLowerCase();
  return t ? t.split(/\s+/) : [];
}

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One case-insensitive, global pattern for all the words (longest first, so `enroll` does not hide `enrollment`). */
export function searchPattern(words: readonly string[]): RegExp | null {
  if (words.length === 0) return null;
  const alts = [...new Set(words)].sort((a, b) => b.length - a.length).map(escape);
  return new RegExp(alts.join('|'), 'gi');
}

export interface TextPart {
  text: string;
  hit: boolean;
}

/** Split `text` into runs that match one of the words and runs that do not (for <mark>). */
export function highlightParts(text: string, words: readonly string[]): TextPart[] {
  const re = searchPattern(words);
  if (!re || !text) return [{ text, hit: false }];
  const out: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index;
    if (at > last) out.push({ text: text.slice(last, at), hit: false });
    out.push({ text: m[0], hit: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), hit: false });
  return out.length ? out : [{ text, hit: false }];
}

/** Does `text` hold any of the words (case-insensitive)? */
export function hasHit(text: string, words: readonly string[]): boolean {
  if (words.length === 0 || !text) return false;
  const t = text.toLowerCase();
  return words.some((w) => t.includes(w));
}
