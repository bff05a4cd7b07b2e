/**
 * What orbit reaches of the Windows it runs on: the registry value Fleet MDM delivers an enroll secret through, and
 * the MDM check-in it can trigger. The device hands this over (structurally; parties share no code).
 */
import type { Lab } from '../lab/lab.js';
import { ENROLL_SECRET_PATH, KEYSTORE_ENROLL_SECRET, type OrbitState } from './state.js';

export interface WindowsHost {
  /** HKLM\<key>\<name> as a string, or undefined. */
  registryValue(key: string, name: string): string | undefined;
  deleteRegistryValue(key: string, name: string): void;
  /** update.HasActiveFleetMDMEnrollment: Windows has an MDM enrollment with Fleet. */
  hasActiveMdmEnrollment(): boolean;
  /** update.TriggerWindowsMDMSync: Windows runs an MDM management session now. */
  syncMdm(): Promise<void>;
}

/** orbit/pkg/profiles (windows): enrollSecretKeyPath, enrollSecretValueName. */
export const DELIVERED_SECRET_KEY = 'SOFTWARE\\FleetDM\\Orbit';
export const DELIVERED_SECRET_VALUE = 'EnrollSecret';
/** constant.UnusedFlagKeyword: the installer seeds unset properties with it; it means nothing is waiting. */
const UNUSED_FLAG_KEYWORD = 'dummy';
/** mdmSyncInterval: a refused enroll asks for an MDM check-in at most this often (throttledMDMSync). */
export const MDM_SYNC_INTERVAL_MS = 5 * 60_000;

/**
 * mdmEnrollSecretRefresher, orbit's pre-enroll hook: a secret waiting in the registry (GetEnrollSecret: trimmed, not
 * empty or "dummy") goes into the keystore, the installer's secret.txt is retired, and the registry value is cleared
 * so that its presence keeps meaning "a secret is waiting". Returns the secret, or undefined when none waits.
 */
export async function adoptDeliveredSecret(lab: Lab, state: OrbitState, w: WindowsHost): Promise<string | undefined> {
  const waiting = w.registryValue(DELIVERED_SECRET_KEY, DELIVERED_SECRET_VALUE)?.trim();
  if (!waiting || waiting === UNUSED_FLAG_KEYWORD) return undefined;
  await lab.local(
    {
      party: 'orbit',
      catalogId: 'orbit.adopt-delivered-secret',
      title: `orbit adopts the enroll secret Fleet MDM delivered (HKLM\\${DELIVERED_SECRET_KEY}\\${DELIVERED_SECRET_VALUE})`,
      detail: { registry: `HKLM\\${DELIVERED_SECRET_KEY}\\${DELIVERED_SECRET_VALUE}`, keystore: KEYSTORE_ENROLL_SECRET },
    },
    () => {
      state.setKeystore(KEYSTORE_ENROLL_SECRET, waiting);
      state.deleteFile(ENROLL_SECRET_PATH);
      state.put({ enroll_secret: waiting });
      w.deleteRegistryValue(DELIVERED_SECRET_KEY, DELIVERED_SECRET_VALUE);
    },
  );
  return waiting;
}

/**
 * throttledMDMSync for one enroll wait (newMDMSync): the first refused enroll asks Windows for a check-in at once,
 * later ones only when 5 min have passed, and only while Windows is enrolled with Fleet.
 */
export function throttledMdmSync(lab: Lab, w: WindowsHost): () => Promise<void> {
  let last: number | null = null;
  return async () => {
    const now = lab.clock.now();
    if (!w.hasActiveMdmEnrollment() || (last !== null && now - last < MDM_SYNC_INTERVAL_MS)) return;
    last = now;
    await lab.local({ party: 'orbit', to: 'device', catalogId: 'orbit.mdm-sync', title: 'orbit\'s enroll was refused: it asks Windows for an MDM check-in (TriggerWindowsMDMSync)' }, () => undefined);
    await w.syncMdm();
  };
}
