import type { FleetProfileInfo, FleetProfileName } from '../../../app/contract';
import { useLab } from '../../store';

/** The profile the picker shows: the one chosen for the next Run, else the live run's, else the newest. */
export function shownFleet(chosen: FleetProfileName | null, live: FleetProfileName | null | undefined): FleetProfileName {
  return chosen ?? live ?? 'current';
}

/** The switches of a profile, on and off, each with its Fleet source: what this Fleet does differently. */
export function FleetSwitches({ profile }: { profile: FleetProfileInfo }) {
  return (
    <ul className="fleet-switches" aria-label={`Behaviour switches of ${profile.name}`}>
      {profile.switches.map((s) => (
        <li key={s.id} className={s.on ? 'on' : 'off'} data-switch={s.id} title={s.detail}>
          <span className="sw-mark" aria-label={s.on ? 'on' : 'off'}>{s.on ? '●' : '○'}</span>
          <span className="sw-title">{s.title}</span>
          <a className="sw-source" href={s.source} target="_blank" rel="noreferrer">{sourceLabel(s.source)}</a>
        </li>
      ))}
    </ul>
  );
}

/** `…/pull/43295` → `#43295`; a migrations folder → `migration`. */
export function sourceLabel(url: string): string {
  const m = /\/(?:pull|issues)\/(\d+)/.exec(url);
  return m ? `#${m[1]}` : 'migration';
}

/**
 * Which Fleet the MDM server behaves as on the next Run (the CLI's `--fleet`): a select beside the scenario, and a
 * popover listing the chosen profile's switches with their PRs.
 */
export function FleetPicker() {
  const profiles = useLab((s) => s.fleetProfiles);
  const chosen = useLab((s) => s.fleet);
  const live = useLab((s) => (s.lab?.source === 'live' ? s.lab.fleet : null));
  const setFleet = useLab((s) => s.setFleet);
  if (profiles.length === 0) return null;
  const value = shownFleet(chosen, live);
  const profile = profiles.find((p) => p.name === value) ?? profiles[profiles.length - 1]!;
  return (
    <div className="fleet-picker">
      <label className="fleet-label" title="The Fleet version the MDM server behaves as on the next Run (enrollscope run --fleet)">
        <span className="muted small">Fleet</span>
        <select aria-label="Fleet profile" value={value} onChange={(e) => setFleet(e.target.value as FleetProfileName)}>
          {profiles.map((p) => (
            <option key={p.name} value={p.name}>{p.name}</option>
          ))}
        </select>
      </label>
      <details className="fleet-info" data-popover>
        <summary aria-label="What this Fleet profile does" title="What this Fleet profile does: its behaviour switches">i</summary>
        <div className="popover fleet-popover" role="group" aria-label="Fleet profile switches">
          <p className="fleet-head">
            <strong>{profile.name}</strong> · {profile.title} · <a href={profile.source} target="_blank" rel="noreferrer">{sourceLabel(profile.source)}</a>
          </p>
          {live && chosen && chosen !== live && <p className="muted small">The run on screen is {live}; the next Run uses {chosen}.</p>}
          <FleetSwitches profile={profile} />
        </div>
      </details>
    </div>
  );
}
