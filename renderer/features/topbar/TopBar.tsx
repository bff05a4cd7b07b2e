import { useLab } from '../../store';
import { api } from '../../api/client';
import { ScenarioPicker } from './ScenarioPicker';
import { Controls } from './Controls';
import { Breakpoints } from './Breakpoints';
import { Clock } from './Clock';
import { Progress } from './Progress';

export function TopBar() {
  const theme = useLab((s) => s.theme);
  const setTheme = useLab((s) => s.setTheme);
  const openSheet = useLab((s) => s.setSheetOpen);
  return (
    <header className="topbar">
      <div className="bar-row">
        <span className="brand">Enrollscope</span>
        <ScenarioPicker />
        <Controls />
        <Breakpoints />
        <Clock />
        <span className="spacer" />
        <a className="link-btn" href={api.exportUrl('json')} download>Export</a>
        <a className="link-btn" href={api.exportUrl('har')} download>HAR</a>
        <button className="icon" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button className="icon" onClick={() => openSheet(true)} aria-label="Keyboard shortcuts">?</button>
      </div>
      <Progress />
    </header>
  );
}
