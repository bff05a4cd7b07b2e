import type { MdmSettingsPatch } from '../../app/contract';
import { api, ApiCallError, type ApiClient } from '../api/client';
import { useLab } from './index';
import type { LabStoreApi } from './types';
import type { ConsoleSection } from './console';

/**
 * The trainer's console, on `store` through `client`: every call reports its refusal (409 not now: a run is busy,
 * no device, a saved run is open; 400 bad input) inline, beside its form.
 */
export function createConsoleActions(store: LabStoreApi, client: ApiClient = api) {
  async function inSection<T>(section: ConsoleSection, fn: () => Promise<T>, note?: (r: T) => string): Promise<T | undefined> {
    const s = store.getState();
    s.setConsoleBusy(section);
    try {
      const r = await fn();
      store.getState().setConsoleResult(section, note ? { note: note(r) } : {});
      return r;
    } catch (e) {
      const msg = e instanceof ApiCallError ? `${e.status === 409 ? 'Not now' : e.status === 400 ? 'Refused' : `Error ${e.status}`} (${e.status}): ${e.reason}` : (e as Error).message;
      store.getState().setConsoleResult(section, { error: msg });
      return undefined;
    } finally {
      store.getState().setConsoleBusy(null);
    }
  }

  async function queueCommand(raw: string): Promise<void> {
    const q = await inSection('command', () => client.queueCommand(raw), (q) => `Queued ${q.targetLocUri} (CmdID ${q.commandUuid}) for device ${q.deviceId}. Sync the device to send it.`);
    if (q) store.getState().addQueued(q);
  }

  async function syncDevice(): Promise<void> {
    const before = store.getState().steps.length;
    store.getState().setFollow(true);
    await inSection('sync', () => client.syncDevice(), () => `The device ran a management session (from step ${before + 1}).`);
  }

  async function createScimUser(userName: string, emails: string[]): Promise<boolean> {
    return (await inSection('scim', () => client.createScimUser(userName, emails), () => `SCIM user ${userName} provisioned.`)) !== undefined;
  }

  async function loadMdmSettings(): Promise<void> {
    const r = await inSection('settings', () => client.mdmSettings());
    if (r) store.getState().setMdmSettings(r);
  }

  /**
   * Flip a server setting now; it holds for later runs too. The EUA switch is also what the Autopilot scenarios'
   * `eua` option sets on the server, so the option follows it: the next Run uses the server as the user left it.
   */
  async function updateMdmSetting(patch: MdmSettingsPatch): Promise<void> {
    const was = store.getState().settings;
    if (was) store.getState().setMdmSettings({ ...was, ...patch }); // the switch moves at once; a refusal puts it back
    const r = await inSection('settings', () => client.updateMdmSettings(patch), () => 'Saved: holds for this run and the next ones.');
    const s = store.getState();
    if (!r) {
      s.setMdmSettings(was);
      return;
    }
    s.setMdmSettings(r);
    const info = s.scenarios.find((x) => x.name === s.scenario);
    if (patch.euaTokenEnabled !== undefined && info?.options.some((o) => o.name === 'eua')) s.setOption('eua', patch.euaTokenEnabled);
  }

  /** What waits for the user at Entra (an outside client's device code, an MFA push): the lab is the user's phone. */
  async function loadPending(): Promise<void> {
    // A refresh, not a user action: it must not clear the note of the answer the user just gave (each answer is a
    // step, and every new step triggers a refresh).
    try {
      store.getState().setPending(await client.entraPending());
    } catch (e) {
      store.getState().setConsoleResult('signin', { error: e instanceof ApiCallError ? `Error ${e.status}: ${e.reason}` : (e as Error).message });
    }
  }

  async function answerMfa(id: string, approve: boolean): Promise<void> {
    const r = await inSection('signin', () => client.answerMfa(id, approve), () => (approve ? 'Approved on the phone.' : 'Denied on the phone.'));
    if (r) store.getState().setPending(r);
  }

  async function answerDeviceCode(userCode: string, answer: { upn: string } | { deny: true }): Promise<void> {
    const r = await inSection('signin', () => client.answerDeviceCode(userCode, answer), () =>
      'upn' in answer ? `${answer.upn} entered ${userCode} and signed in.` : `Code ${userCode} declined.`,
    );
    if (r) store.getState().setPending(r);
  }

  return { queueCommand, syncDevice, createScimUser, loadMdmSettings, updateMdmSetting, loadPending, answerMfa, answerDeviceCode };
}

export type ConsoleActions = ReturnType<typeof createConsoleActions>;

/** The app's console actions, on its one store. */
export const consoleActions: ConsoleActions = createConsoleActions(useLab);
export const { queueCommand, syncDevice, createScimUser, loadMdmSettings, updateMdmSetting, loadPending, answerMfa, answerDeviceCode } = consoleActions;
