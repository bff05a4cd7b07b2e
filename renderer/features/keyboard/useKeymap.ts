import { useEffect } from 'react';
import { useLab } from '../../store';
import { back, cont, run, step } from '../../store/actions';
import { filterSteps } from '../../store/selectors/steps';
import { neighbour } from '../../store/selectors/selection';
import { phaseMap, phaseWalk, visibleBands } from '../../store/selectors/phases';
import { isTypingTarget, resolveKey, type KeyAction } from './keymap';

function moveSelection(delta: 1 | -1 | 'first' | 'last'): void {
  const s = useLab.getState();
  if (s.compareOpen) return moveCompareRow(delta);
  const visible = filterSteps(s.steps, s.filter);
  const target = delta === 'first' ? visible[0] : delta === 'last' ? visible[visible.length - 1] : neighbour(visible, s.selected, delta);
  if (target !== undefined && target !== null) s.select(target);
}

/** The guided walk: select the first step of the next or previous phase among the visible rows. */
function walkPhase(delta: 1 | -1): void {
  const s = useLab.getState();
  if (s.compareOpen) return;
  const map = phaseMap(s.steps);
  const target = phaseWalk(map, visibleBands(map, filterSteps(s.steps, s.filter)), s.selected, delta);
  if (target !== null) s.select(target);
}

/** In the compare view the same keys move through the aligned rows. */
function moveCompareRow(delta: 1 | -1 | 'first' | 'last'): void {
  const s = useLab.getState();
  const n = s.comparison?.result.rows.length ?? 0;
  if (n === 0) return;
  const cur = s.compareRow;
  const target = delta === 'first' ? 0 : delta === 'last' ? n - 1 : cur === null ? (delta > 0 ? 0 : n - 1) : Math.min(Math.max(cur + delta, 0), n - 1);
  s.selectCompareRow(target);
}

/** What each action of the keymap table does. */
const HANDLERS: Record<KeyAction, () => void> = {
  next: () => moveSelection(1),
  previous: () => moveSelection(-1),
  first: () => moveSelection('first'),
  last: () => moveSelection('last'),
  step: () => void step(),
  back: () => void back(),
  continue: () => void cont(),
  run: () => void run(false),
  filter: () => {
    const s = useLab.getState();
    // The filter lives in the step list: a collapsed list opens first.
    if (s.panes.collapsed.list) s.setPanes({ collapsed: { ...s.panes.collapsed, list: false } });
    s.focusFilter();
  },
  shortcuts: () => useLab.getState().setSheetOpen(true),
  close: () => {
    const s = useLab.getState();
    if (s.sheetOpen) s.setSheetOpen(false);
    else if (s.compareOpen) s.setCompareOpen(false);
  },
  theme: () => {
    const s = useLab.getState();
    s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
  },
  'tab-request': () => useLab.getState().setTab('request'),
  'tab-response': () => useLab.getState().setTab('response'),
  'tab-tokens': () => useLab.getState().setTab('tokens'),
  'tab-db': () => useLab.getState().setTab('db'),
  'tab-spec': () => useLab.getState().setTab('spec'),
  'phase-next': () => walkPhase(1),
  'phase-previous': () => walkPhase(-1),
  presenter: () => {
    const s = useLab.getState();
    s.setPresenter(!s.presenter);
  },
};

const RUN_ACTIONS = new Set<KeyAction>(['step', 'back', 'continue', 'run']);

/** One window listener resolving keys through the keymap table; typing in a field is left alone. */
export function useKeymap(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = resolveKey(e);
      if (!action) return;
      if (action !== 'close' && isTypingTarget(e.target)) return;
      if (action !== 'close' && (e.target as Element | null)?.closest?.('button, a, summary') && (e.key === ' ' || e.key === 'Enter')) return;
      // The compare view hides the live run: keys that would drive it unseen do nothing there.
      if (useLab.getState().compareOpen && RUN_ACTIONS.has(action)) return;
      e.preventDefault();
      HANDLERS[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
