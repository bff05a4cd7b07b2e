import { useMemo } from 'react';
import { useLab } from '../../store';
import { highlightParts, searchWords } from '../../lib/search';

/** The words of the step filter (what the inspector marks), stable while the filter text is. */
export function useSearchWords(): readonly string[] {
  const text = useLab((s) => s.filter.text);
  return useMemo(() => searchWords(text), [text]);
}

/** `text` with every word of the filter marked (<mark class="search-hit">). */
export function Highlight({ text, words }: { text: string; words: readonly string[] }) {
  if (words.length === 0) return <>{text}</>;
  return (
    <>
      {highlightParts(text, words).map((p, i) =>
        p.hit ? (
          <mark key={i} className="search-hit">
            {p.text}
          </mark>
        ) : (
          p.text
        ),
      )}
    </>
  );
}
