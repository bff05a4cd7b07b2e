import { FLEET_PROFILES } from '../../emulators/mdm/profiles/profiles.js';
import { FLEET_SWITCHES } from '../../emulators/mdm/profiles/switches.js';
import type { FleetProfileInfo } from '../contract.js';

/** Every Fleet profile with every switch marked on or off: what `list --fleet` prints and the UI's Fleet menu shows. */
export function fleetProfileInfos(): FleetProfileInfo[] {
  return FLEET_PROFILES.map((p) => ({
    name: p.name as FleetProfileInfo['name'],
    title: p.title,
    source: p.source,
    switches: FLEET_SWITCHES.map((s) => ({ id: s.id, title: s.title, source: s.source, detail: s.detail, on: p.switches.includes(s.id) })),
  }));
}

/** `list --fleet` as text: the profiles, then one line per switch with a mark under each profile that has it. */
export function formatFleetProfiles(infos: FleetProfileInfo[]): string {
  const lines: string[] = [];
  const w = Math.max(...infos.map((p) => p.name.length));
  for (const p of infos) lines.push(`${p.name.padEnd(w)}  ${p.title}  ${p.source}`);
  lines.push('');
  const cols = infos.map((p) => p.name);
  const sw = Math.max(6, ...infos[0]!.switches.map((s) => s.id.length));
  lines.push(`${'switch'.padEnd(sw)}  ${cols.join('  ')}  source`);
  for (const [i, s] of infos[0]!.switches.entries()) {
    const marks = infos.map((p) => (p.switches[i]!.on ? 'on' : '-').padEnd(p.name.length)).join('  ');
    lines.push(`${s.id.padEnd(sw)}  ${marks}  ${s.source}`);
    lines.push(`${' '.repeat(sw)}  ${s.title}`);
  }
  return lines.join('\n');
}
