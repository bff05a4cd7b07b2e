import { useEffect } from 'react';
import { useLab } from '../../store';
import { connect } from '../../api/connect';
import { TopBar } from '../topbar/TopBar';
import { StepList } from '../steps/StepList';
import { SequenceDiagram } from '../diagram/SequenceDiagram';
import { Inspector } from '../inspector/Inspector';
import { ShortcutSheet } from '../keyboard/ShortcutSheet';
import { useKeymap } from '../keyboard/useKeymap';
import { CompareView } from '../compare/CompareView';
import { ConsolePanel } from '../console/ConsolePanel';
import { Panes } from '../layout/Panes';
import { StepCaption } from '../presenter/StepCaption';

/**
 * Top-bar popovers (<details data-popover>) behave like menus: a click outside one, or opening another, closes it.
 * The top bar wraps on narrow windows (or at 150 %), so a popover anchored to one edge can land off screen: on open it
 * is moved back inside the window (`data-align`).
 */
function usePopoversCloseOutside(): void {
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      for (const d of document.querySelectorAll<HTMLDetailsElement>('details[data-popover][open]')) {
        if (!d.contains(e.target as Node)) d.open = false;
      }
    };
    const onToggle = (e: Event) => {
      const d = e.target;
      if (!(d instanceof HTMLDetailsElement) || !d.hasAttribute('data-popover') || !d.open) return;
      const pop = d.querySelector<HTMLElement>(':scope > .popover');
      if (!pop) return;
      pop.removeAttribute('data-align');
      const r = pop.getBoundingClientRect();
      if (r.left < 0) pop.setAttribute('data-align', 'start');
      else if (r.right > window.innerWidth) pop.setAttribute('data-align', 'end');
    };
    document.addEventListener('mousedown', onDown);
    // `toggle` does not bubble: listen in the capture phase.
    document.addEventListener('toggle', onToggle, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('toggle', onToggle, true);
    };
  }, []);
}

/**
 * The console: top bar; step list (left), sequence diagram (centre; the trainer console takes its place while open),
 * inspector (right), in resizable, collapsible panes. In presenter mode the step's caption (phase, what happens
 * and why, the spec section) runs under the panes, the whole width, like subtitles.
 * The compare view takes the whole window below the top bar.
 */
export function App() {
  const loaded = useLab((s) => s.lab !== null);
  const theme = useLab((s) => s.theme);
  const compareOpen = useLab((s) => s.compareOpen);
  const consoleOpen = useLab((s) => s.consoleOpen);
  const presenter = useLab((s) => s.presenter);
  useEffect(() => connect(useLab), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useKeymap();
  usePopoversCloseOutside();
  return (
    <div className="app" data-app-state={loaded ? 'loaded' : 'loading'}>
      <TopBar />
      {compareOpen ? (
        <main className="full">
          <CompareView />
        </main>
      ) : (
        <Panes list={<StepList />} centre={consoleOpen ? <ConsolePanel /> : <SequenceDiagram />} inspector={<Inspector />} />
      )}
      {presenter && !compareOpen && <StepCaption />}
      <ShortcutSheet />
    </div>
  );
}
