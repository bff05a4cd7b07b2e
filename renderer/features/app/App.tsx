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

/** Top-bar popovers (<details data-popover>) behave like menus: a click outside one, or opening another, closes it. */
function usePopoversCloseOutside(): void {
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      for (const d of document.querySelectorAll<HTMLDetailsElement>('details[data-popover][open]')) {
        if (!d.contains(e.target as Node)) d.open = false;
      }
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
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
