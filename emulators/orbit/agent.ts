/**
 * Orbit after its first run: the config poll every 30 s, the re-enroll when Fleet keeps rejecting the node key, and
 * the self-update. What a running fleetd service does over time, on the lab clock.
 */
import type { Lab } from '../lab/lab.js';
import { MDM_PATHS } from '../protocols/paths/mdm.js';
import { startOrbit, type OrbitOptions, type OrbitResult } from './index.js';
import { NODE_KEY_PATH, adoptEnrollSecret, orbitState } from './state.js';
import { capabilitiesFor } from './version.js';

/** defaultOrbitConfigReceiverInterval: the config receivers run every 30 s (orbit/pkg/... OrbitClient). */
export const CONFIG_INTERVAL_MS = 30_000;
/** unauthenticatedReenrollGracePeriod: 401s must persist this long before orbit re-enrolls (OrbitClient). */
export const REENROLL_GRACE_MS = 45_000;

/** The machine a running orbit is on: the identity fields of its start options (index.ts OrbitOptions). */
export type OrbitMachine = Pick<OrbitOptions, 'lab' | 'hardwareUuid' | 'serial' | 'hostname' | 'hardwareModel' | 'ssoUser' | 'maxWaitMs' | 'windows'>;

export interface PollResult {
  /** HTTP status of each config poll, in order. */
  statuses: number[];
  /** The re-enrollment orbit ran after its node key was rejected for 45 s, if it came to that. */
  reenroll: OrbitResult | null;
}

/**
 * `polls` rounds of ExecuteConfigReceivers: POST /api/fleet/orbit/config with the key from secret-orbit-node-key.txt.
 * A 401 that is not END_USER_AUTH_REQUIRED is ErrUnauthenticated: orbit keeps its key until 401s have lasted 45 s
 * (noteUnauthenticated), then arms forceReenroll, and the next request enrolls again with the secret from its
 * keystore and the EUA token it was started with (SetEUAToken is never cleared), overwriting the key file.
 */
export async function pollOrbitConfig(m: OrbitMachine, polls: number): Promise<PollResult> {
  const { lab } = m;
  const state = orbitState(lab);
  const out: PollResult = { statuses: [], reenroll: null };
  let unauthenticatedSince: number | null = null;
  let forceReenroll = false;
  for (let i = 0; i < polls; i++) {
    if (i > 0) lab.clock.advance(CONFIG_INTERVAL_MS);
    const version = state.get('version') ?? '1.55.0';
    const base = (state.get('fleet_url') ?? '').replace(/\/+$/, '');
    if (forceReenroll) {
      const secret = adoptEnrollSecret(state) ?? state.get('enroll_secret') ?? '';
      const eua = state.get('eua_token');
      out.reenroll = await startOrbit({
        lab, fleetUrl: base, enrollSecret: secret, version, hardwareUuid: m.hardwareUuid, serial: m.serial, hostname: m.hostname,
        reenroll: true, ...(eua ? { euaToken: eua } : {}), ...(m.hardwareModel && { hardwareModel: m.hardwareModel }),
        ...(m.ssoUser !== undefined && { ssoUser: m.ssoUser }), ...(m.maxWaitMs !== undefined && { maxWaitMs: m.maxWaitMs }),
        ...(m.windows && { windows: m.windows }),
      });
      return out;
    }
    const nodeKey = state.readFile(NODE_KEY_PATH)?.trim() ?? '';
    const res = await lab.send({
      from: 'orbit',
      to: 'mdm',
      title: `orbit config${unauthenticatedSince !== null ? ' (node key rejected before)' : ''}`,
      catalogId: 'orbit.config',
      request: {
        method: 'POST',
        url: `${base}${MDM_PATHS.orbitConfig}`,
        headers: { 'content-type': 'application/json', 'x-fleet-capabilities': capabilitiesFor(version).join(',') },
        body: JSON.stringify({ orbit_node_key: nodeKey, orbit_info: { version } }),
      },
    });
    out.statuses.push(res.status);
    if (res.status === 200) {
      unauthenticatedSince = null;
      continue;
    }
    if (res.status === 401 && !res.text().includes('END_USER_AUTH_REQUIRED')) {
      const now = lab.clock.now();
      unauthenticatedSince ??= now;
      if (now - unauthenticatedSince >= REENROLL_GRACE_MS) forceReenroll = true;
    }
  }
  return out;
}

/**
 * The update runner found a newer orbit on its channel (TUF): it replaces the executable and exits; the service
 * starts the new version with the same arguments and environment (so EUA_TOKEN / --eua-token stay what the MSI
 * wrote). A key file on disk means the new orbit does not enroll again.
 */
export async function updateOrbit(lab: Lab, toVersion: string): Promise<{ from: string; to: string }> {
  const state = orbitState(lab);
  const from = state.get('version') ?? '';
  await lab.local(
    { party: 'orbit', catalogId: 'orbit.update', title: `orbit updates itself: ${from} → ${toVersion} (TUF), the service restarts it`, detail: { from, to: toVersion, keepsNodeKey: !!state.readFile(NODE_KEY_PATH) } },
    () => state.put({ version: toVersion }),
  );
  return { from, to: toVersion };
}
