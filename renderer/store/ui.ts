import type { PartyIdT } from '../../app/contract';
import type { Slice } from './types';
import { PANES_KEY, parsePanes, type PaneLayout } from './panes';

export type InspectorTab = 'request' | 'response' | 'tokens' | 'db' | 'spec';
export const INSPECTOR_TABS: readonly InspectorTab[] = ['request', 'response', 'tokens', 'db', 'spec'];

export interface StepFilter {
  text: string;
  party: PartyIdT | '';
  /** '', an HTTP status class ('2xx', '4xx'…), an exact status ('401'), or a step status ('waiting', 'error'). */
  status: string;
}

export type Theme = 'dark' | 'light';

/** Presentation state: theme, filter, open sheets and tabs. */
export interface UiSlice {
  theme: Theme;
  filter: StepFilter;
  filterFocus: number;
  sheetOpen: boolean;
  tab: InspectorTab;
  bodyView: 'pretty' | 'raw';
  setTheme(t: Theme): void;
  setFilter(f: Partial<StepFilter>): void;
  focusFilter(): void;
  setSheetOpen(open: boolean): void;
  setTab(tab: InspectorTab): void;
  setBodyView(v: 'pretty' | 'raw'): void;
  /** Presenter mode for trainers: large text, phase captions, the guided walk. Kept in localStorage. */
  presenter: boolean;
  setPresenter(on: boolean): void;
  /** Pane widths and collapsed panes (store/panes.ts). Kept in localStorage. */
  panes: PaneLayout;
  setPanes(p: Partial<PaneLayout>): void;
}

function initialTheme(): Theme {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('enrollscope.theme') : null;
  if (saved === 'light' || saved === 'dark') return saved;
  return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

function load(key: string): string | null {
  try {
    return typeof localStorage !== 'undefined' ? localStorage.getItem(key) : null;
  } catch {
    return null; /* storage may be unavailable (sandboxed file page) */
  }
}

function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage may be unavailable (sandboxed file page) */
  }
}

const PRESENTER_KEY = 'enrollscope.presenter';

export const createUiSlice: Slice<UiSlice> = (set, get) => ({
  theme: initialTheme(),
  filter: { text: '', party: '', status: '' },
  filterFocus: 0,
  sheetOpen: false,
  tab: 'request',
  bodyView: 'pretty',
  setTheme: (theme) => {
    try {
      localStorage.setItem('enrollscope.theme', theme);
    } catch {
      /* storage may be unavailable (sandboxed file page) */
    }
    set({ theme });
  },
  setFilter: (f) => set({ filter: { ...get().filter, ...f } }),
  focusFilter: () => set({ filterFocus: get().filterFocus + 1 }),
  setSheetOpen: (sheetOpen) => set({ sheetOpen }),
  setTab: (tab) => set({ tab }),
  setBodyView: (bodyView) => set({ bodyView }),
  presenter: load(PRESENTER_KEY) === 'on',
  setPresenter: (presenter) => {
    save(PRESENTER_KEY, presenter ? 'on' : 'off');
    set({ presenter });
  },
  panes: parsePanes(load(PANES_KEY)),
  setPanes: (p) => {
    const panes = { ...get().panes, ...p };
    save(PANES_KEY, JSON.stringify(panes));
    set({ panes });
  },
});
