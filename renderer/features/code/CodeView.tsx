import { useEffect, useRef } from 'react';
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate, drawSelection, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, syntaxHighlighting } from '@codemirror/language';
import { xml } from '@codemirror/lang-xml';
import { json } from '@codemirror/lang-json';
import { oneDark } from '@codemirror/theme-one-dark';
import type { BodyLanguage } from '../../lib/pretty';
import { searchPattern } from '../../lib/search';
import { useLab } from '../../store';

interface Props {
  value: string;
  language: BodyLanguage;
  label: string;
  /** Editable (the request held at the gate); onChange receives every edit. */
  editable?: boolean;
  onChange?: (value: string) => void;
  testId?: string;
  /** Words to mark (the step filter's): every match gets `cm-search-hit`, and the first is scrolled into view. */
  highlight?: readonly string[];
}

const lang = (l: BodyLanguage): Extension => (l === 'xml' ? xml() : l === 'json' ? json() : []);

/**
 * What the view needs: line numbers, folding (XML elements, JSON objects), highlighting, bracket matching, and for
 * the editors (the gate, the console) undo/redo history with the standard keys (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y).
 */
const setup: Extension = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  foldGutter(),
  drawSelection(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  bracketMatching(),
  history(),
  keymap.of([...defaultKeymap, ...historyKeymap, ...foldKeymap]),
];

const hitMark = Decoration.mark({ class: 'cm-search-hit' });
const NO_WORDS: readonly string[] = [];

/** Marks the words in the lines on screen only (MatchDecorator keeps the marks as the view scrolls and the doc changes). */
function searchHighlight(words: readonly string[]): Extension {
  const regexp = searchPattern(words);
  if (!regexp) return [];
  const matcher = new MatchDecorator({ regexp, decoration: hitMark });
  return ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = matcher.createDeco(view);
      }
      update(u: ViewUpdate) {
        this.decorations = matcher.updateDeco(u, this.decorations);
      }
    },
    { decorations: (p) => p.decorations },
  );
}

/** Scroll the first match of the words into the middle of the view. */
function revealFirstHit(view: EditorView, words: readonly string[]): void {
  const re = searchPattern(words);
  const m = re?.exec(view.state.doc.toString());
  if (m) view.dispatch({ effects: EditorView.scrollIntoView(m.index, { y: 'center' }) });
}

const lightTheme = EditorView.theme({ '&': { backgroundColor: 'var(--bg-code)' }, '.cm-gutters': { backgroundColor: 'var(--bg-code)', border: 'none' } }, { dark: false });

/**
 * A CodeMirror 6 view of a body: XML/JSON highlighting and folding. The editor is created once per mount and
 * updated by transactions, never rebuilt on render.
 */
export function CodeView({ value, language, label, editable = false, onChange, testId, highlight = NO_WORDS }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const compartments = useRef({ lang: new Compartment(), theme: new Compartment(), edit: new Compartment(), attrs: new Compartment(), hl: new Compartment() });
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const theme = useLab((s) => s.theme);

  useEffect(() => {
    const c = compartments.current;
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          setup,
          EditorView.lineWrapping,
          c.lang.of(lang(language)),
          c.theme.of(theme === 'dark' ? oneDark : lightTheme),
          c.edit.of([EditorState.readOnly.of(!editable), EditorView.editable.of(editable)]),
          c.attrs.of(EditorView.contentAttributes.of({ 'aria-label': label })),
          c.hl.of(searchHighlight(highlight)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // created once; later changes arrive as transactions below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const c = compartments.current;
    view.current?.dispatch({
      effects: [
        c.lang.reconfigure(lang(language)),
        c.theme.reconfigure(theme === 'dark' ? oneDark : lightTheme),
        c.edit.reconfigure([EditorState.readOnly.of(!editable), EditorView.editable.of(editable)]),
        c.attrs.reconfigure(EditorView.contentAttributes.of({ 'aria-label': label })),
      ],
    });
  }, [language, theme, editable, label]);

  const words = highlight.join(' ');
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ effects: compartments.current.hl.reconfigure(searchHighlight(highlight)) });
    revealFirstHit(v, highlight);
    // `words` stands for `highlight` (a new array with the same words changes nothing)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [words, value]);

  return <div className={`code-view${editable ? ' editable' : ''}`} ref={host} data-testid={testId} />;
}
