import { useLab } from '../../store';
import { api } from '../../api/client';
import { ScenarioPicker } from './ScenarioPicker';
import { FleetPicker } from './FleetPicker';
import { Controls } from './Controls';
import { Breakpoints } from './Breakpoints';
import { Clock } from './Clock';
import { Progress } from './Progress';
import { openBundleFile } from '../../store/actions';
import { openCompare } from '../../store/compare-actions';
import { ReportMenu } from '../report/ReportMenu';
import { PresenterToggle } from '../presenter/PresenterToggle';
import { PanesMenu } from '../layout/Panes';

export function TopBar() {
  const theme = useLab((s) => s.theme);
  const setTheme = useLab((s) => s.setTheme);
  const openSheet = useLab((s) => s.setSheetOpen);
  const compareOpen = useLab((s) => s.compareOpen);
  const setCompareOpen = useLab((s) => s.setCompareOpen);
  const consoleOpen = useLab((s) => s.consoleOpen);
  const setConsoleOpen = useLab((s) => s.setConsoleOpen);
  return (
    <header className="topbar">
      <div className="bar-row">
        <span className="brand">Enrollscope</span>
        <ScenarioPicker />
        <FleetPicker />
        <Controls />
        <Breakpoints />
        <Clock />
        <span className="spacer" />
        <button aria-pressed={compareOpen} onClick={() => (compareOpen ? setCompareOpen(false) : void openCompare())} title="Compare two runs step by step">Compare</button>
        <button aria-pressed={consoleOpen} onClick={() => { setConsoleOpen(!consoleOpen); setCompareOpen(false); }} title="Trainer console: queue SyncML commands, sync the device, SCIM users, MDM settings">Console</button>
        <ReportMenu />
        <PresenterToggle />
        <PanesMenu />
        <details className="file-menu" data-popover>
          <summary>Run file</summary>
          <div className="popover menu" role="group" aria-label="Run file">
            <label className="link-btn file-btn" title="Open a saved run (a bundle .json from Export or enrollscope run --bundle)">
              Open a saved run…
              <input
                type="file"
                accept=".json,application/json"
                aria-label="Open a saved run"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = '';
                  (e.target.closest('details') as HTMLDetailsElement | null)?.removeAttribute('open');
                  if (f) void openBundleFile(f);
                }}
              />
            </label>
            <a className="link-btn" href={api.exportUrl('json')} download title="Every step, token, DB change and snapshot, to open again or compare">Export the run (bundle .json)</a>
            <a className="link-btn" href={api.exportUrl('json', { withoutKeys: true })} download title="The same bundle with the lab servers' private keys blanked in its DB snapshots: the DB tab still works (SECURITY.md)">Export without the lab keys</a>
            <a className="link-btn" href={api.exportUrl('har')} download title="The HTTP legs as HAR 1.2, for browser dev tools">Export HTTP as HAR</a>
          </div>
        </details>
        <button className="icon" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button className="icon" onClick={() => openSheet(true)} aria-label="Keyboard shortcuts">?</button>
      </div>
      <Progress />
    </header>
  );
}
