import { useState } from 'react';
import type { FleetProfileName } from '../../../app/contract';
import { useLab } from '../../store';
import { compareProfiles } from '../../store/compare-actions';
import { sourceLabel } from '../topbar/FleetPicker';

/**
 * "Fleet profile A vs B on the same scenario" in one click: the scenario picked in the top bar (its options and seed)
 * runs under each profile, and the two runs are compared. The switches that differ between the two are listed.
 */
export function ProfileCompare() {
  const profiles = useLab((s) => s.fleetProfiles);
  const scenario = useLab((s) => s.scenario);
  const busy = useLab((s) => s.compareBusy);
  const [a, setA] = useState<FleetProfileName>('eua-first');
  const [b, setB] = useState<FleetProfileName>('current');
  if (profiles.length < 2) return null;
  const pa = profiles.find((p) => p.name === a);
  const pb = profiles.find((p) => p.name === b);
  const differing = pa && pb ? pa.switches.filter((s, i) => s.on !== pb.switches[i]?.on) : [];
  const pick = (label: string, value: FleetProfileName, set: (v: FleetProfileName) => void) => (
    <select aria-label={label} value={value} onChange={(e) => set(e.target.value as FleetProfileName)}>
      {profiles.map((p) => (
        <option key={p.name} value={p.name}>{p.name}</option>
      ))}
    </select>
  );
  return (
    <div className="profile-compare" role="group" aria-label="Compare Fleet profiles">
      <span className="muted">Fleet profiles:</span>
      <code>{scenario}</code>
      <span className="muted">under</span>
      {pick('Fleet profile A', a, setA)}
      <span className="muted" aria-hidden="true">vs</span>
      {pick('Fleet profile B', b, setB)}
      <button className="primary" disabled={busy || a === b} onClick={() => void compareProfiles(a, b)} title={a === b ? 'Pick two different profiles' : `Run ${scenario} under ${a}, then under ${b}, and compare the runs`}>
        Run both and compare
      </button>
      {differing.length > 0 && (
        <span className="muted small" data-testid="profile-switches-differ">
          {differing.length} switch{differing.length === 1 ? '' : 'es'} differ:{' '}
          {differing.map((s, i) => (
            <span key={s.id} title={`${s.title} (${pb?.switches.find((x) => x.id === s.id)?.on ? `on in ${b}` : `on in ${a}`})`}>
              {i > 0 && ', '}
              <a href={s.source} target="_blank" rel="noreferrer">{s.id}</a> <span className="muted">{sourceLabel(s.source)}</span>
            </span>
          ))}
        </span>
      )}
    </div>
  );
}
