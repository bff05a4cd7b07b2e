/**
 * The one keymap table: the shortcut sheet (`?`) renders it, the key handler resolves keys through it, and a unit
 * test checks it (Bruno's keyMappings pattern, STYLE.md "Data-driven keyboard shortcuts").
 */
export type KeyAction =
  | 'next'
  | 'previous'
  | 'first'
  | 'last'
  | 'step'
  | 'back'
  | 'continue'
  | 'run'
  | 'filter'
  | 'shortcuts'
  | 'close'
  | 'theme'
  | 'tab-request'
  | 'tab-response'
  | 'tab-tokens'
  | 'tab-db'
  | 'tab-spec'
  | 'phase-next'
  | 'phase-previous'
  | 'presenter';

export interface KeyBinding {
  action: KeyAction;
  /** KeyboardEvent.key values; ' ' is the space bar. */
  keys: readonly string[];
  section: 'Move' | 'Run' | 'View';
  description: string;
}

export const KEYMAP: readonly KeyBinding[] = [
  { action: 'next', keys: ['j', 'ArrowDown'], section: 'Move', description: 'Select the next step' },
  { action: 'previous', keys: ['k', 'ArrowUp'], section: 'Move', description: 'Select the previous step' },
  { action: 'first', keys: ['Home', 'g'], section: 'Move', description: 'Select the first step' },
  { action: 'last', keys: ['End', 'G'], section: 'Move', description: 'Select the last step' },
  { action: 'step', keys: [' '], section: 'Run', description: 'Step: send the waiting request (or start step by step)' },
  { action: 'back', keys: ['b'], section: 'Run', description: 'Back: restore the world as it was one step earlier' },
  { action: 'continue', keys: ['c'], section: 'Run', description: 'Continue to the end or the next breakpoint' },
  { action: 'run', keys: ['r'], section: 'Run', description: 'Run the chosen scenario' },
  { action: 'filter', keys: ['/'], section: 'View', description: 'Filter the step list (party, text, status)' },
  { action: 'shortcuts', keys: ['?'], section: 'View', description: 'Show this shortcut sheet' },
  { action: 'close', keys: ['Escape'], section: 'View', description: 'Close the sheet or the compare view, or leave the filter' },
  { action: 'theme', keys: ['t'], section: 'View', description: 'Switch light / dark theme' },
  { action: 'tab-request', keys: ['1'], section: 'View', description: 'Inspector: Request' },
  { action: 'tab-response', keys: ['2'], section: 'View', description: 'Inspector: Response' },
  { action: 'tab-tokens', keys: ['3'], section: 'View', description: 'Inspector: Tokens' },
  { action: 'tab-db', keys: ['4'], section: 'View', description: 'Inspector: DB' },
  { action: 'tab-spec', keys: ['5'], section: 'View', description: 'Inspector: Spec' },
  { action: 'phase-next', keys: [']'], section: 'Move', description: 'Guided walk: the first step of the next phase' },
  { action: 'phase-previous', keys: ['['], section: 'Move', description: 'Guided walk: the first step of the previous phase' },
  { action: 'presenter', keys: ['p'], section: 'View', description: 'Presenter mode: large text, phase captions' },
];

const BY_KEY = new Map<string, KeyAction>(KEYMAP.flatMap((b) => b.keys.map((k) => [k, b.action] as const)));

/** How the sheet writes a key. */
export function keyLabel(key: string): string {
  return key === ' ' ? 'Space' : key === 'ArrowDown' ? '↓' : key === 'ArrowUp' ? '↑' : key === 'Escape' ? 'Esc' : key;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The action a key press asks for; modified keys (Ctrl, Cmd, Alt) belong to the browser and the editors. */
export function resolveKey(e: KeyLike): KeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  return BY_KEY.get(e.key) ?? null;
}

/** Keys typed into a field go to the field, except Escape. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const el = target as Element;
  return !!el.closest('input, textarea, select, [contenteditable="true"], .cm-editor');
}
