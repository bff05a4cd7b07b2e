import { FLEET_SWITCHES, type FleetSwitchId } from './switches.js';

/**
 * Fleet as a named version: which switches it has on. Chosen per run (`--fleet`, a run request, the UI); the default
 * is the newest. Profiles only add switches in time order: each later one has every switch of the one before.
 */
export interface FleetProfile {
  name: string;
  title: string;
  /** The Fleet change the profile stands for (public URL). */
  source: string;
  switches: readonly FleetSwitchId[];
}

const EUA_FIRST: readonly FleetSwitchId[] = [];
const EUA_LINK_FIX: readonly FleetSwitchId[] = [...EUA_FIRST, 'fleetd-install-one-command', 'eua-link-after-enroll'];
const CURRENT: readonly FleetSwitchId[] = FLEET_SWITCHES.map((s) => s.id);

export const FLEET_PROFILES: readonly FleetProfile[] = [
  { name: 'eua-first', title: 'The first EUA release (2026-04)', source: 'https://github.com/fleetdm/fleet/pull/43295', switches: EUA_FIRST },
  { name: 'eua-link-fix', title: 'After the device_mapping fix', source: 'https://github.com/fleetdm/fleet/issues/45066', switches: EUA_LINK_FIX },
  { name: 'current', title: 'Fleet today (shared link bookkeeping, serial link, 2026 migrations)', source: 'https://github.com/fleetdm/fleet/pull/52614', switches: CURRENT },
];

export type FleetProfileName = 'eua-first' | 'eua-link-fix' | 'current';

export const DEFAULT_FLEET_PROFILE: FleetProfileName = 'current';

export const FLEET_PROFILE_NAMES = FLEET_PROFILES.map((p) => p.name) as FleetProfileName[];

export function findFleetProfile(name: string): FleetProfile | undefined {
  return FLEET_PROFILES.find((p) => p.name === name);
}

/** Whether `profile` has `id` on; an unknown profile name is the default's. */
export function profileHas(profile: string, id: FleetSwitchId): boolean {
  return (findFleetProfile(profile) ?? findFleetProfile(DEFAULT_FLEET_PROFILE)!).switches.includes(id);
}

/** A usage error for `--fleet` / a run request: the name and the profiles there are. */
export class FleetProfileError extends Error {
  override name = 'FleetProfileError';
}

export function checkFleetProfile(name: string): FleetProfileName {
  if (!findFleetProfile(name)) throw new FleetProfileError(`--fleet ${name}: no such Fleet profile; profiles: ${FLEET_PROFILE_NAMES.join(', ')}`);
  return name as FleetProfileName;
}
