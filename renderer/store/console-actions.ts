import type { MdmSettingsView } from '../../app/contract';
import { api, ApiCallError } from '../api/client';
import { useLab } from './index';
import type { ConsoleSection } from './console';

/** The trainer's console: every call reports its refusal (409 a run is busy / no device, 400 bad input) inline. */
async function inSection<T>(section: ConsoleSection, fn: () => Promise<T>, note?: (r: T) => string): Promise<T | undefined> {
  const s = useLab.getState();
  s.setConsoleBusy(section);
  try {
    const r = await fn();
    useLab.getState().setConsoleResult(section, note ? { note: note(r) } : {});
    return r;
  } catch (e) {
    const msg = e instanceof ApiCallError ? `${e.status === 409 ? 'Not now' : e.status === 400 ? 'Refused' : `Error ${e.status}`} (${e.status}): ${e.reason}` : (e as Error).message;
    useLab.getState().setConsoleResult(section, { error: msg });
    return undefined;
  } finally {
    useLab.getState().setConsoleBusy(null);
  }
}

export async function queueCommand(raw: string): Promise<void> {
  const q = await inSection('command', () => api.queueCommand(raw), (q) => `Queued ${q.targetLocUri} (CmdID ${q.commandUuid}) for device ${q.deviceId}. Sync the device to send it.`);
  if (q) useLab.getState().addQueued(q);
}

export async function syncDevice(): Promise<void> {
  const before = useLab.getState().steps.length;
  useLab.getState().setFollow(true);
  await inSection('sync', () => api.syncDevice(), () => `The device ran a management session (from step ${before + 1}).`);
}

export async function createScimUser(userName: string, emails: string[]): Promise<boolean> {
  return (await inSection('scim', () => api.createScimUser(userName, emails), () => `SCIM user ${userName} provisioned.`)) !== undefined;
}

export async function loadMdmSettings(): Promise<void> {
  const r = await inSection('settings', () => api.mdmSettings());
  if (r) useLab.getState().setMdmSettings(r);
}

/**
 * Flip a server setting now; it holds for later runs too. The EUA switch is also what the Autopilot scenarios'
 * `eua` option sets on the server, so the option follows it: the next Run uses the server as the user left it.
 */
export async function updateMdmSetting(patch: Partial<MdmSettingsView>): Promise<void> {
  const was = useLab.getState().settings;
  if (was) useLab.getState().setMdmSettings({ ...was, ...patch }); // the switch moves at once; a refusal puts it back
  const r = await inSection('settings', () => api.updateMdmSettings(patch), () => 'Saved: holds for this run and the next ones.');
  const s = useLab.getState();
  if (!r) {
    s.setMdmSettings(was);
    return;
  }
  s.setMdmSettings(r);
  const info = s.scenarios.find((x) => x.name === s.scenario);
  if (patch.euaTokenEnabled !== undefined && info?.options.some((o) => o.name === 'eua')) s.setOption('eua', patch.euaTokenEnabled);
}

/** What waits for the user at Entra (an outside client's device code, an MFA push): the lab is the user's phone. */
export async function loadPending(): Promise<void> {
  // A refresh, not a user action: it must not clear the note of the answer the user just gave (each answer is a
  // step, and every new step triggers a refresh).
  try {
    useLab.getState().setPending(await api.entraPending());
  } catch (e) {
    useLab.getState().setConsoleResult('signin', { error: e instanceof ApiCallError ? `Error ${e.status}: ${e.reason}` : (e as Error).message });
  }
}

export async function answerMfa(id: string, approve: boolean): Promise<void> {
  const r = await inSection('signin', () => api.answerMfa(id, approve), () => (approve ? 'Approved on the phone.' : 'Denied on the phone.'));
  if (r) useLab.getState().setPending(r);
}

export async function answerDeviceCode(userCode: string, answer: { upn: string } | { deny: true }): Promise<void> {
  const r = await inSection('signin', () => api.answerDeviceCode(userCode, answer), () =>
    'upn' in answer ? `${answer.upn} entered ${userCode} and signed in.` : `Code ${userCode} declined.`,
  );
  if (r) useLab.getState().setPending(r);
}
