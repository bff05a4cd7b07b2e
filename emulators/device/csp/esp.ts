/**
 * The Enrollment Status Page as the DMClient CSP's FirstSyncStatus nodes drive it
 * (https://learn.microsoft.com/en-us/windows/client-management/mdm/dmclient-csp, Provider/{ProviderID}/FirstSyncStatus):
 * - it shows once the server sets SkipDeviceStatusPage = false (Fleet's hold, mdm/management/esp.ts);
 * - it is released when ServerHasFinishedProvisioning is true at device scope and, unless SkipUserStatusPage is
 *   true, at user scope (the Account setup phase);
 * - it fails when TimeOutUntilSyncFailure minutes (default 60) have passed since it showed, on the lab clock: the
 *   failure screen shows CustomErrorText (Windows' default otherwise) and the BlockInStatusPage buttons
 *   (bit flags 1 Reset PC, 2 Try again, 4 Continue anyway) and Collect logs when AllowCollectLogsButton is true.
 * Kept in esp_tracking; evaluated after each server message the device ran (device/mdm/omadm.ts).
 */
import type { Db, Store } from '../../lab/store.js';
import type { CspTree } from './tree.js';

export type EspState = 'showing' | 'released' | 'failed';

export interface EspView {
  provider: string;
  state: EspState;
  started_at: string;
  ended_at: string | null;
  error_text: string | null;
  buttons: string | null;
  collect_logs: number;
}

/** Windows' own failure text when the server set no CustomErrorText (quoted in Fleet's handleESPHoldOrTransition comment). */
export const WINDOWS_DEFAULT_ESP_ERROR = 'We ran into a problem with one of the following setup steps';

/** DMClient CSP: TimeOutUntilSyncFailure's default, in minutes. */
const DEFAULT_TIMEOUT_MIN = 60;

const PROVIDERS = './Device/Vendor/MSFT/DMClient/Provider';

/** BlockInStatusPage's bit flags as the failure screen's buttons. */
export function espButtons(blockInStatusPage: string | null): string[] {
  const n = Number.parseInt(blockInStatusPage ?? '', 10);
  if (!Number.isFinite(n)) return [];
  return [
    ...(n & 1 ? ['Reset PC'] : []),
    ...(n & 2 ? ['Try again'] : []),
    ...(n & 4 ? ['Continue anyway'] : []),
  ];
}

function leaf(csp: CspTree, db: Db, path: string): string | null {
  const r = csp.get(db, path);
  return r.status === '200' ? (r.value ?? null) : null;
}

function rowOf(db: Db, provider: string): EspView | undefined {
  return db.prepare(`SELECT * FROM esp_tracking WHERE provider = ?`).get(provider) as EspView | undefined;
}

/** What would change now, without writing: the provider and its new row (null: nothing to do). */
export function espTransition(csp: CspTree, db: Db, nowMs: number): EspView | null {
  const nowIso = new Date(nowMs).toISOString();
  const root = csp.get(db, PROVIDERS);
  if (root.status !== '200' || !root.value) return null;
  for (const provider of root.value.split('/')) {
    const fss = `${PROVIDERS}/${provider}/FirstSyncStatus`;
    const row = rowOf(db, provider);
    if (!row) {
      if (leaf(csp, db, `${fss}/SkipDeviceStatusPage`) !== 'false') continue;
      return { provider, state: 'showing', started_at: nowIso, ended_at: null, error_text: null, buttons: null, collect_logs: 0 };
    }
    if (row.state !== 'showing') continue;
    const deviceDone = leaf(csp, db, `${fss}/ServerHasFinishedProvisioning`) === 'true';
    const userDone = leaf(csp, db, `${fss}/SkipUserStatusPage`) === 'true' || leaf(csp, db, `./User/Vendor/MSFT/DMClient/Provider/${provider}/FirstSyncStatus/ServerHasFinishedProvisioning`) === 'true';
    if (deviceDone && userDone) return { ...row, state: 'released', ended_at: nowIso };
    const minutes = Number.parseInt(leaf(csp, db, `${fss}/TimeOutUntilSyncFailure`) ?? '', 10);
    const timeoutMs = (Number.isFinite(minutes) ? minutes : DEFAULT_TIMEOUT_MIN) * 60_000;
    if (nowMs - Date.parse(row.started_at) >= timeoutMs) {
      return {
        ...row,
        state: 'failed',
        ended_at: nowIso,
        error_text: leaf(csp, db, `${fss}/CustomErrorText`) || WINDOWS_DEFAULT_ESP_ERROR,
        buttons: espButtons(leaf(csp, db, `${fss}/BlockInStatusPage`)).join(','),
        collect_logs: leaf(csp, db, `${fss}/AllowCollectLogsButton`) === 'true' ? 1 : 0,
      };
    }
  }
  return null;
}

export function applyEspTransition(db: Db, v: EspView): void {
  db.prepare(
    `INSERT INTO esp_tracking(provider, state, started_at, ended_at, error_text, buttons, collect_logs) VALUES (@provider, @state, @started_at, @ended_at, @error_text, @buttons, @collect_logs)
     ON CONFLICT(provider) DO UPDATE SET state = excluded.state, ended_at = excluded.ended_at, error_text = excluded.error_text, buttons = excluded.buttons, collect_logs = excluded.collect_logs`,
  ).run(v);
}

/** The device's ESP now (the newest provider's), or null when no ESP ever showed. */
export function espView(store: Store): EspView | null {
  return store.read((db) => (db.prepare(`SELECT * FROM esp_tracking ORDER BY started_at DESC LIMIT 1`).get() as EspView | undefined) ?? null);
}

/** A one-line title for the device.esp step. */
export function espTitle(v: EspView): string {
  switch (v.state) {
    case 'showing':
      return `Windows shows the Enrollment Status Page (${v.provider} holds the device)`;
    case 'released':
      return 'Enrollment Status Page released: setup continues to the desktop';
    case 'failed':
      return `Enrollment Status Page failed: "${v.error_text}"${v.buttons ? ` [${v.buttons.split(',').join(' | ')}]` : ''}`;
  }
}
